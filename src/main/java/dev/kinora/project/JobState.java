package dev.kinora.project;

/** Where a queued generation is. DONE, FAILED and CANCELLED are final until retried. */
public enum JobState {
    QUEUED, RUNNING, DONE, FAILED, CANCELLED;

    public boolean finished() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
