package dev.kinora.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Direction;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.Recipe;
import dev.kinora.engine.RecipeJson;
import dev.kinora.engine.RequestLimits;
import dev.kinora.engine.Source;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.media.MediaException;
import dev.kinora.media.MediaIO;
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
        checkOptions();
        Recipe base = opt.recipe == null ? null : readRecipe(opt.recipe);
        String model = base != null && PackRegistry.DEFAULT_PACK.equals(opt.model) ? base.packId() : opt.model;
        List<Path> paths = base != null && sourcePaths().isEmpty()
                ? base.sources().stream().map(s -> Path.of(s.path())).toList() : sourcePaths();
        long seed = opt.seed != null ? opt.seed : base != null ? base.seed() : new SecureRandom().nextLong() & 0xffffffffL;
        Output output = Output.check(opt, mode(), seed, paths);
        RuntimeOptions ro = RuntimeOptions.defaults().withDevice(Device.parse(opt.device)).withThreads(opt.threads);
        CancelToken token = new CancelToken();
        try (GenerationEngine engine = new GenerationEngine(PackRegistry.standard(), ro);
             SignalExit signals = SignalExit.install(token)) {
            ModelPack pack = engine.pack(model);
            output.checkPack(pack, opt.frames);
            List<Source> sources = new ArrayList<>();
            for (Path p : paths) {
                sources.add(Output.readSource(p, pack, opt, opt.quiet || opt.json));
            }
            GenerationRequest request = base != null ? merge(RecipeJson.toRequest(base, sources), pack.id(), seed) : fresh(pack.id(), seed, sources);
            RequestLimits.check(request);
            if (base != null) {
                warnIfSourcesChanged(base, sources);
            }
            if (!opt.quiet && !opt.json) {
                System.err.printf("kinora: %s on %s, seed %d, device %s%n", request.mode().id(), Terminal.safe(pack.name()), request.seed(),
                        engine.device().describe());
            }
            ProgressListener bar = opt.quiet || opt.json ? ProgressListener.NONE : new ProgressBar(System.err);
            try {
                GenerationResult result = engine.generate(request, bar, token);
                if (!opt.quiet) {
                    for (String w : result.warnings()) {
                        System.err.println("kinora: note: " + Terminal.safe(w));
                    }
                }
                signals.writing();
                Path written = output.write(result);
                report(result, written);
                signals.done(ExitCodes.OK);
                return ExitCodes.OK;
            } catch (GenerationCancelledException e) {
                if (e.partial().isPresent()) {
                    signals.writing();
                    Path partial = output.writePartial(e.partial().get());
                    System.err.println("\nkinora: cancelled; the finished frames are in " + Terminal.safe(partial.toString()));
                }
                signals.done(ExitCodes.CANCELLED);
                throw e;
            } catch (Exception | Error e) {
                signals.done(ExitCodes.of(e));
                throw e;
            }
        }
    }

    /** Every number and name the user typed, before anything is read, loaded or generated. */
    private void checkOptions() throws InvalidRequestException, BadInputException {
        RequestLimits.steps(opt.steps);
        RequestLimits.frames(opt.frames);
        RequestLimits.context(context());
        if (opt.guidance != null) {
            RequestLimits.guidance(opt.guidance);
        }
        if (opt.shift != null) {
            RequestLimits.shift(opt.shift);
        }
        if (!(strength() > 0 && strength() <= 1)) {
            throw new BadInputException("--strength must be in (0, 1], got " + strength());
        }
        Device.parse(opt.device);
        Output.fit(opt.fit);
        if (opt.threads < 0 || opt.threads > RuntimeOptions.maxThreads()) {
            throw new BadInputException("--threads must be 0 (automatic) to " + RuntimeOptions.maxThreads()
                    + " (4 per core on this machine), got " + opt.threads);
        }
        if (mode() == Mode.LOOP && sourcePaths().isEmpty() && prompt().isBlank() && opt.recipe == null) {
            throw new BadInputException("loop needs a clip to loop (--clip) or a prompt to generate one from (--prompt)");
        }
    }

    private static void warnIfSourcesChanged(Recipe base, List<Source> sources) {
        for (int i = 0; i < Math.min(base.sources().size(), sources.size()); i++) {
            String recorded = base.sources().get(i).sha256();
            String now = sources.get(i).sha256();
            if (recorded != null && !recorded.isEmpty() && !now.isEmpty() && !recorded.equals(now)) {
                System.err.println("kinora: warning: " + Terminal.safe(sources.get(i).path())
                        + " is not the file the recipe was made from (its sha256 differs): the frames will differ");
            }
        }
    }

    private GenerationRequest fresh(String packId, long seed, List<Source> sources) {
        return new GenerationRequest(new JobSettings(packId, mode(), prompt(), opt.negative, seed, opt.steps, orNaN(opt.guidance),
                opt.scheduler, orNaN(opt.shift), opt.frames, strength(), direction(), context(), !opt.noAnchor, opt.asTyped), sources);
    }

    private static float orNaN(Float f) {
        return f == null ? Float.NaN : f;
    }

    /** Options given on the command line override the recipe's ({@code --as-typed} turns on reading as typed, not off). */
    private GenerationRequest merge(GenerationRequest r, String packId, long seed) {
        return new GenerationRequest(new JobSettings(packId, r.mode(), prompt().isEmpty() ? r.prompt() : prompt(),
                opt.negative.isEmpty() ? r.negativePrompt() : opt.negative, seed,
                opt.steps > 0 ? opt.steps : r.steps(), opt.guidance == null ? r.guidance() : opt.guidance,
                opt.scheduler.isEmpty() ? r.scheduler() : opt.scheduler, opt.shift == null ? r.shift() : opt.shift,
                opt.frames > 0 ? opt.frames : r.frames(), r.strength(), r.direction(), r.context(), r.anchorColour(),
                opt.asTyped || r.asTyped()), r.sources());
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

    private static Recipe readRecipe(Path p) throws MediaException, BadInputException {
        String json = MediaIO.readRecipeJson(p);
        try {
            return RecipeJson.fromJson(json);
        } catch (java.io.IOException e) {
            throw new BadInputException(p + ": not a usable Kinora recipe (" + ExitCodes.message(e) + ")");
        }
    }
}
