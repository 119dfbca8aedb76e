package dev.kinora.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.Stage;
import dev.kinora.engine.model.OnnxModel;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Component;
import dev.kinora.engine.pack.SvdSpec;
import dev.kinora.engine.pack.TensorSpec;
import dev.kinora.engine.scheduler.DiffusersConfig;
import dev.kinora.engine.scheduler.DiffusersSchedulers;
import dev.kinora.engine.scheduler.Scheduler;
import dev.kinora.engine.scheduler.TimestepInputs;
import dev.kinora.engine.tensor.FloatTensor;
import dev.kinora.engine.tensor.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The svd-xt loop against diffusers' {@code StableVideoDiffusionPipeline} on the tiny random-weight pack (made by
 * tools/export/make_tiny_svd.py): the reference's noise in, every stage compared with what diffusers computed. svd-tiny's
 * outputs do not depend on the timestep or on added_time_ids (README: the time embedding cancels in its one-channel
 * GroupNorm groups), so the values FED to the UNet are compared with the reference's, not only its outputs. Bounds are
 * a few times what the same loop in Python with these ONNX graphs measured against torch (checks.json, ort_*); the
 * measured distances are printed as "reference check:" lines.
 */
class SvdLoopTest {
    static final Path PACK = Path.of("src/test/resources/packs/svd-tiny");
    static final Path REF = Path.of("src/test/resources/packs/svd-tiny-reference/i2v");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SvdSpec spec;
    private static DiffusersConfig schedulerConfig;
    private static JsonNode settings;
    private static final List<OnnxModel> MODELS = new ArrayList<>();
    private static OnnxModel imageEncoder;
    private static OnnxModel unet;
    private static OnnxModel vaeEncoder;
    private static OnnxModel vaeDecoder;

    @BeforeAll
    static void load() throws Exception {
        JsonNode root = JSON.readTree(PACK.resolve("pack.json").toFile());
        spec = SvdSpec.parse(root, PACK.resolve("pack.json"));
        // PackLoader refuses svd-xt until its adapter is wired; the components are built from the manifest by hand
        imageEncoder = model(root, spec.image().encoder());
        unet = model(root, "denoiser");
        vaeEncoder = model(root, "vae_encoder");
        vaeDecoder = model(root, "vae_decoder");
        @SuppressWarnings("unchecked")
        Map<String, Object> config = JSON.readValue(PACK.resolve("scheduler/scheduler_config.json").toFile(), Map.class);
        schedulerConfig = DiffusersConfig.parse(config, "svd-tiny/scheduler/scheduler_config.json");
        settings = JSON.readTree(REF.resolve("settings.json").toFile());
    }

    @AfterAll
    static void close() {
        MODELS.forEach(OnnxModel::close);
    }

    private static OnnxModel model(JsonNode root, String key) {
        JsonNode c = root.path("components").path(key);
        Component comp = new Component(key, c.path("file").asText(), c.path("sha256").asText(), c.path("size").asLong(),
                specs(c.path("inputs")), specs(c.path("outputs")));
        OnnxModel m = new OnnxModel(PACK, comp, RuntimeOptions.defaults().withDevice(Device.CPU), Device.CPU);
        MODELS.add(m);
        return m;
    }

    private static List<TensorSpec> specs(JsonNode list) {
        List<TensorSpec> out = new ArrayList<>();
        for (JsonNode t : list) {
            long[] shape = new long[t.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = t.path("shape").get(i);
                shape[i] = d.isNumber() ? d.asLong() : -1;
            }
            out.add(new TensorSpec(t.path("role").asText(), t.path("name").asText(), shape));
        }
        return out;
    }

    private static SvdLoop loop() {
        return new SvdLoop(imageEncoder, unet, vaeEncoder, vaeDecoder, spec, SvdLoopTest::scheduler);
    }

    private static Scheduler scheduler() {
        return DiffusersSchedulers.create(schedulerConfig, TimestepInputs.NONE);
    }

    /** The reference's draws: aug_noise.npy (the generator's first), then noise.npy (the initial latents). */
    private static SvdLoop.Noise referenceNoise(List<String> order) {
        return (name, n) -> {
            order.add(name);
            try {
                return Npy.read(REF.resolve(name + ".npy")).data();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static SvdLoop.Settings referenceSettings() {
        return new SvdLoop.Settings(settings.path("frames").asInt(), settings.path("steps").asInt(), (float) settings.path("min_guidance").asDouble(),
                (float) settings.path("max_guidance").asDouble(), (float) settings.path("fps").asDouble(), settings.path("motion_bucket_id").asInt(),
                (float) settings.path("noise_aug_strength").asDouble(), settings.path("decode_chunk_size").asInt());
    }

    @Test
    void theReferenceJobIsThePacksDefaults() {
        assertEquals(SvdLoop.Settings.defaults(spec, 8), referenceSettings());
        assertEquals(2 + 4 * 2 + 2, referenceSettings().modelCalls(), "2 encoders, 4 steps of 2 UNet calls, decoder chunks 5 + 3");
    }

    @Test
    void theScheduleMatchesDiffusers() {
        Scheduler s = scheduler();
        s.setTimesteps(settings.path("steps").asInt());
        // torch's float32 log (Sleef/MKL, up to 1 ulp) is not Java's correctly rounded one: at sigma 2.2691164 diffusers has
        // 0.20484763, one ulp above 0.25 * ln(sigma) rounded (0.20484762). The time embedding cannot tell (1.5e-8).
        assertWithinUlps(floats(settings.path("timesteps")), s.timesteps(), 1, "timesteps 0.25 ln sigma (float32)");
        assertArrayEquals(floats(settings.path("sigmas")), s.sigmas(), "Karras sigmas 700 .. 0.002, then 0");
        assertEquals((float) settings.path("init_noise_sigma").asDouble(), s.initNoiseSigma(), "sqrt(700^2 + 1) in float32");
    }

    @Test
    void theGuidanceRampIsTorchsLinspace() throws IOException {
        float[] g = SvdLoop.guidance(1f, 3f, 8);
        assertClose(Npy.read(REF.resolve("guidance.npy")).data(), g, 3e-7, "guidance ramp (np.linspace in float64 vs torch's float32)");
        assertEquals(1f, g[0]);
        assertEquals(3f, g[7], "torch fills the upper half from the end");
        assertArrayEquals(new float[] {2.5f}, SvdLoop.guidance(2.5f, 3f, 1));
        assertTrue(new SvdLoop.Settings(8, 4, 3f, 1f, 7, 127, 0.02f, 8).guided(), "do_classifier_free_guidance is the ramp's max > 1");
        assertFalse(new SvdLoop.Settings(8, 4, 1f, 1f, 7, 127, 0.02f, 8).guided());
        assertFalse(new SvdLoop.Settings(1, 4, 1f, 3f, 7, 127, 0.02f, 8).guided(), "one frame: the ramp is just minGuidance");
    }

    @Test
    void everyStageMatchesDiffusers() throws Exception {
        Recorder rec = new Recorder();
        List<String> draws = new ArrayList<>();
        List<int[]> progress = new ArrayList<>();
        List<byte[]> frames = loop().run(image(), 64, 64, referenceSettings(), referenceNoise(draws), new CancelToken(),
                (stage, done, total) -> progress.add(new int[] {stage.ordinal(), done, total}), rec);

        assertEquals(List.of(SvdLoop.AUG_NOISE, SvdLoop.NOISE), draws, "the augmentation noise is the generator's first draw");
        assertClose(npy("clip_input"), rec.clipInput, 1e-5, "clip input");
        assertClose(npy("image_embeds"), rec.imageEmbeds, 1e-5, "image embeds");
        assertClose(npy("vae_encoder_input"), rec.vaeEncoderInput, 0, "VAE encoder input (image*2-1 + 0.02*aug_noise)");
        assertClose(npy("image_moments"), rec.moments, 1e-5, "image moments");
        assertClose(npy("image_latents"), rec.mode, 1e-5, "image latents (moments[:, :4], unscaled)");
        assertClose(npy("added_time_ids"), rec.addedTimeIds, 0, "added_time_ids");
        assertEquals((float) settings.path("init_noise_sigma").asDouble(), rec.initNoiseSigma, "init_noise_sigma");
        assertClose(npy("latents_initial"), rec.initialLatents, 0, "initial latents (noise * init_noise_sigma)");

        // what the UNet was fed: every call, both halves of guidance
        float[] timesteps = floats(settings.path("timesteps"));
        assertWithinUlps(timesteps, rec.timesteps, 1, "the scheduler's timesteps");
        FloatTensor ids = npy("added_time_ids");
        assertEquals(2 * timesteps.length, rec.calls.size(), "two batch-1 UNet calls a step");
        float[] fed = new float[timesteps.length];
        for (SvdLoop.DenoiserCall c : rec.calls) {
            assertArrayEquals(new long[] {1}, c.timestep().shape());
            assertEquals(rec.timesteps[c.step()], c.timestep().data()[0], "timestep fed at step " + c.step() + " is the scheduler's");
            fed[c.step()] = c.timestep().data()[0];
            assertArrayEquals(ids.data(), c.addedTimeIds().data(), "added_time_ids fed at step " + c.step() + ", conditional " + c.conditional());
            assertArrayEquals(new long[] {1, 8, 8, 8, 8}, c.sample().shape());
            assertArrayEquals(new long[] {1, 1, 32}, c.imageEmbeds().shape());
            if (!c.conditional()) {
                assertTrue(isZero(c.imageEmbeds().data()), "the unconditional embedding is zeros");
                assertTrue(isZero(imageHalf(c.sample())), "the unconditional image latents are zeros");
            } else {
                assertArrayEquals(rec.imageEmbeds.data(), c.imageEmbeds().data());
            }
        }
        assertWithinUlps(timesteps, fed, 1, "timesteps fed to the UNet (settings.json)");
        System.out.printf(Locale.ROOT, "reference check: added_time_ids fed to all %d UNet calls: exact%n", rec.calls.size());
        SvdLoop.DenoiserCall cond0 = rec.calls.get(0);
        SvdLoop.DenoiserCall uncond0 = rec.calls.get(1);
        assertTrue(cond0.conditional() && !uncond0.conditional() && uncond0.step() == 0);
        assertClose(npy("unet_step0_input"), cond0.sample(), 1e-5, "UNet input at step 0 (conditional)");
        assertArrayEquals(latentHalf(cond0.sample()), latentHalf(uncond0.sample()), "both calls see the same scaled latents");
        assertClose(npy("unet_step0_cond"), cond0.prediction(), 1e-5, "UNet output at step 0, conditional");
        assertClose(npy("unet_step0_uncond"), uncond0.prediction(), 1e-5, "UNet output at step 0, unconditional");

        // Step 0 starts from 700·N(0,1) (|x| up to 2279, a float32 ulp of 2.4e-4 there): torch's float32 Euler step rounds
        // its intermediates at that size, the scheduler's double-precision step rounds once, so they part by up to 2 ulps.
        double[] bounds = {5e-4, 1e-4, 1e-4, 1e-4};
        assertEquals(4, rec.steps.size());
        for (int i = 0; i < 4; i++) {
            assertClose(npy("latents_step" + i), rec.steps.get(i), bounds[i], "latents after step " + i);
        }
        assertClose(npy("decoder_input"), rec.decoderInput, 5e-4, "decoder input (latents * float32(1/0.18215))");

        FloatTensor want = npy("frames"); // [F, H, W, 3] float32 in [0, 1]
        float[] video = rec.decoded.data(); // [F, 3, H, W] in about [-1, 1]
        int plane = 64 * 64;
        float[] got = new float[want.size()];
        int maxByte = 0;
        for (int f = 0; f < 8; f++) {
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    int i = (f * plane + p) * 3 + c;
                    got[i] = Math.max(0f, Math.min(1f, video[(f * 3 + c) * plane + p] / 2f + 0.5f));
                    int wantByte = (int) Math.rint(want.data()[i] * 255f);
                    maxByte = Math.max(maxByte, Math.abs(wantByte - (frames.get(f)[p * 3 + c] & 0xFF)));
                }
            }
        }
        assertClose(want, got, 1e-4, "frames in [0, 1] (chunks of 5 + 3)");
        System.out.printf(Locale.ROOT, "reference check: frames as uint8 vs round(255 * reference): max |diff| %d (bound 1)%n", maxByte);
        assertTrue(maxByte <= 1, "uint8 frames off by " + maxByte);
        assertEquals(8, frames.size());
        assertEquals(64 * 64 * 3, frames.get(0).length);

        int[] last = progress.get(progress.size() - 1);
        assertEquals(Stage.DONE.ordinal(), last[0]);
        assertEquals(12, last[1], "every model call counted");
        assertEquals(12, last[2]);
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i)[1] >= progress.get(i - 1)[1], "calls done never go back");
        }
    }

    @Test
    void withoutGuidanceEachStepIsOneConditionalCall() throws Exception {
        Recorder rec = new Recorder();
        List<int[]> progress = new ArrayList<>();
        SvdLoop.Settings s = new SvdLoop.Settings(8, 4, 1f, 1f, 7f, 127, 0.02f, 5);
        assertEquals(2 + 4 + 2, s.modelCalls());
        List<byte[]> frames = loop().run(image(), 64, 64, s, referenceNoise(new ArrayList<>()), new CancelToken(),
                (stage, done, total) -> progress.add(new int[] {done, total}), rec);
        assertEquals(4, rec.calls.size(), "maxGuidance 1: one UNet call a step");
        assertTrue(rec.calls.stream().allMatch(SvdLoop.DenoiserCall::conditional), "and it is the conditional one");
        // the first call's inputs are the guided job's conditional ones, so its output is diffusers' cond prediction
        assertClose(npy("unet_step0_cond"), rec.calls.get(0).prediction(), 1e-5, "UNet output at step 0 without guidance");
        assertEquals(8, progress.get(progress.size() - 1)[0]);
        assertEquals(8, frames.size());
    }

    @Test
    void cancellingStopsBeforeTheNextModelCall() {
        CancelToken cancel = new CancelToken();
        Recorder rec = new Recorder();
        var e = assertThrows(GenerationCancelledException.class, () -> loop().run(image(), 64, 64, referenceSettings(),
                referenceNoise(new ArrayList<>()), cancel, (stage, done, total) -> {
                    if (stage == Stage.DENOISING) {
                        cancel.cancel(); // during the first UNet call's report: the second must not run
                    }
                }, rec));
        assertEquals(1, rec.calls.size());
        assertTrue(rec.steps.isEmpty());
        assertTrue(e.partial().isEmpty(), "one clip made whole: nothing to keep");
        assertTrue(e.getMessage().contains("after 3 of 12 model calls"), e.getMessage());
    }

    @Test
    void anImageOfAnotherSizeIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> loop().run(new byte[32 * 32 * 3], 32, 32, referenceSettings(),
                referenceNoise(new ArrayList<>()), new CancelToken(), null, null));
        assertTrue(e.getMessage().contains("the image is 32x32 but vae_encoder/model.onnx takes 64x64"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SvdLoop.Settings(8, 0, 1f, 3f, 7f, 127, 0.02f, 5));
        assertThrows(IllegalArgumentException.class, () -> new SvdLoop.Settings(8, 4, 1f, 3f, 7f, 127, -0.02f, 5));
    }

    // ---- helpers ----

    /** Keeps every tensor the loop reports. */
    private static final class Recorder implements SvdLoop.Observer {
        FloatTensor clipInput;
        FloatTensor imageEmbeds;
        FloatTensor vaeEncoderInput;
        FloatTensor moments;
        FloatTensor mode;
        FloatTensor addedTimeIds;
        float initNoiseSigma;
        float[] timesteps;
        FloatTensor initialLatents;
        final List<SvdLoop.DenoiserCall> calls = new ArrayList<>();
        final List<FloatTensor> steps = new ArrayList<>();
        FloatTensor decoderInput;
        FloatTensor decoded;

        @Override
        public void clipInput(FloatTensor t) {
            clipInput = t;
        }

        @Override
        public void imageEmbeds(FloatTensor t) {
            imageEmbeds = t;
        }

        @Override
        public void vaeEncoderInput(FloatTensor t) {
            vaeEncoderInput = t;
        }

        @Override
        public void imageLatents(FloatTensor m, FloatTensor latent) {
            moments = m;
            mode = latent;
        }

        @Override
        public void addedTimeIds(FloatTensor t) {
            addedTimeIds = t;
        }

        @Override
        public void schedule(float[] ts, float[] sigmas, float init) {
            timesteps = ts;
            initNoiseSigma = init;
        }

        @Override
        public void initialLatents(FloatTensor t) {
            initialLatents = t;
        }

        @Override
        public void denoiserCall(SvdLoop.DenoiserCall call) {
            calls.add(call);
        }

        @Override
        public void afterStep(int step, FloatTensor latents) {
            assertEquals(steps.size(), step);
            steps.add(latents);
        }

        @Override
        public void decoderInput(FloatTensor t) {
            decoderInput = t;
        }

        @Override
        public void decoded(FloatTensor video) {
            decoded = video;
        }
    }

    /** Channels 0-3 (the scaled latents) or 4-7 (the image latents) of every frame of a [1, F, 8, h, w] UNet input. */
    private static float[] half(FloatTensor sample, int from) {
        int frames = (int) sample.dim(1);
        int frameSize = (int) (sample.dim(3) * sample.dim(4)) * 4;
        float[] out = new float[frames * frameSize];
        for (int f = 0; f < frames; f++) {
            System.arraycopy(sample.data(), (2 * f + from) * frameSize, out, f * frameSize, frameSize);
        }
        return out;
    }

    private static float[] latentHalf(FloatTensor sample) {
        return half(sample, 0);
    }

    private static float[] imageHalf(FloatTensor sample) {
        return half(sample, 1);
    }

    private static boolean isZero(float[] v) {
        for (float x : v) {
            if (x != 0f) {
                return false;
            }
        }
        return true;
    }

    private static FloatTensor npy(String name) throws IOException {
        return Npy.read(REF.resolve(name + ".npy"));
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    /** image.npy: uint8 [64, 64, 3], i.e. packed RGB rows. */
    private static byte[] image() throws IOException {
        byte[] all = Files.readAllBytes(REF.resolve("image.npy"));
        boolean v1 = all[6] == 1;
        int headerLen = v1 ? (all[8] & 0xff) | (all[9] & 0xff) << 8 : ByteBuffer.wrap(all, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int start = (v1 ? 10 : 12) + headerLen;
        assertEquals(64 * 64 * 3, all.length - start, "image.npy holds one 64x64 RGB uint8 image");
        return Arrays.copyOfRange(all, start, all.length);
    }

    /** Each value within {@code ulps} float32 ulps of the reference; prints the largest distance. */
    static void assertWithinUlps(float[] want, float[] got, int ulps, String what) {
        assertEquals(want.length, got.length, what + ": count");
        double max = 0;
        int exact = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs(want[i] - got[i]);
            max = Math.max(max, d);
            exact += d == 0 ? 1 : 0;
            assertTrue(d <= ulps * Math.ulp(want[i]), what + " [" + i + "]: " + got[i] + " vs " + want[i]);
        }
        System.out.printf(Locale.ROOT, "reference check: %s: max |diff| %.2g (bound %d float32 ulp), %d of %d exact%n", what, max, ulps,
                exact, want.length);
    }

    static void assertClose(FloatTensor want, FloatTensor got, double tol, String what) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        assertClose(want.data(), got.data(), tol, what);
    }

    static void assertClose(FloatTensor want, float[] got, double tol, String what) {
        assertClose(want.data(), got, tol, what);
    }

    static void assertClose(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": size");
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            max = Math.max(max, Math.abs(want[i] - got[i]));
        }
        // the measured distance, so the figures in the docs come from rerunning these tests
        System.out.printf(Locale.ROOT, "reference check: %s: max |diff| %.2g (bound %.0g)%n", what, max, tol);
        assertTrue(max <= tol, what + ": max |diff| " + max + " > " + tol);
    }
}
