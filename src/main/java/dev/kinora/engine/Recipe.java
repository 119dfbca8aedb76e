package dev.kinora.engine;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.kinora.engine.pack.Mode;
import java.util.List;
import java.util.Locale;

/**
 * How a clip was made, embedded in every output (container metadata and a sidecar .json) so
 * `kinora info` shows it and `--recipe` makes the same clip again. The settings are the resolved
 * ones (defaults filled in, the pack's own id), so a recipe does not change meaning when a pack's
 * defaults do.
 *
 * <p>In files a recipe is one flat JSON object whose mode and direction are lower-case words: every
 * clip and project made so far holds that shape, so it is pinned in {@link OnDisk} rather than left
 * to follow this record's components. Any Jackson mapper reads and writes that shape.
 *
 * @param resolved the settings the clip was made with; {@link JobSettings#pack()} is the pack's id
 */
public record Recipe(
        String kinoraVersion,
        String packVersion,
        String packSha256,
        JobSettings resolved,
        double fps,
        List<SourceRef> sources) {

    public Recipe {
        if (resolved == null) {
            throw new IllegalArgumentException("a recipe needs the settings it was made with");
        }
        sources = List.copyOf(sources);
    }

    /** A source as recorded: its path when it came from a file, and the sha256 of that file or of its pixels. */
    public record SourceRef(String path, String sha256) {
    }

    public String packId() {
        return resolved.pack();
    }

    public Mode mode() {
        return resolved.mode();
    }

    public String prompt() {
        return resolved.prompt();
    }

    public String negativePrompt() {
        return resolved.negativePrompt();
    }

    public long seed() {
        return resolved.seed();
    }

    public int steps() {
        return resolved.steps();
    }

    public float guidance() {
        return resolved.guidance();
    }

    public String scheduler() {
        return resolved.scheduler();
    }

    public float shift() {
        return resolved.shift();
    }

    public int frames() {
        return resolved.frames();
    }

    public float strength() {
        return resolved.strength();
    }

    public Direction direction() {
        return resolved.direction();
    }

    public int context() {
        return resolved.context();
    }

    public boolean anchorColour() {
        return resolved.anchorColour();
    }

    public boolean asTyped() {
        return resolved.asTyped();
    }

    @JsonValue
    OnDisk onDisk() {
        JobSettings s = resolved;
        return new OnDisk(kinoraVersion, s.pack(), packVersion, packSha256, s.mode().id(), s.prompt(), s.negativePrompt(),
                s.seed(), s.steps(), s.guidance(), s.scheduler(), s.shift(), s.frames(), fps, s.strength(),
                s.direction().name().toLowerCase(Locale.ROOT), s.context(), s.anchorColour(), s.asTyped(), sources);
    }

    /**
     * The recipe a file holds. Mode and direction are parsed here, at the boundary, so a recipe in
     * memory always names ones this build can run; Jackson reports what this throws as a
     * {@code ValueInstantiationException} whose cause carries the message.
     *
     * @throws IllegalArgumentException when {@code mode} or {@code packId} is absent, or mode or direction is unknown
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Recipe fromDisk(OnDisk d) {
        if (d.mode() == null || d.packId() == null) {
            throw new IllegalArgumentException("not a Kinora recipe: 'mode' and 'packId' are required");
        }
        Mode mode;
        try {
            mode = Mode.parse(d.mode());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the recipe's " + e.getMessage(), e);
        }
        // Recipes from before extensions had a direction carry none: they ran forward.
        String dir = d.direction() == null || d.direction().isBlank() ? "forward" : d.direction();
        Direction direction;
        try {
            direction = Direction.valueOf(dir.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the recipe's direction '" + dir + "' is unknown: use forward or backward", e);
        }
        JobSettings s = new JobSettings(d.packId(), mode, d.prompt(), d.negativePrompt(), d.seed(), d.steps(), d.guidance(),
                d.scheduler(), d.shift(), d.frames(), d.strength(), direction, d.context(), d.anchorColour(), d.asTyped());
        return new Recipe(d.kinoraVersion(), d.packVersion(), d.packSha256(), s, d.fps(), d.sources());
    }

    /**
     * The file shape of a recipe: these names, in this order, with these JSON types. A name a file lacks reads as
     * what clips made before it had meant: {@code asTyped} false (the lexicon read every prompt). It is written only
     * when true, so a recipe that reads its prompt through the lexicon is the text it always was.
     */
    record OnDisk(
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
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean asTyped,
            List<SourceRef> sources) {
    }
}
