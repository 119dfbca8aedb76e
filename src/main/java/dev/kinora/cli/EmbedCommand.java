package dev.kinora.cli;

import dev.kinora.engine.model.TextEmbedding;
import dev.kinora.engine.model.TextEncoder;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.OrtRuntime;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.HashCache;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.engine.pack.PackVerifier;
import dev.kinora.engine.tensor.FloatTensor;
import dev.kinora.engine.tensor.Npy;
import java.io.OutputStream;
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
        ModelPack pack = PackRegistry.standard().find(model);
        new PackVerifier(HashCache.defaultCache()).verifyOrThrow(pack);
        Device used = OrtRuntime.resolve(Device.parse(device)).used();
        try (TextEncoder enc = new TextEncoder(pack, RuntimeOptions.defaults(), used)) {
            int dim = pack.text().dim();
            float[] all = new float[lines.size() * dim];
            int truncated = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < lines.size(); i++) {
                TextEmbedding e = enc.encode(lines.get(i));
                System.arraycopy(e.vector(), 0, all, i * dim, dim);
                truncated += e.truncated() ? 1 : 0;
            }
            Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".embed", ".tmp");
            try (OutputStream os = Files.newOutputStream(tmp)) {
                Npy.write(os, FloatTensor.of(all, lines.size(), dim));
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.printf("wrote %d embeddings of %d floats to %s in %.1f s%s%n", lines.size(), dim, out,
                    (System.nanoTime() - t0) / 1e9, truncated > 0 ? " (" + truncated + " captions truncated)" : "");
        }
        return ExitCodes.OK;
    }
}
