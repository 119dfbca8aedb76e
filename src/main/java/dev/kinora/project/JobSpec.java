package dev.kinora.project;

import dev.kinora.engine.Direction;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.Source;
import dev.kinora.engine.pack.Mode;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link GenerationRequest} as it can be written to disk: sources are file references, not decoded
 * pixels. The studio loads the sources when the job starts and calls {@link #toRequest(List)}.
 */
public record JobSpec(String pack, Mode mode, String prompt, String negativePrompt, long seed, int steps,
                      float guidance, String scheduler, float shift, int frames, float strength, Direction direction,
                      int context, boolean anchorColour, List<SourceRef> sources) {
    public JobSpec {
        pack = pack == null ? "" : pack;
        mode = mode == null ? Mode.GENERATE : mode;
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        scheduler = scheduler == null ? "" : scheduler;
        direction = direction == null ? Direction.FORWARD : direction;
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
        return new JobSpec(r.pack(), r.mode(), r.prompt(), r.negativePrompt(), r.seed(), r.steps(), r.guidance(),
                r.scheduler(), r.shift(), r.frames(), r.strength(), r.direction(), r.context(), r.anchorColour(), refs);
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
        ShotSettings st = s.settings();
        return new JobSpec(st.pack(), s.mode(), s.prompt(), s.negativePrompt(), seed, st.steps(), st.guidance(),
                st.scheduler(), Float.NaN, s.targetFrames(), 1f, Direction.FORWARD, 0, true, s.sources());
    }

    /** The engine request, with the sources loaded by the caller in the order of {@link #sources()}. */
    public GenerationRequest toRequest(List<Source> loaded) {
        if (loaded.size() != sources.size()) {
            throw new IllegalArgumentException("the job names " + sources.size() + " sources but " + loaded.size()
                    + " were loaded; load each of sources() in order");
        }
        return new GenerationRequest(new JobSettings(pack, mode, prompt, negativePrompt, seed, steps, guidance, scheduler, shift,
                frames, strength, direction, context, anchorColour), loaded);
    }
}
