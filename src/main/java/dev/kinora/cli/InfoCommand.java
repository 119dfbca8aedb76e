package dev.kinora.cli;

import dev.kinora.engine.Recipe;
import dev.kinora.engine.RecipeJson;
import dev.kinora.media.MediaIO;
import dev.kinora.media.MediaInfo;
import dev.kinora.media.MediaReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Shows a file's media facts and the recipe that made it. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show a Kinora output's recipe and media facts.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "A video, GIF, PNG folder or recipe .json.")
    Path file;

    @Option(names = "--json", description = "Print only the recipe JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(file)) {
            throw new BadInputException(file + ": no such file");
        }
        String recipeJson = MediaIO.readRecipeJson(file);
        Recipe r = RecipeJson.fromJson(recipeJson);
        if (json) {
            System.out.println(RecipeJson.toJson(r));
            return ExitCodes.OK;
        }
        if (!file.toString().endsWith(".json")) {
            MediaInfo m = MediaReader.probe(file);
            System.out.printf(Locale.ROOT, "file       %s%nmedia      %dx%d, %.2f fps, %d frames, %.2f s, %s%n", file, m.width(), m.height(),
                    m.fps(), m.frameCount(), m.durationSeconds(), m.codec());
        }
        System.out.printf(Locale.ROOT, "mode       %s%nprompt     %s%nnegative   %s%nmodel      %s %s (denoiser sha256 %s)%n"
                        + "seed       %d%nsampling   %s, %d steps, guidance %.2f, shift %.2f%nframes     %d @ %.0f fps%nkinora     %s%n",
                r.mode(), r.prompt(), r.negativePrompt(), r.packId(), r.packVersion(), shortHash(r.packSha256()), r.seed(), r.scheduler(),
                r.steps(), r.guidance(), r.shift(), r.frames(), r.fps(), r.kinoraVersion());
        if ("extend".equals(r.mode())) {
            System.out.printf("extension  %s, %d context frames, colour anchor %s%n", r.direction(), r.context(), r.anchorColour() ? "on" : "off");
        }
        if ("remix".equals(r.mode())) {
            System.out.printf(Locale.ROOT, "strength   %.2f%n", r.strength());
        }
        for (Recipe.SourceRef s : r.sources()) {
            System.out.printf("source     %s (sha256 %s)%n", s.path(), shortHash(s.sha256()));
        }
        return ExitCodes.OK;
    }

    private static String shortHash(String h) {
        return h == null || h.length() < 12 ? String.valueOf(h) : h.substring(0, 12) + "…";
    }
}
