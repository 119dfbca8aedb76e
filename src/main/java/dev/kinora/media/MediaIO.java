package dev.kinora.media;

import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.RecipeJson;
import dev.kinora.engine.Source;
import dev.kinora.engine.pack.HashCache;
import dev.kinora.engine.pack.ModelPack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The bridge between files and the engine, shared by the CLI and the studio: sources are read at
 * the pack's size and frame rate; results are written with their recipe in the container and in a
 * sidecar .json beside the file.
 */
public final class MediaIO {

    private MediaIO() {
    }

    /** A source and what the reader has to tell about it (one line each, naming the file). */
    public record SourceRead(Source source, List<String> warnings) {
        public SourceRead {
            Objects.requireNonNull(source, "source");
            warnings = List.copyOf(warnings);
        }
    }

    public static Frames toFrames(Clip c) {
        return new Frames(c.width(), c.height(), c.fps(), c.frames());
    }

    public static Clip toClip(Frames f) {
        return new Clip(f.width(), f.height(), f.fps(), f.rgb());
    }

    public static boolean isStill(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".webp")
                || n.endsWith(".bmp") || n.endsWith(".tif") || n.endsWith(".tiff");
    }

    /** Reads a still or a clip (or a PNG-sequence folder) as a source for a pack; damaged clips are refused. */
    public static Source readSource(Path p, ModelPack pack, ResizePolicy policy) throws MediaException {
        return readSource(p, pack, policy, ReadOptions.defaults()).source();
    }

    /**
     * Reads a still or a clip (or a PNG-sequence folder) as a source for a pack. A damaged clip is
     * refused unless {@code options} allow it, and then comes back with a warning.
     */
    public static SourceRead readSource(Path p, ModelPack pack, ResizePolicy policy, ReadOptions options)
            throws MediaException {
        Objects.requireNonNull(options, "options");
        Clip clip;
        List<String> warnings = List.of();
        if (isStill(p)) {
            clip = MediaReader.readImage(p, pack.width(), pack.height(), policy);
        } else {
            ReadResult r = MediaReader.readClip(p, pack.width(), pack.height(), pack.fps(), policy,
                    MediaReader.MAX_FRAMES, options);
            clip = r.clip();
            warnings = r.warnings();
        }
        String sha;
        try {
            sha = Files.isDirectory(p) ? "" : HashCache.compute(p);
        } catch (IOException e) {
            throw new MediaException(MediaException.Kind.IO, p, p + ": cannot be read: " + e.getMessage(), e);
        }
        Source source = new Source(toFrames(clip.withFps(pack.fps())), p.toAbsolutePath().toString(), sha);
        return new SourceRead(source, warnings);
    }

    /** Writes frames and the recipe: into the container's metadata and a sidecar `<out>.json` (a PNG folder keeps recipe.json inside). */
    public static Path writeResult(GenerationResult result, Path out, OutputFormat format, int scale, UpscaleFilter filter,
                                   double fps) throws MediaException {
        String recipe = RecipeJson.toJson(result.recipe());
        Clip clip = toClip(result.frames());
        if (fps > 0 && fps != clip.fps()) {
            clip = clip.withFps(fps);
        }
        ExportOptions opts = new ExportOptions(scale, filter, Map.of(RecipeJson.METADATA_KEY, RecipeJson.toCompactJson(result.recipe())));
        Path written = MediaWriter.write(clip, out, format, opts);
        if (format != OutputFormat.PNG_SEQUENCE) {
            writeAtomically(sidecar(written), recipe);
        }
        return written;
    }

    public static Path sidecar(Path media) {
        return media.resolveSibling(media.getFileName() + ".json");
    }

    /** The recipe of a Kinora output: from its sidecar, its container metadata, or a recipe .json itself. */
    public static String readRecipeJson(Path p) throws MediaException {
        try {
            if (p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p)) {
                String text = Files.readString(p, StandardCharsets.UTF_8);
                // A PNG folder's recipe.json holds the metadata map, whose entry is the recipe.
                com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
                return node != null && node.path(RecipeJson.METADATA_KEY).isTextual()
                        ? node.get(RecipeJson.METADATA_KEY).asText() : text;
            }
            Path side = sidecar(p);
            if (Files.isRegularFile(side)) {
                return Files.readString(side, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new MediaException(MediaException.Kind.IO, p, p + ": cannot be read: " + e.getMessage(), e);
        }
        String meta = MediaWriter.readMetadata(p).get(RecipeJson.METADATA_KEY);
        if (meta == null) {
            throw new MediaException(MediaException.Kind.BAD_INPUT, p, p + ": carries no Kinora recipe (no metadata and no sidecar .json)");
        }
        return meta;
    }

    static void writeAtomically(Path target, String text) throws MediaException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temp name never shadows the real file
                }
            }
            throw new MediaException(MediaException.Kind.IO, target, target + ": cannot be written: " + e.getMessage(), e);
        }
    }
}
