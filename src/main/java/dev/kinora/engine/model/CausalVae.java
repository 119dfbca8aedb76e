package dev.kinora.engine.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kinora.engine.onnx.OrtRuntime;
import java.nio.FloatBuffer;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Component;
import dev.kinora.engine.pack.FamilySpec;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.TensorSpec;
import dev.kinora.engine.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A causal 3D video VAE (Wan 2.1's kind; docs/pack-format-2.md, *VAE*) over one window: L latent frames, F = 1 +
 * s·(L − 1) pixel frames. Latents are in the denoiser's normalised space x; the graphs work in raw space
 * {@code z = x·std + mean}, per channel.
 *
 * <p>Decoding goes through the step graphs when the pack has them (one latent frame per call with the causal
 * caches, as diffusers itself runs the decoder: memory does not grow with the clip), else through the window graph.
 * The window graph's frame axis is fixed, so the encoder always takes exactly F frames: a caller with fewer pads them
 * (the first k latents depend only on the first 1 + s·(k − 1) frames, so the padding never reaches them).
 */
public final class CausalVae implements AutoCloseable {
    private final FamilySpec spec;
    private final int channels;
    private final int latentH;
    private final int latentW;
    private final int height;
    private final int width;
    private final int temporalStride;
    private final OnnxModel encoder;
    private final OnnxModel window;
    private final OnnxModel first;
    private final OnnxModel step;

    public CausalVae(ModelPack pack, FamilySpec spec, RuntimeOptions options, Device device) {
        this.spec = spec;
        this.channels = pack.latent().channels();
        this.latentH = pack.latent().height();
        this.latentW = pack.latent().width();
        this.height = pack.height();
        this.width = pack.width();
        this.temporalStride = pack.latent().temporalStride();
        this.encoder = pack.component(ModelPack.VAE_ENCODER).map(c -> new OnnxModel(pack.root(), c, options, device)).orElse(null);
        this.window = pack.component(ModelPack.VAE_DECODER).map(c -> new OnnxModel(pack.root(), c, options, device)).orElse(null);
        boolean steps = spec.vae().stepDecoder();
        this.first = steps ? pack.component(ModelPack.VAE_DECODER_FIRST).map(c -> new OnnxModel(pack.root(), c, options, device)).orElse(null) : null;
        this.step = steps ? pack.component(ModelPack.VAE_DECODER_STEP).map(c -> new OnnxModel(pack.root(), c, options, device)).orElse(null) : null;
    }

    /** Latent frames per window (L). */
    public int latentFrames() {
        return spec.latentFrames();
    }

    /** Pixel frames per window (F). */
    public int frames() {
        return spec.vae().frames();
    }

    /** Pixel frames the first k latent frames of a window stand for: 1 + s·(k − 1). */
    public int pixelFramesOf(int latentFrames) {
        return latentFrames <= 0 ? 0 : 1 + temporalStride * (latentFrames - 1);
    }

    public boolean canEncode() {
        return encoder != null;
    }

    /** Decodes a window of normalised latents [C, L, h, w] to pixels [3, F, H, W] in [−1, 1]. */
    public float[] decode(float[] x) throws PackException, OrtException {
        int l = spec.latentFrames();
        int hw = latentH * latentW;
        if (x.length != channels * l * hw) {
            throw new IllegalArgumentException("latents of " + x.length + " values are not [" + channels + ", " + l + ", " + latentH + ", " + latentW + "]");
        }
        float[] z = raw(x);
        return clamped(first != null && step != null ? decodeSteps(z, l, hw, l) : decodeWindow(z, l));
    }

    /** Normalised latents [C, L, h, w] in the VAE's raw space: x·std + mean, per channel. */
    private float[] raw(float[] x) {
        int n = spec.latentFrames() * latentH * latentW;
        float[] z = new float[x.length];
        for (int c = 0; c < channels; c++) {
            float s = spec.std(c);
            float m = spec.mean(c);
            for (int i = c * n, end = i + n; i < end; i++) {
                z[i] = x[i] * s + m;
            }
        }
        return z;
    }

    /** A decoder that does not clamp its output is clamped here, to the [−1, 1] the pixels come from. */
    private float[] clamped(float[] px) {
        if (!spec.vae().clamped()) {
            for (int i = 0; i < px.length; i++) {
                px[i] = Math.max(-1f, Math.min(1f, px[i]));
            }
        }
        return px;
    }

    /** Whether {@link #previewFrame} can decode a frame without decoding the whole window (the step graphs). */
    public boolean canPreview() {
        return first != null && step != null;
    }

    /**
     * The last pixel frame of latent frame {@code latentIndex} as packed RGB, decoding only latents 0..latentIndex
     * through the step graphs: a live preview of a window in progress costs latentIndex + 1 small calls.
     */
    public byte[] previewFrame(float[] x, int latentIndex) throws PackException, OrtException {
        float[] px = clamped(decodeSteps(raw(x), spec.latentFrames(), latentH * latentW, latentIndex + 1));
        int frame = pixelFramesOf(latentIndex + 1) - 1;
        return toRgb(px, frame, frame + 1).get(0);
    }

    private float[] decodeWindow(float[] z, int l) throws PackException, OrtException {
        if (window == null) {
            throw new PackException("the pack has no " + ModelPack.VAE_DECODER + " graph");
        }
        Component c = window.component();
        Map<String, FloatTensor> out = window.run(Map.of(c.inputName("latent"), FloatTensor.of(z, 1, channels, l, latentH, latentW)), Map.of(), null);
        FloatTensor px = out.get(c.outputName("sample"));
        expect(px, frames(), c);
        return px.data();
    }

    /**
     * First latent frame → 1 frame, each later one → s frames, the caches carried from call to call. The caches stay
     * in ONNX Runtime's memory: each call's cache outputs are the next call's inputs as they are (real Wan's 32 caches
     * are 3.8 GB at 480×832; copied through Java arrays they would cost two such copies per latent frame), and a
     * call's results are closed once the next call has consumed them.
     */
    private float[] decodeSteps(float[] z, int l, int hw, int upTo) throws PackException, OrtException {
        int f = frames();
        int plane = height * width;
        float[] px = new float[3 * f * plane];
        List<String[]> links = cacheLinks();
        OrtSession.Result previous = null;
        int done = 0;
        try {
            for (int t = 0; t < upTo; t++) {
                OnnxModel g = t == 0 ? first : step;
                Component c = g.component();
                float[] one = new float[channels * hw];
                for (int ch = 0; ch < channels; ch++) {
                    System.arraycopy(z, (ch * l + t) * hw, one, ch * hw, hw);
                }
                OrtSession.Result result;
                try (OnnxTensor latent = OnnxTensor.createTensor(OrtRuntime.env(), FloatBuffer.wrap(one), new long[] {1, channels, 1, latentH, latentW})) {
                    Map<String, OnnxTensor> in = new HashMap<>();
                    in.put(c.inputName("latent"), latent);
                    if (previous != null) {
                        for (String[] link : links) {
                            in.put(link[1], (OnnxTensor) previous.get(link[0]).orElseThrow(
                                    () -> new PackException(first.component().file() + ": no output '" + link[0] + "'")));
                        }
                    }
                    result = g.session().run(in);
                }
                if (previous != null) {
                    previous.close();
                }
                previous = result;
                int n = t == 0 ? 1 : temporalStride;
                OnnxTensor sample = (OnnxTensor) result.get(c.outputName("sample")).orElseThrow(
                        () -> new PackException(c.file() + ": no 'sample' output"));
                long[] shape = sample.getInfo().getShape();
                if (sample.getInfo().type != OnnxJavaType.FLOAT || shape.length != 5 || shape[1] != 3 || shape[2] != n
                        || shape[3] != height || shape[4] != width) {
                    throw new PackException(c.file() + ": expected float frames [1, 3, " + n + ", " + height + ", " + width + "], got "
                            + sample.getInfo().type + " " + java.util.Arrays.toString(shape));
                }
                FloatBuffer out = sample.getFloatBuffer();
                for (int ch = 0; ch < 3; ch++) {
                    out.position(ch * n * plane);
                    out.get(px, (ch * f + done) * plane, n * plane);
                }
                done += n;
            }
        } finally {
            if (previous != null) {
                previous.close();
            }
        }
        return px;
    }

    /** Pairs (cache output of the previous call, cache input of the step graph), matched by their order in the manifest. */
    private List<String[]> cacheLinks() throws PackException {
        List<String> outs = new ArrayList<>();
        for (TensorSpec s : step.component().outputs()) {
            if (s.role().equals("cache")) {
                outs.add(s.name());
            }
        }
        List<String> firstOuts = new ArrayList<>();
        for (TensorSpec s : first.component().outputs()) {
            if (s.role().equals("cache")) {
                firstOuts.add(s.name());
            }
        }
        List<String> ins = new ArrayList<>();
        for (TensorSpec s : step.component().inputs()) {
            if (s.role().equals("cache")) {
                ins.add(s.name());
            }
        }
        if (outs.size() != ins.size() || firstOuts.size() != ins.size() || ins.size() != spec.vae().cacheTensors()) {
            throw new PackException(step.component().file() + ": " + ins.size() + " cache inputs, " + outs.size() + " cache outputs ("
                    + firstOuts.size() + " from " + first.component().file() + "), vae.cacheTensors " + spec.vae().cacheTensors()
                    + ": they must agree");
        }
        if (!outs.equals(firstOuts)) {
            throw new PackException(first.component().file() + " and " + step.component().file() + " must name their cache outputs alike");
        }
        List<String[]> links = new ArrayList<>();
        for (int i = 0; i < ins.size(); i++) {
            links.add(new String[] {outs.get(i), ins.get(i)});
        }
        return links;
    }

    private void expect(FloatTensor px, int frames, Component c) throws PackException {
        if (px == null || px.rank() != 5 || px.dim(1) != 3 || px.dim(2) != frames || px.dim(3) != height || px.dim(4) != width) {
            throw new PackException(c.file() + ": expected frames [1, 3, " + frames + ", " + height + ", " + width + "], got "
                    + (px == null ? "no 'sample' output" : java.util.Arrays.toString(px.shape())));
        }
    }

    /**
     * Encodes up to F frames (packed RGB) to normalised latents [C, L, h, w], the VAE's mean (diffusers'
     * {@code retrieve_latents(sample_mode="argmax")}); fewer than F frames are padded with the last, so only the first
     * {@code k} latent frames with {@code pixelFramesOf(k) <= frames.size()} are meaningful.
     */
    public float[] encode(List<byte[]> frames) throws PackException, OrtException {
        if (encoder == null) {
            throw new PackException("the pack has no " + ModelPack.VAE_ENCODER + " graph: it cannot read source frames");
        }
        int f = frames();
        if (frames.isEmpty() || frames.size() > f) {
            throw new IllegalArgumentException("the encoder takes 1 to " + f + " frames, got " + frames.size());
        }
        // shorter inputs are padded with their last frame (the first k latents never see the padding)
        float[] m = encodeMean(VideoPixels.fromRgb(frames, f, height, width));
        int l = spec.latentFrames();
        int hw = latentH * latentW;
        float[] x = new float[channels * l * hw];
        for (int ch = 0; ch < channels; ch++) {
            float s = spec.std(ch);
            float mu = spec.mean(ch);
            for (int i = 0; i < l * hw; i++) {
                x[ch * l * hw + i] = (m[ch * l * hw + i] - mu) / s;
            }
        }
        return x;
    }

    /**
     * The encoder's posterior mean in the VAE's raw space, [C, L, h, w] (the moments' first C channels; not normalised),
     * of a window of pixels [3, F, H, W] in [−1, 1] that need not be frames of a clip (Wan I2V encodes a still followed by
     * zeros, mid grey, which no 8-bit frame is).
     */
    public float[] encodeMean(float[] px) throws PackException, OrtException {
        if (encoder == null) {
            throw new PackException("the pack has no " + ModelPack.VAE_ENCODER + " graph: it cannot read source frames");
        }
        int f = frames();
        if (px.length != 3 * f * height * width) {
            throw new IllegalArgumentException("pixels of " + px.length + " values are not [3, " + f + ", " + height + ", " + width + "]");
        }
        Component c = encoder.component();
        Map<String, FloatTensor> out = encoder.run(Map.of(c.inputName("sample"), FloatTensor.of(px, 1, 3, f, height, width)), Map.of(), null);
        FloatTensor moments = out.get(c.outputName("latent"));
        int l = spec.latentFrames();
        if (moments == null || moments.rank() != 5 || moments.dim(1) != 2L * channels || moments.dim(2) != l) {
            throw new PackException(c.file() + ": expected moments [1, " + 2 * channels + ", " + l + ", " + latentH + ", " + latentW + "], got "
                    + (moments == null ? "outputs " + out.keySet() : java.util.Arrays.toString(moments.shape())));
        }
        return java.util.Arrays.copyOf(moments.data(), channels * l * latentH * latentW);
    }

    /** Pixels [3, F, H, W] in [−1, 1] → packed 8-bit RGB frames {@code from..to}, rounded as diffusers' PIL output is. */
    public List<byte[]> toRgb(float[] px, int from, int to) {
        return VideoPixels.toRgb(px, frames(), height, width, from, to);
    }

    public boolean encoderLoaded() {
        return encoder != null && encoder.loaded();
    }

    public boolean decoderLoaded() {
        return window != null && window.loaded() || first != null && first.loaded() || step != null && step.loaded();
    }

    public void unload() {
        for (OnnxModel m : new OnnxModel[] {encoder, window, first, step}) {
            if (m != null) {
                m.unload();
            }
        }
    }

    @Override
    public void close() {
        for (OnnxModel m : new OnnxModel[] {encoder, window, first, step}) {
            if (m != null) {
                m.close();
            }
        }
    }
}
