package dev.kinora.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory estimate's arithmetic and the plan's decisions, on the shipped pack's real graphs (no sessions). */
class MemoryPlannerTest {
    static final long MIB = 1 << 20;
    static ModelPack tinyWorld;
    static MemoryPlanner planner;

    @BeforeAll
    static void load() throws Exception {
        tinyWorld = PackLoader.load(TestPacks.tinyWorld());
        planner = new MemoryPlanner(tinyWorld, Device.CPU);
    }

    @Test
    void theDefaultJobIsDominatedByTheDenoiserWhileDenoising() throws Exception {
        MemoryEstimate e = planner.estimate(planner.defaultJob(), false);
        assertEquals(List.of("text_encoder", "denoiser", "vae_decoder"), e.components().stream().map(MemoryEstimate.Component::key).toList(),
                "text-to-video does not use the VAE encoder");
        assertEquals("denoising", e.ramPeak().name());
        MemoryEstimate.Component d = e.component(ModelPack.DENOISER);
        assertEquals(13_738_452, d.weights(), "initializers + constants of the denoiser.onnx shipped since Tiny World 2.11.0, its int8"
                + " and fp16 weights at float size (onnx.numpy_helper's sum over the file: 13 722 520 + 15 932 of Constant nodes)");
        assertEquals(MemoryPlanner.SESSION_BASE + 2 * d.weights(), d.session());
        // 3 x positions (2 x 16 x 16 x 16) x widest layer (576, 2.11.0's fused q/k/v) x 4 bytes, plus attention: 2 x batch 2 x
        // 4 heads x the larger factorised matrix of a 16-frame 16x16 clip (per frame: 16 x 256 x 256) x 4 bytes
        assertEquals(3L * 2 * 16 * 16 * 16 * 576 * 4 + 2L * 2 * 4 * 16 * 256 * 256 * 4, d.activations());
        long sessions = e.components().stream().mapToLong(MemoryEstimate.Component::session).sum();
        assertEquals(sessions + d.activations() + e.buffers().total(), e.peakRam(), "all loaded + the denoiser's working memory + buffers");
        assertEquals(16L * 64 * 64 * 3, e.buffers().frames());
        assertEquals(0, e.peakVram());
    }

    @Test
    void loadingOneAtATimeLeavesTheTextEncoderOutOfDenoising() throws Exception {
        MemoryEstimate all = planner.estimate(planner.defaultJob(), false);
        MemoryEstimate seq = planner.estimate(planner.defaultJob(), true);
        MemoryEstimate.Phase denoising = seq.phases().stream().filter(p -> p.name().equals("denoising")).findFirst().orElseThrow();
        assertEquals(List.of(ModelPack.DENOISER), denoising.loaded(), "one window: the decoder loads after");
        assertTrue(seq.peakRam() < all.peakRam() - 40 * MIB, seq.peakRam() + " vs " + all.peakRam());
        MemoryEstimate chained = planner.estimate(planner.job(Mode.GENERATE, 64, 4, 3f, List.of(), true), true);
        MemoryEstimate.Phase later = chained.phases().stream().filter(p -> p.name().equals("denoising")).findFirst().orElseThrow();
        assertEquals(List.of(ModelPack.DENOISER, ModelPack.VAE_DECODER, ModelPack.VAE_DECODER_REF), later.loaded(),
                "chained windows decode between windows, each later one after the frame before it (Tiny World's reference decoder)");
    }

    @Test
    void jobSizesFollowThePipelinesWindows(@TempDir Path dir) throws Exception {
        MemoryPlanner tiny = new MemoryPlanner(PackLoader.load(TestPacks.tiny(dir)), Device.CPU);
        // as VideoPipelineTest counts them on the same pack: 8-frame windows, 2 context frames
        MemoryPlanner.Job longer = tiny.job(Mode.GENERATE, 20, 2, 2f, List.of(), true);
        assertEquals(3, longer.windows());
        assertEquals(20, longer.outputFrames());
        MemoryPlanner.Job extend = tiny.job(Mode.EXTEND, 10, 2, 2f, List.of(8), true);
        assertEquals(18, extend.outputFrames());
        assertEquals(8, extend.encodedFrames());
        MemoryPlanner.Job interp = tiny.job(Mode.INTERPOLATE, 6, 2, 2f, List.of(2, 3), true);
        assertEquals(11, interp.outputFrames());
        assertEquals(8, interp.window());
        assertEquals(12, tiny.job(Mode.LOOP, 8, 2, 2f, List.of(), true).outputFrames());
        assertEquals(1, tiny.job(Mode.GENERATE, 8, 2, 1f, List.of(), true).batch(), "guidance 1: no guided pair");
        assertFalse(tiny.estimate(tiny.job(Mode.GENERATE, 8, 2, 2f, List.of(), false), false).components().stream()
                .anyMatch(c -> c.key().equals(ModelPack.TEXT_ENCODER)), "no prompt, no text encoder");
    }

    @Test
    void aReferenceDecoderIsPlannedBesideTheDecoder(@TempDir Path dir) throws Exception {
        MemoryPlanner plain = new MemoryPlanner(PackLoader.load(TestPacks.tiny(dir, "plain")), Device.CPU);
        MemoryPlanner ref = new MemoryPlanner(PackLoader.load(TestPacks.tinyWithReferenceDecoder(dir, "ref")), Device.CPU);
        MemoryPlanner.Job job = ref.job(Mode.EXTEND, 20, 2, 2f, List.of(8), true);
        assertFalse(plain.estimate(job, false).components().stream().anyMatch(c -> c.key().equals(ModelPack.VAE_DECODER_REF)));
        MemoryEstimate seq = ref.estimate(job, true);
        assertEquals(List.of("text_encoder", "vae_encoder", "denoiser", "vae_decoder", "vae_decoder_ref"),
                seq.components().stream().map(MemoryEstimate.Component::key).toList());
        MemoryEstimate.Phase after = seq.phases().stream().filter(p -> p.name().equals("decoding after the neighbour")).findFirst().orElseThrow();
        assertEquals(List.of(ModelPack.VAE_DECODER_REF, ModelPack.VAE_ENCODER, ModelPack.VAE_DECODER, ModelPack.DENOISER), after.loaded(),
                "the two decoders take turns frame by frame; chained windows keep the denoiser");
        MemoryEstimate.Phase denoising = seq.phases().stream().filter(p -> p.name().equals("denoising")).findFirst().orElseThrow();
        assertTrue(denoising.loaded().contains(ModelPack.VAE_DECODER_REF), "decoded between chained windows: " + denoising.loaded());
    }

    static boolean plansReferenceDecoder(MemoryPlanner p, MemoryPlanner.Job job) throws Exception {
        return p.estimate(job, false).components().stream().anyMatch(x -> x.key().equals(ModelPack.VAE_DECODER_REF));
    }

    @Test
    void aFadedReferenceIsPlannedOnlyForJobsThatDecodeAfterAShownFrame(@TempDir Path dir) throws Exception {
        Path pack = TestPacks.tinyWithReferenceDecoder(dir, "ref3");
        TestPacks.addDefaults(pack, "\"referenceFrames\": 3");
        MemoryPlanner faded = new MemoryPlanner(PackLoader.load(pack), Device.CPU);
        MemoryPlanner carried = new MemoryPlanner(PackLoader.load(TestPacks.tinyWithReferenceDecoder(dir, "ref")), Device.CPU);
        assertFalse(plansReferenceDecoder(faded, faded.job(Mode.GENERATE, 8, 2, 2f, List.of(), true)),
                "one text-to-video window has nothing shown before it");
        assertTrue(plansReferenceDecoder(faded, faded.job(Mode.GENERATE, 20, 2, 2f, List.of(), true)),
                "later windows start after the frame before them");
        assertTrue(plansReferenceDecoder(faded, faded.job(Mode.ANIMATE, 8, 2, 2f, List.of(1), true)), "frame 1 after the still");
        assertTrue(plansReferenceDecoder(carried, carried.job(Mode.GENERATE, 8, 2, 2f, List.of(), true)),
                "carried throughout: frames 1-7 after frame 0");
        assertFalse(plansReferenceDecoder(planner, planner.defaultJob()),
                "Tiny World's default job, one text-to-video window, does not load its reference decoder");
    }

    @Test
    void thePlanKeepsEverythingLoadedWhenItFitsAndLoadsOneAtATimeWhenItMust() throws Exception {
        MemoryPlanner.Job job = planner.defaultJob();
        long resident = planner.estimate(job, false).peakRam();
        long sequential = planner.estimate(job, true).peakRam();
        assertFalse(planner.plan(job, MemoryLimits.UNLIMITED, Set.of()).sequential());
        assertFalse(planner.plan(job, MemoryLimits.ram(resident), Set.of()).sequential());
        assertTrue(planner.plan(job, MemoryLimits.ram(sequential), Set.of()).sequential());
        long denoiserSession = planner.estimate(job, false).component(ModelPack.DENOISER).session();
        assertFalse(planner.plan(job, MemoryLimits.ram(resident - denoiserSession), Set.of(ModelPack.DENOISER)).sequential(),
                "a loaded session's memory is the job's to use");
    }

    @Test
    void tooManyFramesAreBadInputThatSaysHowManyFit() throws Exception {
        MemoryPlanner.Job huge = planner.job(Mode.GENERATE, 1024, 4, 3f, List.of(), true);
        long limit = planner.estimate(planner.defaultJob(), true).peakRam() + 2 * MIB;
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> planner.plan(huge, MemoryLimits.ram(limit), Set.of()));
        String m = e.getMessage();
        assertTrue(m.contains("not enough memory") && m.contains("the denoiser") && m.contains("1024 frames of 64x64"), m);
        int fit = Integer.parseInt(m.replaceAll("(?s).*at most (\\d+) fit.*", "$1"));
        assertTrue(fit >= 16 && fit < 1024, m);
        assertTrue(planner.plan(planner.job(Mode.GENERATE, fit, 4, 3f, List.of(), true), MemoryLimits.ram(limit), Set.of()).sequential());
        assertThrows(InvalidRequestException.class,
                () -> planner.plan(planner.job(Mode.GENERATE, fit + 1, 4, 3f, List.of(), true), MemoryLimits.ram(limit), Set.of()));
    }

    @Test
    void aPackThatCannotRunAtAllIsAPackErrorNamingItsLargestPart() throws Exception {
        PackException e = assertThrows(PackException.class, () -> planner.plan(planner.defaultJob(), MemoryLimits.ram(16 * MIB), Set.of()));
        String m = e.getMessage();
        // Tiny World 2's largest phase is denoising: its attention's working memory outweighs the 22 MiB int8 text encoder
        assertTrue(m.contains("'tinyworld' does not fit") && m.contains("smallest generate job") && m.contains("while denoising")
                && m.contains("the denoiser") && m.contains("16 MiB is available"), m);
        long denoising = planner.estimate(planner.job(Mode.GENERATE, 1, 4, 1f, List.of(), false), true).peakRam();
        PackException d = assertThrows(PackException.class, () -> planner.plan(
                planner.job(Mode.GENERATE, 16, 4, 3f, List.of(), false), MemoryLimits.ram(denoising - MIB), Set.of()));
        String dm = d.getMessage();
        assertTrue(dm.contains("while denoising") && dm.indexOf("the denoiser") < dm.indexOf("the engine's buffers"), "largest part first: " + dm);
    }

    @Test
    void aGpuJobIsCheckedAgainstGpuMemoryAndCanFallBackToTheCpu() throws Exception {
        MemoryPlanner gpu = new MemoryPlanner(tinyWorld, Device.CUDA);
        MemoryEstimate e = gpu.estimate(gpu.defaultJob(), false);
        assertEquals(MemoryPlanner.CUDA_CONTEXT + e.components().stream().mapToLong(MemoryEstimate.Component::vram).sum()
                + e.component(ModelPack.DENOISER).activations(), e.peakVram());
        assertTrue(e.peakRam() < planner.estimate(planner.defaultJob(), false).peakRam(), "activations are on the GPU");
        // guided (batch 2) needs the denoiser's activations twice over; guidance 1 or the CPU would fit
        long vram = (gpu.estimate(gpu.defaultJob(), true).peakVram() + gpu.estimate(gpu.job(Mode.GENERATE, 16, 4, 1f, List.of(), true), true).peakVram()) / 2;
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> gpu.plan(gpu.defaultJob(), new MemoryLimits(MemoryLimits.UNKNOWN, vram, MemoryLimits.UNKNOWN), Set.of()));
        String m = refused.getMessage();
        assertTrue(m.contains("of GPU memory on the cuda") && m.contains("guidance 1") && m.contains("--device cpu"), m);
        PackException none = assertThrows(PackException.class,
                () -> gpu.plan(gpu.defaultJob(), new MemoryLimits(MIB, MIB, MemoryLimits.UNKNOWN), Set.of()));
        assertTrue(none.getMessage().contains("or run on the CPU"), none.getMessage());
    }

    @Test
    void theJavaHeapMustHoldTheFrames() throws Exception {
        MemoryPlanner.Job huge = planner.job(Mode.GENERATE, 1024, 4, 3f, List.of(), true);
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> planner.plan(huge, new MemoryLimits(MemoryLimits.UNKNOWN, MemoryLimits.UNKNOWN, 8 * MIB), Set.of()));
        assertTrue(e.getMessage().contains("Java heap") && e.getMessage().contains("at most"), e.getMessage());
    }

    @Test
    void limitsComeFromMeminfoAndTheUsersSettings(@TempDir Path dir) throws Exception {
        Path meminfo = Files.writeString(dir.resolve("meminfo"), "MemTotal:       16000000 kB\nMemFree:  100 kB\nMemAvailable:    8000000 kB\n");
        assertEquals(8_000_000L * 1024, MemoryLimits.memAvailable(meminfo).orElseThrow());
        assertTrue(MemoryLimits.memAvailable(dir.resolve("none")).isEmpty());
        assertEquals(6L << 30, MemoryLimits.parseSize("6G"));
        assertEquals(512L << 20, MemoryLimits.parseSize("512MiB"));
        assertEquals(1536, MemoryLimits.parseSize("1.5k"));
        assertThrows(IllegalArgumentException.class, () -> MemoryLimits.parseSize("lots"));
        String old = System.getProperty("kinora.memory.ram");
        System.setProperty("kinora.memory.ram", "3M");
        try {
            assertEquals(3L << 20, MemoryLimits.detect().ram(), "the user's figure when it is lower");
        } finally {
            if (old == null) {
                System.clearProperty("kinora.memory.ram");
            } else {
                System.setProperty("kinora.memory.ram", old);
            }
        }
        assertEquals("3.5 MiB", MemoryLimits.format(3584L << 10));
        assertEquals("2.0 GiB", MemoryLimits.format(2L << 30));
        assertEquals("64 B", MemoryLimits.format(64));
    }
}
