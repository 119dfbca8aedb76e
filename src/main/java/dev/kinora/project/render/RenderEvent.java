package dev.kinora.project.render;

import dev.kinora.engine.Progress;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.project.JobState;
import dev.kinora.project.QueuedJob;
import dev.kinora.project.Take;
import java.util.List;

/**
 * What the {@link RenderService} tells its listeners. Events come on the service's threads (or on
 * the caller's, for a change the caller made); a UI marshals them to its own thread.
 */
public sealed interface RenderEvent {
    /** The queue changed (a job added, started, finished, moved; progress). {@code jobs} is the queue after it. */
    record QueueChanged(List<QueuedJob> jobs) implements RenderEvent {
        public QueueChanged {
            jobs = List.copyOf(jobs);
        }
    }

    /** A job's engine call is about to start on {@code device}. */
    record JobStarted(String jobId, String shotId, String device) implements RenderEvent {
    }

    /** Progress of the running job, as often as the engine reports it (previews included). */
    record Progressed(String jobId, Progress progress) implements RenderEvent {
    }

    /** A finished (or, cancelled, partial) take entered the document, on {@code shotId}. */
    record TakeAdded(String jobId, String shotId, Take take) implements RenderEvent {
    }

    /** A job ended: DONE, FAILED or CANCELLED, with what the queue says about it ("out of memory…"). */
    record JobEnded(String jobId, String shotId, JobState state, String message) implements RenderEvent {
    }

    /** Jobs run on this device from now on (after a change, or when asked). */
    record DeviceReady(DeviceReport report) implements RenderEvent {
    }

    /** The device asked for cannot run jobs; {@code reason} says why, in the engine's words. */
    record DeviceUnavailable(Device requested, String reason) implements RenderEvent {
    }
}
