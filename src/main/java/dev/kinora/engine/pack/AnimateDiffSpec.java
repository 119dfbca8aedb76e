package dev.kinora.engine.pack;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * The keys of a {@code family: "animatediff-sd15"} manifest that AnimateDiff's sampling loop acts on
 * (docs/pack-format-2.md, "Family animatediff-sd15"; diffusers' {@code AnimateDiffPipeline}: Stable Diffusion 1.5's
 * UNet with a motion module, CLIP text, DDIM, a per-frame 2D VAE). {@link #parse} accepts exactly what the adapter runs
 * and refuses any other value by key, so a pack that means something else (masked or zeroed CLIP pads, text states
 * repeated outside the graph, a 3D VAE, another prediction) fails at load rather than making a different video.
 *
 * @param text          CLIP's per-token text: 77 rows padded with the pad id, no cleaner, the encoder run on the padded
 *                      sequence without a mask and every row kept (the pads' states are part of what the UNet sees)
 * @param scalingFactor the VAE's {@code scaling_factor}: latents are multiplied by {@code (float) (1 / scalingFactor)}
 *                      before decoding, as diffusers' {@code decode_latents}
 * @param chunkFrames   frames per decoder call (the VAE is 2D: frames are independent, the chunk only sets memory)
 * @param maxFrames     the motion module's positions: the most frames one UNet call may take
 * @param defaults      the pack's defaults for a request
 */
public record AnimateDiffSpec(FamilySpec.TokenText text, double scalingFactor, int chunkFrames, int maxFrames, Defaults defaults) {

    public static final String FAMILY = "animatediff-sd15";

    /** @param steps DDIM steps; @param guidance the classifier-free guidance scale; @param decodeChunkSize frames per decoder call */
    public record Defaults(int steps, float guidance, int decodeChunkSize) {
    }

    /** Reads and checks the animatediff-sd15 keys of {@code root}, the manifest at {@code manifest} (named in every message). */
    public static AnimateDiffSpec parse(JsonNode root, Path manifest) throws PackException {
        ManifestCheck k = new ManifestCheck(manifest, "animatediff-sd15 runs " + ModelPack.TEXT_ENCODER + " (with its " + ModelPack.TOKENIZER + "), " + ModelPack.DENOISER + " and " + ModelPack.VAE_DECODER);
        k.is(root, "family", FAMILY, true);
        for (JsonNode m : root.path("modes")) {
            if (!m.asText().equals("generate")) {
                throw k.unsupported("modes", m.asText(), "generate", "animatediff-sd15 makes one window of text-to-video; it has no VAE encoder"
                        + " to start from a still or a clip");
            }
        }
        int frames = k.positiveInt(root, "frames", "frames");
        String prediction = root.path("prediction").asText("epsilon");
        if (!prediction.equals("epsilon")) {
            throw k.unsupported("prediction", prediction, "epsilon", "Stable Diffusion 1.5's UNet predicts the noise");
        }

        JsonNode lat = root.path("latent");
        k.is(lat, "latent.temporal", "none", true);
        k.is(lat, "latent.order", "CFHW", false);
        if (lat.has("temporalStride") && !(lat.get("temporalStride").isIntegralNumber() && lat.get("temporalStride").asInt() == 1)) {
            throw k.unsupported("latent.temporalStride", lat.path("temporalStride").toString(), "1", "one latent frame per frame");
        }
        if (lat.has("frames") && lat.path("frames").asInt(-1) != frames) {
            throw k.unsupported("latent.frames", lat.path("frames").toString(), String.valueOf(frames), "one latent frame per frame");
        }
        for (String key : List.of("mean", "std")) {
            if (lat.has(key)) {
                throw new PackException(manifest + ": latent." + key + " is not supported for animatediff-sd15: its latents are scaled by"
                        + " latent.scalingFactor only");
            }
        }
        double scalingFactor = k.positiveNumber(lat, "scalingFactor", "latent.scalingFactor");

        JsonNode comps = root.path("components");
        for (String key : List.of(ModelPack.TEXT_ENCODER, ModelPack.TOKENIZER, ModelPack.DENOISER, ModelPack.VAE_DECODER)) {
            k.component(comps, key);
        }
        FamilySpec.TokenText text = text(k, root.path("text"));

        JsonNode unet = root.path("unet");
        k.is(unet, "unet.textStates", "perVideo", false);
        k.is(unet, "unet.repeatPerFrame", "inGraph", true);
        k.is(unet, "unet.timestep", "float32[1]", false);
        int maxFrames = unet.has("maxFrames") ? k.positiveInt(unet, "maxFrames", "unet.maxFrames") : frames;
        if (frames > maxFrames) {
            throw new PackException(manifest + ": frames " + frames + " exceed unet.maxFrames " + maxFrames
                    + " (the motion module's positions); one window cannot be longer");
        }

        JsonNode g = root.path("guidance");
        k.is(g, "guidance.kind", "cfg", false);
        if (g.has("calls") && !(g.get("calls").isIntegralNumber() && g.get("calls").asInt() == 2)) {
            throw k.unsupported("guidance.calls", g.get("calls").toString(), "2", "the conditional and the unconditional UNet call, batch 1 each");
        }

        JsonNode defs = root.path("defaults");
        Defaults defaults = new Defaults(
                defs.has("steps") ? k.positiveInt(defs, "steps", "defaults.steps") : 25,
                k.finite(defs, "guidance", "defaults.guidance", 7.5),
                defs.has("decodeChunkSize") ? k.positiveInt(defs, "decodeChunkSize", "defaults.decodeChunkSize") : frames);

        JsonNode vae = root.path("vae");
        k.is(vae, "vae.kind", "image2d", true);
        k.is(vae, "vae.decode", "perFrame", false);
        k.is(vae, "vae.input", "latents*(1/scalingFactor)", false);
        JsonNode range = vae.get("pixelRange");
        if (range != null && !(range.isArray() && range.size() == 2 && range.get(0).asDouble() == -1 && range.get(1).asDouble() == 1)) {
            throw k.unsupported("vae.pixelRange", range.toString(), "[-1.0, 1.0]", null);
        }
        if (vae.has("clamped") && !vae.get("clamped").isBoolean()) {
            throw k.unsupported("vae.clamped", vae.get("clamped").toString(), "true or false", null);
        }
        int chunk = defaults.decodeChunkSize();
        if (vae.has("chunkFrames")) {
            chunk = k.positiveInt(vae, "chunkFrames", "vae.chunkFrames");
            if (!defs.has("decodeChunkSize")) {
                defaults = new Defaults(defaults.steps(), defaults.guidance(), chunk);
            }
        }
        return new AnimateDiffSpec(text, scalingFactor, Math.min(chunk, frames), maxFrames, defaults);
    }

    /**
     * CLIP's text as diffusers' {@code encode_prompt} makes it: {@code tokenizer(padding="max_length", max_length=77,
     * truncation=True)} and the encoder on all 77 ids without a mask; the negative prompt (empty by default) the same way.
     */
    private static FamilySpec.TokenText text(ManifestCheck k, JsonNode t) throws PackException {
        if (!t.isObject()) {
            throw new PackException(k.manifest() + ": 'text' must be an object describing CLIP's tokens (maxTokens, dim, padTokenId)");
        }
        int maxTokens = k.positiveInt(t, "maxTokens", "text.maxTokens");
        int dim = k.positiveInt(t, "dim", "text.dim");
        k.is(t, "text.pooling", "none", true);
        k.is(t, "text.padding", "max_length", false);
        k.is(t, "text.clean", "none", false);
        k.is(t, "text.negative", "encode", false);
        k.flag(t, "text.truncation", true);
        // CLIP's padded rows are real states the UNet attends to (causal attention, no mask): they are neither zeroed nor masked
        k.flag(t, "text.zeroPadded", false);
        k.flag(t, "text.encoderMask", false);
        k.flag(t, "text.denoiserMask", false);
        JsonNode pad = t.get("padTokenId");
        if (pad == null || !pad.isIntegralNumber() || !pad.canConvertToLong() || pad.asLong() < 0) {
            throw new PackException(k.manifest() + ": text.padTokenId must be the tokenizer's pad id (a non-negative integer), found " + pad);
        }
        return new FamilySpec.TokenText(maxTokens, dim, pad.asLong(), "none", false, false, false);
    }

}
