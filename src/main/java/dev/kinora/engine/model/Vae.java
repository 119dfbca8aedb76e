package dev.kinora.engine.model;

import ai.onnxruntime.OrtException;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Component;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.tensor.FloatTensor;
import java.util.Map;

/**
 * Frame-wise latent autoencoder: frames are folded into the batch ([N,3,H,W] ↔ [N,C,h,w]) and run in
 * chunks, so decoding a long clip needs the memory of one chunk, not of the whole clip (running out
 * of memory at the final decode is the field's most reported failure).
 */
public final class Vae implements AutoCloseable {
    private final OnnxModel encoder;
    private final OnnxModel decoder;
    private final OnnxModel refDecoder;
    private final int chunk;

    public Vae(ModelPack pack, RuntimeOptions options, Device device, int chunk) throws PackException {
        this.encoder = new OnnxModel(pack.root(), pack.require(ModelPack.VAE_ENCODER), options, device);
        this.decoder = new OnnxModel(pack.root(), pack.require(ModelPack.VAE_DECODER), options, device);
        this.refDecoder = pack.component(ModelPack.VAE_DECODER_REF).map(c -> new OnnxModel(pack.root(), c, options, device)).orElse(null);
        this.chunk = chunk;
    }

    /** Whether the pack has a decoder that takes a neighbouring frame as its reference ({@link #decodeAfter}). */
    public boolean hasReferenceDecoder() {
        return refDecoder != null;
    }

    /**
     * [N,C,h,w] → [N,3,H,W]: each frame decoded with a neighbouring frame as its reference, its latent
     * {@code refLatent} [N,C,h,w] and its pixels as shown {@code reference} [N,3,H,W] in [-1,1].
     */
    public FloatTensor decodeAfter(FloatTensor latent, FloatTensor refLatent, FloatTensor reference) throws PackException, OrtException {
        if (refDecoder == null) {
            throw new PackException("model pack has no " + ModelPack.VAE_DECODER_REF + " component");
        }
        Component c = refDecoder.component();
        return refDecoder.output(refDecoder.run(Map.of(c.inputName("latent"), latent, c.inputName("ref_latent"), refLatent,
                c.inputName("reference"), reference), Map.of(), null), "sample");
    }

    /** [N,3,H,W] in [-1,1] → [N,C,h,w]. */
    public FloatTensor encode(FloatTensor pixels) throws PackException, OrtException {
        return chunked(encoder, pixels, "sample", "latent");
    }

    /** [N,C,h,w] → [N,3,H,W] in about [-1,1]. */
    public FloatTensor decode(FloatTensor latents) throws PackException, OrtException {
        return chunked(decoder, latents, "latent", "sample");
    }

    private FloatTensor chunked(OnnxModel m, FloatTensor in, String inRole, String outRole) throws PackException, OrtException {
        long[] shape = in.shape();
        int n = (int) shape[0];
        int per = in.size() / Math.max(n, 1);
        float[] out = null;
        long[] outShape = null;
        int outPer = 0;
        for (int start = 0; start < n; start += chunk) {
            int len = Math.min(chunk, n - start);
            float[] part = new float[len * per];
            System.arraycopy(in.data(), start * per, part, 0, part.length);
            long[] partShape = shape.clone();
            partShape[0] = len;
            Map<String, FloatTensor> res = m.run(Map.of(m.component().inputName(inRole), FloatTensor.of(part, partShape)),
                    Map.of(), null);
            FloatTensor r = res.get(m.component().outputName(outRole));
            if (r == null) {
                throw new PackException(m.component().file() + ": no '" + m.component().outputName(outRole)
                        + "' output; outputs were " + res.keySet());
            }
            if (out == null) {
                outPer = r.size() / len;
                outShape = r.shape();
                outShape[0] = n;
                out = new float[n * outPer];
            }
            System.arraycopy(r.data(), 0, out, start * outPer, r.size());
        }
        return out == null ? FloatTensor.zeros(shape) : FloatTensor.of(out, outShape);
    }

    public void unload() {
        encoder.unload();
        decoder.unload();
        if (refDecoder != null) {
            refDecoder.unload();
        }
    }

    public boolean encoderLoaded() {
        return encoder.loaded();
    }

    public boolean decoderLoaded() {
        return decoder.loaded();
    }

    public boolean referenceDecoderLoaded() {
        return refDecoder != null && refDecoder.loaded();
    }

    @Override
    public void close() {
        encoder.close();
        decoder.close();
        if (refDecoder != null) {
            refDecoder.close();
        }
    }
}
