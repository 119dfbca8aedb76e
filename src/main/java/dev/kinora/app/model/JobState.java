package dev.kinora.app.model;

/** Where a render-queue job is. INTERRUPTED is a job that was running when the studio stopped. */
public enum JobState {
    QUEUED, RUNNING, DONE, CANCELLED, FAILED, INTERRUPTED;

    public boolean finished() {
        return this == DONE || this == CANCELLED || this == FAILED;
    }

    public boolean retryable() {
        return this == CANCELLED || this == FAILED || this == INTERRUPTED;
    }
}
