package dev.kinora.project;

import java.time.Instant;
import java.util.Optional;

/**
 * One entry of the render queue.
 *
 * @param message       for the artist: why it failed, that it was interrupted, ... (empty when nothing to say)
 * @param finished      when it reached a final state; {@link Instant#EPOCH} while it has not (see {@link #finishedAt()})
 * @param progress      0..1 of the current run
 * @param device        where it ran or runs ("CUDA:0", "CPU"); empty before it starts
 * @param takeId        the take it produced; empty until DONE
 * @param started       when its last run started; {@link Instant#EPOCH} before the first
 * @param interruptions runs that ended with Kinora stopping under them (a crash, a kill); reset by a retry
 */
public record QueuedJob(String id, String shotId, JobSpec request, JobState state, String message, Instant queued,
                        Instant finished, double progress, String device, String takeId, Instant started,
                        int interruptions) {
    public QueuedJob {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a job needs an id");
        }
        shotId = shotId == null ? "" : shotId;
        if (request == null) {
            throw new IllegalArgumentException("job " + id + " has no request");
        }
        state = state == null ? JobState.QUEUED : state;
        message = message == null ? "" : message;
        queued = queued == null ? Instant.EPOCH : queued;
        finished = finished == null ? Instant.EPOCH : finished;
        progress = Double.isNaN(progress) ? 0 : Math.max(0, Math.min(1, progress));
        device = device == null ? "" : device;
        takeId = takeId == null ? "" : takeId;
        started = started == null ? Instant.EPOCH : started;
        interruptions = Math.max(0, interruptions);
    }

    public Optional<Instant> finishedAt() {
        return state.finished() ? Optional.of(finished) : Optional.empty();
    }

    QueuedJob with(JobState s, String msg, Instant fin, double prog, String dev, String take) {
        return new QueuedJob(id, shotId, request, s, msg, queued, fin, prog, dev, take, started, interruptions);
    }

    QueuedJob withRun(Instant start, int interrupted) {
        return new QueuedJob(id, shotId, request, state, message, queued, finished, progress, device, takeId, start, interrupted);
    }

    QueuedJob withMessage(String msg) {
        return new QueuedJob(id, shotId, request, state, msg, queued, finished, progress, device, takeId, started, interruptions);
    }
}
