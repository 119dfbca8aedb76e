package dev.kinora.project.render;

import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.RequestLimits;
import dev.kinora.engine.Source;
import dev.kinora.project.JobSpec;
import dev.kinora.project.SourceRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks a job passes before it is queued: pure, no file read, so they can run on any thread
 * the moment the artist asks. The engine's own limits come from {@link RequestLimits#check}, the
 * CLI's and batch's validation; what a mode needs (a prompt, sources) is added here. Whatever
 * needs the disk (the sources themselves, the pack) is checked when the job starts.
 */
public final class JobCheck {
    private JobCheck() {
    }

    /** Why the job cannot run, in words for the artist; empty when it can. */
    public static Optional<String> problem(JobSpec spec) {
        int sources = spec.sources().size();
        String needs = switch (spec.mode()) {
            case GENERATE -> spec.prompt().isBlank() ? "generate needs a prompt: describe what happens in the shot" : null;
            case ANIMATE -> sources >= 1 ? null : "animate needs a source: the still to start from";
            case EXTEND -> sources >= 1 ? null : "extend needs a source: the clip or take to continue";
            case REMIX -> sources >= 1 ? null : "remix needs a source: the clip or take to re-imagine";
            case LOOP -> null; // a loop of nothing is generated from the prompt; RequestLimits wants one or the other
            case INTERPOLATE -> sources >= 2 ? null : "interpolate needs two sources: where it starts and where it ends";
        };
        if (needs != null) {
            return Optional.of(needs);
        }
        try {
            RequestLimits.check(shape(spec));
            return Optional.empty();
        } catch (InvalidRequestException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The request the job will make, each source a one-pixel stand-in: every check but the pixels applies. */
    static GenerationRequest shape(JobSpec spec) {
        List<Source> standIns = new ArrayList<>();
        for (SourceRef r : spec.sources()) {
            standIns.add(new Source(new Frames(1, 1, 1, List.of(new byte[3])), r.path(), ""));
        }
        return spec.toRequest(standIns);
    }
}
