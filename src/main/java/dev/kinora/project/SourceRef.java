package dev.kinora.project;

/**
 * A file a shot is conditioned on. {@code path} is relative to the project folder when the file
 * lives inside it (so the folder can be moved or copied), absolute otherwise.
 */
public record SourceRef(String path, SourceRole role) {
    public SourceRef {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("a source needs a file path");
        }
        role = role == null ? SourceRole.START : role;
    }
}
