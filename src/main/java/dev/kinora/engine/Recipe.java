package dev.kinora.engine;

import java.util.List;

/**
 * How a clip was made, embedded in every output (container metadata and a sidecar .json) so
 * `kinora info` shows it and `--recipe` makes the same clip again. Values are the resolved ones
 * (defaults filled in), so a recipe does not change meaning when a pack's defaults do.
 */
public record Recipe(
        String kinoraVersion,
        String packId,
        String packVersion,
        String packSha256,
        String mode,
        String prompt,
        String negativePrompt,
        long seed,
        int steps,
        float guidance,
        String scheduler,
        float shift,
        int frames,
        double fps,
        float strength,
        String direction,
        int context,
        boolean anchorColour,
        List<SourceRef> sources) {

    public Recipe {
        sources = List.copyOf(sources);
    }

    /** A source as recorded: its path when it came from a file, and the sha256 of that file or of its pixels. */
    public record SourceRef(String path, String sha256) {
    }
}
