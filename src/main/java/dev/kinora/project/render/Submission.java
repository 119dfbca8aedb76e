package dev.kinora.project.render;

import dev.kinora.project.QueuedJob;

/** The answer to {@link RenderService#submit}: queued, or refused before any work with the reason. */
public sealed interface Submission {
    record Queued(QueuedJob job) implements Submission {
    }

    record Refused(String reason) implements Submission {
    }
}
