package dev.kinora.engine.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.testing.TestPacks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights and tensor shapes read from an ONNX protobuf without a session, for the memory planner. */
class OnnxGraphInfoTest {
    @TempDir
    Path dir;

    @Test
    void weightsCountInlineExternalAndConstantTensorsByTheirDims() throws Exception {
        Path model = Files.write(dir.resolve("m.onnx"), model());
        OnnxGraphInfo g = OnnxGraphInfo.read(model);
        assertEquals(1024L * 512 * 2 + 10, g.initializerBytes(), "float16 [1024,512] in an external file + int8 [10] inline");
        assertEquals(1024L * 512 * 2, g.externalBytes());
        assertEquals(9 * 4, g.constantBytes(), "a Constant node's float [3,3]");
        assertEquals(1, g.inputs().size(), "an initializer listed among the inputs (IR < 4) is a weight, not an input");
        assertEquals("sample", g.inputs().get(0).name());
        assertEquals(1024, g.widestLayer(), "the [1024, 512] weight; the [3,3] constant is narrower");
        assertEquals(Set.of("Constant"), g.ops());
    }

    @Test
    void theLargestTensorFollowsTheInputsSymbolicDims() throws Exception {
        OnnxGraphInfo g = OnnxGraphInfo.read(Files.write(dir.resolve("m.onnx"), model()));
        Map<String, Long> bound = g.bind(Map.of("sample", new long[] {2, 4, 16, 8, 8}));
        assertEquals(Map.of("B", 2L, "F", 16L), bound);
        assertEquals(2L * 64 * 16 * 8 * 8 * 4, g.largestTensorBytes(bound), "value_info 'hidden' [B,64,F,8,8] float");
        assertEquals(2L * 4 * 16 * 8 * 8 * 4, g.inputs().get(0).bytes(bound));
        assertEquals(-1, g.inputs().get(0).bytes(Map.of()), "unbound symbols leave the size unknown");
    }

    @Test
    void shippedGraphsWeighAboutTheirFileSize() throws Exception {
        Path denoiser = TestPacks.tinyWorld().resolve("denoiser.onnx");
        OnnxGraphInfo g = OnnxGraphInfo.read(denoiser);
        double ratio = g.weightBytes() / (double) Files.size(denoiser);
        // since 2.11.0 nearly all the weights are stored as int8 (2.4.0-2.10.1: fp16) and count at their float size
        assertTrue(ratio > 3.5 && ratio <= 4.0, "weights are nearly all of an inline-weight file, at four times their int8 size: " + ratio);
        assertEquals(7, g.inputs().size(), "the five common inputs, text_tokens and text_mask");
        int c = TestPacks.tinyWorldLatentChannels();
        Map<String, Long> bound = g.bind(Map.of("sample", new long[] {2, c, 16, 16, 16}));
        assertEquals(2L * c * 16 * 16 * 16 * 4, g.largestTensorBytes(bound), "no value_info: the largest bound input or output");
        assertEquals(576, g.widestLayer(), "2.11.0's space-time attention: q, k and v of its 192 channels from one [576, 192]"
                + " projection (2.4.0-2.10.1: 384, the text projection)");
        OnnxGraphInfo text = OnnxGraphInfo.read(TestPacks.tinyWorld().resolve("text_encoder/all-minilm-l6-v2-q.onnx"));
        assertEquals(1536, text.widestLayer(), "MiniLM's feed-forward, not its 30522-token embedding table");
        assertEquals(384, text.commonWidth(), "its hidden size");
        assertTrue(text.ops().contains("Softmax"));
    }

    /**
     * Tiny World's export stores weights as fp16 and casts them to float (train/export2.py); ORT folds the Cast when it
     * loads the graph, so in memory such a weight is float. An fp16 tensor used as fp16 stays at its own size.
     */
    @Test
    void anFp16WeightCastToFloatCountsAtItsFloatSize() throws Exception {
        byte[] cast = OnnxBytes.concat(OnnxBytes.field(1, utf8("w_fp16")), OnnxBytes.field(2, utf8("w")), OnnxBytes.field(4, utf8("Cast")),
                OnnxBytes.field(5, OnnxBytes.concat(OnnxBytes.field(1, utf8("to")), OnnxBytes.varintField(3, 1), OnnxBytes.varintField(20, 2))));
        byte[] castHalf = OnnxBytes.concat(OnnxBytes.field(1, utf8("k_fp16")), OnnxBytes.field(2, utf8("k")), OnnxBytes.field(4, utf8("Cast")),
                OnnxBytes.field(5, OnnxBytes.concat(OnnxBytes.field(1, utf8("to")), OnnxBytes.varintField(3, 10), OnnxBytes.varintField(20, 2))));
        byte[] w = OnnxBytes.concat(packedVarints(1, 64, 32), OnnxBytes.varintField(2, 10), OnnxBytes.field(8, utf8("w_fp16")), OnnxBytes.field(9, new byte[64 * 32 * 2]));
        byte[] k = OnnxBytes.concat(packedVarints(1, 16), OnnxBytes.varintField(2, 10), OnnxBytes.field(8, utf8("k_fp16")), OnnxBytes.field(9, new byte[16 * 2]));
        byte[] graph = OnnxBytes.concat(OnnxBytes.field(1, cast), OnnxBytes.field(1, castHalf), OnnxBytes.field(2, utf8("g")),
                OnnxBytes.field(5, w), OnnxBytes.field(5, k));
        OnnxGraphInfo g = OnnxGraphInfo.read(Files.write(dir.resolve("half.onnx"), OnnxBytes.concat(OnnxBytes.varintField(1, 8), OnnxBytes.field(7, graph))));
        assertEquals(64L * 32 * 4 + 16 * 2, g.weightBytes(), "w: fp16 in the file, float after the Cast; k: cast to fp16, stays fp16");
    }

    /** Since 2.11.0 the export stores large weights as int8 cast to float and scaled (train/export2.py --int8): float in memory. */
    @Test
    void anInt8WeightCastToFloatCountsAtItsFloatSize() throws Exception {
        byte[] cast = OnnxBytes.concat(OnnxBytes.field(1, utf8("w_q8")), OnnxBytes.field(2, utf8("w_q8f")), OnnxBytes.field(4, utf8("Cast")),
                OnnxBytes.field(5, OnnxBytes.concat(OnnxBytes.field(1, utf8("to")), OnnxBytes.varintField(3, 1), OnnxBytes.varintField(20, 2))));
        byte[] w = OnnxBytes.concat(packedVarints(1, 64, 32), OnnxBytes.varintField(2, 3), OnnxBytes.field(8, utf8("w_q8")), OnnxBytes.field(9, new byte[64 * 32]));
        byte[] idx = OnnxBytes.concat(packedVarints(1, 40), OnnxBytes.varintField(2, 3), OnnxBytes.field(8, utf8("lookup_q8")), OnnxBytes.field(9, new byte[40]));
        byte[] graph = OnnxBytes.concat(OnnxBytes.field(1, cast), OnnxBytes.field(2, utf8("g")), OnnxBytes.field(5, w), OnnxBytes.field(5, idx));
        OnnxGraphInfo g = OnnxGraphInfo.read(Files.write(dir.resolve("int8.onnx"), OnnxBytes.concat(OnnxBytes.varintField(1, 8), OnnxBytes.field(7, graph))));
        assertEquals(64L * 32 * 4 + 40, g.weightBytes(), "w: int8 in the file, float after the Cast; an int8 tensor no Cast reads stays int8");
    }

    @Test
    void junkIsAnIoErrorNamingTheFile() throws Exception {
        Path junk = Files.write(dir.resolve("junk.onnx"), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        IOException e = assertThrows(IOException.class, () -> OnnxGraphInfo.read(junk));
        assertTrue(e.getMessage().contains("junk.onnx"), e.getMessage());
    }

    // ---- a hand-encoded ModelProto ----

    private static byte[] model() {
        byte[] ext = OnnxBytes.concat(OnnxBytes.field(1, utf8("location")), OnnxBytes.field(2, utf8("m.onnx.data")));
        byte[] external = OnnxBytes.concat(packedVarints(1, 1024, 512), OnnxBytes.varintField(2, 10), OnnxBytes.field(8, utf8("w16")), OnnxBytes.field(13, ext), OnnxBytes.varintField(14, 1));
        byte[] inline = OnnxBytes.concat(OnnxBytes.varintField(1, 10), OnnxBytes.varintField(2, 3), OnnxBytes.field(8, utf8("w8")), OnnxBytes.field(9, new byte[10]));
        byte[] constTensor = OnnxBytes.concat(OnnxBytes.varintField(1, 3), OnnxBytes.varintField(1, 3), OnnxBytes.varintField(2, 1), OnnxBytes.field(4, new byte[36]));
        byte[] node = OnnxBytes.concat(OnnxBytes.field(2, utf8("c_out")), OnnxBytes.field(4, utf8("Constant")), OnnxBytes.field(5, OnnxBytes.concat(OnnxBytes.field(1, utf8("value")), OnnxBytes.field(5, constTensor))));
        byte[] graph = OnnxBytes.concat(OnnxBytes.field(1, node), OnnxBytes.field(2, utf8("g")), OnnxBytes.field(5, external), OnnxBytes.field(5, inline),
                OnnxBytes.field(11, value("sample", 1, "B", 4, "F", 8, 8)), OnnxBytes.field(11, value("w8", 3, 10)),
                OnnxBytes.field(12, value("prediction", 1, "B", 4, "F", 8, 8)),
                OnnxBytes.field(13, value("hidden", 1, "B", 64, "F", 8, 8)),
                OnnxBytes.field(13, value("unknowable", 1, "B", "N", 4096)));
        return OnnxBytes.concat(OnnxBytes.varintField(1, 8), OnnxBytes.field(7, graph));
    }

    /** ValueInfoProto{name, type{tensor_type{elem_type, shape{dim...}}}}; a dim is an Integer size or a String symbol. */
    private static byte[] value(String name, int elemType, Object... dims) {
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        for (Object d : dims) {
            shape.writeBytes(OnnxBytes.field(1, d instanceof String s ? OnnxBytes.field(2, utf8(s)) : OnnxBytes.varintField(1, (Integer) d)));
        }
        byte[] tensorType = OnnxBytes.concat(OnnxBytes.varintField(1, elemType), OnnxBytes.field(2, shape.toByteArray()));
        return OnnxBytes.concat(OnnxBytes.field(1, utf8(name)), OnnxBytes.field(2, OnnxBytes.field(1, tensorType)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] packedVarints(int number, long... values) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (long v : values) {
            OnnxBytes.writeVarint(payload, v);
        }
        return OnnxBytes.field(number, payload.toByteArray());
    }

}
