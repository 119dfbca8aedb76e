package dev.kinora.app;

import dev.kinora.app.engine.PackInfo;
import dev.kinora.app.engine.StudioEngine;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Direction;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.Source;
import dev.kinora.engine.pack.Mode;
import dev.kinora.media.FilmStrip;
import dev.kinora.project.Project;
import dev.kinora.project.ProjectSession;
import dev.kinora.project.ProjectSettings;
import dev.kinora.project.ProjectStore;
import dev.kinora.project.Shot;
import dev.kinora.project.Take;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javafx.application.Platform;

/**
 * A small storyboard whose takes are generated on the spot by the engine with the installed pack
 * (Tiny World when present): what `kinora studio --demo` and the README screenshots show. Nothing of
 * it is generated or written on the FX thread.
 */
public final class DemoProject {
    static final String[] PROMPTS = {
        "a red ball bounces across a sunny meadow, camera tracking left to right",
        "the ball rolls into a dark cave, warm torch light flickers",
        "a blue cube slides down a snowy hill at dusk",
        "a small yellow star spins slowly above calm water at night",
    };

    private DemoProject() {
    }

    /**
     * The pack's own example prompts when it lists any (its first four, in its order: the second continues the first),
     * else the general ones above, which ask for more than a small pack's captions know.
     */
    static List<String> prompts(PackInfo pack) {
        List<String> own = pack.examples();
        return own.isEmpty() ? List.of(PROMPTS) : own.subList(0, Math.min(PROMPTS.length, own.size()));
    }

    /**
     * Shows the demo storyboard at once and makes it in the background: the project's first save (on
     * its save thread) replaces an old demo folder and writes the new one; the takes are generated and
     * written after it on that thread, so a Save asked for meanwhile waits for them; then it is saved
     * again. Call on the FX thread; the future completes there once all of it is on disk, or fails with why not.
     */
    public static CompletableFuture<Void> create(StudioModel studio, Path dir) throws IOException {
        StudioEngine engine = studio.engine();
        var pack = studio.pack(dev.kinora.engine.pack.PackRegistry.DEFAULT_PACK)
                .orElseThrow(() -> new IllegalStateException("the demo needs an installed model pack; none was found"));
        ProjectSettings ps = new ProjectSettings(pack.id(), pack.width(), pack.height(), pack.fps());
        List<Shot> shots = new ArrayList<>();
        List<String> prompts = prompts(pack);
        for (int i = 0; i < prompts.size(); i++) {
            Shot s = Shot.create(prompts.get(i), ps).withDuration(pack.frames() / pack.fps()).withContinueFromPrevious(i == 1);
            // a negative prompt only with the general prompts: a pack's examples are what it follows as they stand
            shots.add(i == 0 && pack.examples().isEmpty() ? s.withNegativePrompt("blurry, flicker") : s);
        }
        CompletableFuture<Path> created = studio.create(dir, Project.empty("Demo").withSettings(ps).withShots(shots),
                () -> deleteOldDemo(dir), e -> { });
        ProjectSession session = studio.session();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        created.thenCompose(d -> session.inSaveOrder(() -> {
                    generateTakes(engine, pack.id(), pack.frames(), session, shots);
                    session.stack().reset(session.project(), false); // the demo starts with a clean history; the save below cleans it
                    return d;
                }))
                .thenCompose(d -> session.saveInBackground())
                .whenComplete((d, e) -> Platform.runLater(() -> {
                    if (e == null) {
                        studio.refresh(); // clean now
                        ready.complete(null);
                        return;
                    }
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (!created.isCompletedExceptionally()) { // else the studio said why already
                        studio.statusProperty().set("The demo could not be made: " + cause.getMessage());
                    }
                    ready.completeExceptionally(cause);
                }));
        return ready;
    }

    private static void generateTakes(StudioEngine engine, String packId, int frames, ProjectSession session,
                                      List<Shot> shots) throws Exception {
        Frames previous = null;
        String previousMedia = "";
        for (int i = 0; i < shots.size(); i++) {
            Shot s = shots.get(i);
            GenerationRequest r = GenerationRequest.textToVideo(packId, s.prompt(), 1000 + i * 7L).withFrames(frames);
            boolean continues = s.continueFromPrevious() && previous != null;
            if (continues) {
                // named by the take's media, as the render service names it: the storyboard then sees that this shot
                // continues the previous shot's active take, and does not mark it stale
                r = r.withMode(Mode.EXTEND, List.of(new Source(previous, previousMedia, "")));
            }
            if (i == 0) {
                // A second take for the A/B comparison; the later one stays active.
                GenerationResult alt = engine.generate(r.withSeed(4242), ProgressListener.NONE, new CancelToken());
                add(session, s.id(), alt.frames(), alt);
            }
            GenerationResult res = engine.generate(r, ProgressListener.NONE, new CancelToken());
            // A continuation keeps only its new frames, so the reel does not repeat the previous take.
            Frames made = continues ? dev.kinora.project.render.RenderService.newFramesOnly(res.frames(),
                    previous.count(), Direction.FORWARD) : res.frames();
            previousMedia = add(session, s.id(), made, res).media();
            previous = made;
        }
    }

    private static Take add(ProjectSession s, String shotId, Frames f, GenerationResult r) throws IOException {
        ProjectStore.MediaSlot slot = s.store().newTakeSlot(shotId, "png");
        FilmStrip.write(f, slot.file());
        return s.addTake(shotId, slot, r.recipe(), f.count(), f.fps(), f.width(), f.height(), true);
    }

    /** Only ever a folder named *.kinora is deleted here, so a wrong path cannot wipe anything else. */
    private static void deleteOldDemo(Path dir) throws IOException {
        if (!dir.getFileName().toString().endsWith(ProjectStore.EXTENSION) || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
