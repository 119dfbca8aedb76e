package dev.kinora.media;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Real results from the tiny test pack (32x32, 8 frames at 8 fps), for tests of writing results. */
final class TinyResults {

    private static GenerationEngine engine;

    private TinyResults() { }

    static synchronized GenerationResult generate(long seed) throws Exception {
        if (engine == null) {
            Path models = Files.createTempDirectory("kinora-media-tiny");
            if (System.getProperty("kinora.cache") == null) {
                System.setProperty("kinora.cache", models.resolve("cache").toString());
            }
            TestPacks.tiny(models);
            engine = new GenerationEngine(new PackRegistry(List.of(models)),
                    RuntimeOptions.defaults().withDevice(Device.CPU));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                engine.close();
                try (Stream<Path> s = Files.walk(models)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (java.io.IOException ignored) {
                    // a temp folder
                }
            }));
        }
        return engine.generate(GenerationRequest.textToVideo("tiny", "a red ball", seed), ProgressListener.NONE,
                new CancelToken());
    }
}
