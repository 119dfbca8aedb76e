package dev.kinora.media;

import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.RecipeJson;
import dev.kinora.engine.Source;
import dev.kinora.engine.pack.HashCache;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pipeline.VideoPipeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The bridge between files and the engine, shared by the CLI and the studio: sources are read at
 * the pack's size and frame rate; results are written with their recipe in the container and in a
 * sidecar .json beside the file.
 */
public final class MediaIO {

    /** The most frames of a source the engine uses; longer sources are refused before decoding. */
    public static final int MAX_SOURCE_FRAMES = VideoPipeline.MAX_FRAMES;

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

    /**
     * Frames brought to {@code width}×{@code height} the way the reader brings a source file there
     * (the same crop, bicubic resample and letterbox for each policy): for frames that are already
     * decoded, such as a take used as the source of another pack's job. Same size: returned as is.
     */
    public static Frames fit(Frames f, int width, int height, ResizePolicy policy) {
        Objects.requireNonNull(policy, "policy");
        if (width <= 0 || height <= 0 || (f.width() == width && f.height() == height)) {
            return f;
        }
        MediaReader.Plan plan = MediaReader.Plan.of(f.width(), f.height(), width, height, policy);
        List<byte[]> out = new java.util.ArrayList<>(f.count());
        for (byte[] frame : f.rgb()) {
            out.add(plan.apply(frame, f.width()));
        }
        return new Frames(width, height, f.fps(), out);
    }

    /**
     * Extensions of the stills Kinora reads: the formats it sniffs itself, and those FFmpeg opens as one picture
     * (HEIC and AVIF as phones and browsers save them, the Netpbm formats, QOI).
     */
    public static final List<String> STILL_EXTENSIONS = List.of("png", "jpg", "jpeg", "webp", "bmp", "tif", "tiff",
            "heic", "heif", "avif", "ppm", "pgm", "pnm", "pam", "qoi");

    /** Extensions of the clips a file chooser offers; any other file FFmpeg decodes is read too. */
    public static final List<String> CLIP_EXTENSIONS = List.of("mp4", "m4v", "mov", "mkv", "webm", "avi", "gif");

    /** Chooser patterns ("*.png" …) for a list of extensions. */
    public static List<String> patterns(List<String> extensions) {
        return extensions.stream().map(e -> "*." + e).toList();
    }

    public static boolean isStill(Path p) {
        String n = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot > 0 && STILL_EXTENSIONS.contains(n.substring(dot + 1));
    }

    /** Reads a still or a clip (or a PNG-sequence folder) as a source for a pack; damaged clips are refused. */
    public static Source readSource(Path p, ModelPack pack, ResizePolicy policy) throws MediaException {
        return readSource(p, pack, policy, ReadOptions.defaults()).source();
    }

    /**
     * Reads a still or a clip (or a PNG-sequence folder) as a source for a pack. A clip longer than
     * {@link #MAX_SOURCE_FRAMES} at the pack's rate is refused from its header, before decoding (see
     * {@link #checkSource}); a damaged one is refused unless {@code options} allow it, and then
     * comes back with a warning.
     */
    public static SourceRead readSource(Path p, ModelPack pack, ResizePolicy policy, ReadOptions options)
            throws MediaException {
        Objects.requireNonNull(options, "options");
        Clip clip;
        List<String> warnings = List.of();
        if (isStill(p)) {
            clip = MediaReader.readImage(p, pack.width(), pack.height(), policy);
        } else {
            checkSource(p, pack.fps());
            // One frame over the limit: a clip whose header hides its length is refused after
            // decoding no more than that.
            ReadResult r = MediaReader.readClip(p, pack.width(), pack.height(), pack.fps(), policy,
                    Math.min(MediaReader.MAX_FRAMES, MAX_SOURCE_FRAMES + 1), options);
            if (r.clip().frameCount() > MAX_SOURCE_FRAMES) {
                throw MediaReader.tooLong(p, 0, -1, pack.fps(), MAX_SOURCE_FRAMES);
            }
            clip = r.clip();
            warnings = r.warnings();
        }
        String sha;
        try {
            sha = Files.isDirectory(p) ? "" : HashCache.compute(p);
        } catch (IOException e) {
            throw MediaException.io(p, "cannot be read (" + MediaWriter.reason(e) + ").", e);
        }
        Source source = new Source(toFrames(clip.withFps(pack.fps())), p.toAbsolutePath().toString(), sha);
        return new SourceRead(source, warnings);
    }

    /**
     * Refuses a source the engine would not take, from its header only: cheap enough to call on
     * every input before loading a model. A clip longer than {@link #MAX_SOURCE_FRAMES} frames at
     * {@code fps} gets BAD_INPUT giving its length and the limit in frames and seconds, and asking
     * to trim it; a file FFmpeg cannot open gets BAD_INPUT too.
     *
     * @param fps the pack's frame rate (sources are resampled to it)
     * @return what the probe found
     */
    public static MediaInfo checkSource(Path p, double fps) throws MediaException {
        return MediaReader.checkLength(p, fps, MAX_SOURCE_FRAMES);
    }

    /** As {@link #checkSource(Path, double)} at the pack's rate. */
    public static MediaInfo checkSource(Path p, ModelPack pack) throws MediaException {
        return checkSource(p, pack.fps());
    }

    /**
     * Writes frames and the recipe: into the container's metadata and a sidecar {@code <out>.json}
     * (a PNG folder keeps recipe.json inside). The sidecar lands first, atomically, and the media
     * is renamed into place after it, so a finished file always has its sidecar; a write that fails
     * in between leaves a sidecar newer than the media, which is why readers trust the container's
     * recipe over the sidecar's.
     */
    public static Path writeResult(GenerationResult result, Path out, OutputFormat format, int scale, UpscaleFilter filter,
                                   double fps) throws MediaException {
        String recipe = RecipeJson.toJson(result.recipe());
        Clip clip = toClip(result.frames());
        if (fps > 0 && fps != clip.fps()) {
            clip = clip.withFps(fps);
        }
        ExportOptions opts = new ExportOptions(scale, filter, Map.of(RecipeJson.METADATA_KEY, RecipeJson.toCompactJson(result.recipe())));
        return MediaWriter.write(clip, out, format, opts, () -> {
            if (format != OutputFormat.PNG_SEQUENCE) {
                writeAtomically(sidecar(out), recipe);
            }
        });
    }

    public static Path sidecar(Path media) {
        return media.resolveSibling(media.getFileName() + ".json");
    }

    /**
     * The recipe of a Kinora output, or empty for media Kinora did not make: from a recipe .json
     * itself, else the container's metadata (a PNG folder's recipe.json), else the sidecar
     * {@code <file>.json}. The container wins over the sidecar: the sidecar is written first and can
     * be left stale by a write that failed after it.
     *
     * @throws MediaException BAD_INPUT when the file is missing or FFmpeg cannot open it and there is
     *                        no sidecar; IO when it cannot be read
     */
    public static Optional<String> recipeJson(Path p) throws MediaException {
        Objects.requireNonNull(p, "path");
        Path side = sidecar(p);
        try {
            if (p.getFileName() != null && p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p)) {
                String text = Files.readString(p, StandardCharsets.UTF_8);
                // A PNG folder's recipe.json holds the metadata map, whose entry is the recipe.
                com.fasterxml.jackson.databind.JsonNode node;
                try {
                    node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    return Optional.of(text); // not JSON at all: the recipe reader says so, as bad input
                }
                return Optional.of(node != null && node.path(RecipeJson.METADATA_KEY).isTextual()
                        ? node.get(RecipeJson.METADATA_KEY).asText() : text);
            }
            String meta;
            try {
                meta = MediaWriter.readMetadata(p).get(RecipeJson.METADATA_KEY);
            } catch (MediaException e) {
                if (e.kind() == MediaException.Kind.BAD_INPUT && Files.exists(p) && Files.isRegularFile(side)) {
                    return Optional.of(Files.readString(side, StandardCharsets.UTF_8)); // media unreadable, recipe not
                }
                throw e;
            }
            if (meta != null) {
                return Optional.of(meta);
            }
            if (Files.isRegularFile(side)) {
                return Optional.of(Files.readString(side, StandardCharsets.UTF_8));
            }
            return Optional.empty();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw MediaException.badInput(p, "is not UTF-8 text; a Kinora recipe is UTF-8 JSON.", e);
        } catch (IOException e) {
            throw MediaException.io(p, "cannot be read (" + MediaWriter.reason(e) + ").", e);
        }
    }

    /** As {@link #recipeJson}, for callers that need a recipe: media without one is BAD_INPUT. */
    public static String readRecipeJson(Path p) throws MediaException {
        Optional<String> recipe = recipeJson(p);
        if (recipe.isEmpty()) {
            throw MediaException.badInput(p, "carries no Kinora recipe (no " + RecipeJson.METADATA_KEY + " metadata"
                    + " and no sidecar " + sidecar(p).getFileName() + "); it was not made by Kinora or its recipe was"
                    + " removed. Give a Kinora output or its recipe .json.");
        }
        return recipe.get();
    }

    /** Replaces {@code target} with {@code text} in one rename, through a temporary named like the writer's. */
    static void writeAtomically(Path target, String text) throws MediaException {
        Path abs = target.toAbsolutePath();
        Path tmp = null;
        try {
            tmp = MediaWriter.createSibling(abs, ".part", false);
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING); // same folder: exotic file systems only
            }
            tmp = null;
        } catch (IOException e) {
            throw MediaException.io(target, "cannot be written (" + MediaWriter.reason(e) + "); "
                    + MediaWriter.advice(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temp name never shadows the real file, and the next write sweeps it
                }
            }
        }
    }
}
