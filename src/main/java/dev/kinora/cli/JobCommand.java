package dev.kinora.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Direction;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.Recipe;
import dev.kinora.engine.RecipeJson;
import dev.kinora.engine.Source;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.media.MediaException;
import dev.kinora.media.MediaIO;
import dev.kinora.media.OutputFormat;
import dev.kinora.media.ResizePolicy;
import dev.kinora.media.UpscaleFilter;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * The shape of every generating command: options → request → engine → file with its recipe.
 * Ctrl+C cancels through the token; finished windows are written beside the output as *-partial.
 */
abstract class JobCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    GenerationOptions opt;

    @picocli.CommandLine.Option(names = {"-p", "--prompt"}, defaultValue = "",
            description = "What happens in the clip (for animate/extend/interpolate/loop/remix: how it moves or changes).")
    String prompt;

    abstract Mode mode();

    /** Paths of the sources this command was given, in the order the mode expects. */
    abstract List<Path> sourcePaths();

    String prompt() {
        return prompt;
    }

    Direction direction() {
        return Direction.FORWARD;
    }

    int context() {
        return 0;
    }

    float strength() {
        return 1f;
    }

    @Override
    public Integer call() throws Exception {
        Recipe base = opt.recipe == null ? null : RecipeJson.fromJson(readRecipe(opt.recipe));
        String model = base != null && PackRegistry.DEFAULT_PACK.equals(opt.model) ? base.packId() : opt.model;
        RuntimeOptions ro = RuntimeOptions.defaults().withDevice(Device.parse(opt.device)).withThreads(opt.threads);
        try (GenerationEngine engine = new GenerationEngine(PackRegistry.standard(), ro)) {
            ModelPack pack = engine.pack(model);
            List<Source> sources = new ArrayList<>();
            List<Path> paths = base != null && sourcePaths().isEmpty()
                    ? base.sources().stream().map(s -> Path.of(s.path())).toList() : sourcePaths();
            for (Path p : paths) {
                sources.add(MediaIO.readSource(p, pack, ResizePolicy.valueOf(opt.fit.toUpperCase(Locale.ROOT))));
            }
            GenerationRequest request = base != null ? merge(RecipeJson.toRequest(base, sources), pack.id()) : fresh(pack.id(), sources);
            OutputFormat format = opt.format != null ? BatchCommand.formatOf(opt.format)
                    : opt.out != null ? OutputFormat.fromPath(opt.out) : OutputFormat.MP4;
            Path out = opt.out != null ? opt.out : Path.of("kinora-" + request.mode().id() + "-" + request.seed()
                    + (format == OutputFormat.PNG_SEQUENCE ? "" : "." + format.extension()));
            if (!opt.quiet && !opt.json) {
                System.err.printf("kinora: %s on %s, seed %d, device %s%n", request.mode().id(), pack.name(), request.seed(),
                        engine.device().describe());
            }
            CancelToken token = new CancelToken();
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                token.cancel();
                try {
                    main.join(10_000);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            ProgressListener bar = opt.quiet || opt.json ? ProgressListener.NONE : new ProgressBar(System.err);
            try {
                GenerationResult result = engine.generate(request, bar, token);
                for (String w : result.warnings()) {
                    System.err.println("kinora: note: " + w);
                }
                Path written = write(result, out, format);
                report(result, written);
                return ExitCodes.OK;
            } catch (GenerationCancelledException e) {
                if (e.partial().isPresent()) {
                    Path partial = partialName(out);
                    write(e.partial().get(), partial, format);
                    System.err.println("\nkinora: cancelled; the finished frames are in " + partial);
                }
                throw e;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // already shutting down: the hook is running
                }
            }
        }
    }

    private GenerationRequest fresh(String packId, List<Source> sources) {
        long seed = opt.seed != null ? opt.seed : new SecureRandom().nextLong() & 0xffffffffL;
        return new GenerationRequest(packId, mode(), prompt(), opt.negative, seed, opt.steps, opt.guidance, opt.scheduler,
                opt.shift, opt.frames, strength(), direction(), context(), !opt.noAnchor, sources);
    }

    /** Options given on the command line override the recipe's. */
    private GenerationRequest merge(GenerationRequest r, String packId) {
        return new GenerationRequest(packId, r.mode(), prompt().isEmpty() ? r.prompt() : prompt(),
                opt.negative.isEmpty() ? r.negativePrompt() : opt.negative, opt.seed != null ? opt.seed : r.seed(),
                opt.steps > 0 ? opt.steps : r.steps(), Float.isNaN(opt.guidance) ? r.guidance() : opt.guidance,
                opt.scheduler.isEmpty() ? r.scheduler() : opt.scheduler, Float.isNaN(opt.shift) ? r.shift() : opt.shift,
                opt.frames > 0 ? opt.frames : r.frames(), r.strength(), r.direction(), r.context(), r.anchorColour(), r.sources());
    }

    private Path write(GenerationResult result, Path out, OutputFormat format) throws MediaException {
        return MediaIO.writeResult(result, out, format, opt.scale, UpscaleFilter.valueOf(opt.upscale.toUpperCase(Locale.ROOT)), opt.fps);
    }

    private void report(GenerationResult r, Path written) throws IOException {
        GenerationResult.Timings t = r.timings();
        if (opt.json) {
            ObjectNode n = JSON.createObjectNode();
            n.put("out", written.toString());
            n.put("frames", r.frames().count());
            n.put("width", r.frames().width());
            n.put("height", r.frames().height());
            n.put("fps", r.frames().fps());
            n.put("device", r.device().describe());
            n.put("seed", r.recipe().seed());
            n.put("totalMs", t.totalMs());
            n.put("textMs", t.textMs());
            n.put("denoiseMs", t.denoiseMs());
            n.put("decodeMs", t.decodeMs());
            n.put("modelCalls", t.modelCalls());
            n.set("recipe", JSON.readTree(RecipeJson.toCompactJson(r.recipe())));
            System.out.println(JSON.writeValueAsString(n));
        } else {
            System.out.printf(Locale.ROOT, "%s  %d frames %dx%d @ %.0f fps  seed %d  %.1f s (denoise %.1f s, decode %.1f s)%n",
                    written, r.frames().count(), r.frames().width(), r.frames().height(), r.frames().fps(), r.recipe().seed(),
                    t.totalMs() / 1000.0, t.denoiseMs() / 1000.0, t.decodeMs() / 1000.0);
        }
    }

    private static Path partialName(Path out) {
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String partial = dot > 0 ? name.substring(0, dot) + "-partial" + name.substring(dot) : name + "-partial";
        return out.resolveSibling(partial);
    }

    private static String readRecipe(Path p) throws MediaException {
        return MediaIO.readRecipeJson(p);
    }
}
