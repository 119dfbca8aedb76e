package dev.kinora.engine.pipeline;

import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.KinoraVersion;
import dev.kinora.engine.Preview;
import dev.kinora.engine.Progress;
import dev.kinora.engine.Recipe;
import dev.kinora.engine.Source;
import dev.kinora.engine.Stage;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.pack.ModelPack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What every family's pipeline does the same way: progress with ETA, the result and its recipe, source checks. */
final class Pipelines {
    private Pipelines() {
    }

    /** A progress event; the ETA scales the time so far by the model calls left (0 before the first and when done). */
    static Progress progress(Stage stage, int window, int windows, int callsDone, int callsTotal, long startNanos, Preview preview) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        Duration eta = callsDone == 0 || stage == Stage.DONE ? Duration.ZERO
                : elapsed.multipliedBy(Math.max(0, callsTotal - callsDone)).dividedBy(callsDone);
        int w = Math.max(windows, 1);
        return new Progress(stage, Math.min(window, w), w, callsDone, callsTotal, elapsed, eta, preview);
    }

    /** The frames with the recipe that makes them again: the request's settings as resolved by the pipeline. */
    static GenerationResult result(ModelPack pack, DeviceReport device, GenerationRequest r, JobSettings resolved, List<byte[]> output,
                                   GenerationResult.Timings timings, boolean complete, List<String> warnings) {
        Frames frames = new Frames(pack.width(), pack.height(), pack.fps(), output);
        List<Recipe.SourceRef> sources = r.sources().stream().map(s -> new Recipe.SourceRef(s.path(), s.sha256())).toList();
        String packSha = pack.component(ModelPack.DENOISER).map(x -> x.sha256()).orElse("");
        Recipe recipe = new Recipe(KinoraVersion.get(), pack.version(), packSha, resolved.withPack(pack.id()), pack.fps(), sources);
        return new GenerationResult(frames, recipe, device, timings, complete, warnings);
    }

    /** Sources must already be at the pack's size: the CLI and the studio resize them on reading. */
    static void checkSourceSizes(ModelPack pack, List<Source> sources) throws InvalidRequestException {
        for (Source s : sources) {
            Frames f = s.frames();
            if (f.width() != pack.width() || f.height() != pack.height()) {
                throw new InvalidRequestException("source " + s.path() + " is " + f.width() + "x" + f.height()
                        + " but model '" + pack.id() + "' works at " + pack.width() + "x" + pack.height()
                        + "; read it with the pack's size (the CLI and studio resize with the fit/fill policy)");
            }
        }
    }

    static List<byte[]> copies(List<byte[]> frames) {
        List<byte[]> out = new ArrayList<>(frames.size());
        for (byte[] f : frames) {
            out.add(f.clone());
        }
        return out;
    }

    /**
     * The prompt as the pack's lexicon reads it (engine.model.PromptLexicon), with a note in {@code warnings} when that
     * changed a word: every pipeline encodes what this returns, so the studio's "Reads as" line is what the model gets.
     * A request {@code asTyped} is encoded as typed, lexicon or not.
     */
    static String readPrompt(LoadedPack lp, String prompt, boolean asTyped, java.util.List<String> warnings)
            throws dev.kinora.engine.pack.PackException {
        if (asTyped) {
            return prompt;
        }
        dev.kinora.engine.model.PromptLexicon.Reading read = lp.lexicon().read(prompt);
        if (read.changed()) {
            boolean form = read.formChanged();
            boolean words = read.wordsChanged();
            String why = words && form ? "words the model was not trained on, and the sentence form of its captions"
                    : form ? "the sentence form of the model's captions" : "words the model was not trained on";
            // the reading is what the model is given, so it is shown whole; the prompt as typed is on screen already
            warnings.add("read \"" + abbreviate(prompt) + "\" as \"" + read.text() + "\" (" + why
                    + ", from its lexicon)");
        }
        return read.text();
    }

    /** The note for a prompt cut at the text encoder's limit, quoting what was encoded: the reading, not the prompt. */
    static String truncated(String read, String encoder, int maxTokens) {
        return "the prompt \"" + abbreviate(read) + "\" is longer than " + encoder + " " + maxTokens
                + " tokens; only its beginning was used";
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
