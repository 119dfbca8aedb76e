package dev.kinora.project;

import dev.kinora.engine.Direction;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.Recipe;
import dev.kinora.engine.pack.Mode;
import java.util.List;
import java.util.Optional;

/**
 * A storyboard card: what to generate and the takes generated so far.
 *
 * @param continueFromPrevious start from the last frame of the previous shot's active take (an exact cut)
 * @param activeTakeId         the take that plays in the reel; empty when the shot has none
 */
public record Shot(String id, String title, String prompt, String negativePrompt, Mode mode, double durationSeconds,
                   boolean continueFromPrevious, List<SourceRef> sources, ShotSettings settings, List<Take> takes,
                   String activeTakeId) {
    public static final double DEFAULT_DURATION = 4.0;

    public Shot {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a shot needs an id");
        }
        title = title == null ? "" : title;
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        mode = mode == null ? Mode.GENERATE : mode;
        if (!(durationSeconds > 0) || Double.isInfinite(durationSeconds)) {
            throw new IllegalArgumentException("shot duration must be a positive number of seconds, got " + durationSeconds);
        }
        sources = sources == null ? List.of() : List.copyOf(sources);
        settings = settings == null ? ShotSettings.DEFAULTS : settings;
        takes = takes == null ? List.of() : List.copyOf(takes);
        activeTakeId = activeTakeId == null ? "" : activeTakeId;
        long distinct = takes.stream().map(Take::id).distinct().count();
        if (distinct != takes.size()) {
            throw new IllegalArgumentException("shot " + id + " has two takes with the same id");
        }
        // A dangling active id would make the reel silently skip the shot; fall back to none instead.
        String active = activeTakeId;
        if (!active.isEmpty() && takes.stream().noneMatch(t -> t.id().equals(active))) {
            activeTakeId = "";
        }
    }

    /** An empty shot with a fresh id, taking its pack and fps from the project. */
    public static Shot create(String prompt, ProjectSettings project) {
        ShotSettings s = ShotSettings.DEFAULTS.withPack(project.defaultPack())
                .withFrames(0, project.fps());
        return new Shot(Ids.newId(), "", prompt, "", Mode.GENERATE, DEFAULT_DURATION, false, List.of(), s, List.of(), "");
    }

    /**
     * A shot that makes {@code r}'s clip again: its prompts, mode, pack, sampling and length, and its seed, locked. The
     * recipe's sources are the caller's to find (they were files on the machine that made it); the ones found come in
     * order, the first as the start and a second as the end. Shift, strength, direction and context are per job in the
     * studio, so a shot keeps none of them.
     */
    public static Shot fromRecipe(Recipe r, String title, List<SourceRef> sources) {
        int frames = Math.max(1, r.frames());
        double fps = r.fps() > 0 ? r.fps() : ShotSettings.DEFAULTS.fps();
        ShotSettings s = new ShotSettings(r.packId(), r.seed(), true, Math.max(0, r.steps()), r.guidance(), r.scheduler(),
                frames, fps, 1, r.asTyped());
        return new Shot(Ids.newId(), title, r.prompt(), r.negativePrompt(), r.mode(), frames / fps, false, sources, s,
                List.of(), "");
    }

    public Optional<Take> activeTake() {
        return take(activeTakeId);
    }

    public Optional<Take> take(String takeId) {
        return takes.stream().filter(t -> t.id().equals(takeId)).findFirst();
    }

    /** The title, or the start of the prompt when untitled: what the card, the reel and exports show. */
    public String displayName() {
        if (!title.isBlank()) {
            return title.strip();
        }
        String p = prompt.strip().replaceAll("\\s+", " ");
        return p.length() <= 40 ? p : p.substring(0, 39).stripTrailing() + "…";
    }

    /** Frames to generate: explicit in the settings, otherwise the duration at the shot's fps. */
    public int targetFrames() {
        return settings.frames() > 0 ? settings.frames() : (int) Math.max(1, Math.round(durationSeconds * settings.fps()));
    }

    /**
     * What this shot asks the engine for with this seed: its prompt and mode, its settings, and the
     * frames it should last. A shot keeps no shift, strength, direction or context of its own, so those
     * are the defaults; the studio changes them per job (a remix's strength, a backward extension).
     */
    public JobSettings jobSettings(long seed) {
        return new JobSettings(settings.pack(), mode, prompt, negativePrompt, seed, settings.steps(), settings.guidance(),
                settings.scheduler(), Float.NaN, targetFrames(), 1f, Direction.FORWARD, 0, true, settings.asTyped());
    }

    public Shot withId(String v) {
        return new Shot(v, title, prompt, negativePrompt, mode, durationSeconds, continueFromPrevious, sources, settings, takes, activeTakeId);
    }

    public Shot withTitle(String v) {
        return new Shot(id, v, prompt, negativePrompt, mode, durationSeconds, continueFromPrevious, sources, settings, takes, activeTakeId);
    }

    public Shot withPrompt(String v) {
        return new Shot(id, title, v, negativePrompt, mode, durationSeconds, continueFromPrevious, sources, settings, takes, activeTakeId);
    }

    public Shot withNegativePrompt(String v) {
        return new Shot(id, title, prompt, v, mode, durationSeconds, continueFromPrevious, sources, settings, takes, activeTakeId);
    }

    public Shot withMode(Mode v) {
        return new Shot(id, title, prompt, negativePrompt, v, durationSeconds, continueFromPrevious, sources, settings, takes, activeTakeId);
    }

    public Shot withDuration(double v) {
        return new Shot(id, title, prompt, negativePrompt, mode, v, continueFromPrevious, sources, settings, takes, activeTakeId);
    }

    public Shot withContinueFromPrevious(boolean v) {
        return new Shot(id, title, prompt, negativePrompt, mode, durationSeconds, v, sources, settings, takes, activeTakeId);
    }

    public Shot withSources(List<SourceRef> v) {
        return new Shot(id, title, prompt, negativePrompt, mode, durationSeconds, continueFromPrevious, v, settings, takes, activeTakeId);
    }

    public Shot withSettings(ShotSettings v) {
        return new Shot(id, title, prompt, negativePrompt, mode, durationSeconds, continueFromPrevious, sources, v, takes, activeTakeId);
    }

    public Shot withTakes(List<Take> v, String active) {
        return new Shot(id, title, prompt, negativePrompt, mode, durationSeconds, continueFromPrevious, sources, settings, v, active);
    }
}
