package dev.kinora.engine.pack;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model pack as described by its manifest: what it can do, its geometry, how to sample it and
 * every file it consists of. Values only; loading sessions is the model layer's job.
 */
public record ModelPack(
        Path root,
        String id,
        String name,
        String version,
        String license,
        String description,
        Set<Mode> modes,
        int width,
        int height,
        int frames,
        double fps,
        LatentGeometry latent,
        String prediction,
        SamplingDefaults defaults,
        TextConfig text,
        Map<String, Component> components,
        List<Component> extraFiles) {

    public static final String TEXT_ENCODER = "text_encoder";
    public static final String TOKENIZER = "tokenizer";
    public static final String DENOISER = "denoiser";
    public static final String VAE_ENCODER = "vae_encoder";
    public static final String VAE_DECODER = "vae_decoder";

    public ModelPack {
        modes = Set.copyOf(modes);
        components = Map.copyOf(components);
        extraFiles = List.copyOf(extraFiles);
    }

    /** Latent geometry; a pixel-space pack has stride 1 and 3 channels. */
    public record LatentGeometry(int channels, int height, int width, int spatialStride, int temporalStride) {
    }

    public record SamplingDefaults(String scheduler, int steps, float guidance, float shift, float timestepScale,
                                   int numTrainTimesteps, int contextFrames) {
    }

    /** Text conditioning: the tokenizer's limits and how hidden states become the denoiser's input. */
    public record TextConfig(int maxTokens, String pooling, int dim) {
    }

    public Optional<Component> component(String key) {
        return Optional.ofNullable(components.get(key));
    }

    public Component require(String key) throws PackException {
        Component c = components.get(key);
        if (c == null) {
            throw new PackException(root.resolve("pack.json") + ": component '" + key + "' is required but not declared");
        }
        return c;
    }

    public boolean supports(Mode mode) {
        return modes.contains(mode);
    }
}
