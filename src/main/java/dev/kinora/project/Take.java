package dev.kinora.project;

import dev.kinora.engine.Recipe;
import java.time.Instant;

/**
 * One generated clip of a shot. The media file is written (and fsynced) before the take enters the
 * document, so a take in a saved or journaled document always has its frames on disk.
 *
 * @param media path relative to the project folder, under {@code media/}, with '/' separators
 * @param label the artist's name for it (empty = none)
 */
public record Take(String id, String media, Recipe recipe, Instant created, int frames, double fps, int width,
                   int height, String label) {
    public Take {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a take needs an id");
        }
        checkMediaPath(media);
        if (recipe == null) {
            throw new IllegalArgumentException("take " + id + " has no recipe: every take must say how it was made");
        }
        created = created == null ? Instant.EPOCH : created;
        if (frames < 0) {
            throw new IllegalArgumentException("take " + id + " has " + frames + " frames");
        }
        if (!(fps > 0)) {
            throw new IllegalArgumentException("take " + id + " has fps " + fps + "; fps must be positive");
        }
        label = label == null ? "" : label;
    }

    /**
     * A hand-edited or hostile project.json must not make the studio read or delete files outside the
     * project folder, so media paths are confined to media/ here, where every take is made.
     */
    static void checkMediaPath(String media) {
        if (media == null || !media.startsWith(ProjectStore.MEDIA_DIR + "/")) {
            throw new IllegalArgumentException("take media must be a path under " + ProjectStore.MEDIA_DIR
                    + "/ relative to the project folder, got '" + media + "'");
        }
        for (String part : media.split("/", -1)) {
            if (part.isEmpty() || part.equals("..") || part.equals(".") || part.contains("\\") || part.contains(":")) {
                throw new IllegalArgumentException("take media path '" + media
                        + "' must be a plain relative path inside " + ProjectStore.MEDIA_DIR + "/ (no '..', '.', '\\', ':' or empty parts)");
            }
        }
    }

    public double durationSeconds() {
        return frames / fps;
    }

    public Take withLabel(String l) {
        return new Take(id, media, recipe, created, frames, fps, width, height, l);
    }

    public Take withMedia(String m) {
        return new Take(id, m, recipe, created, frames, fps, width, height, label);
    }
}
