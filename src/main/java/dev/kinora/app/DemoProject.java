package dev.kinora.app;

import dev.kinora.app.engine.StudioEngine;
import dev.kinora.app.model.GenSettings;
import dev.kinora.app.model.ProjectFolder;
import dev.kinora.app.model.Shot;
import dev.kinora.app.model.Storyboard;
import dev.kinora.app.model.Take;
import dev.kinora.app.model.TakeMedia;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Direction;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.Source;
import dev.kinora.engine.pack.Mode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A small storyboard made with the given engine: what the screenshots and a first look show. */
public final class DemoProject {
    private static final String[] PROMPTS = {
        "a red ball bounces across a sunny meadow, camera tracking left to right",
        "the ball rolls into a dark cave, warm torch light flickers",
        "a blue cube slides down a snowy hill at dusk",
        "a small yellow star spins slowly above calm water at night",
    };

    private DemoProject() {
    }

    public static ProjectFolder create(Path dir, StudioEngine engine) throws Exception {
        ModelManagerSafe.delete(dir);
        List<Shot> shots = new ArrayList<>();
        ProjectFolder f = ProjectFolder.create(dir, Storyboard.blank("Demo"));
        Take previous = null;
        GenerationResult prevResult = null;
        for (int i = 0; i < PROMPTS.length; i++) {
            boolean cont = i == 1;
            GenerationRequest r = GenerationRequest.textToVideo("tinyworld", PROMPTS[i], 1000 + i * 7L).withFrames(16);
            if (cont && prevResult != null) {
                r = r.withMode(Mode.EXTEND, List.of(new Source(prevResult.frames(), "take", "")))
                        .withExtension(Direction.FORWARD, 4, 1f);
            }
            GenerationResult res = engine.generate(r, ProgressListener.NONE, new CancelToken());
            String id = "take-demo" + (i + 1);
            TakeMedia.write(res.frames(), f.media().resolve(id + ".png"));
            Take t = new Take(id, id + ".png", PROMPTS[i], r.mode().id(), r.seed(), res.recipe().steps(), res.frames().count(),
                    res.frames().fps(), res.frames().width(), res.frames().height(), true, res.device().describe(), Instant.now().toString());
            List<Take> takes = new ArrayList<>();
            if (i == 0) {
                // A second take for the A/B comparison.
                GenerationResult alt = engine.generate(r.withSeed(4242), ProgressListener.NONE, new CancelToken());
                TakeMedia.write(alt.frames(), f.media().resolve("take-demo1b.png"));
                takes.add(new Take("take-demo1b", "take-demo1b.png", PROMPTS[i], "generate", 4242, res.recipe().steps(), 16,
                        alt.frames().fps(), alt.frames().width(), alt.frames().height(), true, alt.device().describe(), Instant.now().toString()));
            }
            takes.add(t);
            shots.add(new Shot("shot-" + (i + 1), PROMPTS[i], i == 0 ? "blurry, flicker" : "", t.frames(), 0, cont, takes, t.id()));
            previous = t;
            prevResult = res;
        }
        Storyboard doc = new Storyboard("Demo", GenSettings.defaults().withSeed(1021, false),
                List.of(PROMPTS[3], PROMPTS[2], PROMPTS[1], PROMPTS[0]), shots);
        f.save(doc);
        return f;
    }

    /** Deleting a previous demo folder: only ever one named *.kinora, so a wrong path cannot wipe anything else. */
    static final class ModelManagerSafe {
        static void delete(Path dir) throws java.io.IOException {
            if (!dir.getFileName().toString().endsWith(".kinora") || !java.nio.file.Files.exists(dir)) {
                return;
            }
            try (var walk = java.nio.file.Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.deleteIfExists(p);
                }
            }
        }
    }
}
