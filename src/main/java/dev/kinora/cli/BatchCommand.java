package dev.kinora.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Direction;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.RequestLimits;
import dev.kinora.engine.Source;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.media.MediaIO;
import dev.kinora.media.OutputTarget;
import dev.kinora.media.ReadOptions;
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
        + "{mode, prompt, negative, seed, steps, guidance, scheduler, shift, frames, source(s), out, format, scale, upscale, fps, "
        + "fit, allowDamaged, strength, direction, context, anchor, asTyped, model}; each field is checked for its type and range.")
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
        int firstCode = ExitCodes.OK;
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
                List<String> warnings = new ArrayList<>();
                try {
                    JsonNode j = JSON.readTree(line);
                    if (j == null || !j.isObject()) {
                        throw new BadInputException("each line must be one JSON object, e.g. {\"prompt\": \"a red ball\"}");
                    }
                    List<Path> paths = new ArrayList<>();
                    JsonNode src = j.has("sources") ? j.get("sources") : j.get("source");
                    for (JsonNode s : src == null || src.isNull() ? List.<JsonNode>of() : src.isArray() ? src : List.of(src)) {
                        if (!s.isTextual()) {
                            throw new BadInputException("\"source(s)\" must be file names, got " + s);
                        }
                        if (!s.asText().isEmpty()) {
                            paths.add(Path.of(s.asText()));
                        }
                    }
                    JobSettings draft = new JobSettings(text(j, "model", model), Mode.parse(text(j, "mode", "generate")),
                            text(j, "prompt", ""), text(j, "negative", ""), whole(j, "seed", 0),
                            (int) whole(j, "steps", 0), (float) number(j, "guidance", Double.NaN), text(j, "scheduler", ""),
                            (float) number(j, "shift", Double.NaN), (int) whole(j, "frames", 0), (float) number(j, "strength", 1.0),
                            direction(text(j, "direction", "forward")), (int) whole(j, "context", 0),
                            !j.has("anchor") || bool(j, "anchor"), bool(j, "asTyped", false));
                    RequestLimits.checkNumbers(draft);
                    OutputTarget target = j.hasNonNull("out")
                            ? OutputTarget.check(Path.of(text(j, "out", "")), j.hasNonNull("format") ? text(j, "format", "") : null,
                                (int) whole(j, "scale", 1), text(j, "upscale", "nearest"), number(j, "fps", 0), paths, 0)
                            : null;
                    ModelPack pack = engine.pack(draft.pack());
                    List<Source> sources = new ArrayList<>();
                    for (Path p : paths) {
                        MediaIO.checkSource(p, pack);
                    }
                    for (Path p : paths) {
                        MediaIO.SourceRead read = MediaIO.readSource(p, pack, Output.fit(text(j, "fit", "fill")),
                                bool(j, "allowDamaged", false) ? ReadOptions.allowingDamage() : ReadOptions.defaults());
                        read.warnings().forEach(w -> warnings.add(Terminal.safe(w)));
                        sources.add(read.source());
                    }
                    GenerationRequest r = new GenerationRequest(draft.withPack(pack.id()), sources);
                    RequestLimits.check(r);
                    GenerationResult res = engine.generate(r, ProgressListener.NONE, new CancelToken());
                    if (target != null) {
                        out.put("out", MediaIO.writeResult(res, target.path(), target.format(), target.scale(), target.filter(),
                                target.fps()).toString());
                    }
                    warnings.addAll(res.warnings());
                    out.put("ok", true);
                    out.put("frames", res.frames().count());
                    out.put("totalMs", res.timings().totalMs());
                    out.put("textMs", res.timings().textMs());
                    out.put("denoiseMs", res.timings().denoiseMs());
                    out.put("decodeMs", res.timings().decodeMs());
                    out.put("modelCalls", res.timings().modelCalls());
                    if (!warnings.isEmpty()) {
                        out.set("warnings", JSON.valueToTree(warnings));
                    }
                } catch (Exception e) {
                    out.put("ok", false);
                    out.put("error", ExitCodes.message(e));
                    out.put("exit", ExitCodes.of(e));
                    firstCode = firstCode == ExitCodes.OK ? ExitCodes.of(e) : firstCode;
                }
                System.out.println(JSON.writeValueAsString(out));
                System.out.flush();
            }
        }
        return firstCode;
    }

    private static String text(JsonNode j, String field, String dflt) throws BadInputException {
        JsonNode v = j.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw new BadInputException("\"" + field + "\" must be a string, got " + v);
        }
        return v.asText();
    }

    private static double number(JsonNode j, String field, double dflt) throws BadInputException {
        JsonNode v = j.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new BadInputException("\"" + field + "\" must be a number, got " + v);
        }
        return v.asDouble();
    }

    private static long whole(JsonNode j, String field, long dflt) throws BadInputException {
        JsonNode v = j.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new BadInputException("\"" + field + "\" must be a whole number, got " + v);
        }
        long n = v.asLong();
        if (!"seed".equals(field) && (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE)) {
            throw new BadInputException("\"" + field + "\" is out of range: " + v);
        }
        return n;
    }

    private static boolean bool(JsonNode j, String field) throws BadInputException {
        return bool(j, field, false);
    }

    private static boolean bool(JsonNode j, String field, boolean dflt) throws BadInputException {
        JsonNode v = j.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new BadInputException("\"" + field + "\" must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static Direction direction(String s) throws BadInputException {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "forward" -> Direction.FORWARD;
            case "backward" -> Direction.BACKWARD;
            default -> throw new BadInputException("\"direction\" must be forward or backward, got \"" + s + "\"");
        };
    }
}
