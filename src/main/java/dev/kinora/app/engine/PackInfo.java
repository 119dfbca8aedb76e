package dev.kinora.app.engine;

import dev.kinora.engine.PackAbilities;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the studio shows about a pack: enough for the settings, the model manager and the timeline. */
public record PackInfo(String id, String name, String version, String license, Set<Mode> modes, int width, int height,
                       int frames, double fps, int maxTokens, String scheduler, int steps, float guidance,
                       Path dir, long bytes, String error, int maxFrames, boolean takesText, String family,
                       Map<Mode, Float> guidanceByMode, List<String> examples) {
    public PackInfo {
        examples = List.copyOf(examples);
        modes = modes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(modes));
        error = error == null ? "" : error;
        guidanceByMode = Map.copyOf(guidanceByMode);
    }

    /** The guidance a job of this mode runs at when the shot does not set one (the engine's rule). */
    public float guidance(Mode mode) {
        return guidanceByMode.getOrDefault(mode, guidance);
    }

    public static PackInfo of(ModelPack p) {
        PackAbilities abilities = PackAbilities.of(p);
        long bytes = p.components().values().stream().mapToLong(c -> c.size()).sum()
                + p.extraFiles().stream().mapToLong(c -> c.size()).sum();
        return new PackInfo(p.id(), p.name(), p.version(), p.license(), p.modes(), p.width(), p.height(), p.frames(),
                p.fps(), p.text().maxTokens(), p.defaults().scheduler(), p.defaults().steps(), p.defaults().guidance(),
                p.root(), bytes, "", abilities.maxFrames(), abilities.takesText(),
                p.family().map(f -> f.family()).orElse("tinyworld (format 1)"), p.defaults().guidanceByMode(), p.examples());
    }

    public static PackInfo broken(Path dir, String error) {
        return new PackInfo(dir.getFileName().toString(), dir.getFileName().toString(), "?", "?", Set.of(), 0, 0, 0, 0,
                0, "", 0, Float.NaN, dir, 0, error, 0, false, "", Map.of(), List.of());
    }

    public boolean usable() {
        return error.isEmpty();
    }

    @Override
    public String toString() {
        return usable() ? name + " (" + width + "×" + height + ", " + frames + " f)" : id + " (broken)";
    }
}
