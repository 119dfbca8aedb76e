package dev.kinora.app;

import static dev.kinora.app.FxTestSupport.onFx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.project.ProjectSession;
import dev.kinora.project.RecentProjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Projects people can find: where Save puts them, what reopens, what Open Recent lists, no untitled litter. */
class ProjectPlacesTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void fx() throws Exception {
        FxTestSupport.startFx();
    }

    /** A studio as it starts, once its project is ready (a new one is written in the background). */
    private StudioModel start(Path ud) throws Exception {
        StudioModel[] m = new StudioModel[1];
        java.util.concurrent.CompletableFuture<Void> ready = onFx(() -> {
            StudioPrefs prefs = new StudioPrefs(ud);
            try {
                m[0] = new StudioModel(FxTestSupport.tinyEngine(ud.resolve("engine")), new UiTaskExecutor(), prefs, ud);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            return StudioApp.openInitial(m[0], StudioOptions.defaults(), prefs);
        });
        ready.get(30, java.util.concurrent.TimeUnit.SECONDS);
        return m[0];
    }

    private static void type(StudioModel m, String text) throws Exception {
        onFx(() -> {
            var p = new dev.kinora.app.prompt.PromptViewModel(m);
            p.promptProperty().set(text);
            p.commitPrompt();
        });
    }

    @Test
    void projectsGoToTheVideosFolderTheDesktopNames() throws Exception {
        Path home = tmp.resolve("home");
        Map<String, String> env = Map.of();
        assertEquals(home.resolve("Videos/Kinora"), ProjectFolders.defaultDir(home, env), "no user-dirs.dirs: ~/Videos");
        Path dirs = home.resolve(".config/user-dirs.dirs");
        Files.createDirectories(dirs.getParent());
        Files.writeString(dirs, "# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/Desktop\"\nXDG_VIDEOS_DIR=\"$HOME/Vidéos\"\n");
        assertEquals(home.resolve("Vidéos/Kinora"), ProjectFolders.defaultDir(home, env));
        Files.writeString(dirs, "XDG_VIDEOS_DIR=\"/srv/film\"\n");
        assertEquals(Path.of("/srv/film/Kinora"), ProjectFolders.defaultDir(home, env));
        Files.writeString(dirs, "XDG_VIDEOS_DIR=\"$HOME/\"\n");
        assertEquals(home.resolve("Videos/Kinora"), ProjectFolders.defaultDir(home, env), "\"$HOME/\" means none: not home itself");
        Path cfg = tmp.resolve("cfg");
        Files.createDirectories(cfg);
        Files.writeString(cfg.resolve("user-dirs.dirs"), "XDG_VIDEOS_DIR=\"$HOME/Clips\"\n");
        assertEquals(home.resolve("Clips/Kinora"), ProjectFolders.defaultDir(home, Map.of("XDG_CONFIG_HOME", cfg.toString())));
    }

    @Test
    void everyStartReusesOneUntitledFolderAndSweepsTheEmptyOnesOlderBuildsLeft() throws Exception {
        Path ud = tmp.resolve("ud");
        // What older builds left: one untitled folder per start, one of them with a prompt typed and saved.
        Path empty = ud.resolve("untitled/Untitled-20260101-101010.kinora");
        ProjectSession.create(empty, "Untitled", Clock.systemUTC(), new RecentProjects(tmp.resolve("r.json"), Clock.systemUTC())).close();
        Path typed = ud.resolve("untitled/Untitled-20260101-111111.kinora");
        try (ProjectSession s = ProjectSession.create(typed, "Untitled", Clock.systemUTC(), new RecentProjects(tmp.resolve("r.json"), Clock.systemUTC()))) {
            s.stack().reset(s.project().withShots(List.of(dev.kinora.project.Shot.create("a kept idea", s.project().settings()))), false);
            s.save();
        }
        for (int i = 0; i < 3; i++) {
            StudioModel m = start(ud);
            assertTrue(m.isUntitled());
            assertEquals(ud.resolve("untitled/Untitled.kinora").toAbsolutePath(), m.session().store().dir());
            onFx(m::close);
        }
        try (var l = Files.list(ud.resolve("untitled"))) {
            assertEquals(List.of("Untitled-20260101-111111.kinora", "Untitled.kinora"),
                    l.map(p -> p.getFileName().toString()).sorted().toList(), "no litter; work typed in an old one is kept");
        }
    }

    @Test
    void savingAnUntitledProjectMovesItOutOfScratchAndItReopensAndIsRecent() throws Exception {
        Path ud = tmp.resolve("ud");
        StudioModel m = start(ud);
        Path scratch = m.session().store().dir();
        onFx(() -> {
            var p = new dev.kinora.app.prompt.PromptViewModel(m);
            p.promptProperty().set("a red ball");
            p.generate();
        });
        Path target = tmp.resolve("Videos/Kinora/Ball");
        onFx(() -> m.saveAs(target, FxTestSupport.FX_ERRORS::add));
        assertTrue(onFx(m::finishSaves), "the first save landed: " + FxTestSupport.FX_ERRORS);
        Path saved = tmp.resolve("Videos/Kinora/Ball.kinora").toAbsolutePath();
        assertEquals(saved, m.session().store().dir());
        assertFalse(m.isUntitled());
        assertFalse(Files.exists(scratch), "the scratch folder went with the first save");
        assertEquals(1, m.session().queue().jobs().size(), "the first save takes the render queue along");
        assertEquals(List.of(saved), m.recentProjects().stream().map(RecentProjects.Entry::dir).toList());
        onFx(m::close); // a clean close

        StudioModel next = start(ud);
        assertEquals(saved, next.session().store().dir(), "the last project reopens, not a new empty one");
        assertEquals("a red ball", next.doc().shots().get(0).prompt());
        // the moved queue's job runs again on reopen and may land its take at once: only that may dirty it
        assertFalse(next.dirtyProperty().get() && next.doc().shots().get(0).takes().isEmpty(), "reopened clean");
        assertEquals(List.of(saved), next.recentProjects().stream().map(RecentProjects.Entry::dir).toList(),
                "Open Recent lists it; the untitled folder never shows there");
        onFx(() -> next.newUntitled()).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(next.isUntitled());
        assertEquals(List.of(saved), next.recentProjects().stream().map(RecentProjects.Entry::dir).toList());
        onFx(next::close);
    }

    @Test
    void newOnTheUntitledProjectEmptiesItAndAnotherWindowGetsItsOwnSlot() throws Exception {
        Path ud = tmp.resolve("ud");
        StudioModel m = start(ud);
        type(m, "discarded");
        onFx(() -> m.session().stack().markSaved(m.session().project())); // "Don't Save"
        onFx(() -> m.newUntitled()).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(ud.resolve("untitled/Untitled.kinora").toAbsolutePath(), m.session().store().dir());
        assertEquals("", m.doc().shots().get(0).prompt());
        StudioModel other = start(tmp.resolve("ud")); // a second window while the first holds the slot
        assertEquals(ud.resolve("untitled/Untitled-2.kinora").toAbsolutePath(), other.session().store().dir());
        assertFalse(other.readOnlyProperty().get());
        onFx(other::close);
        onFx(m::close);
        assertTrue(new ScratchProjects(ud).isScratch(ud.resolve("untitled/Untitled-2.kinora")));
        assertFalse(new ScratchProjects(ud).isScratch(tmp.resolve("Videos/Untitled.kinora")));
    }
}
