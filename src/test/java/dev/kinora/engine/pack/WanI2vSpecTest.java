package dev.kinora.engine.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** wan-i2v-tiny's manifest reads with every value; one that asks for anything the I2V loop does not run is refused by key. */
class WanI2vSpecTest {
    private static final Path PACK = Path.of("src/test/resources/packs/wan-i2v-tiny");
    private static final Path MANIFEST = PACK.resolve("pack.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static WanI2vSpec parse(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(MANIFEST.toFile());
        edit.accept(root);
        return WanI2vSpec.parse(root, MANIFEST);
    }

    private static ObjectNode at(ObjectNode root, String path) {
        ObjectNode n = root;
        for (String p : path.split("\\.")) {
            n = (ObjectNode) n.get(p);
        }
        return n;
    }

    @Test
    void wanI2vTinyReadsWithEveryValue() throws Exception {
        WanI2vSpec s = parse(r -> { });
        assertEquals(4, s.maskChannels());
        assertEquals("image_encoder", s.image().encoder());
        assertEquals(224, s.image().height());
        assertEquals(224, s.image().width());
        assertEquals(257, s.image().tokens());
        assertEquals(224, s.image().shortestEdge());
        assertEquals(1 / 255.0, s.image().rescale(), 1e-15);
        assertEquals(0.26862954f, s.image().std()[0]);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "image.hiddenState          | -1                          | image.hiddenState '-1' is not supported",
        "image.preprocess           | \"svd-antialias-bicubic\"   | image.preprocess 'svd-antialias-bicubic' is not supported",
        "image.resize.resample      | \"bilinear\"                | image.resize.resample 'bilinear' is not supported",
        "image.resize.library       | \"torchvision\"             | image.resize.library 'torchvision' is not supported",
        "image.crop                 | \"none\"                    | image.crop 'none' is not supported",
        "image.rescale              | 1.0                         | image.rescale '1.0' is not supported",
        "image.negative             | \"zeros\"                   | image.negative 'zeros' is not supported",
        "image.tokens               | 1                           | image.tokens/dim 1/32 do not match",
        "conditioning.kind          | \"concatChannels\"          | conditioning.kind 'concatChannels' is not supported",
        "conditioning.mask          | \"firstAndLastFrame\"       | conditioning.mask 'firstAndLastFrame' is not supported",
        "conditioning.video         | \"imageRepeated\"           | conditioning.video 'imageRepeated' is not supported",
        "conditioning.maskChannels  | 1                           | conditioning.maskChannels '1' is not supported",
        "conditioning.normalized    | false                       | conditioning.normalized 'false' is not supported",
        "conditioning.order         | [\"mask\",\"latents\",\"imageLatents\"] | conditioning.order",
    })
    void aValueTheLoopDoesNotRunIsRefusedByKey(String key, String json, String message) throws Exception {
        int dot = key.lastIndexOf('.');
        String msg = assertThrows(PackException.class, () -> parse(r -> {
            try {
                at(r, key.substring(0, dot)).set(key.substring(dot + 1), JSON.readTree(json));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).getMessage();
        assertTrue(msg.contains(message), msg);
        assertTrue(msg.contains(MANIFEST.toString()), "names the manifest: " + msg);
    }

    @Test
    void textToVideoModesAndAMissingImageEncoderAreRefused() {
        String modes = assertThrows(PackException.class, () -> parse(r -> r.putArray("modes").add("animate").add("generate"))).getMessage();
        assertTrue(modes.contains("modes 'generate' is not supported"), modes);
        String enc = assertThrows(PackException.class, () -> parse(r -> at(r, "components").remove("image_encoder"))).getMessage();
        assertTrue(enc.contains("component 'image_encoder' is missing"), enc);
        String den = assertThrows(PackException.class, () -> parse(r -> ((ObjectNode) at(r, "components.denoiser").get("inputs").get(0))
                .set("shape", JSON.valueToTree(new Object[] {"batch", 16, "frames", "2*h2", "2*w2"})))).getMessage();
        assertTrue(den.contains("has 16 channels") && den.contains("takes 36"), den);
    }

    /** Through PackLoader: a tampered key in the pack on disk fails the load, naming it. */
    @Test
    void theLoaderRefusesATamperedPack(@TempDir Path dir) throws Exception {
        Path copy = dev.kinora.testing.TestPacks.wanI2vTiny(dir);
        ObjectNode root = (ObjectNode) JSON.readTree(copy.resolve("pack.json").toFile());
        at(root, "image").put("hiddenState", -1);
        Files.writeString(copy.resolve("pack.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        String msg = assertThrows(PackException.class, () -> PackLoader.load(copy)).getMessage();
        assertTrue(msg.contains("image.hiddenState '-1' is not supported"), msg);
        assertEquals("wan2.1-i2v", PackLoader.load(dev.kinora.testing.TestPacks.wanI2vTiny(dir.resolve("fresh"))).family().orElseThrow().family());
    }
}
