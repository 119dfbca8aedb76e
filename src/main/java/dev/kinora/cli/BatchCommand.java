package dev.kinora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Direction;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.Source;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.media.MediaIO;
import dev.kinora.media.OutputFormat;
import dev.kinora.media.ResizePolicy;
import dev.kinora.media.UpscaleFilter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Many jobs in one process (evaluation, benchmarks, overnight queues from scripts): one JSON object
 * per line in, one JSON result per line out. A failing job is reported and the batch goes on.
 */
@Command(name = "batch", mixinStandardHelpOptions = true, description = "Run jobs from a JSON-lines file: "
        + "{mode, prompt, negative, seed, steps, guidance, scheduler, frames, source(s), out, format, strength, direction, context}.")
final class BatchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--jobs", required = true, description = "The JSON-lines job file.")
    Path jobs;

    @Option(names = {"-m", "--model"}, defaultValue = PackRegistry.DEFAULT_PACK, description = "Default model pack.")
    String model;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda.")
    String device;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads (0 = automatic).")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(jobs)) {
            throw new BadInputException(jobs + ": no such job file");
        }
        List<String> lines = Files.readAllLines(jobs, StandardCharsets.UTF_8);
        int failed = 0;
        RuntimeOptions ro = RuntimeOptions.defaults().withDevice(Device.parse(device)).withThreads(threads);
        try (GenerationEngine engine = new GenerationEngine(PackRegistry.standard(), ro)) {
            int n = 0;
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                n++;
                ObjectNode out = JSON.createObjectNode();
                out.put("job", n);
                try {
                    JsonNode j = JSON.readTree(line);
                    ModelPack pack = engine.pack(j.path("model").asText(model));
                    List<Source> sources = new ArrayList<>();
                    JsonNode src = j.has("sources") ? j.get("sources") : j.path("source");
                    for (JsonNode s : src.isArray() ? src : List.of(src)) {
                        if (s.isTextual() && !s.asText().isEmpty()) {
                            sources.add(MediaIO.readSource(Path.of(s.asText()), pack, ResizePolicy.FILL));
                        }
                    }
                    GenerationRequest r = new GenerationRequest(pack.id(), Mode.parse(j.path("mode").asText("generate")),
                            j.path("prompt").asText(""), j.path("negative").asText(""), j.path("seed").asLong(0),
                            j.path("steps").asInt(0), (float) j.path("guidance").asDouble(Double.NaN), j.path("scheduler").asText(""),
                            (float) j.path("shift").asDouble(Double.NaN), j.path("frames").asInt(0), (float) j.path("strength").asDouble(1.0),
                            Direction.valueOf(j.path("direction").asText("forward").toUpperCase(Locale.ROOT)), j.path("context").asInt(0),
                            j.path("anchor").asBoolean(true), sources);
                    GenerationResult res = engine.generate(r, ProgressListener.NONE, new CancelToken());
                    if (j.hasNonNull("out")) {
                        Path o = Path.of(j.get("out").asText());
                        OutputFormat f = j.has("format") ? formatOf(j.get("format").asText()) : OutputFormat.fromPath(o);
                        out.put("out", MediaIO.writeResult(res, o, f, j.path("scale").asInt(1), UpscaleFilter.NEAREST, 0).toString());
                    }
                    out.put("ok", true);
                    out.put("frames", res.frames().count());
                    out.put("totalMs", res.timings().totalMs());
                    out.put("textMs", res.timings().textMs());
                    out.put("denoiseMs", res.timings().denoiseMs());
                    out.put("decodeMs", res.timings().decodeMs());
                    out.put("modelCalls", res.timings().modelCalls());
                } catch (Exception e) {
                    failed++;
                    out.put("ok", false);
                    out.put("error", e.getMessage() == null ? e.toString() : e.getMessage());
                }
                System.out.println(JSON.writeValueAsString(out));
                System.out.flush();
            }
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    static OutputFormat formatOf(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "png", "png-seq", "png_sequence" -> OutputFormat.PNG_SEQUENCE;
            case "webm" -> OutputFormat.WEBM;
            case "gif" -> OutputFormat.GIF;
            default -> OutputFormat.MP4;
        };
    }
}
