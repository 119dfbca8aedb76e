package dev.kinora.engine.pack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinora.engine.RequestLimits;
import dev.kinora.engine.scheduler.DiffusersConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;

/**
 * Reads a pack folder's {@code pack.json}. When the manifest says {@code "layout": "diffusers"}, the
 * component files default to the Hugging Face Optimum folder layout and scheduler defaults come from
 * {@code scheduler/scheduler_config.json}, so an exported pipeline needs only a thin manifest.
 */
public final class PackLoader {
    public static final String MANIFEST = "pack.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** diffusers writes a DPM-Solver config's lambda_min_clipped default, -inf, as the JSON extension -Infinity. */
    private static final ObjectMapper SCHEDULER_JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final int MAX_MANIFEST_BYTES = 1 << 20;

    private PackLoader() {
    }

    public static ModelPack load(Path dir) throws PackException {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isDirectory(dir)) {
            throw new PackException(dir + ": not a model pack folder (no such directory)");
        }
        if (!Files.isRegularFile(manifest)) {
            throw new PackException(manifest + ": missing; a model pack folder must contain pack.json");
        }
        byte[] bytes;
        try {
            if (Files.size(manifest) > MAX_MANIFEST_BYTES) {
                throw new PackException(manifest + ": larger than 1 MiB; this is not a pack manifest");
            }
            bytes = Files.readAllBytes(manifest);
        } catch (IOException e) {
            throw new PackException(manifest + ": cannot be read: " + e.getMessage(), e);
        }
        return parse(dir, manifest, bytes);
    }

    /** A pack from the bytes of its manifest, read from {@code manifest} in the pack folder {@code dir}. */
    static ModelPack parse(Path dir, Path manifest, byte[] bytes) throws PackException {
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw new PackException(manifest + ": larger than 1 MiB; this is not a pack manifest");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new PackException(manifest + ": not valid JSON (" + e.getOriginalMessage() + " at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")", e);
        } catch (IOException e) {
            // Bytes that look like UTF-16/32 but are not: Jackson says so with a plain CharConversionException.
            throw new PackException(manifest + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        return parse(dir, manifest, root);
    }

    static ModelPack parse(Path dir, Path manifest, JsonNode root) throws PackException {
        Reader r = new Reader(manifest);
        boolean diffusers = "diffusers".equals(root.path("layout").asText(""));
        JsonNode schedulerConfig = diffusers ? readSchedulerConfig(dir) : JSON.createObjectNode();

        String id = r.text(root, "id");
        if (!id.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw new PackException(manifest + ": id '" + id + "' must be lower-case letters, digits, '.', '_' or '-'");
        }
        Set<Mode> modes = EnumSet.noneOf(Mode.class);
        for (JsonNode m : r.array(root, "modes")) {
            try {
                modes.add(Mode.parse(m.asText()));
            } catch (IllegalArgumentException e) {
                throw new PackException(manifest + ": " + e.getMessage());
            }
        }
        JsonNode lat = root.path("latent");
        ModelPack.LatentGeometry latent = new ModelPack.LatentGeometry(
                r.positiveInt(lat, "channels"), r.positiveInt(lat, "height"), r.positiveInt(lat, "width"),
                lat.path("spatialStride").asInt(1), lat.path("temporalStride").asInt(1));

        JsonNode sched = root.path("scheduler");
        JsonNode defs = root.path("defaults");
        String prediction = root.path("prediction").asText(
                schedulerConfig.path("prediction_type").asText(defaultPrediction(schedulerConfig))).toLowerCase(Locale.ROOT);
        if (!PREDICTIONS.contains(prediction)) {
            throw new PackException(manifest + ": prediction '" + prediction + "' (from " + (root.has("prediction") ? "pack.json"
                    : "scheduler/scheduler_config.json prediction_type") + ") is not one of " + String.join(", ", PREDICTIONS));
        }
        String scheduler = sched.has("default") ? sched.path("default").asText() : schedulerKindFromDiffusers(manifest, schedulerConfig);
        // FlowMatch configs call the time shift "shift", UniPC and DPM-Solver configs "flow_shift".
        double configShift = schedulerConfig.path("shift").asDouble(schedulerConfig.path("flow_shift").asDouble(1.0));
        ModelPack.SamplingDefaults defaults = new ModelPack.SamplingDefaults(
                scheduler,
                defs.path("steps").asInt(16),
                (float) defs.path("guidance").asDouble(3.0),
                (float) sched.path("shift").asDouble(configShift),
                (float) sched.path("timestepScale").asDouble(diffusers ? 1000.0 : 1.0),
                sched.path("numTrainTimesteps").asInt(schedulerConfig.path("num_train_timesteps").asInt(1000)),
                defs.path("contextFrames").asInt(4),
                // Stable Diffusion's betas, the engine's fixed choice before packs could name their own.
                (float) sched.path("betaStart").asDouble(0.00085),
                (float) sched.path("betaEnd").asDouble(0.012),
                betaSchedule(manifest, sched),
                sched.path("pipelineSigmas").asBoolean(false),
                byMode(manifest, defs.path("guidanceByMode"), "guidanceByMode", "guidance, e.g. {\"animate\": 2.5}",
                        g -> g >= 0 && g <= RequestLimits.MAX_GUIDANCE, "from 0 to " + (int) RequestLimits.MAX_GUIDANCE),
                guidanceInterval(manifest, defs.path("guidanceInterval")),
                byMode(manifest, defs.path("shiftByMode"), "shiftByMode", "flow time shift, e.g. {\"generate\": 3.0}",
                        s -> s > 0 && s <= RequestLimits.MAX_SHIFT, "above 0 and at most " + (int) RequestLimits.MAX_SHIFT),
                referenceFrames(manifest, defs.path("referenceFrames")));
        if (defaults.numTrainTimesteps() < 2 || defaults.numTrainTimesteps() > DiffusersConfig.MAX_TRAIN_TIMESTEPS) {
            throw new PackException(manifest + ": scheduler.numTrainTimesteps " + defaults.numTrainTimesteps() + " must be 2 to "
                    + DiffusersConfig.MAX_TRAIN_TIMESTEPS + " (1000 for every known family)");
        }
        if (!(defaults.betaStart() > 0 && defaults.betaStart() < 1 && defaults.betaEnd() > 0 && defaults.betaEnd() < 1)) {
            throw new PackException(manifest + ": scheduler.betaStart " + defaults.betaStart() + " and betaEnd " + defaults.betaEnd()
                    + " must be between 0 and 1 (exclusive); Stable Diffusion's are 0.00085 and 0.012");
        }
        if (!defaults.shiftByMode().isEmpty() && (prediction.equals("epsilon") || prediction.equals("v_prediction"))) {
            throw new PackException(manifest + ": defaults.shiftByMode applies to flow-matching packs; prediction " + prediction
                    + " follows a DDPM noise schedule, which has no time shift");
        }
        JsonNode text = root.path("text");
        ModelPack.TextConfig textConfig = new ModelPack.TextConfig(
                text.path("maxTokens").asInt(64), text.path("pooling").asText("mean-normalized"), text.path("dim").asInt(384));

        Map<String, Component> components = new LinkedHashMap<>();
        JsonNode comps = root.path("components");
        if (!comps.isObject()) {
            throw new PackException(manifest + ": 'components' must be an object naming each file of the pack");
        }
        Iterator<Map.Entry<String, JsonNode>> it = comps.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            components.put(e.getKey(), component(r, e.getKey(), e.getValue(), diffusers));
        }
        List<Component> extra = new ArrayList<>();
        for (JsonNode f : r.optionalArray(root, "extraFiles", "the manifest")) {
            extra.add(component(r, "extra", f, false));
        }
        ModelPack pack = new ModelPack(dir, id, r.text(root, "name"), r.text(root, "version"), r.text(root, "license"),
                root.path("description").asText(""), examples(r, root), modes, r.positiveInt(root, "width"), r.positiveInt(root, "height"),
                r.positiveInt(root, "frames"), r.positiveDouble(root, "fps"), latent, prediction, defaults, textConfig,
                components, extra, JSON.convertValue(schedulerConfig, new TypeReference<Map<String, Object>>() { }),
                familySpec(r, root, latent, textConfig, components));
        checkGeometry(manifest, pack, lat.has("spatialStride"));
        return pack;
    }

    /** The manifest's optional example prompts: each a non-empty string of printable text, a few at most. */
    private static List<String> examples(Reader r, JsonNode root) throws PackException {
        JsonNode list = r.optionalArray(root, "examples", "the manifest");
        if (list.size() > ModelPack.MAX_EXAMPLES) {
            throw new PackException(r.manifest() + ": 'examples' lists " + list.size() + " prompts; at most "
                    + ModelPack.MAX_EXAMPLES + " are read");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            String text = e.isTextual() ? e.asText().strip() : "";
            // shown in the studio and printed by the CLI: no control characters from a file anyone can edit
            if (text.isEmpty() || text.length() > ModelPack.MAX_EXAMPLE_CHARS || text.chars().anyMatch(Character::isISOControl)) {
                throw new PackException(r.manifest() + ": item " + i + " of 'examples' must be a prompt of 1 to "
                        + ModelPack.MAX_EXAMPLE_CHARS + " printable characters, found " + (e.isTextual()
                        ? "a string of " + e.asText().length() + " characters" : e.getNodeType().name().toLowerCase(Locale.ROOT)));
            }
            out.add(text);
        }
        return out;
    }

    /**
     * Format 2's family, latent space, per-token text and video VAE. Every value the engine acts on is checked
     * here: an unknown family, cleaner or VAE kind is an error naming the supported ones, never a default.
     */
    private static FamilySpec familySpec(Reader r, JsonNode root, ModelPack.LatentGeometry latent, ModelPack.TextConfig textConfig,
                                         Map<String, Component> components) throws PackException {
        JsonNode format = root.get("format");
        if (format == null || format.asInt(0) == 1 && format.isIntegralNumber()) {
            return null;
        }
        if (!format.isIntegralNumber() || format.asInt() != 2) {
            throw new PackException(r.manifest + ": format " + format + " is not one Kinora reads (1 or 2)");
        }
        String family = r.text(root, "family");
        if (!FamilySpec.FAMILIES.contains(family)) {
            throw new PackException(r.manifest + ": family '" + family + "' has no adapter in this Kinora; supported: "
                    + String.join(", ", FamilySpec.FAMILIES));
        }
        JsonNode lat = root.path("latent");
        int latentFrames = r.positiveInt(lat, "frames");
        if (family.equals(FamilySpec.SVD)) {
            // image only: no text, one latent frame per frame, its own conditioning keys (SvdSpec refuses what it does not run)
            return FamilySpec.imageOnly(family, latentFrames, SvdSpec.parse(root, r.manifest));
        }
        if (family.equals(FamilySpec.ANIMATEDIFF)) {
            // one latent frame per frame, CLIP text, a per-frame 2D VAE: its own keys (AnimateDiffSpec refuses what it does not run)
            return FamilySpec.animateDiff(family, latentFrames, AnimateDiffSpec.parse(root, r.manifest));
        }
        String temporal = lat.path("temporal").asText("");
        if (!temporal.equals("causal")) {
            throw new PackException(r.manifest + ": latent.temporal '" + temporal + "' is not supported; format 2 reads \"causal\"");
        }
        float[] mean;
        float[] std;
        if (lat.has("scalingFactor") && !lat.has("mean") && !lat.has("std")) {
            // CogVideoX: z = x · float32(1/scalingFactor), i.e. mean 0 and std float32(1/sf) per channel
            float inv = (float) (1.0 / r.positiveDouble(lat, "scalingFactor"));
            mean = new float[latent.channels()];
            std = new float[latent.channels()];
            java.util.Arrays.fill(std, inv);
        } else {
            mean = floats(r, lat, "mean", latent.channels());
            std = floats(r, lat, "std", latent.channels());
        }
        String order = lat.path("order").asText("CFHW");
        if (!order.equals("CFHW") && !order.equals("FCHW")) {
            throw new PackException(r.manifest + ": latent.order '" + order + "' is not supported (\"CFHW\" or \"FCHW\")");
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Float.isFinite(mean[c])) {
                throw new PackException(r.manifest + ": latent.std must be positive and latent.mean finite, channel " + c + " has "
                        + mean[c] + " / " + std[c]);
            }
        }
        int[] multipleOf = {1, 1, 1};
        JsonNode mult = r.optionalArray(lat, "multipleOf", "latent");
        if (!mult.isEmpty()) {
            if (mult.size() != 3) {
                throw new PackException(r.manifest + ": latent.multipleOf must list 3 integers (frames, height, width), found " + mult);
            }
            for (int i = 0; i < 3; i++) {
                multipleOf[i] = r.positiveInt(mult, i);
            }
        }
        int expectedFrames = 1 + latent.temporalStride() * (latentFrames - 1);
        int frames = r.positiveInt(root, "frames");
        if (frames != expectedFrames) {
            throw new PackException(r.manifest + ": frames " + frames + " does not match " + latentFrames + " causal latent frames at temporal stride "
                    + latent.temporalStride() + " (1 + " + latent.temporalStride() + "·(L − 1) = " + expectedFrames + ")");
        }

        JsonNode text = root.path("text");
        if (!text.path("pooling").asText("").equals("none")) {
            throw new PackException(r.manifest + ": text.pooling '" + text.path("pooling").asText("") + "': format 2 takes per-token states (\"none\")");
        }
        String clean = text.path("clean").asText("none");
        if (!FamilySpec.TokenText.CLEANERS.contains(clean)) {
            throw new PackException(r.manifest + ": text.clean '" + clean + "' is not one of " + FamilySpec.TokenText.CLEANERS);
        }
        String negative = text.path("negative").asText("encode");
        if (!negative.equals("encode")) {
            throw new PackException(r.manifest + ": text.negative '" + negative + "' is not supported; the negative prompt is always encoded (\"encode\")");
        }
        if (!text.path("padding").asText("max_length").equals("max_length")) {
            throw new PackException(r.manifest + ": text.padding '" + text.path("padding").asText() + "' is not supported; format 2 pads to maxTokens (\"max_length\")");
        }
        JsonNode pad = text.get("padTokenId");
        if (pad == null || !pad.canConvertToLong() || pad.asLong() < 0) {
            throw new PackException(r.manifest + ": text.padTokenId must be the tokenizer's pad id (a non-negative integer), found " + pad);
        }
        r.positiveInt(text, "maxTokens");
        r.positiveInt(text, "dim");
        FamilySpec.TokenText tokenText = new FamilySpec.TokenText(textConfig.maxTokens(), textConfig.dim(), pad.asLong(), clean,
                text.path("zeroPadded").asBoolean(false), text.path("encoderMask").asBoolean(true), text.path("denoiserMask").asBoolean(false));

        JsonNode vae = root.path("vae");
        String kind = vae.path("kind").asText("");
        if (!FamilySpec.VaeSpec.KINDS.contains(kind)) {
            throw new PackException(r.manifest + ": vae.kind '" + kind + "' is not one of " + FamilySpec.VaeSpec.KINDS);
        }
        if (r.positiveInt(vae, "latentFrames") != latentFrames || r.positiveInt(vae, "frames") != frames) {
            throw new PackException(r.manifest + ": vae.latentFrames/frames (" + vae.path("latentFrames") + "/" + vae.path("frames")
                    + ") must equal latent.frames/frames (" + latentFrames + "/" + frames + "): the VAE graphs take exactly one window");
        }
        if (vae.has("decode") && !vae.path("decode").asText().equals("window")) {
            throw new PackException(r.manifest + ": vae.decode '" + vae.path("decode").asText() + "' is not supported (\"window\")");
        }
        String encode = kind.equals(FamilySpec.VaeSpec.LTX3D) ? "image" : "window";
        if (vae.has("encode") && !vae.path("encode").asText().equals(encode)) {
            throw new PackException(r.manifest + ": vae.encode '" + vae.path("encode").asText() + "' is not supported for a " + kind + " VAE (\"" + encode + "\")");
        }
        String familyKind = switch (family) {
            case FamilySpec.LTX -> FamilySpec.VaeSpec.LTX3D;
            case FamilySpec.COGVIDEOX -> FamilySpec.VaeSpec.COGVIDEOX3D;
            default -> FamilySpec.VaeSpec.CAUSAL3D;
        };
        if (!kind.equals(familyKind)) {
            throw new PackException(r.manifest + ": family '" + family + "' does not drive a '" + kind + "' VAE (it takes '" + familyKind + "')");
        }
        if (kind.equals(FamilySpec.VaeSpec.COGVIDEOX3D)) {
            if (!vae.path("batchedInGraph").asBoolean(false) || !vae.path("causalDecode").asBoolean(false)) {
                throw new PackException(r.manifest + ": a cogvideox3d VAE needs causalDecode and batchedInGraph true (diffusers' frame batches"
                        + " inside the graph; decoding all frames at once differs)");
            }
            if (!vae.path("input").asText("").equals("latents*(1/scalingFactor)") || !lat.has("scalingFactor")) {
                throw new PackException(r.manifest + ": a cogvideox3d VAE takes latents*(1/scalingFactor) with latent.scalingFactor, found "
                        + vae.path("input"));
            }
            if (latentFrames % 2 == 0) {
                throw new PackException(r.manifest + ": a cogvideox3d window needs an odd number of latent frames (an even L decodes to 4L"
                        + " frames, not 4L − 3), found " + latentFrames);
            }
            JsonNode d = root.path("defaults");
            if (d.path("dynamicGuidance").asBoolean(false) || d.path("eta").asDouble(0) != 0) {
                throw new PackException(r.manifest + ": defaults.dynamicGuidance and defaults.eta are not supported (false, 0)");
            }
            JsonNode pos = root.path("positions");
            if (!pos.isMissingNode() && !pos.path("fixedSize").toString().equals("[" + latentFrames + "," + latent.height() + "," + latent.width() + "]")) {
                throw new PackException(r.manifest + ": positions.fixedSize " + pos.path("fixedSize") + " must be the window's [L, h, w]");
            }
        }
        if (vae.has("encodeOutput") && !vae.path("encodeOutput").asText().equals("moments")) {
            throw new PackException(r.manifest + ": vae.encodeOutput '" + vae.path("encodeOutput").asText() + "' is not supported (\"moments\")");
        }
        JsonNode range = vae.path("pixelRange");
        if (!range.isMissingNode() && (!range.isArray() || range.size() != 2 || range.get(0).asDouble() != -1 || range.get(1).asDouble() != 1)) {
            throw new PackException(r.manifest + ": vae.pixelRange " + range + " is not supported ([-1, 1])");
        }
        boolean step = vae.path("stepDecoder").asBoolean(false);
        int caches = step ? r.positiveInt(vae, "cacheTensors") : 0;
        if (step && (!components.containsKey(ModelPack.VAE_DECODER_FIRST) || !components.containsKey(ModelPack.VAE_DECODER_STEP))) {
            throw new PackException(r.manifest + ": vae.stepDecoder needs components '" + ModelPack.VAE_DECODER_FIRST + "' and '"
                    + ModelPack.VAE_DECODER_STEP + "'");
        }
        if (!step && !components.containsKey(ModelPack.VAE_DECODER)) {
            throw new PackException(r.manifest + ": a format-2 pack needs component '" + ModelPack.VAE_DECODER + "' (or vae.stepDecoder with its two graphs)");
        }
        FamilySpec.VaeSpec vaeSpec = new FamilySpec.VaeSpec(kind, latentFrames, frames, step, caches, vae.path("clamped").asBoolean(false));
        FamilySpec.Ltx ltx = family.equals(FamilySpec.LTX) ? ltx(r, root, vae) : null;
        // wan2.1-i2v: Wan's text, latents and causal VAE as above, plus the image encoder and conditioning (WanI2vSpec refuses what it does not run)
        WanI2vSpec i2v = family.equals(FamilySpec.WAN_I2V) ? WanI2vSpec.parse(root, r.manifest) : null;
        return new FamilySpec(family, latentFrames, mean, std, multipleOf, order.equals("FCHW"), tokenText, vaeSpec, ltx, null, null, i2v);
    }

    /** LTX-Video 0.9.1's keys (docs/pack-format-2.md): each value the adapter implements, anything else refused by name. */
    private static FamilySpec.Ltx ltx(Reader r, JsonNode root, JsonNode vae) throws PackException {
        JsonNode tokens = root.path("tokens");
        if (!tokens.path("order").asText("").equals("FHW") || !tokens.path("patch").toString().equals("[1,1,1]")) {
            throw new PackException(r.manifest + ": tokens " + tokens + " is not supported (order \"FHW\", patch [1,1,1])");
        }
        JsonNode coords = root.path("coordinates");
        JsonNode scale = coords.path("scale");
        if (!scale.isArray() || scale.size() != 3 || coords.path("causalOffset").asBoolean(true)
                || !coords.path("frameRateDivides").asText("").equals("frame")) {
            throw new PackException(r.manifest + ": coordinates " + coords + " is not supported (scale [3], frameRateDivides \"frame\", causalOffset false)");
        }
        JsonNode ts = root.path("timestep");
        if (!ts.path("perToken").asBoolean(false) || !ts.path("conditioned").asText("").equals("t*(1-mask)")) {
            throw new PackException(r.manifest + ": timestep " + ts + " is not supported (perToken, \"t*(1-mask)\")");
        }
        JsonNode cond = root.path("conditioning");
        if (!cond.isMissingNode() && (!cond.path("kind").asText("").equals("tokenReplace") || !cond.path("latentFrames").toString().equals("[0]")
                || !cond.path("sample").asText("").equals("posterior"))) {
            throw new PackException(r.manifest + ": conditioning " + cond + " is not supported (tokenReplace at latent frame [0], posterior sample)");
        }
        if (!vae.path("decodeTimestep").asBoolean(false) || !vae.path("decodeNoise").asText("").equals("latent") || vae.path("causalDecode").asBoolean(true)) {
            throw new PackException(r.manifest + ": vae " + vae.path("kind") + " needs decodeTimestep true, decodeNoise \"latent\" and causalDecode false");
        }
        if (vae.path("encodeFrames").asInt(1) != 1) {
            throw new PackException(r.manifest + ": vae.encodeFrames " + vae.path("encodeFrames") + " is not supported (1: an image)");
        }
        List<FamilySpec.InjectNoise> inject = new ArrayList<>();
        for (JsonNode n : r.optionalArray(vae, "injectNoise", "vae")) {
            String input = n.path("input").asText("");
            if (input.isEmpty()) {
                throw new PackException(r.manifest + ": vae.injectNoise entry " + n + " has no 'input'");
            }
            inject.add(new FamilySpec.InjectNoise(input, r.positiveInt(n, "draws"), r.positiveInt(n, "height"), r.positiveInt(n, "width")));
        }
        JsonNode defs = root.path("defaults");
        if (defs.path("guidanceRescale").asDouble(0) != 0) {
            throw new PackException(r.manifest + ": defaults.guidanceRescale " + defs.path("guidanceRescale") + " is not supported (0)");
        }
        float frameRate = (float) defs.path("frameRate").asDouble(root.path("fps").asDouble(25));
        float[] s = {(float) scale.get(0).asDouble(), (float) scale.get(1).asDouble(), (float) scale.get(2).asDouble()};
        return new FamilySpec.Ltx(s, frameRate, (float) defs.path("decodeTimestep").asDouble(0), (float) defs.path("decodeNoiseScale").asDouble(0), inject);
    }

    private static float[] floats(Reader r, JsonNode n, String field, int count) throws PackException {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray() || v.size() != count) {
            throw new PackException(r.manifest + ": latent." + field + " must list one number per latent channel (" + count + "), found " + v);
        }
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            if (!v.get(i).isNumber()) {
                throw new PackException(r.manifest + ": latent." + field + "[" + i + "] must be a number, found " + v.get(i));
            }
            out[i] = (float) v.get(i).asDouble();
        }
        return out;
    }

    /**
     * A job's own default of one setting, e.g. {@code defaults.guidanceByMode} {"animate": 2.5}; jobs it does not name use
     * the pack's general default. {@code valid} is the range a request may ask for ({@code range} says it), so a
     * tampered pack fails at load, not at its first job.
     */
    private static Map<Mode, Float> byMode(Path manifest, JsonNode node, String field, String what, DoublePredicate valid,
                                           String range) throws PackException {
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new PackException(manifest + ": defaults." + field + " must be an object of job to " + what);
        }
        Map<Mode, Float> out = new EnumMap<>(Mode.class);
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Mode mode;
            try {
                mode = Mode.parse(e.getKey());
            } catch (IllegalArgumentException ex) {
                throw new PackException(manifest + ": defaults." + field + ": " + ex.getMessage());
            }
            double g = e.getValue().asDouble(Double.NaN);
            if (!e.getValue().isNumber() || !valid.test(g)) {
                throw new PackException(manifest + ": defaults." + field + "." + e.getKey() + " must be a number " + range
                        + ", got " + e.getValue());
            }
            out.put(mode, (float) g);
        }
        return out;
    }

    /** {@code defaults.guidanceInterval}: [from, to] in flow time (1 = noise), where guidance applies; absent: everywhere. */
    private static ModelPack.GuidanceInterval guidanceInterval(Path manifest, JsonNode node) throws PackException {
        if (node.isMissingNode() || node.isNull()) {
            return ModelPack.GuidanceInterval.ALWAYS;
        }
        if (!node.isArray() || node.size() != 2 || !node.get(0).isNumber() || !node.get(1).isNumber()) {
            throw new PackException(manifest + ": defaults.guidanceInterval must be two flow times [from, to], e.g. [0.5, 1.0], got " + node);
        }
        try {
            return new ModelPack.GuidanceInterval((float) node.get(0).asDouble(), (float) node.get(1).asDouble());
        } catch (IllegalArgumentException e) {
            throw new PackException(manifest + ": defaults.guidanceInterval: " + e.getMessage());
        }
    }

    /** {@code defaults.referenceFrames}: absent or 0 carries a reference decoder's reference along the whole chain. */
    private static int referenceFrames(Path manifest, JsonNode node) throws PackException {
        if (node.isMissingNode() || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || node.asInt() < 0 || node.asInt() > MAX_REFERENCE_FRAMES) {
            throw new PackException(manifest + ": defaults.referenceFrames must be a whole number of frames from 0 to "
                    + MAX_REFERENCE_FRAMES + " (0: the reference is carried along the whole chain), got " + node);
        }
        return node.asInt();
    }

    private static String betaSchedule(Path manifest, JsonNode sched) throws PackException {
        String b = sched.path("betaSchedule").asText("scaled_linear");
        if (!b.equals("linear") && !b.equals("scaled_linear")) {
            throw new PackException(manifest + ": scheduler.betaSchedule '" + b + "' is not linear or scaled_linear"
                    + " (other schedules come with a diffusers scheduler/scheduler_config.json)");
        }
        return b;
    }

    /**
     * The frame and latent sizes a manifest states must agree with each other and with the fixed axes
     * of the tensors it declares (which the sessions check against the graphs when they load): a
     * manifest edited to width 100000 is a broken pack, not a request to make huge frames.
     */
    static void checkGeometry(Path manifest, ModelPack p, boolean strideStated) throws PackException {
        ModelPack.LatentGeometry l = p.latent();
        if (p.width() > MAX_SIDE || p.height() > MAX_SIDE || p.frames() > MAX_WINDOW) {
            throw new PackException(manifest + ": frames of " + p.width() + "x" + p.height() + " x " + p.frames()
                    + " exceed what Kinora runs (sides up to " + MAX_SIDE + ", windows up to " + MAX_WINDOW + " frames)");
        }
        if (strideStated && (p.width() != l.width() * l.spatialStride() || p.height() != l.height() * l.spatialStride())) {
            throw new PackException(manifest + ": frames of " + p.width() + "x" + p.height() + " do not match the latent of "
                    + l.width() + "x" + l.height() + " at spatial stride " + l.spatialStride() + " (expected "
                    + l.width() * l.spatialStride() + "x" + l.height() * l.spatialStride() + ")");
        }
        int[] image = {-1, 3, p.height(), p.width()};
        int[] latent2d = {-1, l.channels(), l.height(), l.width()};
        expect(manifest, p, ModelPack.VAE_ENCODER, true, "sample", image);
        expect(manifest, p, ModelPack.VAE_ENCODER, false, "latent", latent2d);
        expect(manifest, p, ModelPack.VAE_DECODER, true, "latent", latent2d);
        expect(manifest, p, ModelPack.VAE_DECODER, false, "sample", image);
        expect(manifest, p, ModelPack.DENOISER, true, "sample", new int[] {-1, l.channels(), -1, l.height(), l.width()});
    }

    private static final int MAX_SIDE = 8192;
    private static final int MAX_WINDOW = 1024;
    private static final int MAX_REFERENCE_FRAMES = MAX_WINDOW;

    private static void expect(Path manifest, ModelPack p, String key, boolean input, String name, int[] want) throws PackException {
        Component c = p.components().get(key);
        if (c == null) {
            return;
        }
        for (TensorSpec t : input ? c.inputs() : c.outputs()) {
            if (!t.name().equals(name) || t.shape().length != want.length) {
                continue;
            }
            for (int i = 0; i < want.length; i++) {
                if (want[i] >= 0 && t.shape()[i] >= 0 && t.shape()[i] != want[i]) {
                    throw new PackException(manifest + ": " + key + " " + (input ? "input" : "output") + " '" + name + "' is declared "
                            + java.util.Arrays.toString(t.shape()) + " but the pack's size says " + java.util.Arrays.toString(want)
                            + " (-1 = any); the manifest's width/height/latent and the graphs disagree");
                }
            }
        }
    }

    private static Component component(Reader r, String key, JsonNode node, boolean diffusers) throws PackException {
        String file = node.path("file").asText("");
        if (file.isEmpty() && diffusers) {
            file = diffusersDefaultFile(key);
        }
        if (file.isEmpty()) {
            throw new PackException(r.manifest + ": component '" + key + "' has no 'file'");
        }
        String sha = node.path("sha256").asText("").toLowerCase(Locale.ROOT);
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new PackException(r.manifest + ": component '" + key + "' (" + file
                    + ") needs a 64-hex-digit 'sha256', found '" + sha + "'");
        }
        long size = node.path("size").asLong(-1);
        if (size < 0) {
            throw new PackException(r.manifest + ": component '" + key + "' (" + file + ") needs its 'size' in bytes");
        }
        String where = "component '" + key + "'";
        return new Component(key, file, sha, size, specs(r, key, r.optionalArray(node, "inputs", where)),
                specs(r, key, r.optionalArray(node, "outputs", where)));
    }

    private static List<TensorSpec> specs(Reader r, String key, Iterable<JsonNode> arr) throws PackException {
        List<TensorSpec> out = new ArrayList<>();
        for (JsonNode s : arr) {
            String name = s.path("name").asText("");
            if (name.isEmpty()) {
                throw new PackException(r.manifest + ": a tensor of component '" + key + "' has no 'name'");
            }
            // A shape that is an object has a size() but no get(i): it must be a list, e.g. [-1, 4, 8, 8].
            JsonNode shape = r.optionalArray(s, "shape", "tensor '" + name + "' of component '" + key + "'");
            long[] dims = new long[shape.size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shape.get(i).isNumber() ? shape.get(i).asLong() : -1;
            }
            out.add(new TensorSpec(s.path("role").asText(name), name, dims));
        }
        return out;
    }

    private static String diffusersDefaultFile(String key) {
        return switch (key) {
            case ModelPack.TEXT_ENCODER -> "text_encoder/model.onnx";
            case ModelPack.TOKENIZER -> "tokenizer/tokenizer.json";
            case ModelPack.DENOISER -> "transformer/model.onnx";
            case ModelPack.VAE_ENCODER -> "vae_encoder/model.onnx";
            case ModelPack.VAE_DECODER -> "vae_decoder/model.onnx";
            case ModelPack.VAE_DECODER_FIRST -> "vae_decoder_first/model.onnx";
            case ModelPack.VAE_DECODER_STEP -> "vae_decoder_step/model.onnx";
            default -> "";
        };
    }

    private static JsonNode readSchedulerConfig(Path dir) throws PackException {
        Path p = dir.resolve("scheduler").resolve("scheduler_config.json");
        if (!Files.isRegularFile(p)) {
            return JSON.createObjectNode();
        }
        JsonNode config;
        try {
            config = SCHEDULER_JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new PackException(p + ": not valid JSON: " + e.getMessage(), e);
        }
        if (config == null || !config.isObject()) {
            throw new PackException(p + ": not a JSON object; a scheduler_config.json is an object with a _class_name");
        }
        return config;
    }

    /** What VideoPipeline knows how to drive; anything else is an error here rather than a silent flow default later. */
    private static final Set<String> PREDICTIONS = new java.util.LinkedHashSet<>(List.of(
            "flow_velocity", "flow_prediction", "flow", "epsilon", "v_prediction", "v", "sample", "x0", "x_prediction"));

    /** diffusers' default prediction_type: epsilon for every DDPM-family class, a velocity for flow matching. */
    private static String defaultPrediction(JsonNode config) {
        String cls = config.path("_class_name").asText("");
        return cls.isEmpty() || cls.startsWith("FlowMatch") ? "flow_velocity" : "epsilon";
    }

    /** The sampler for a diffusers scheduler class; a pack without a scheduler config defaults to flow-euler. */
    private static String schedulerKindFromDiffusers(Path manifest, JsonNode config) throws PackException {
        String cls = config.path("_class_name").asText("");
        boolean flowSigmas = config.path("use_flow_sigmas").asBoolean(false);
        return switch (cls) {
            case "", "FlowMatchEulerDiscreteScheduler" -> "flow-euler";
            case "FlowMatchHeunDiscreteScheduler" -> "flow-heun";
            case "DDIMScheduler", "CogVideoXDDIMScheduler" -> "ddim";
            case "EulerDiscreteScheduler" -> "euler";
            case "LCMScheduler" -> "lcm";
            case "EulerAncestralDiscreteScheduler" -> "euler-a";
            case "UniPCMultistepScheduler" -> flowSigmas ? "flow-unipc" : "ddim";
            case "DPMSolverMultistepScheduler" -> flowSigmas ? "flow-dpm++2m"
                    : config.path("use_karras_sigmas").asBoolean(false) ? "dpm++2m-karras" : "dpm++2m";
            default -> throw new PackException(manifest.resolveSibling("scheduler").resolve("scheduler_config.json")
                    + ": _class_name '" + cls + "' has no Kinora sampler; supported: FlowMatchEulerDiscreteScheduler,"
                    + " FlowMatchHeunDiscreteScheduler, UniPCMultistepScheduler, DPMSolverMultistepScheduler, DDIMScheduler,"
                    + " CogVideoXDDIMScheduler, EulerDiscreteScheduler, EulerAncestralDiscreteScheduler, LCMScheduler (or name a sampler in pack.json's scheduler.default)");
        };
    }

    /** Small typed getters whose errors all name the manifest and the field. */
    private record Reader(Path manifest) {
        String text(JsonNode n, String field) throws PackException {
            JsonNode v = n.get(field);
            if (v == null || !v.isTextual() || v.asText().isBlank()) {
                throw new PackException(manifest + ": '" + field + "' must be a non-empty string");
            }
            return v.asText();
        }

        int positiveInt(JsonNode n, String field) throws PackException {
            JsonNode v = n.get(field);
            if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
                throw new PackException(manifest + ": '" + field + "' must be a positive integer, found " + v);
            }
            return v.asInt();
        }

        int positiveInt(JsonNode array, int index) throws PackException {
            JsonNode v = array.get(index);
            if (v == null || !v.canConvertToInt() || v.asInt() <= 0) {
                throw new PackException(manifest + ": item " + index + " of " + array + " must be a positive integer");
            }
            return v.asInt();
        }

        double positiveDouble(JsonNode n, String field) throws PackException {
            JsonNode v = n.get(field);
            if (v == null || !v.isNumber() || v.asDouble() <= 0) {
                throw new PackException(manifest + ": '" + field + "' must be a positive number, found " + v);
            }
            return v.asDouble();
        }

        /** The field's array; an empty one when absent or null; an error when it is anything else. */
        JsonNode optionalArray(JsonNode n, String field, String where) throws PackException {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return JSON.createArrayNode();
            }
            if (!v.isArray()) {
                throw new PackException(manifest + ": '" + field + "' of " + where + " must be a list, found "
                        + v.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            return v;
        }

        Iterable<JsonNode> array(JsonNode n, String field) throws PackException {
            JsonNode v = n.get(field);
            if (v == null || !v.isArray() || v.isEmpty()) {
                throw new PackException(manifest + ": '" + field + "' must be a non-empty array");
            }
            return v;
        }
    }
}
