package dev.kinora.engine.pack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** svd-tiny's manifest reads with every value; a manifest that asks for anything SvdLoop does not run is refused by key. */
class SvdSpecTest {
    private static final Path MANIFEST = Path.of("src/test/resources/packs/svd-tiny/pack.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SvdSpec parse(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(MANIFEST.toFile());
        edit.accept(root);
        return SvdSpec.parse(root, MANIFEST);
    }

    private static String refused(Consumer<ObjectNode> edit) {
        return assertThrows(PackException.class, () -> parse(edit)).getMessage();
    }

    private static ObjectNode at(ObjectNode root, String block) {
        return (ObjectNode) root.get(block);
    }

    @Test
    void svdTinyReadsWithEveryValue() throws Exception {
        SvdSpec s = parse(r -> { });
        assertEquals("image_encoder", s.image().encoder());
        assertEquals(224, s.image().height());
        assertEquals(224, s.image().width());
        assertEquals(32, s.image().dim());
        assertEquals(1, s.image().tokens());
        assertEquals(SvdSpec.PREPROCESS, s.image().preprocess());
        assertArrayEquals(new float[] {0.48145466f, 0.4578275f, 0.40821073f}, s.image().mean());
        assertArrayEquals(new float[] {0.26862954f, 0.26130258f, 0.27577711f}, s.image().std());
        assertEquals("zeros", s.image().negative());
        assertEquals("concatChannels", s.conditioning().kind());
        assertEquals("mode", s.conditioning().imageLatent());
        assertFalse(s.conditioning().imageLatentScaled());
        assertEquals("added_time_ids", s.addedTimeIds().input());
        assertEquals(List.of("fps-1", "motion_bucket_id", "noise_aug_strength"), s.addedTimeIds().order());
        assertArrayEquals(new float[] {6f, 127f, 0.02f}, s.addedTimeIds().values(7f, 127, 0.02f));
        assertEquals("perFrameLinear", s.guidance().kind());
        assertEquals(2, s.guidance().calls());
        assertEquals(new SvdSpec.Defaults(4, 1f, 3f, 7f, 127, 0.02f, 5), s.defaults());
        assertEquals(0.18215, s.scalingFactor());
        assertEquals(5, s.chunkFrames());
    }

    @Test
    void absentOptionalKeysTakeDiffusersDefaults() throws Exception {
        SvdSpec s = parse(r -> {
            ObjectNode d = at(r, "defaults");
            d.remove(List.of("steps", "minGuidance", "maxGuidance", "fps", "motionBucketId", "noiseAugStrength", "decodeChunkSize"));
            at(r, "vae").remove("chunkFrames");
            at(r, "image").remove(List.of("tokens", "negative"));
            at(r, "addedTimeIds").remove("input");
            at(r, "guidance").remove(List.of("from", "to", "calls"));
        });
        // decode_chunk_size defaults to all frames at once (the pipeline's default), fps to the pack's
        assertEquals(new SvdSpec.Defaults(25, 1f, 3f, 7f, 127, 0.02f, 8), s.defaults());
        assertEquals(8, s.chunkFrames());
        assertEquals("added_time_ids", s.addedTimeIds().input());
        // the chunk size may be stated by the VAE block alone
        assertEquals(3, parse(r -> {
            at(r, "defaults").remove("decodeChunkSize");
            at(r, "vae").put("chunkFrames", 3);
        }).defaults().decodeChunkSize());
    }

    @Test
    void anotherOrderOfTheTimeIdsIsFollowed() throws Exception {
        SvdSpec s = parse(r -> at(r, "addedTimeIds").set("order", JSON.createArrayNode().add("motion_bucket_id").add("noise_aug_strength").add("fps-1")));
        assertArrayEquals(new float[] {127f, 0.02f, 6f}, s.addedTimeIds().values(7f, 127, 0.02f));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "conditioning.kind|'addChannels'|conditioning.kind 'addChannels' is not supported (\"concatChannels\")",
        "conditioning.imageLatent|'sample'|conditioning.imageLatent 'sample' is not supported (\"mode\")",
        "conditioning.imageLatentScaled|true|conditioning.imageLatentScaled 'true' is not supported (\"false\")",
        "conditioning.noiseAug|'latent'|conditioning.noiseAug 'latent' is not supported (\"pixels\")",
        "conditioning.repeatFrames|false|conditioning.repeatFrames 'false' is not supported (\"true\")",
        "conditioning.negative|'encode'|conditioning.negative 'encode' is not supported (\"zeros\")",
        "guidance.kind|'constant'|guidance.kind 'constant' is not supported (\"perFrameLinear\")",
        "guidance.from|'guidance'|guidance.from 'guidance' is not supported (\"minGuidance\")",
        "guidance.calls|1|guidance.calls '1' is not supported (\"2\")",
        "image.preprocess|'clip'|image.preprocess 'clip' is not supported (\"svd-antialias-bicubic\")",
        "image.negative|'encode'|image.negative 'encode' is not supported (\"zeros\")",
        "image.tokens|2|image.tokens '2' is not supported (\"1\")",
        "vae.kind|'causal3d'|vae.kind 'causal3d' is not supported (\"temporalDecoder\")",
        "vae.decode|'window'|vae.decode 'window' is not supported (\"chunks\")",
        "vae.encodeSample|'sample'|vae.encodeSample 'sample' is not supported (\"mode\")",
        "latent.temporal|'causal'|latent.temporal 'causal' is not supported (\"none\")",
        "latent.temporalStride|4|latent.temporalStride '4' is not supported (\"1\")",
        "scheduler.initNoiseSigma|false|scheduler.initNoiseSigma 'false' is not supported (\"true\")",
        "family|'wan2.1-t2v'|family 'wan2.1-t2v' is not supported (\"svd-xt\")",
    })
    void aValueTheLoopDoesNotRunIsRefusedByKey(String key, String json, String message) throws Exception {
        String[] path = key.split("\\.");
        String got = refused(r -> {
            ObjectNode n = path.length == 1 ? r : at(r, path[0]);
            try {
                n.set(path[path.length - 1], JSON.readTree(json.replace('\'', '"')));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(got.startsWith(MANIFEST + ": "), got);
        assertTrue(got.contains(message), got);
    }

    @Test
    void textModesAndLatentStatisticsAreRefused() {
        assertTrue(refused(r -> r.set("text", JSON.createObjectNode().put("maxTokens", 77))).contains("text '{\"maxTokens\":77}' is not supported (\"null\")"));
        assertTrue(refused(r -> ((ArrayNode) r.get("modes")).add("generate")).contains("modes 'generate' is not supported (\"animate\")"));
        assertTrue(refused(r -> at(r, "latent").set("mean", JSON.createArrayNode().add(0).add(0).add(0).add(0))).contains("latent.mean"));
        assertTrue(refused(r -> at(r, "latent").remove("scalingFactor")).contains("latent.scalingFactor must be a positive number"));
        assertTrue(refused(r -> at(r, "latent").put("frames", 7)).contains("latent.frames '7' is not supported (\"8\")"));
        // no text key at all is as good as null
        assertEquals(32, assertDoesNotThrow(() -> parse(r -> r.remove("text"))).image().dim());
    }

    @Test
    void timeIdsMustNameTheThreeValuesOnce() {
        assertTrue(refused(r -> at(r, "addedTimeIds").set("order", JSON.createArrayNode().add("fps").add("motion_bucket_id").add("noise_aug_strength")))
                .contains("addedTimeIds.order '[\"fps\",\"motion_bucket_id\",\"noise_aug_strength\"]' is not supported"));
        assertTrue(refused(r -> at(r, "addedTimeIds").set("order", JSON.createArrayNode().add("fps-1").add("fps-1").add("noise_aug_strength")))
                .contains("each of the three once"));
        assertTrue(refused(r -> at(r, "addedTimeIds").set("order", JSON.createArrayNode().add("fps-1"))).contains("addedTimeIds.order must list the 3 values"));
    }

    @Test
    void theImageBlockMustAgreeWithTheGraphsAndBeComplete() {
        assertTrue(refused(r -> at(r, "image").put("dim", 64)).contains("image.dim 64 does not match component 'image_encoder' image_embeds [1, 32]"));
        assertTrue(refused(r -> at(r, "image").set("size", JSON.createArrayNode().add(256).add(224)))
                .contains("image.size [256, 224] does not match component 'image_encoder' pixel_values [1, 3, 224, 224]"));
        assertTrue(refused(r -> at(r, "image").put("encoder", "clip")).contains("component 'clip' is missing"));
        assertTrue(refused(r -> at(r, "image").remove("encoder")).contains("image.encoder is missing"));
        assertTrue(refused(r -> at(r, "image").set("std", JSON.createArrayNode().add(0.2).add(0).add(0.2))).contains("image.std must be positive"));
        assertTrue(refused(r -> at(r, "image").set("mean", JSON.createArrayNode().add(0.2))).contains("image.mean must list 3 numbers"));
        assertTrue(refused(r -> ((ObjectNode) at(r, "image").get("resize")).put("cubicA", -0.5)).contains("image.resize.cubicA '-0.5' is not supported (\"-0.75\")"));
        assertTrue(refused(r -> at(r, "components").remove("vae_encoder")).contains("component 'vae_encoder' is missing"));
    }

    @Test
    void twoDifferentChunkSizesAreRefused() {
        assertTrue(refused(r -> at(r, "vae").put("chunkFrames", 3)).contains("vae.chunkFrames 3 contradicts defaults.decodeChunkSize 5"));
        assertTrue(refused(r -> at(r, "defaults").put("decodeChunkSize", 0)).contains("defaults.decodeChunkSize must be a positive integer"));
        assertTrue(refused(r -> at(r, "defaults").put("motionBucketId", -1)).contains("defaults.motionBucketId must be a non-negative integer"));
        assertTrue(refused(r -> at(r, "defaults").put("noiseAugStrength", -0.1)).contains("defaults.noiseAugStrength must not be negative"));
    }

    private static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> s) {
        return org.junit.jupiter.api.Assertions.assertDoesNotThrow(s);
    }
}
