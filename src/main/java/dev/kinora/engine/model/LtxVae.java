package dev.kinora.engine.model;

import ai.onnxruntime.OrtException;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Component;
import dev.kinora.engine.pack.FamilySpec;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.tensor.FloatTensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * LTX-Video 0.9.1's VAE (docs/pack-format-2.md, family {@code ltx-video-0.9.1}): a non-causal, timestep-aware decoder
 * over one whole window whose input is mixed with noise and which injects noise of its own (both given as inputs, so
 * the request's seed decides them), and an encoder of one image whose posterior is sampled, not taken at its mean.
 */
public final class LtxVae implements AutoCloseable {
    private final FamilySpec spec;
    private final int channels;
    private final int latentH;
    private final int latentW;
    private final int height;
    private final int width;
    private final OnnxModel decoder;
    private final OnnxModel encoder;

    public LtxVae(ModelPack pack, FamilySpec spec, RuntimeOptions options, Device device) throws PackException {
        this.spec = spec;
        this.channels = pack.latent().channels();
        this.latentH = pack.latent().height();
        this.latentW = pack.latent().width();
        this.height = pack.height();
        this.width = pack.width();
        this.decoder = new OnnxModel(pack.root(), pack.require(ModelPack.VAE_DECODER), options, device);
        this.encoder = pack.component(ModelPack.VAE_ENCODER).map(c -> new OnnxModel(pack.root(), c, options, device)).orElse(null);
    }

    public int frames() {
        return spec.vae().frames();
    }

    /**
     * Decodes normalised latents x [C, L, h, w] to pixels [3, F, H, W] (not clamped): z = x·std + mean, then
     * {@code (1 − s)·z + s·η} with η = {@code decodeNoise} [C, L, h, w], and the decoder's noise inputs from {@code injected}
     * (one array per {@code vae.injectNoise} entry, in order).
     */
    public float[] decode(float[] x, float[] decodeNoise, List<float[]> injected) throws PackException, OrtException {
        FamilySpec.Ltx ltx = spec.ltx();
        int l = spec.latentFrames();
        int hw = latentH * latentW;
        float s = ltx.decodeNoiseScale();
        float[] z = new float[x.length];
        for (int c = 0; c < channels; c++) {
            for (int i = c * l * hw, end = i + l * hw; i < end; i++) {
                float raw = x[i] * spec.std(c) + spec.mean(c);
                z[i] = (1f - s) * raw + s * decodeNoise[i];
            }
        }
        Component comp = decoder.component();
        Map<String, FloatTensor> in = new HashMap<>();
        in.put(comp.inputName("latent"), FloatTensor.of(z, 1, channels, l, latentH, latentW));
        in.put(comp.inputName("decode_timestep"), FloatTensor.of(new float[] {ltx.decodeTimestep()}, 1));
        List<FamilySpec.InjectNoise> inject = ltx.injectNoise();
        if (injected.size() != inject.size()) {
            throw new IllegalArgumentException(inject.size() + " decoder noise inputs, " + injected.size() + " given");
        }
        for (int k = 0; k < inject.size(); k++) {
            FamilySpec.InjectNoise n = inject.get(k);
            in.put(n.input(), FloatTensor.of(injected.get(k), n.draws(), n.height(), n.width()));
        }
        FloatTensor px = decoder.run(in, Map.of(), null).get(comp.outputName("sample"));
        int f = frames();
        if (px == null || px.rank() != 5 || px.dim(1) != 3 || px.dim(2) != f || px.dim(3) != height || px.dim(4) != width) {
            throw new PackException(comp.file() + ": expected frames [1, 3, " + f + ", " + height + ", " + width + "], got "
                    + (px == null ? "no 'sample' output" : java.util.Arrays.toString(px.shape())));
        }
        return px.data();
    }

    /** The normalised latent [C, 1, h, w] of one image: a posterior sample μ + exp(clamp(logvar, −30, 20)/2)·ε, as diffusers draws it. */
    public float[] encodeImage(byte[] rgb, float[] eps) throws PackException, OrtException {
        if (encoder == null) {
            throw new PackException("the pack has no " + ModelPack.VAE_ENCODER + " graph: it cannot read an image");
        }
        float[] px = VideoPixels.fromRgb(List.of(rgb), 1, height, width);
        Component c = encoder.component();
        FloatTensor moments = encoder.run(Map.of(c.inputName("sample"), FloatTensor.of(px, 1, 3, 1, height, width)), Map.of(), null)
                .get(c.outputName("latent"));
        int hw = latentH * latentW;
        if (moments == null || moments.size() != 2 * channels * hw) {
            throw new PackException(c.file() + ": expected moments [1, " + 2 * channels + ", 1, " + latentH + ", " + latentW + "], got "
                    + (moments == null ? "no output" : java.util.Arrays.toString(moments.shape())));
        }
        float[] m = moments.data();
        float[] out = new float[channels * hw];
        for (int ch = 0; ch < channels; ch++) {
            for (int i = 0; i < hw; i++) {
                float mu = m[ch * hw + i];
                float logvar = Math.max(-30f, Math.min(20f, m[(channels + ch) * hw + i]));
                float sample = mu + (float) Math.exp(0.5f * logvar) * eps[ch * hw + i];
                out[ch * hw + i] = (sample - spec.mean(ch)) / spec.std(ch);
            }
        }
        return out;
    }

    /** Pixels [3, F, H, W] → packed 8-bit RGB frames, clamped and rounded as diffusers' output. */
    public List<byte[]> toRgb(float[] px, int from, int to) {
        return VideoPixels.toRgb(px, frames(), height, width, from, to);
    }

    public boolean encoderLoaded() {
        return encoder != null && encoder.loaded();
    }

    public boolean decoderLoaded() {
        return decoder.loaded();
    }

    public void unload() {
        decoder.unload();
        if (encoder != null) {
            encoder.unload();
        }
    }

    @Override
    public void close() {
        decoder.close();
        if (encoder != null) {
            encoder.close();
        }
    }
}
