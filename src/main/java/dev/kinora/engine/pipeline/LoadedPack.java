package dev.kinora.engine.pipeline;

import dev.kinora.engine.model.Denoiser;
import dev.kinora.engine.model.TextEncoder;
import dev.kinora.engine.model.Vae;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;

/** A verified pack with its component wrappers; their sessions load lazily on first use. */
public final class LoadedPack implements AutoCloseable {
    private static final int VAE_CHUNK = 16;
    private final ModelPack pack;
    private final TextEncoder text;
    private final Denoiser denoiser;
    private final Vae vae;

    public LoadedPack(ModelPack pack, RuntimeOptions options, Device device) throws PackException {
        this.pack = pack;
        this.text = new TextEncoder(pack, options, device);
        this.denoiser = pack.component(ModelPack.DENOISER).isPresent() ? new Denoiser(pack, options, device) : null;
        this.vae = pack.component(ModelPack.VAE_DECODER).isPresent() ? new Vae(pack, options, device, VAE_CHUNK) : null;
    }

    public ModelPack pack() {
        return pack;
    }

    public TextEncoder text() {
        return text;
    }

    public Denoiser denoiser() throws PackException {
        if (denoiser == null) {
            throw new PackException("model pack '" + pack.id() + "' has no denoiser component; it cannot generate video");
        }
        return denoiser;
    }

    public Vae vae() throws PackException {
        if (vae == null) {
            throw new PackException("model pack '" + pack.id() + "' has no vae_encoder/vae_decoder components");
        }
        return vae;
    }

    @Override
    public void close() {
        text.close();
        if (denoiser != null) {
            denoiser.close();
        }
        if (vae != null) {
            vae.close();
        }
    }
}
