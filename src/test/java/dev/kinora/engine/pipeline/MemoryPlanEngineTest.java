package dev.kinora.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.Progress;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.testing.TestPacks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory limits through the engine facade, on the tiny pack: fit, load one at a time, or refuse with advice. */
class MemoryPlanEngineTest {
    @TempDir
    static Path models;
    static MemoryPlanner planner;

    @BeforeAll
    static void setUp() throws Exception {
        planner = new MemoryPlanner(PackLoader.load(TestPacks.tiny(models)), Device.CPU);
    }

    static GenerationEngine engine(long ram) {
        return new GenerationEngine(new PackRegistry(List.of(models)), RuntimeOptions.defaults().withDevice(Device.CPU), () -> MemoryLimits.ram(ram));
    }

    static GenerationRequest req(int frames) {
        return GenerationRequest.textToVideo("tiny", "a red ball", 4).withFrames(frames);
    }

    static long sequentialPeak(int frames) throws Exception {
        return planner.estimate(planner.job(Mode.GENERATE, frames, 2, 2f, List.of(), true), true).peakRam();
    }

    @Test
    void aJobThatFitsOnlyOnePartAtATimeRunsSoWithTheSameFrames() throws Exception {
        GenerationResult all;
        try (GenerationEngine e = engine(MemoryLimits.UNKNOWN)) {
            all = e.generate(req(20), p -> { }, new CancelToken());
        }
        assertTrue(all.warnings().isEmpty(), all.warnings().toString());
        List<Progress> events = new ArrayList<>();
        GenerationResult seq;
        try (GenerationEngine e = engine(sequentialPeak(20))) {
            seq = e.generate(req(20), events::add, new CancelToken());
        }
        assertEquals(20, seq.frames().count());
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(all.frames().frame(i), seq.frames().frame(i), "frame " + i);
        }
        assertTrue(seq.warnings().stream().anyMatch(w -> w.contains("loaded one at a time")), seq.warnings().toString());
        assertTrue(events.stream().allMatch(p -> p.preview().isEmpty()), "no decoded previews: the decoder loads after denoising");
    }

    @Test
    void aHugeFrameCountIsRefusedWithTheFramesThatWouldFit() throws Exception {
        try (GenerationEngine e = engine(sequentialPeak(8) + (1 << 20))) {
            InvalidRequestException x = assertThrows(InvalidRequestException.class, () -> e.generate(req(1024), p -> { }, new CancelToken()));
            String m = x.getMessage();
            assertTrue(m.contains("not enough memory for this job") && m.contains("the denoiser") && m.contains("1024 frames of 32x32")
                    && m.contains("Try fewer frames: at most"), m);
            assertEquals(8, e.generate(req(8), p -> { }, new CancelToken()).frames().count(), "the default job still runs");
        }
    }

    @Test
    void aLimitBelowTheSmallestJobIsAPackError() throws Exception {
        try (GenerationEngine e = engine(1 << 20)) {
            PackException x = assertThrows(PackException.class, () -> e.generate(req(8), p -> { }, new CancelToken()));
            assertTrue(x.getMessage().contains("model 'tiny' does not fit in the memory available") && x.getMessage().contains("1.0 MiB is available"),
                    x.getMessage());
        }
    }
}
