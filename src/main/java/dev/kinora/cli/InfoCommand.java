package dev.kinora.cli;

import dev.kinora.engine.Recipe;
import dev.kinora.engine.RecipeJson;
import dev.kinora.engine.pack.Mode;
import dev.kinora.media.MediaException;
import dev.kinora.media.MediaIO;
import dev.kinora.media.MediaInfo;
import dev.kinora.media.MediaReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Shows any media file's facts, and the recipe that made it when Kinora did. Everything that comes
 * out of the file (prompt, names, metadata) goes through {@link Terminal#safe}.
 */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show a media file's facts and, for a Kinora output, its recipe.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "A video, GIF, image, PNG folder or recipe .json.")
    Path file;

    @Option(names = "--json", description = "Print only the recipe JSON (exit 2 when the file has none).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(file)) {
            throw new BadInputException(file + ": no such file");
        }
        boolean recipeFile = file.getFileName().toString().endsWith(".json") && Files.isRegularFile(file);
        Optional<Recipe> recipe = recipe(file, recipeFile || json);
        if (json) {
            System.out.println(Terminal.safe(RecipeJson.toJson(recipe.orElseThrow())));
            return ExitCodes.OK;
        }
        System.out.printf("file       %s%n", Terminal.safe(file.toString()));
        if (!recipeFile) {
            MediaInfo m = MediaReader.probe(file);
            System.out.printf("media      %s%n", Terminal.safe(m.describe()));
            if (m.rotation() != 0) {
                System.out.printf("rotation   %d degrees%n", m.rotation());
            }
        }
        if (recipe.isEmpty()) {
            System.out.println("recipe     none (not made by Kinora, or its recipe was removed)");
            return ExitCodes.OK;
        }
        Recipe r = recipe.get();
        System.out.printf(Locale.ROOT, "mode       %s%nprompt     %s%nnegative   %s%nmodel      %s %s (denoiser sha256 %s)%n"
                        + "seed       %d%nsampling   %s, %d steps, guidance %.2f, shift %.2f%nframes     %d @ %.0f fps%nkinora     %s%n",
                Terminal.safe(r.mode().id()), Terminal.safe(r.prompt()), Terminal.safe(r.negativePrompt()), Terminal.safe(r.packId()),
                Terminal.safe(r.packVersion()), Terminal.safe(shortHash(r.packSha256())), r.seed(), Terminal.safe(r.scheduler()),
                r.steps(), r.guidance(), r.shift(), r.frames(), r.fps(), Terminal.safe(r.kinoraVersion()));
        if (r.asTyped()) {
            System.out.println("reading    as typed (the model's lexicon was not used)");
        }
        if (r.mode() == Mode.EXTEND) {
            System.out.printf("extension  %s, %d context frames, colour anchor %s%n", r.direction().name().toLowerCase(Locale.ROOT), r.context(),
                    r.anchorColour() ? "on" : "off");
        }
        if (r.mode() == Mode.REMIX) {
            System.out.printf(Locale.ROOT, "strength   %.2f%n", r.strength());
        }
        for (Recipe.SourceRef s : r.sources()) {
            System.out.printf("source     %s (sha256 %s)%n", Terminal.safe(s.path()), Terminal.safe(shortHash(s.sha256())));
        }
        return ExitCodes.OK;
    }

    /** The file's recipe; absent when it has none, unless required (a .json, --json), then exit 2. */
    private static Optional<Recipe> recipe(Path file, boolean required) throws MediaException, BadInputException {
        Optional<String> text = MediaIO.recipeJson(file);
        if (text.isEmpty()) {
            if (required) {
                throw new BadInputException(file + ": carries no Kinora recipe (no metadata and no sidecar .json)");
            }
            return Optional.empty();
        }
        try {
            return Optional.of(RecipeJson.fromJson(text.get()));
        } catch (IOException e) {
            if (required) {
                throw new BadInputException(file + ": its Kinora recipe is damaged (" + ExitCodes.message(e) + ")");
            }
            System.err.println("kinora: warning: " + Terminal.safe(file.toString()) + ": its Kinora recipe is damaged ("
                    + ExitCodes.message(e) + ")");
            return Optional.empty();
        }
    }

    private static String shortHash(String h) {
        return h == null || h.length() < 12 ? String.valueOf(h) : h.substring(0, 12) + "…";
    }
}
