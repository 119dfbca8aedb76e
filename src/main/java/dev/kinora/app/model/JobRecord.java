package dev.kinora.app.model;

/** A render-queue entry as persisted in queue.json. */
public record JobRecord(String id, JobSpec spec, JobState state, double progress, String message, String device,
                        String created, String takeId) {
    public JobRecord {
        message = message == null ? "" : message;
        device = device == null ? "" : device;
        created = created == null ? "" : created;
        takeId = takeId == null ? "" : takeId;
    }
}
