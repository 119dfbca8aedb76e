package dev.kinora.engine.pack;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * The keys of a {@code family: "wan2.1-i2v"} manifest beyond Wan 2.1 text-to-video's (docs/pack-format-2.md, "Family
 * wan2.1-i2v"): the CLIP image encoder, its preprocessing, and how the still conditions the transformer. {@link #parse}
 * accepts exactly what {@code WanPipeline} runs for diffusers' {@code WanImageToVideoPipeline} and refuses any other
 * value by key, so a pack that means something else (another CLIP resize, the last hidden state, a last-frame mask,
 * Wan 2.2's expanded timesteps) fails at load rather than producing a different video.
 *
 * @param image        the image encoder and its preprocessing
 * @param maskChannels the mask's channels: the VAE's temporal stride (4), one per pixel frame of a latent frame
 */
public record WanI2vSpec(Image image, int maskChannels) {
    public static final String FAMILY = "wan2.1-i2v";
    public static final String PREPROCESS = "clip-pil";

    /**
     * transformers' {@code CLIPImageProcessor} (PIL backend) as the checkpoint's {@code preprocessor_config.json} sets it:
     * resize so the shorter side is {@code shortestEdge} with PIL's bicubic filter, center crop to {@code size},
     * {@code x·rescale} (in float64, then float32), {@code (x − mean)/std} in float32.
     *
     * @param encoder      the component key of the image encoder
     * @param height       the encoder's input height (the crop's)
     * @param width        its width
     * @param dim          the image states' width (CLIP's hidden size)
     * @param tokens       image tokens: CLS + patches (257 for ViT-H/14 at 224)
     * @param shortestEdge the resize target of the shorter side
     * @param rescale      {@code rescale_factor} (1/255), kept in double as numpy multiplies in float64
     * @param mean         per-channel mean
     * @param std          per-channel std
     */
    public record Image(String encoder, int height, int width, int dim, int tokens, int shortestEdge, double rescale, float[] mean,
                        float[] std) {
    }

    /** Reads and checks the wan2.1-i2v keys of {@code root}, the manifest at {@code manifest} (named in every message). */
    public static WanI2vSpec parse(JsonNode root, Path manifest) throws PackException {
        ManifestCheck k = new ManifestCheck(manifest, "wan2.1-i2v runs text_encoder, image_encoder (image.encoder), " + ModelPack.DENOISER + ", " + ModelPack.VAE_ENCODER + " and the VAE decoder");
        k.is(root, "family", FAMILY, true);
        for (JsonNode m : root.path("modes")) {
            if (!m.asText().equals("animate")) {
                throw k.unsupported("modes", m.asText(), "animate", "Wan 2.1 I2V animates a still (diffusers' WanImageToVideoPipeline);"
                        + " text-to-video is another checkpoint");
            }
        }
        JsonNode comps = root.path("components");
        for (String key : List.of(ModelPack.TEXT_ENCODER, ModelPack.DENOISER, ModelPack.VAE_ENCODER)) {
            k.component(comps, key);
        }
        int stride = root.path("latent").path("temporalStride").asInt(-1);
        int channels = root.path("latent").path("channels").asInt(-1);
        Image image = image(k, root.path("image"), comps);

        JsonNode c = root.path("conditioning");
        if (!c.isObject()) {
            throw new PackException(manifest + ": 'conditioning' must be an object saying how the still reaches the transformer");
        }
        k.is(c, "conditioning.kind", "wanI2v", true);
        JsonNode order = c.get("order");
        if (order != null && !order.toString().equals("[\"latents\",\"mask\",\"imageLatents\"]")) {
            throw k.unsupported("conditioning.order", order.toString(), "[\"latents\",\"mask\",\"imageLatents\"]",
                    "WanImageToVideoPipeline concatenates the noisy latents, the mask and the condition latents in that order");
        }
        int mask = c.has("maskChannels") ? k.positiveInt(c, "maskChannels", "conditioning.maskChannels") : stride;
        if (mask != stride) {
            throw k.unsupported("conditioning.maskChannels", String.valueOf(mask), String.valueOf(stride),
                    "one mask channel per pixel frame of a latent frame (latent.temporalStride)");
        }
        k.is(c, "conditioning.mask", "firstFrame", false);
        k.is(c, "conditioning.video", "imageThenZeros", false);
        k.is(c, "conditioning.imageLatent", "mode", false);
        k.flag(c, "conditioning.normalized", true);
        k.is(c, "conditioning.negative", "same", false);

        // the denoiser's declared input, where fixed, must take latents + mask + condition latents
        long[] sample = k.shape(comps.path(ModelPack.DENOISER), "inputs", "sample");
        if (sample != null && sample.length == 5 && sample[1] >= 0 && channels > 0 && sample[1] != 2L * channels + mask) {
            throw new PackException(manifest + ": the denoiser's sample has " + sample[1] + " channels; Wan 2.1 I2V takes "
                    + (2 * channels + mask) + " (latents " + channels + " + mask " + mask + " + condition latents " + channels + ")");
        }
        return new WanI2vSpec(image, mask);
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
        int tokens = k.positiveInt(img, "tokens", "image.tokens");
        if (img.has("hiddenState") && img.get("hiddenState").asInt(0) != -2) {
            throw k.unsupported("image.hiddenState", img.get("hiddenState").toString(), "-2",
                    "the pipeline feeds CLIP's penultimate hidden state (encode_image: hidden_states[-2])");
        }
        k.is(img, "image.preprocess", PREPROCESS, true);
        JsonNode resize = img.path("resize");
        int shortest = resize.has("shortestEdge") ? k.positiveInt(resize, "shortestEdge", "image.resize.shortestEdge") : Math.min(height, width);
        if (shortest < Math.max(height, width)) {
            throw new PackException(k.manifest() + ": image.resize.shortestEdge " + shortest + " is smaller than the crop " + width + "x" + height
                    + " (the processor would pad; Kinora does not)");
        }
        k.is(resize, "image.resize.resample", "bicubic", false);
        k.is(resize, "image.resize.library", "pil", false);
        k.is(img, "image.crop", "center", false);
        double rescale = img.has("rescale") ? k.positiveNumber(img, "rescale", "image.rescale") : 1.0 / 255;
        if (Math.abs(rescale * 255 - 1) > 1e-12) {
            throw k.unsupported("image.rescale", img.get("rescale").toString(), "0.00392156862745098", "8-bit pixels to [0, 1]");
        }
        float[] mean = k.three(img, "mean");
        float[] std = k.three(img, "std");
        for (int c = 0; c < 3; c++) {
            if (!(std[c] > 0)) {
                throw new PackException(k.manifest() + ": image.std must be positive, channel " + c + " has " + std[c]);
            }
        }
        k.is(img, "image.negative", "same", false);

        long[] pixels = k.shape(encoderComp, "inputs", "pixel_values");
        if (pixels != null && pixels.length == 4 && (fixedOther(pixels[2], height) || fixedOther(pixels[3], width))) {
            throw new PackException(k.manifest() + ": image.size [" + height + ", " + width + "] does not match component '" + encoder
                    + "' pixel_values " + java.util.Arrays.toString(pixels));
        }
        long[] states = k.shape(encoderComp, "outputs", "image_states");
        if (states != null && states.length == 3 && (fixedOther(states[1], tokens) || fixedOther(states[2], dim))) {
            throw new PackException(k.manifest() + ": image.tokens/dim " + tokens + "/" + dim + " do not match component '" + encoder
                    + "' image_states " + java.util.Arrays.toString(states));
        }
        long[] cross = k.shape(comps.path(ModelPack.DENOISER), "inputs", "image_embeds");
        if (cross == null) {
            throw new PackException(k.manifest() + ": the denoiser has no input with role 'image_embeds' (encoder_hidden_states_image)");
        }
        if (cross.length == 3 && (fixedOther(cross[1], tokens) || fixedOther(cross[2], dim))) {
            throw new PackException(k.manifest() + ": image.tokens/dim " + tokens + "/" + dim + " do not match the denoiser's image_embeds "
                    + java.util.Arrays.toString(cross));
        }
        return new Image(encoder, height, width, dim, tokens, shortest, rescale, mean, std);
    }

    private static boolean fixedOther(long declared, int want) {
        return declared >= 0 && declared != want;
    }

}
