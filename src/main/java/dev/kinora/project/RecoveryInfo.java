package dev.kinora.project;

import java.time.Instant;

/**
 * Unsaved edits found in the autosave journal on open: newer than project.json and different from it.
 *
 * @param journalWritten when the journal was written
 * @param lastSaved      when project.json was last saved (EPOCH when unknown)
 */
public record RecoveryInfo(Instant journalWritten, Instant lastSaved, String projectName, int shots) {
    /** What the recovery prompt says. */
    public String message() {
        return "Kinora found edits to '" + projectName + "' from " + journalWritten
                + " that were not saved (last save " + (lastSaved.equals(Instant.EPOCH) ? "unknown" : lastSaved.toString())
                + "), probably because Kinora stopped unexpectedly. Recover them, or keep the last saved version?";
    }
}
