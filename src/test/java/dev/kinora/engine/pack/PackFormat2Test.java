package dev.kinora.engine.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A format-2 manifest is read exactly or refused naming what is wrong: never a silent default (issue #9). */
class PackFormat2Test {
    private static final Path PACK = Path.of("src/test/resources/packs/wan-tiny");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelPack load(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(PACK.resolve("pack.json").toFile());
        edit.accept(root);
        return PackLoader.parse(PACK, PACK.resolve("pack.json"), JSON.writeValueAsBytes(root));
    }

    @Test
    void theCommittedPackReadsWithEveryValue() throws Exception {
        ModelPack p = load(r -> { });
        FamilySpec f = p.family().orElseThrow();
        assertEquals("wan2.1-t2v", f.family());
        assertEquals("wan", f.text().clean());
        assertTrue(f.text().zeroPadded());
        assertEquals(9, f.vae().frames());
        assertEquals(16, f.mean().length);
        assertEquals(3, f.multipleOf().length);
        assertTrue(p.component(ModelPack.VAE_DECODER_STEP).isPresent());
    }

    /** LTX-Video 0.9.1's keys: packed tokens, coordinates, per-token timesteps, the timestep-aware decoder and its noise inputs. */
    @Test
    void theLtxPackReadsWithItsFamilyKeys() throws Exception {
        ModelPack p = PackLoader.load(Path.of("src/test/resources/packs/ltx-tiny"));
        FamilySpec f = p.family().orElseThrow();
        assertEquals(FamilySpec.LTX, f.family());
        assertEquals("ltx3d", f.vae().kind());
        assertTrue(!f.text().encoderMask() && f.text().denoiserMask() && !f.text().zeroPadded());
        assertEquals(25f, f.ltx().frameRate());
        assertEquals(0.05f, f.ltx().decodeTimestep());
        assertEquals(0.025f, f.ltx().decodeNoiseScale());
        assertEquals(3, f.ltx().injectNoise().size());
        assertEquals(new FamilySpec.InjectNoise("decoder_noise_0", 4, 4, 6), f.ltx().injectNoise().get(0));
        assertEquals(java.util.Set.of(Mode.GENERATE, Mode.ANIMATE), p.modes());
    }

    /** svd-xt, image only: no text block, no latent mean/std, its own keys read by SvdSpec. */
    @Test
    void theImageOnlySvdPackLoadsWithItsOwnKeys() throws Exception {
        var p = PackLoader.load(Path.of("src/test/resources/packs/svd-tiny"));
        var f = p.family().orElseThrow();
        assertEquals("svd-xt", f.family());
        assertEquals(null, f.text());
        assertEquals(5, f.svd().chunkFrames());
        assertEquals(127, f.svd().defaults().motionBucketId());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown family|family|ltx-video-9|family 'ltx-video-9' has no adapter in this Kinora; supported: wan2.1-t2v, ltx-video-0.9.1, cogvideox-2b, svd-xt, animatediff-sd15",
        "unknown cleaner|text.clean|basic|text.clean 'basic' is not one of",
        "pooled text|text.pooling|mean|format 2 takes per-token states",
        "unknown VAE|vae.kind|frames3d|vae.kind 'frames3d' is not one of",
        "non-causal latent|latent.temporal|linear|latent.temporal 'linear' is not supported",
        "negative as zeros|text.negative|zeros|the negative prompt is always encoded",
        "other format|format|3|format 3 is not one Kinora reads"})
    void anUnknownValueIsAnErrorNamingIt(String what, String path, String value, String message) {
        var e = assertThrows(PackException.class, () -> load(r -> set(r, path, value)), what);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void latentStatisticsNeedOneValuePerChannel() {
        var e = assertThrows(PackException.class, () -> load(r -> ((ArrayNode) r.path("latent").path("std")).remove(0)));
        assertTrue(e.getMessage().contains("latent.std must list one number per latent channel (16)"), e.getMessage());
        var z = assertThrows(PackException.class, () -> load(r -> ((ArrayNode) r.path("latent").path("std")).set(3, 0.0)));
        assertTrue(z.getMessage().contains("latent.std must be positive"), z.getMessage());
    }

    @Test
    void theWindowMustAgreeWithTheCausalStride() {
        var e = assertThrows(PackException.class, () -> load(r -> ((ObjectNode) r.path("latent")).put("frames", 4)));
        assertTrue(e.getMessage().contains("does not match 4 causal latent frames"), e.getMessage());
    }

    @Test
    void aStepDecoderNeedsBothGraphs() {
        var e = assertThrows(PackException.class, () -> load(r -> ((ObjectNode) r.path("components")).remove(ModelPack.VAE_DECODER_STEP)));
        assertTrue(e.getMessage().contains("vae.stepDecoder needs components"), e.getMessage());
    }

    private static void set(ObjectNode root, String path, String value) {
        String[] parts = path.split("\\.");
        ObjectNode n = root;
        for (int i = 0; i < parts.length - 1; i++) {
            n = (ObjectNode) n.path(parts[i]);
        }
        if (value.matches("-?\\d+")) {
            n.put(parts[parts.length - 1], Integer.parseInt(value));
        } else {
            n.put(parts[parts.length - 1], value);
        }
    }
}
