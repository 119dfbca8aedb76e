package dev.kinora.project;

import java.util.UUID;

/** Random ids for shots, takes and jobs: stable across renames and reorders, unique across projects merged by hand. */
public final class Ids {
    private Ids() {
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }
}
