package dev.kinora.engine.pack;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys of a {@code family: "svd-xt"} manifest that Stable Video Diffusion's sampling loop acts on
 * (docs/pack-format-2.md, "Family svd-xt"). {@link #parse} accepts exactly what {@code SvdLoop} runs and refuses any
 * other value by name, so a pack that means something else (a scaled image latent, a constant guidance, another
 * preprocessing, a causal VAE) fails at load rather than producing a different video.
 *
 * @param image         the image encoder and its preprocessing
 * @param conditioning  how the image latent reaches the UNet (only diffusers' one way is accepted)
 * @param addedTimeIds  the UNet's {@code added_time_ids} input and the order of its three values
 * @param guidance      the per-frame guidance ramp
 * @param defaults      the pack's defaults for a request
 * @param scalingFactor the VAE's {@code scaling_factor}: latents are multiplied by {@code (float) (1 / scalingFactor)}
 *                      before decoding, and only there (kept in double: diffusers divides in Python's float64)
 * @param chunkFrames   frames per decoder call when the request does not say (= {@code defaults.decodeChunkSize})
 */
public record SvdSpec(Image image, Conditioning conditioning, AddedTimeIds addedTimeIds, Guidance guidance, Defaults defaults,
                      double scalingFactor, int chunkFrames) {

    public static final String FAMILY = "svd-xt";
    public static final String PREPROCESS = "svd-antialias-bicubic";
    public static final String FPS_MINUS_1 = "fps-1";
    public static final String MOTION_BUCKET_ID = "motion_bucket_id";
    public static final String NOISE_AUG_STRENGTH = "noise_aug_strength";
    /** diffusers' {@code _get_add_time_ids} order. */
    public static final List<String> TIME_ID_NAMES = List.of(FPS_MINUS_1, MOTION_BUCKET_ID, NOISE_AUG_STRENGTH);

    /**
     * @param encoder    the component key of the image encoder
     * @param height     its input height ({@code size[0]})
     * @param width      its input width ({@code size[1]})
     * @param dim        the embedding's width D ({@code image_embeds} [1, D])
     * @param tokens     cross-attention tokens the embedding is used as (1)
     * @param preprocess {@value #PREPROCESS}
     * @param mean       per-channel mean of the CLIP normalisation
     * @param std        per-channel std
     * @param negative   the unconditional embedding: {@code "zeros"}
     */
    public record Image(String encoder, int height, int width, int dim, int tokens, String preprocess, float[] mean, float[] std,
                        String negative) {
    }

    /**
     * The UNet's image conditioning, as diffusers does it: the VAE posterior's mode of the noise-augmented image,
     * unscaled, concatenated on the channel axis of every frame; zeros for the unconditional call.
     */
    public record Conditioning(String kind, String imageLatent, boolean imageLatentScaled, String noiseAug, boolean repeatFrames,
                               String negative) {
    }

    /** @param input the denoiser input (its graph name or role); @param order the three values' names in input order */
    public record AddedTimeIds(String input, List<String> order) {
        public AddedTimeIds {
            order = List.copyOf(order);
        }

        /** The [1,3] values in {@link #order()}: fps − 1 (SVD was conditioned on it), the motion bucket, the noise strength, as float32. */
        public float[] values(float fps, int motionBucketId, float noiseAugStrength) {
            float[] v = new float[order.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (order.get(i)) {
                    case FPS_MINUS_1 -> fps - 1f;
                    case MOTION_BUCKET_ID -> motionBucketId;
                    default -> noiseAugStrength;
                };
            }
            return v;
        }
    }

    /** {@code g[f] = linspace(from, to, F)[f]}, {@code from}/{@code to} naming the defaults (and request fields) they come from. */
    public record Guidance(String kind, String from, String to, int calls) {
    }

    /**
     * @param decodeChunkSize frames per decoder call; diffusers' default (absent here) is all frames at once, i.e. the pack's
     *                        {@code frames}. It changes the result: the decoder's temporal layers mix the frames of one call
     */
    public record Defaults(int steps, float minGuidance, float maxGuidance, float fps, int motionBucketId, float noiseAugStrength,
                           int decodeChunkSize) {
    }

    /** Reads and checks the svd-xt keys of {@code root}, the manifest at {@code manifest} (named in every message). */
    public static SvdSpec parse(JsonNode root, Path manifest) throws PackException {
        ManifestCheck k = new ManifestCheck(manifest, "svd-xt runs image_encoder (image.encoder), " + ModelPack.DENOISER + ", " + ModelPack.VAE_ENCODER + " and " + ModelPack.VAE_DECODER);
        k.is(root, "family", FAMILY, true);
        for (JsonNode m : root.path("modes")) {
            if (!m.asText().equals("animate")) {
                throw k.unsupported("modes", m.asText(), "animate", "svd-xt makes a video from an image only");
            }
        }
        JsonNode text = root.get("text");
        if (text != null && !text.isNull()) {
            throw k.unsupported("text", text.toString(), "null", "svd-xt has no text encoder");
        }
        int frames = k.positiveInt(root, "frames", "frames");

        JsonNode lat = root.path("latent");
        k.is(lat, "latent.temporal", "none", true);
        if (lat.has("temporalStride") && !(lat.get("temporalStride").isIntegralNumber() && lat.get("temporalStride").asInt() == 1)) {
            throw k.unsupported("latent.temporalStride", lat.path("temporalStride").toString(), "1", "one latent frame per frame");
        }
        if (lat.has("frames") && lat.path("frames").asInt(-1) != frames) {
            throw k.unsupported("latent.frames", lat.path("frames").toString(), String.valueOf(frames), "one latent frame per frame");
        }
        for (String key : List.of("mean", "std")) {
            if (lat.has(key)) {
                throw new PackException(manifest + ": latent." + key + " is not supported for svd-xt: its latents are scaled by"
                        + " latent.scalingFactor only");
            }
        }
        double scalingFactor = k.positiveNumber(lat, "scalingFactor", "latent.scalingFactor");

        JsonNode comps = root.path("components");
        for (String key : List.of(ModelPack.DENOISER, ModelPack.VAE_ENCODER, ModelPack.VAE_DECODER)) {
            k.component(comps, key);
        }
        Image image = image(k, root.path("image"), comps);
        Conditioning conditioning = conditioning(k, root.path("conditioning"));
        AddedTimeIds ids = addedTimeIds(k, root.path("addedTimeIds"));
        Guidance guidance = guidance(k, root.path("guidance"));
        scheduler(k, root.path("scheduler"));

        JsonNode defs = root.path("defaults");
        float topFps = (float) root.path("fps").asDouble(7);
        Defaults defaults = new Defaults(
                defs.has("steps") ? k.positiveInt(defs, "steps", "defaults.steps") : 25,
                k.finite(defs, "minGuidance", "defaults.minGuidance", 1.0),
                k.finite(defs, "maxGuidance", "defaults.maxGuidance", 3.0),
                defs.has("fps") ? (float) k.positiveNumber(defs, "fps", "defaults.fps") : topFps,
                defs.has("motionBucketId") ? k.nonNegativeInt(defs, "motionBucketId", "defaults.motionBucketId") : 127,
                k.nonNegative(defs, "noiseAugStrength", "defaults.noiseAugStrength", 0.02),
                defs.has("decodeChunkSize") ? k.positiveInt(defs, "decodeChunkSize", "defaults.decodeChunkSize") : frames);

        JsonNode vae = root.path("vae");
        k.is(vae, "vae.kind", "temporalDecoder", true);
        k.is(vae, "vae.encode", "image", false);
        k.is(vae, "vae.encodeOutput", "moments", false);
        k.is(vae, "vae.encodeSample", "mode", false);
        k.is(vae, "vae.decode", "chunks", false);
        k.is(vae, "vae.numFrames", "chunk", false);
        JsonNode range = vae.get("pixelRange");
        if (range != null && !(range.isArray() && range.size() == 2 && range.get(0).asDouble() == -1 && range.get(1).asDouble() == 1)) {
            throw k.unsupported("vae.pixelRange", range.toString(), "[-1.0, 1.0]", null);
        }
        if (vae.has("clamped") && !vae.get("clamped").isBoolean()) {
            throw k.unsupported("vae.clamped", vae.get("clamped").toString(), "true or false", null);
        }
        int chunkFrames = defaults.decodeChunkSize();
        if (vae.has("chunkFrames")) {
            chunkFrames = k.positiveInt(vae, "chunkFrames", "vae.chunkFrames");
            if (defs.has("decodeChunkSize") && chunkFrames != defaults.decodeChunkSize()) {
                throw new PackException(manifest + ": vae.chunkFrames " + chunkFrames + " contradicts defaults.decodeChunkSize "
                        + defaults.decodeChunkSize() + "; the chunk size changes the frames, so the pack must say one");
            }
            if (!defs.has("decodeChunkSize")) {
                defaults = new Defaults(defaults.steps(), defaults.minGuidance(), defaults.maxGuidance(), defaults.fps(),
                        defaults.motionBucketId(), defaults.noiseAugStrength(), chunkFrames);
            }
        }
        return new SvdSpec(image, conditioning, ids, guidance, defaults, scalingFactor, chunkFrames);
    }

    private static Image image(ManifestCheck k, JsonNode img, JsonNode comps) throws PackException {
        if (!img.isObject()) {
            throw new PackException(k.manifest() + ": 'image' must be an object naming the image encoder and its preprocessing");
        }
        String encoder = k.is(img, "image.encoder", null, true);
        JsonNode encoderComp = k.component(comps, encoder);
        JsonNode size = img.get("size");
        if (size == null || !size.isArray() || size.size() != 2 || !size.get(0).canConvertToInt() || !size.get(1).canConvertToInt()
                || size.get(0).asInt() <= 0 || size.get(1).asInt() <= 0) {
            throw new PackException(k.manifest() + ": image.size must be [height, width] in pixels, found " + size);
        }
        int height = size.get(0).asInt();
        int width = size.get(1).asInt();
        int dim = k.positiveInt(img, "dim", "image.dim");
        int tokens = img.has("tokens") ? k.positiveInt(img, "tokens", "image.tokens") : 1;
        if (tokens != 1) {
            throw k.unsupported("image.tokens", String.valueOf(tokens), "1", "the embedding is one cross-attention token");
        }
        String preprocess = k.is(img, "image.preprocess", PREPROCESS, true);
        JsonNode resize = img.path("resize");
        k.is(resize, "image.resize.space", "[-1,1]", false);
        k.is(resize, "image.resize.blur", "gaussian", false);
        k.is(resize, "image.resize.padding", "reflect", false);
        k.is(resize, "image.resize.interpolate", "bicubic", false);
        if (resize.has("alignCorners") && !resize.get("alignCorners").asBoolean(false)) {
            throw k.unsupported("image.resize.alignCorners", resize.get("alignCorners").toString(), "true", null);
        }
        if (resize.has("cubicA") && resize.get("cubicA").asDouble(0) != -0.75) {
            throw k.unsupported("image.resize.cubicA", resize.get("cubicA").toString(), "-0.75", null);
        }
        float[] mean = k.three(img, "mean");
        float[] std = k.three(img, "std");
        for (int c = 0; c < 3; c++) {
            if (!(std[c] > 0)) {
                throw new PackException(k.manifest() + ": image.std must be positive, channel " + c + " has " + std[c]);
            }
        }
        String negative = k.is(img, "image.negative", "zeros", false);

        // the graphs' declared shapes, where fixed, must agree with the block (the sessions check the graphs themselves)
        long[] pixels = k.shape(encoderComp, "inputs", "pixel_values");
        if (pixels != null && pixels.length == 4 && (fixedOther(pixels[2], height) || fixedOther(pixels[3], width))) {
            throw new PackException(k.manifest() + ": image.size [" + height + ", " + width + "] does not match component '" + encoder
                    + "' pixel_values " + java.util.Arrays.toString(pixels));
        }
        long[] embeds = k.shape(encoderComp, "outputs", "image_embeds");
        if (embeds != null && embeds.length == 2 && fixedOther(embeds[1], dim)) {
            throw new PackException(k.manifest() + ": image.dim " + dim + " does not match component '" + encoder + "' image_embeds "
                    + java.util.Arrays.toString(embeds));
        }
        long[] cross = k.shape(comps.path(ModelPack.DENOISER), "inputs", "image_embeds");
        if (cross != null && cross.length == 3 && (fixedOther(cross[1], tokens) || fixedOther(cross[2], dim))) {
            throw new PackException(k.manifest() + ": image.tokens/dim " + tokens + "/" + dim + " do not match the denoiser's image_embeds "
                    + java.util.Arrays.toString(cross));
        }
        return new Image(encoder, height, width, dim, tokens, preprocess, mean, std, negative);
    }

    private static boolean fixedOther(long declared, int want) {
        return declared >= 0 && declared != want;
    }

    private static Conditioning conditioning(ManifestCheck k, JsonNode c) throws PackException {
        String kind = k.is(c, "conditioning.kind", "concatChannels", true);
        String imageLatent = k.is(c, "conditioning.imageLatent", "mode", false);
        k.flag(c, "conditioning.imageLatentScaled", false);
        String noiseAug = k.is(c, "conditioning.noiseAug", "pixels", false);
        k.flag(c, "conditioning.repeatFrames", true);
        String negative = k.is(c, "conditioning.negative", "zeros", false);
        return new Conditioning(kind, imageLatent, false, noiseAug, true, negative);
    }

    private static AddedTimeIds addedTimeIds(ManifestCheck k, JsonNode n) throws PackException {
        String input = n.has("input") ? k.is(n, "addedTimeIds.input", null, true) : "added_time_ids";
        JsonNode order = n.get("order");
        if (order == null || !order.isArray() || order.size() != TIME_ID_NAMES.size()) {
            throw new PackException(k.manifest() + ": addedTimeIds.order must list the " + TIME_ID_NAMES.size() + " values "
                    + TIME_ID_NAMES + " in the UNet's order, found " + order);
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode o : order) {
            String name = o.asText("");
            if (!TIME_ID_NAMES.contains(name) || !seen.add(name)) {
                throw k.unsupported("addedTimeIds.order", order.toString(), String.join("\", \"", TIME_ID_NAMES),
                        "each of the three once");
            }
            names.add(name);
        }
        return new AddedTimeIds(input, names);
    }

    private static Guidance guidance(ManifestCheck k, JsonNode g) throws PackException {
        String kind = k.is(g, "guidance.kind", "perFrameLinear", true);
        String from = k.is(g, "guidance.from", "minGuidance", false);
        String to = k.is(g, "guidance.to", "maxGuidance", false);
        int calls = g.has("calls") ? k.positiveInt(g, "calls", "guidance.calls") : 2;
        if (calls != 2) {
            throw k.unsupported("guidance.calls", String.valueOf(calls), "2", "the conditional and the unconditional UNet call, batch 1 each");
        }
        return new Guidance(kind, from, to, calls);
    }

    /** The loop always scales the initial noise and the UNet input and feeds the scheduler's own (continuous) timesteps. */
    private static void scheduler(ManifestCheck k, JsonNode s) throws PackException {
        for (String key : List.of("initNoiseSigma", "scaleModelInput", "continuousTimesteps")) {
            k.flag(s, "scheduler." + key, true);
        }
    }

}
