package dev.kinora.app;

import dev.kinora.app.engine.StudioEngine;
import dev.kinora.app.model.TakeMedia;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Direction;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.Source;
import dev.kinora.engine.pack.Mode;
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

/** A small storyboard made with the given engine: what the screenshots and a first look show. */
public final class DemoProject {
    static final String[] PROMPTS = {
        "a red ball bounces across a sunny meadow, camera tracking left to right",
        "the ball rolls into a dark cave, warm torch light flickers",
        "a blue cube slides down a snowy hill at dusk",
        "a small yellow star spins slowly above calm water at night",
    };

    private DemoProject() {
    }

    public static void create(StudioModel studio, Path dir, StudioEngine engine) throws Exception {
        deleteOldDemo(dir);
        ProjectSettings ps = new ProjectSettings("tinyworld", 64, 64, 8);
        List<Shot> shots = new ArrayList<>();
        for (int i = 0; i < PROMPTS.length; i++) {
            Shot s = Shot.create(PROMPTS[i], ps).withDuration(2.0).withContinueFromPrevious(i == 1);
            shots.add(i == 0 ? s.withNegativePrompt("blurry, flicker") : s);
        }
        studio.create(dir, "Demo", Project.empty("Demo").withSettings(ps).withShots(shots));
        ProjectSession session = studio.session();
        GenerationResult previous = null;
        for (int i = 0; i < shots.size(); i++) {
            Shot s = shots.get(i);
            GenerationRequest r = GenerationRequest.textToVideo("tinyworld", s.prompt(), 1000 + i * 7L).withFrames(16);
            if (s.continueFromPrevious() && previous != null) {
                r = r.withMode(Mode.EXTEND, List.of(new Source(previous.frames(), "previous take", "")))
                        .withExtension(Direction.FORWARD, 4, 1f);
            }
            if (i == 0) {
                // A second take for the A/B comparison; the later one stays active.
                add(session, s.id(), engine.generate(r.withSeed(4242), ProgressListener.NONE, new CancelToken()));
            }
            GenerationResult res = engine.generate(r, ProgressListener.NONE, new CancelToken());
            add(session, s.id(), res);
            previous = res;
        }
        session.save();
        session.stack().reset(session.project(), true); // the demo starts with a clean history
    }

    private static void add(ProjectSession s, String shotId, GenerationResult r) throws IOException {
        ProjectStore.MediaSlot slot = s.store().newTakeSlot(shotId, "png");
        TakeMedia.write(r.frames(), slot.file());
        s.addTake(shotId, slot, r.recipe(), r.frames().count(), r.frames().fps(), r.frames().width(), r.frames().height(), true);
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
