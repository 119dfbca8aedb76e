package dev.kinora.project;

/**
 * What opening (or creating) a project gave. A project that cannot be edited safely still opens,
 * read-only, with {@code message} saying why and what to do; {@code message} is empty otherwise.
 */
public record OpenResult(ProjectStore store, Project project, boolean readOnly, String message) {
    public OpenResult {
        message = message == null ? "" : message;
    }
}
