package dev.kinora.engine.pack;

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

/**
 * animatediff-tiny's manifest reads through PackLoader with every value; a manifest tampered to ask for anything the
 * AnimateDiff adapter does not run is refused at load, naming the key and the value it takes (PackFormat2Test's rule:
 * never a silent default).
 */
class AnimateDiffSpecTest {
    private static final Path PACK = Path.of("src/test/resources/packs/animatediff-tiny");
    private static final Path MANIFEST = PACK.resolve("pack.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelPack load(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(MANIFEST.toFile());
        edit.accept(root);
        return PackLoader.parse(PACK, MANIFEST, JSON.writeValueAsBytes(root));
    }

    private static String refused(Consumer<ObjectNode> edit) {
        return assertThrows(PackException.class, () -> load(edit)).getMessage();
    }

    private static ObjectNode at(ObjectNode root, String block) {
        return (ObjectNode) root.get(block);
    }

    @Test
    void theCommittedPackReadsWithEveryValue() throws Exception {
        ModelPack p = load(r -> { });
        FamilySpec f = p.family().orElseThrow();
        assertEquals(FamilySpec.ANIMATEDIFF, f.family());
        assertEquals(8, f.latentFrames());
        assertFalse(f.frameMajor(), "the UNet's latents are channel-major [B, C, F, h, w]");
        assertEquals(null, f.vae());
        AnimateDiffSpec a = f.animateDiff();
        assertEquals(f.text(), a.text(), "TokenTextEncoder reads the family's text block");
        assertEquals(new FamilySpec.TokenText(77, 32, 712, "none", false, false, false), a.text());
        assertEquals(0.18215, a.scalingFactor());
        assertEquals(5, a.chunkFrames());
        assertEquals(32, a.maxFrames());
        assertEquals("epsilon", p.prediction());
        assertEquals(java.util.Set.of(Mode.GENERATE), p.modes());
    }

    @Test
    void absentOptionalKeysTakeDiffusersDefaults() throws Exception {
        AnimateDiffSpec a = load(r -> {
            at(r, "defaults").remove(List.of("steps", "guidance", "decodeChunkSize"));
            at(r, "vae").remove("chunkFrames");
            at(r, "unet").remove("maxFrames");
            r.remove("guidance");
        }).family().orElseThrow().animateDiff();
        // AnimateDiffPipeline's defaults: 50 steps in diffusers, 25 in its documented example (Kinora's default), guidance
        // 7.5; decode_chunk_size 16 in diffusers, here all of the pack's 8 frames
        assertEquals(new AnimateDiffSpec.Defaults(25, 7.5f, 8), a.defaults());
        assertEquals(8, a.maxFrames());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "text.zeroPadded|true|text.zeroPadded 'true' is not supported (\"false\")",
        "text.encoderMask|true|text.encoderMask 'true' is not supported (\"false\")",
        "text.clean|'wan'|text.clean 'wan' is not supported (\"none\")",
        "text.pooling|'mean-normalized'|text.pooling 'mean-normalized' is not supported (\"none\")",
        "text.padding|'longest'|text.padding 'longest' is not supported (\"max_length\")",
        "text.negative|'zeros'|text.negative 'zeros' is not supported (\"encode\")",
        "text.padTokenId|-1|text.padTokenId must be the tokenizer's pad id",
        "unet.repeatPerFrame|'caller'|unet.repeatPerFrame 'caller' is not supported (\"inGraph\")",
        "unet.textStates|'perFrame'|unet.textStates 'perFrame' is not supported (\"perVideo\")",
        "unet.maxFrames|4|frames 8 exceed unet.maxFrames 4",
        "guidance.calls|1|guidance.calls '1' is not supported (\"2\")",
        "vae.kind|'causal3d'|vae.kind 'causal3d' is not supported (\"image2d\")",
        "vae.decode|'window'|vae.decode 'window' is not supported (\"perFrame\")",
        "vae.input|'latents'|vae.input 'latents' is not supported (\"latents*(1/scalingFactor)\")",
        "latent.temporal|'causal'|latent.temporal 'causal' is not supported (\"none\")",
        "latent.order|'FCHW'|latent.order 'FCHW' is not supported (\"CFHW\")",
        "latent.frames|4|latent.frames '4' is not supported (\"8\")",
        "latent.scalingFactor|0|latent.scalingFactor must be a positive number",
        "prediction|'v_prediction'|prediction 'v_prediction' is not supported (\"epsilon\")",
    })
    void aTamperedKeyIsRefusedByName(String key, String json, String message) {
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
    void otherModesLatentStatisticsAndMissingPartsAreRefused() {
        assertTrue(refused(r -> ((ArrayNode) r.get("modes")).add("extend")).contains("modes 'extend' is not supported (\"generate\")"));
        assertTrue(refused(r -> at(r, "latent").set("mean", JSON.createArrayNode().add(0).add(0).add(0).add(0))).contains("latent.mean"));
        assertTrue(refused(r -> at(r, "components").remove("tokenizer")).contains("component 'tokenizer' is missing"));
        assertTrue(refused(r -> r.remove("text")).contains("'text' must be an object"));
        assertTrue(refused(r -> at(r, "unet").remove("repeatPerFrame")).contains("unet.repeatPerFrame '' is not supported (\"inGraph\")"),
                "a pack that does not say the graph repeats the text per frame is refused: the states would be fed wrong");
    }
}
