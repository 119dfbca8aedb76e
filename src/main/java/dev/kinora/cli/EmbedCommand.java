package dev.kinora.cli;

import dev.kinora.engine.Embeddings;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.PackRegistry;
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

    @Option(names = "--tokens", description = "Also write each caption's token states: float16 .npy [N, L, dim], L the longest"
            + " caption's token count, zero past a caption's end; and their counts as int16 .npy [N] next to it (NAME_len.npy)."
            + " Tiny World's token-attending denoiser trains on these.")
    Path tokens;

    @Option(names = "--read", description = "Embed each caption as a generation reads it: through the pack's prompt lexicon"
            + " (words its captions never had, replaced by the ones they mean). Off by default: training data is embedded as written.")
    boolean read;

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
            if (read) {
                lines = engine.read(id, lines);
            }
            Embeddings e = tokens == null ? engine.embed(id, lines) : engine.embed(id, lines, tokens);
            Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".embed", ".tmp");
            try (OutputStream os = Files.newOutputStream(tmp)) {
                e.writeNpy(os);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.printf("wrote %d embeddings of %d floats to %s in %.1f s%s%n", e.count(), e.dim(), out,
                    (System.nanoTime() - t0) / 1e9, e.truncated() > 0 ? " (" + e.truncated() + " captions truncated)" : "");
        }
        if (tokens != null) {
            System.out.printf("wrote the token states of %d captions to %s (counts in its _len.npy)%n", lines.size(), tokens);
        }
        return ExitCodes.OK;
    }
}
