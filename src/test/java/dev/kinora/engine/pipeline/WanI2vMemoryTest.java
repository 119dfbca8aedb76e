package dev.kinora.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.pack.HashCache;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.PackLoader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the memory planner says about the real Wan 2.1 I2V 14B at 480×832 × 81 frames, without its 59 GB of weights:
 * wan-i2v-tiny's pack with its transformer, text encoder and image encoder replaced by graphs that declare the real
 * models' inputs, outputs and every weight shape (as external data: the planner counts weights from their dims and
 * never opens the data files). The shapes are the parameters of diffusers' {@code WanTransformer3DModel} with the
 * "Wan-I2V-14B-480p" config of {@code convert_wan_to_diffusers.py}, of UMT5-XXL's encoder and of CLIP ViT-H/14 to its
 * penultimate layer, instantiated on torch's meta device (tools/export/wan_i2v_sizes.py counts the same).
 */
class WanI2vMemoryTest {
    static final double GIB = 1L << 30;
    static final int FLOAT = 1;
    static final int FLOAT16 = 10;
    static final int INT64 = 7;
    /** The 14B transformer's parameters: {count, dims...}, 16,394,878,784 in all, exported in fp16. */
    static final long[][] TRANSFORMER = {{728, 5120}, {402, 5120, 5120}, {40, 1, 6, 5120}, {40, 13824, 5120}, {40, 13824},
        {40, 5120, 13824}, {3, 1280}, {1, 1, 2, 5120}, {1, 5120, 36, 1, 2, 2}, {1, 5120, 256}, {1, 30720, 5120}, {1, 30720},
        {1, 5120, 4096}, {1, 1280, 1280}, {1, 5120, 1280}, {1, 64, 5120}, {1, 64}};
    /** UMT5-XXL's encoder: 5,680,910,336 parameters, fp32. */
    static final long[][] UMT5_XXL = {{96, 4096, 4096}, {49, 4096}, {48, 10240, 4096}, {24, 32, 64}, {24, 4096, 10240}, {1, 256384, 4096}};
    /** CLIP ViT-H/14 vision tower to its penultimate layer (31 layers, no post-norm): 611,086,080 parameters, fp32. */
    static final long[][] CLIP_VIT_H = {{282, 1280}, {124, 1280, 1280}, {31, 5120, 1280}, {31, 5120}, {31, 1280, 5120}, {1, 1280, 3, 14, 14},
        {1, 257, 1280}};

    @TempDir
    static Path dir;
    static ModelPack pack;

    @BeforeAll
    static void realSizedPack() throws Exception {
        Path p = dev.kinora.testing.TestPacks.wanI2vTiny(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(p.resolve("pack.json").toFile());
        root.put("width", 832).put("height", 480).put("frames", 81);
        ((ObjectNode) root.get("latent")).put("frames", 21).put("height", 60).put("width", 104);
        ((ObjectNode) root.get("vae")).put("latentFrames", 21).put("frames", 81);
        ObjectNode comps = (ObjectNode) root.get("components");
        write(p, comps, "denoiser", model(TRANSFORMER, FLOAT16, List.of(
                input("hidden_states", FLOAT, "batch", 36, "frames", "2*h2", "2*w2"), input("timestep", FLOAT, "batch"),
                input("encoder_hidden_states", FLOAT, "batch", 512, 4096), input("encoder_hidden_states_image", FLOAT, "batch", 257, 1280)),
                input("noise_pred", FLOAT, "batch", 16, "frames", "2*h2", "2*w2"), "MultiHeadAttention"));
        write(p, comps, "text_encoder", model(UMT5_XXL, FLOAT, List.of(input("input_ids", INT64, "batch", "sequence"),
                input("attention_mask", INT64, "batch", "sequence")), input("last_hidden_state", FLOAT, "batch", "sequence", 4096), "MatMul"));
        write(p, comps, "image_encoder", model(CLIP_VIT_H, FLOAT, List.of(input("pixel_values", FLOAT, "batch", 3, 224, 224)),
                input("image_states", FLOAT, "batch", 257, 1280), "MatMul"));
        Files.writeString(p.resolve("pack.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        pack = PackLoader.load(p);
    }

    private static MemoryPlanner.Job animate(MemoryPlanner planner, float guidance) {
        return planner.job(Mode.ANIMATE, 81, 1, guidance, List.of(1), true);
    }

    @Test
    void theTransformersWeightsAre30GiBInFp16() throws Exception {
        MemoryPlanner gpu = new MemoryPlanner(pack, Device.CUDA);
        MemoryEstimate e = gpu.estimate(animate(gpu, 5f), false);
        MemoryEstimate.Component den = e.component(ModelPack.DENOISER);
        assertEquals(2L * 16_394_878_784L, den.weights(), "16.4 B parameters at 2 bytes");
        assertEquals(4L * 5_680_910_336L, e.component(ModelPack.TEXT_ENCODER).weights());
        assertEquals(4L * 611_086_080L, e.component("image_encoder").weights());
        MemoryEstimate.Phase denoising = e.phases().stream().filter(ph -> ph.name().equals("denoising")).findFirst().orElseThrow();
        MemoryEstimate seq = gpu.estimate(animate(gpu, 5f), true);
        MemoryEstimate.Phase alone = seq.phases().stream().filter(ph -> ph.name().equals("denoising")).findFirst().orElseThrow();
        System.out.printf(Locale.ROOT, "planner (cuda): transformer weights %.1f GiB; denoising %.1f GiB of GPU memory with every part loaded,"
                + " %.1f GiB loaded one at a time; activations counted %.2f GiB%n", den.weights() / GIB, denoising.vram() / GIB, alone.vram() / GIB,
                den.activations() / GIB);
        System.out.println(e.describe());
        assertEquals(30.5, den.weights() / GIB, 0.05);
        assertTrue(alone.vram() > 30.5 * GIB && alone.vram() < 32 * GIB, "weights + CUDA context + little else: " + alone.vram() / GIB);
    }

    @Test
    void aTwentyFourGigabyteCardIsRefusedAndAFortyEightGigabyteOneIsNot() throws Exception {
        MemoryPlanner gpu = new MemoryPlanner(pack, Device.CUDA);
        long lots = 512L << 30;
        // with 64 GiB of RAM the CPU would hold it (2 x the weights): the refusal says so
        InvalidRequestException small = assertThrows(InvalidRequestException.class,
                () -> gpu.plan(animate(gpu, 5f), new MemoryLimits(64L << 30, 24L << 30, MemoryLimits.UNKNOWN), Set.of()));
        String m = small.getMessage();
        System.out.println("planner (cuda, 24 GiB): " + m);
        assertTrue(m.contains("GPU memory") && m.contains("the denoiser") && m.contains("weights 30.5 GiB") && m.contains("24.0 GiB is available")
                && m.contains("--device cpu"), m);
        // 48 GiB: not with every part loaded (UMT5 alone is 21 GiB in fp32), one part at a time
        MemoryEstimate plan = assertDoesNotThrow(() -> gpu.plan(animate(gpu, 5f), new MemoryLimits(lots, 48L << 30, MemoryLimits.UNKNOWN), Set.of()));
        assertTrue(plan.sequential());
    }

    @Test
    void onTheCpuTheTransformerNeedsTwiceItsWeights() throws Exception {
        MemoryPlanner cpu = new MemoryPlanner(pack, Device.CPU);
        MemoryEstimate seq = cpu.estimate(animate(cpu, 5f), true);
        MemoryEstimate.Phase alone = seq.phases().stream().filter(ph -> ph.name().equals("denoising")).findFirst().orElseThrow();
        System.out.printf(Locale.ROOT, "planner (cpu): denoising %.1f GiB of RAM loaded one at a time, %.1f GiB with every part loaded%n",
                alone.ram() / GIB, cpu.estimate(animate(cpu, 5f), false).peakRam() / GIB);
        assertTrue(alone.ram() > 61 * GIB, "2 x 30.5 GiB of weights: " + alone.ram() / GIB);
        PackException none = assertThrows(PackException.class,
                () -> cpu.plan(animate(cpu, 5f), MemoryLimits.ram(32L << 30), Set.of()));
        System.out.println("planner (cpu, 32 GiB): " + none.getMessage());
        assertTrue(none.getMessage().contains("does not fit"), none.getMessage());
    }

    // ------------------------------------------------------------------ a minimal ONNX ModelProto writer

    private static void write(Path pack, ObjectNode comps, String key, byte[] model) throws Exception {
        ObjectNode c = (ObjectNode) comps.get(key);
        Path file = pack.resolve(c.get("file").asText());
        Files.write(file, model);
        c.put("sha256", HashCache.compute(file)).put("size", Files.size(file));
    }

    /** ModelProto{ir_version 8, opset 18, graph{one node, the weights as external-data initializers, inputs, output}}. */
    private static byte[] model(long[][] weights, int dtype, List<byte[]> inputs, byte[] output, String op) {
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        bytes(graph, 1, cat(string(4, op))); // node{op_type}
        bytes(graph, 2, "g".getBytes(StandardCharsets.UTF_8));
        int n = 0;
        for (long[] w : weights) {
            for (long i = 0; i < w[0]; i++) {
                ByteArrayOutputStream t = new ByteArrayOutputStream();
                for (int d = 1; d < w.length; d++) {
                    varint(t, 1, w[d]);
                }
                varint(t, 2, dtype);
                bytes(t, 8, ("w" + n++).getBytes(StandardCharsets.UTF_8));
                bytes(t, 13, cat(string(1, "location"), string(2, "model.onnx_data")));
                varint(t, 14, 1); // EXTERNAL
                bytes(graph, 5, t.toByteArray());
            }
        }
        for (byte[] in : inputs) {
            bytes(graph, 11, in);
        }
        bytes(graph, 12, output);
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        varint(m, 1, 8);
        bytes(m, 7, graph.toByteArray());
        bytes(m, 8, cat(varintBytes(2, 18)));
        return m.toByteArray();
    }

    /** ValueInfoProto: dims are numbers (fixed) or strings (named dynamic axes). */
    private static byte[] input(String name, int elem, Object... dims) {
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        for (Object d : dims) {
            bytes(shape, 1, d instanceof String s ? string(2, s) : varintBytes(1, ((Number) d).longValue()));
        }
        byte[] tensor = cat(varintBytes(1, elem), field(2, shape.toByteArray()));
        return cat(string(1, name), field(2, field(1, tensor)));
    }

    private static byte[] string(int field, String s) {
        return field(field, s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] field(int field, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        bytes(out, field, payload);
        return out.toByteArray();
    }

    private static byte[] varintBytes(int field, long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, field, v);
        return out.toByteArray();
    }

    private static void bytes(ByteArrayOutputStream out, int field, byte[] payload) {
        raw(out, (long) field << 3 | 2);
        raw(out, payload.length);
        out.writeBytes(payload);
    }

    private static void varint(ByteArrayOutputStream out, int field, long v) {
        raw(out, (long) field << 3);
        raw(out, v);
    }

    private static void raw(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
