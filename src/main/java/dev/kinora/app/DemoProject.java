package dev.kinora.app;

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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A small storyboard whose takes are generated on the spot by the engine with the installed pack
 * (Tiny World when present): what `kinora studio --demo` and the README screenshots show.
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

    public static void create(StudioModel studio, Path dir) throws Exception {
        deleteOldDemo(dir);
        StudioEngine engine = studio.engine();
        var pack = studio.pack(dev.kinora.engine.pack.PackRegistry.DEFAULT_PACK)
                .orElseThrow(() -> new IllegalStateException("the demo needs an installed model pack; none was found"));
        ProjectSettings ps = new ProjectSettings(pack.id(), pack.width(), pack.height(), pack.fps());
        List<Shot> shots = new ArrayList<>();
        for (int i = 0; i < PROMPTS.length; i++) {
            Shot s = Shot.create(PROMPTS[i], ps).withDuration(pack.frames() / pack.fps()).withContinueFromPrevious(i == 1);
            shots.add(i == 0 ? s.withNegativePrompt("blurry, flicker") : s);
        }
        studio.create(dir, "Demo", Project.empty("Demo").withSettings(ps).withShots(shots));
        ProjectSession session = studio.session();
        Frames previous = null;
        for (int i = 0; i < shots.size(); i++) {
            Shot s = shots.get(i);
            GenerationRequest r = GenerationRequest.textToVideo(pack.id(), s.prompt(), 1000 + i * 7L).withFrames(pack.frames());
            boolean continues = s.continueFromPrevious() && previous != null;
            if (continues) {
                r = r.withMode(Mode.EXTEND, List.of(new Source(previous, "previous take", "")));
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
            add(session, s.id(), made, res);
            previous = made;
        }
        session.save();
        session.stack().reset(session.project(), true); // the demo starts with a clean history
    }

    private static void add(ProjectSession s, String shotId, Frames f, GenerationResult r) throws IOException {
        ProjectStore.MediaSlot slot = s.store().newTakeSlot(shotId, "png");
        FilmStrip.write(f, slot.file());
        s.addTake(shotId, slot, r.recipe(), f.count(), f.fps(), f.width(), f.height(), true);
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
