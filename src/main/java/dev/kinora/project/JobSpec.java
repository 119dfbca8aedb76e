package dev.kinora.project;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.kinora.engine.Direction;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.Source;
import dev.kinora.engine.pack.Mode;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link GenerationRequest} as it can be written to disk: the same settings, with sources as file
 * references rather than decoded pixels. The studio loads the sources when the job starts and calls
 * {@link #toRequest(List)}.
 *
 * <p>queue.json holds a job as one flat object (the settings' fields, then {@code sources}); that
 * shape is pinned in {@link OnDisk} so queues written before keep loading.
 */
public record JobSpec(JobSettings settings, List<SourceRef> sources) {
    public JobSpec {
        if (settings == null) {
            throw new IllegalArgumentException("a job needs its settings");
        }
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /** The request's settings; each source keeps its path, in order, with the role it has in {@code roles} (START when absent). */
    public static JobSpec of(GenerationRequest r, List<SourceRole> roles) {
        List<SourceRef> refs = new ArrayList<>();
        for (int i = 0; i < r.sources().size(); i++) {
            Source s = r.sources().get(i);
            if (s.path() == null || s.path().isBlank()) {
                throw new IllegalArgumentException("source " + (i + 1) + " of the request has no file path, so the queue"
                        + " cannot reload it after a restart; save it to the project's media folder first");
            }
            refs.add(new SourceRef(s.path(), i < roles.size() ? roles.get(i) : SourceRole.START));
        }
        return new JobSpec(r.settings(), refs);
    }

    public static JobSpec of(GenerationRequest r) {
        return of(r, List.of());
    }

    /**
     * A shot's generation with this seed: its prompt, mode, settings and sources. Sources here are the
     * shot's own; a "continue from previous" shot's previous take is added by the studio, which knows
     * which frames to take from it.
     */
    public static JobSpec forShot(Shot s, long seed) {
        return new JobSpec(s.jobSettings(seed), s.sources());
    }

    /** The engine request, with the sources loaded by the caller in the order of {@link #sources()}. */
    public GenerationRequest toRequest(List<Source> loaded) {
        if (loaded.size() != sources.size()) {
            throw new IllegalArgumentException("the job names " + sources.size() + " sources but " + loaded.size()
                    + " were loaded; load each of sources() in order");
        }
        return new GenerationRequest(settings, loaded);
    }

    public String pack() {
        return settings.pack();
    }

    public Mode mode() {
        return settings.mode();
    }

    public String prompt() {
        return settings.prompt();
    }

    public String negativePrompt() {
        return settings.negativePrompt();
    }

    public long seed() {
        return settings.seed();
    }

    public int steps() {
        return settings.steps();
    }

    public float guidance() {
        return settings.guidance();
    }

    public String scheduler() {
        return settings.scheduler();
    }

    public float shift() {
        return settings.shift();
    }

    public int frames() {
        return settings.frames();
    }

    public float strength() {
        return settings.strength();
    }

    public Direction direction() {
        return settings.direction();
    }

    public int context() {
        return settings.context();
    }

    public boolean anchorColour() {
        return settings.anchorColour();
    }

    public boolean asTyped() {
        return settings.asTyped();
    }

    @JsonValue
    OnDisk onDisk() {
        JobSettings s = settings;
        return new OnDisk(s.pack(), s.mode(), s.prompt(), s.negativePrompt(), s.seed(), s.steps(), s.guidance(),
                s.scheduler(), s.shift(), s.frames(), s.strength(), s.direction(), s.context(), s.anchorColour(), s.asTyped(),
                sources);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static JobSpec fromDisk(OnDisk d) {
        return new JobSpec(new JobSettings(d.pack(), d.mode(), d.prompt(), d.negativePrompt(), d.seed(), d.steps(),
                d.guidance(), d.scheduler(), d.shift(), d.frames(), d.strength(), d.direction(), d.context(),
                d.anchorColour(), d.asTyped()), d.sources());
    }

    /**
     * The file shape of a job: these names, in this order; mode and direction as Jackson writes enums (GENERATE, FORWARD).
     * {@code asTyped} is written only when true, so queues without it read and write as before.
     */
    record OnDisk(String pack, Mode mode, String prompt, String negativePrompt, long seed, int steps, float guidance,
                  String scheduler, float shift, int frames, float strength, Direction direction, int context,
                  boolean anchorColour, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean asTyped,
                  List<SourceRef> sources) {
    }
}
