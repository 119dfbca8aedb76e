package dev.kinora.cli;

import dev.kinora.engine.Embeddings;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.model.TextEmbedding;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.engine.tensor.Npy;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes the pack's text embeddings for a list of captions: Tiny World is trained on exactly these. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Write sentence embeddings (float32 .npy [N,dim]) of one caption per line, as the engine computes them.")
final class EmbedCommand implements Callable<Integer> {
    @Option(names = "--captions", required = true, description = "Text file, one caption per line (UTF-8).")
    Path captions;

    @Option(names = "--out", required = true, description = "Output .npy file.")
    Path out;

    @Option(names = "--tokens", description = "Also write each caption's token states: float16 .npy [N, L, dim], L the longest"
            + " caption's token count, zero past a caption's end; and their counts as int16 .npy [N] next to it (NAME_len.npy)."
            + " Tiny World's token-attending denoiser trains on these.")
    Path tokens;

    @Option(names = {"-m", "--model"}, defaultValue = PackRegistry.DEFAULT_PACK, description = "Model pack id or folder (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--device", defaultValue = "cpu", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
    String device;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(captions)) {
            throw new BadInputException(captions + ": no such caption file");
        }
        List<String> lines = Files.readAllLines(captions, StandardCharsets.UTF_8);
        RuntimeOptions ro = RuntimeOptions.defaults().withDevice(Device.parse(device));
        try (GenerationEngine engine = new GenerationEngine(PackRegistry.standard(), ro)) {
            long t0 = System.nanoTime();
            String id = engine.pack(model).id();
            Embeddings e = tokens == null ? engine.embed(id, lines) : embedWithTokens(engine, id, lines);
            Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".embed", ".tmp");
            try (OutputStream os = Files.newOutputStream(tmp)) {
                e.writeNpy(os);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.printf("wrote %d embeddings of %d floats to %s in %.1f s%s%n", e.count(), e.dim(), out,
                    (System.nanoTime() - t0) / 1e9, e.truncated() > 0 ? " (" + e.truncated() + " captions truncated)" : "");
        }
        return ExitCodes.OK;
    }

    /** The pooled embeddings, with the token states streamed to {@link #tokens} from the same encoder calls. */
    private Embeddings embedWithTokens(GenerationEngine engine, String id, List<String> lines) throws Exception {
        int maxTokens = engine.pack(model).text().maxTokens();
        int len = 1;
        for (String line : lines) {
            len = Math.max(len, Math.min(engine.countTokens(id, line), maxTokens));
        }
        int dim = engine.pack(model).text().dim();
        float[] pooled = new float[lines.size() * dim];
        short[] counts = new short[lines.size()];
        int truncated = 0;
        Path tmp = Files.createTempFile(tokens.toAbsolutePath().getParent(), ".tokens", ".tmp");
        try {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                Npy.writeHeader(os, "<f2", lines.size(), len, dim);
                ByteBuffer row = ByteBuffer.allocate(len * dim * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < lines.size(); i++) {
                    TextEmbedding t = engine.textEmbedding(id, lines.get(i));
                    if (t.tokens() > len) {
                        throw new IllegalStateException("caption " + (i + 1) + " has " + t.tokens() + " tokens, counted " + len + " at most");
                    }
                    System.arraycopy(t.vector(), 0, pooled, i * dim, dim);
                    counts[i] = (short) t.tokens();
                    truncated += t.truncated() ? 1 : 0;
                    row.clear();
                    float[] st = t.tokenStates();
                    for (int k = 0; k < len * dim; k++) {
                        row.putShort(k < st.length ? Npy.toHalf(st[k]) : 0);
                    }
                    os.write(row.array());
                }
            }
            Files.move(tmp, tokens, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        String name = tokens.getFileName().toString();
        Path lens = tokens.resolveSibling((name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name) + "_len.npy");
        Path tmpLens = Files.createTempFile(lens.toAbsolutePath().getParent(), ".tokens", ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmpLens)) {
                Npy.writeHeader(os, "<i2", lines.size());
                ByteBuffer b = ByteBuffer.allocate(counts.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (short c : counts) {
                    b.putShort(c);
                }
                os.write(b.array());
            }
            Files.move(tmpLens, lens, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmpLens);
        }
        System.out.printf("wrote the token states of %d captions, %d tokens at most, to %s and %s%n", lines.size(), len, tokens, lens);
        return new Embeddings(lines.size(), dim, pooled, truncated);
    }
}
