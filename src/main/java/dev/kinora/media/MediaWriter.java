package dev.kinora.media;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes clips as MP4 (H.264), WebM (VP9), GIF or a PNG folder, atomically.
 *
 * <p>Every format is written to a temporary sibling of the output (same folder, so same file
 * system) and renamed over the final name only when complete. A crash, a full disk or an encoder
 * error therefore never leaves a half-written file under the name the user asked for.
 */
public final class MediaWriter {

    private static final Logger LOG = LoggerFactory.getLogger(MediaWriter.class);

    /** The PNG-sequence sidecar holding metadata (and the frame rate, as {@code fps}). */
    public static final String RECIPE_FILE = "recipe.json";
    static final String H264_ENCODER = "libopenh264";
    static final String VP9_ENCODER = "libvpx-vp9";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MediaWriter() { }

    /**
     * Writes {@code clip} to {@code out}.
     *
     * <p>MP4 and WebM need even sizes for 4:2:0 chroma: an odd width or height is padded by one
     * pixel, repeating the last column/row (no scaling, so pixels stay where they were), and the
     * padding is logged. GIF and PNG keep the exact size.
     *
     * @return {@code out}, now complete
     * @throws MediaException IO when the folder cannot be written (the message names the path);
     *                        BAD_INPUT when the format cannot be produced by this FFmpeg build
     */
    public static Path write(Clip clip, Path out, OutputFormat format, ExportOptions opts) throws MediaException {
        return write(clip, out, format, opts, () -> { });
    }

    /** Runs once the new file is complete, just before it is renamed over the final name. */
    @FunctionalInterface
    interface BeforeCommit {
        /** Throwing cancels the write: the temporary is deleted and nothing is renamed. */
        void run() throws MediaException;
    }

    /**
     * As {@link #write(Clip, Path, OutputFormat, ExportOptions)}, running {@code beforeCommit} when
     * the new file is complete and before it takes the final name (MediaIO writes the recipe
     * sidecar there, so the sidecar never lags behind the media).
     */
    static Path write(Clip clip, Path out, OutputFormat format, ExportOptions opts, BeforeCommit beforeCommit)
            throws MediaException {
        Objects.requireNonNull(clip, "clip");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(opts, "opts");
        Clip scaled = upscale(clip, opts);
        Path target = out.toAbsolutePath().normalize();
        Path dir = target.getParent();
        if (dir == null || target.getFileName() == null) {
            throw MediaException.badInput(out, "is not a file or folder name; expected e.g. out/clip.mp4.");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw MediaException.io(out, "cannot create the folder " + dir + " (" + reason(e)
                    + "); choose a writable location.", e);
        }
        sweepLeftovers(dir, Instant.now().minus(LEFTOVER_AGE));
        if (format == OutputFormat.PNG_SEQUENCE) {
            writePngSequence(scaled, target, opts.metadata(), beforeCommit);
            return out;
        }
        if (Files.isDirectory(target)) {
            throw MediaException.badInput(out, "is an existing folder; expected a " + format.name()
                    + " file name. Choose another name.");
        }
        if (format == OutputFormat.WEBM && avcodec.avcodec_find_encoder_by_name(VP9_ENCODER) == null) {
            throw MediaException.badInput(out, "cannot write WebM: this FFmpeg build has no VP9 encoder ("
                    + VP9_ENCODER + "). Export MP4 or GIF instead.");
        }
        Path tmp = null;
        try {
            tmp = createSibling(target, ".part", false);
            switch (format) {
                case MP4, WEBM -> writeVideo(scaled, tmp, format, opts.metadata(), out);
                case GIF -> {
                    if (scaled.fps() > 100.0 / GifWriter.MIN_DELAY_CS) {
                        LOG.warn("{}: GIF frames last at least {} cs, so {} fps plays at {} fps; export MP4 for the"
                                + " full rate", out, GifWriter.MIN_DELAY_CS, scaled.fps(), 100 / GifWriter.MIN_DELAY_CS);
                    }
                    try (OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                        GifWriter.write(scaled, opts.metadata(), os);
                    }
                }
                default -> throw new IllegalStateException(format.name());
            }
            beforeCommit.run();
            moveIntoPlace(tmp, target);
            tmp = null;
            LOG.info("Wrote {} ({} frames {}x{} @ {} fps)", out, scaled.frameCount(), scaled.width(),
                    scaled.height(), scaled.fps());
            return out;
        } catch (IOException e) {
            throw MediaException.io(out, "could not write the file (" + reason(e) + "); " + advice(e)
                    + " Nothing was left under that name.", e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** As {@link #write(Clip, Path, OutputFormat, ExportOptions)}, with the format taken from the extension. */
    public static Path write(Clip clip, Path out, ExportOptions opts) throws MediaException {
        return write(clip, out, OutputFormat.fromPath(out), opts);
    }

    /**
     * Container metadata of a written file: MP4/MOV/MKV/WebM tags (technical ones such as
     * {@code major_brand} and {@code encoder} left out, Matroska's upper-case names lowered), GIF
     * {@code key=value} comments, or a PNG folder's {@code recipe.json}. Empty when there is none.
     */
    public static Map<String, String> readMetadata(Path p) throws MediaException {
        Objects.requireNonNull(p, "path");
        if (!Files.exists(p)) {
            throw MediaException.badInput(p, "does not exist; check the path.");
        }
        try {
            if (Files.isDirectory(p)) {
                Path recipe = p.resolve(RECIPE_FILE);
                if (!Files.isRegularFile(recipe)) {
                    return Map.of();
                }
                try {
                    Map<String, Object> raw = JSON.readValue(recipe.toFile(), new TypeReference<>() { });
                    Map<String, String> out = new TreeMap<>();
                    raw.forEach((k, v) -> out.put(k, v == null ? "" : v instanceof String s ? s : v.toString()));
                    return out;
                } catch (com.fasterxml.jackson.core.JacksonException e) {
                    throw MediaException.badInput(recipe, "is not a JSON object of text values ("
                            + e.getOriginalMessage() + "); fix or delete it.", e);
                }
            }
            if (Files.size(p) == 0) {
                throw MediaException.badInput(p, "is empty (0 bytes); it holds no metadata.");
            }
            byte[] head = new byte[6];
            try (var in = Files.newInputStream(p)) {
                head = in.readNBytes(6);
            }
            if (head.length == 6 && new String(head, java.nio.charset.StandardCharsets.US_ASCII).startsWith("GIF8")) {
                return GifWriter.readComments(Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw MediaException.io(p, "could not read it (" + e.getMessage() + ").", e);
        }
        try (FFmpegFrameGrabber g = MediaReader.open(p, null)) {
            return MediaReader.containerMetadata(g);
        } catch (org.bytedeco.javacv.FrameGrabber.Exception e) {
            throw MediaException.io(p, "FFmpeg failed while closing the file (" + e.getMessage() + ").", e);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static Clip upscale(Clip clip, ExportOptions opts) {
        int k = opts.scale();
        if (k == 1) {
            return clip;
        }
        long bytes = (long) clip.width() * k * clip.height() * k * 3;
        if (clip.width() * k > ImageSniffer.MAX_SIDE || clip.height() * k > ImageSniffer.MAX_SIDE
                || bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("Upscaling " + clip.width() + "x" + clip.height() + " by " + k
                    + " exceeds " + ImageSniffer.MAX_SIDE + " pixels per side; use a smaller scale.");
        }
        List<byte[]> frames = new ArrayList<>(clip.frameCount());
        for (byte[] f : clip.frames()) {
            frames.add(opts.filter() == UpscaleFilter.NEAREST
                    ? Frames.upscaleNearest(f, clip.width(), clip.height(), k)
                    : Frames.resize(f, clip.width(), clip.height(), clip.width() * k, clip.height() * k,
                            Frames.Kernel.LANCZOS3));
        }
        return new Clip(clip.width() * k, clip.height() * k, clip.fps(), frames);
    }

    private static void writeVideo(Clip clip, Path tmp, OutputFormat format, Map<String, String> metadata, Path out)
            throws IOException {
        int w = clip.width() + (clip.width() & 1);
        int h = clip.height() + (clip.height() & 1);
        if (w != clip.width() || h != clip.height()) {
            LOG.info("{}: padded {}x{} to {}x{} by repeating the last column/row ({} with 4:2:0 chroma needs even"
                    + " sizes)", out, clip.width(), clip.height(), w, h, format == OutputFormat.MP4 ? "H.264" : "VP9");
        }
        FfmpegLog.install();
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(tmp.toFile(), w, h, 0)) {
            r.setFrameRate(clip.fps());
            r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            r.setGopSize((int) Math.max(1, Math.round(clip.fps() * 2)));
            // The recorder converts RGB to YUV with the BT.601 matrix in limited range; say so in the
            // stream, or players guess BT.709 for HD sizes and every colour shifts. Primaries and
            // transfer are sRGB's (BT.709), which is what our RGB frames are.
            r.setVideoOption("colorspace", "smpte170m");
            r.setVideoOption("color_range", "tv");
            r.setVideoOption("color_primaries", "bt709");
            r.setVideoOption("color_trc", "bt709");
            if (format == OutputFormat.MP4) {
                r.setFormat("mp4");
                r.setVideoCodecName(H264_ENCODER);
                r.setVideoBitrate(h264Bitrate(w, h, clip.fps()));
                // faststart: moov before mdat, so players and browsers start before the download ends;
                // use_metadata_tags: keep arbitrary keys (kinora.*), not only the iTunes set.
                r.setOption("movflags", "+faststart+use_metadata_tags");
                r.setVideoOption("allow_skip_frames", "0"); // never drop frames to meet the bitrate
            } else {
                r.setFormat("webm");
                r.setVideoCodecName(VP9_ENCODER);
                r.setVideoBitrate(0); // constant quality, set by crf
                r.setVideoOption("crf", "20");
                r.setVideoOption("deadline", "good");
                r.setVideoOption("cpu-used", "4");
                r.setVideoOption("row-mt", "1");
            }
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                r.setMetadata(e.getKey(), e.getValue());
            }
            r.start();
            try (Frame frame = new Frame(w, h, Frame.DEPTH_UBYTE, 3)) {
                ByteBuffer buf = (ByteBuffer) frame.image[0];
                for (int i = 0; i < clip.frameCount(); i++) {
                    byte[] src = clip.frame(i);
                    if (w != clip.width() || h != clip.height()) {
                        src = Frames.padByEdge(src, clip.width(), clip.height(), w, h);
                    }
                    for (int y = 0; y < h; y++) {
                        buf.put(y * frame.imageStride, src, y * w * 3, w * 3);
                    }
                    r.record(frame, avutil.AV_PIX_FMT_RGB24);
                }
            }
            r.stop();
        } catch (FrameRecorder.Exception e) {
            throw new IOException("FFmpeg " + (format == OutputFormat.MP4 ? H264_ENCODER : VP9_ENCODER) + " failed: "
                    + e.getMessage(), e);
        }
        checkAllFramesLanded(tmp, clip.frameCount());
    }

    /**
     * JavaCV ignores what {@code av_write_trailer} and {@code avio_close} return, so a disk that
     * fills up near the end (WebM buffers whole clusters) leaves a cut file and no error. Count the
     * video packets that actually reached the file (demuxing only, no decoding) before it is renamed.
     */
    static void checkAllFramesLanded(Path file, int expected) throws IOException {
        AVFormatContext oc = new AVFormatContext(null);
        AVDictionary opts = new AVDictionary(null);
        avutil.av_dict_set(opts, "protocol_whitelist", Preflight.PROTOCOLS, 0);
        int ret;
        try {
            ret = avformat.avformat_open_input(oc, file.toAbsolutePath().toString(), null, opts);
        } finally {
            avutil.av_dict_free(opts);
        }
        int found = 0;
        if (ret >= 0) {
            AVPacket pkt = avcodec.av_packet_alloc();
            try {
                int video = -1;
                for (int i = 0; i < oc.nb_streams() && video < 0; i++) {
                    if (oc.streams(i).codecpar().codec_type() == avutil.AVMEDIA_TYPE_VIDEO) {
                        video = i;
                    }
                }
                while (found < expected && avformat.av_read_frame(oc, pkt) >= 0) {
                    if (pkt.stream_index() == video) {
                        found++;
                    }
                    avcodec.av_packet_unref(pkt);
                }
            } finally {
                avcodec.av_packet_free(pkt);
                avformat.avformat_close_input(oc);
            }
        }
        if (found < expected) {
            long free = -1;
            try {
                free = Files.getFileStore(file).getUsableSpace();
            } catch (IOException ignored) {
                // unknown: say what we know
            }
            String what = "only " + found + " of " + expected + " frames reached the file";
            throw new IOException(free >= 0 && free < (1 << 20) ? "No space left on device (" + what + ")"
                    : what + "; the disk may be full or failing");
        }
    }

    /**
     * About 0.2 bits per pixel per frame, with a floor: OpenH264 starves tiny frames at a purely
     * proportional rate and flat colours turn into blocks, and a floor costs nothing at 64×64.
     */
    static int h264Bitrate(int w, int h, double fps) {
        double bits = 0.2 * w * h * fps;
        return (int) Math.min(50_000_000, Math.max(2_000_000, bits));
    }

    private static void writePngSequence(Clip clip, Path target, Map<String, String> metadata,
                                         BeforeCommit beforeCommit) throws MediaException {
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw MediaException.badInput(target, "exists and is a file; a PNG sequence is written as a folder."
                    + " Choose a folder name.");
        }
        if (Files.isDirectory(target) && !isReplaceableSequence(target)) {
            throw MediaException.badInput(target, "is a folder with other files in it; a PNG sequence replaces"
                    + " only an empty folder or an earlier PNG sequence. Choose another folder.");
        }
        Path dir = target.getParent();
        Path tmp = null;
        try {
            tmp = createSibling(target, ".part", true);
            try (PngEncoder png = new PngEncoder(clip.width(), clip.height())) {
                for (int i = 0; i < clip.frameCount(); i++) {
                    png.write(clip.frame(i), tmp.resolve(String.format(java.util.Locale.ROOT, "frame_%04d.png", i)));
                }
            }
            Map<String, String> recipe = new LinkedHashMap<>(metadata);
            recipe.putIfAbsent("fps", formatFps(clip.fps()));
            JSON.writeValue(tmp.resolve(RECIPE_FILE).toFile(), new TreeMap<>(recipe));
            beforeCommit.run();
            replaceFolder(tmp, target);
            tmp = null;
            LOG.info("Wrote {} ({} PNG frames {}x{})", target, clip.frameCount(), clip.width(), clip.height());
        } catch (IOException e) {
            throw MediaException.io(target, "could not write the PNG sequence (" + reason(e) + "); " + advice(e)
                    + " Nothing was left under that name.", e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static String formatFps(double fps) {
        return fps == Math.rint(fps) ? Long.toString((long) fps) : Double.toString(fps);
    }

    /** An empty folder, or one holding only frame_NNNN.png and recipe.json (an earlier export). */
    static boolean isReplaceableSequence(Path dir) throws MediaException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.allMatch(f -> {
                String n = f.getFileName().toString();
                return Files.isRegularFile(f) && (n.equals(RECIPE_FILE) || n.matches("frame_\\d+\\.png"));
            });
        } catch (IOException e) {
            throw MediaException.io(dir, "could not list the folder (" + e.getMessage() + ").", e);
        }
    }

    /** Renames the new folder into place; an old sequence is moved aside first and deleted after. */
    private static void replaceFolder(Path fresh, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = createSibling(target, ".old", true);
            Files.delete(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE); // put the old one back
            }
            throw e;
        }
        deleteQuietly(old);
    }

    /**
     * A new hidden file or folder next to {@code target}, with the default permissions (unlike
     * {@code Files.createTempFile}, whose 0600 would stick to the renamed export).
     */
    static Path createSibling(Path target, String suffix, boolean folder) throws IOException {
        for (int attempt = 0; ; attempt++) {
            String id = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xFFFFFFFFFFL);
            Path p = target.resolveSibling("." + target.getFileName() + "." + id + suffix);
            try {
                return folder ? Files.createDirectory(p) : Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 10) {
                    throw e;
                }
            }
        }
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Same folder, so this only happens on exotic file systems; a plain replace is the best left.
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another file appeared at " + target + " while writing", e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Leftovers of killed writes

    /** Temporaries older than this are leftovers of a killed write: no export runs for a day. */
    static final Duration LEFTOVER_AGE = Duration.ofHours(24);
    /** The names {@link #createSibling} gives: {@code .NAME.<hex id>.part} or {@code .old}. */
    static final Pattern LEFTOVER = Pattern.compile("\\..+\\.[0-9a-f]{1,10}\\.(part|old)");

    /**
     * Deletes this writer's own temporaries in {@code dir} last modified before {@code cutoff}: a
     * write killed mid-way (power cut, kill -9) leaves its hidden {@code .NAME.<id>.part} behind, and
     * nobody else would ever remove it. Only names of {@link #LEFTOVER}'s form are touched, a folder
     * only when it holds nothing but PNG frames and a recipe, and links never. Best effort.
     */
    static void sweepLeftovers(Path dir, Instant cutoff) {
        List<Path> candidates;
        try (Stream<Path> s = Files.list(dir)) {
            candidates = s.filter(f -> LEFTOVER.matcher(f.getFileName().toString()).matches()).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.debug("Could not look for leftover temporaries in {}: {}", dir, e.getMessage());
            return;
        }
        for (Path f : candidates) {
            try {
                var attrs = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (!attrs.lastModifiedTime().toInstant().isBefore(cutoff) || attrs.isSymbolicLink()
                        || (attrs.isDirectory() && !isReplaceableSequence(f)) || attrs.isOther()) {
                    continue;
                }
                LOG.info("Deleting {}, left by an export that did not finish (last written {})", f,
                        attrs.lastModifiedTime());
                deleteQuietly(f);
            } catch (IOException | MediaException e) {
                LOG.debug("Leaving {}: {}", f, e.getMessage());
            }
        }
    }

    /**
     * Why a file operation failed, in one line a person understands: Java's file exceptions carry
     * only the path as their message, FFmpeg's carry an errno.
     */
    static String reason(IOException e) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        java.util.regex.Matcher errno = FFMPEG_ERRNO.matcher(msg);
        int code = errno.find() ? Integer.parseInt(errno.group(1)) : 0;
        String why;
        if (e instanceof java.nio.file.AccessDeniedException || code == 13 || code == 1
                || msg.contains("Permission denied") || msg.contains("Operation not permitted")) {
            why = "permission denied: the folder is read-only or belongs to someone else";
        } else if (msg.contains("No space left") || msg.contains("Disk quota") || code == 28 || code == 122) {
            why = "the disk is full";
        } else if (msg.contains("Read-only file system") || code == 30) {
            why = "the file system is read-only";
        } else if (e instanceof java.nio.file.NoSuchFileException) {
            why = "no such file or folder: " + msg;
        } else if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            why = fse.getReason().toLowerCase(java.util.Locale.ROOT) + ": " + fse.getFile();
        } else {
            why = msg.isEmpty() ? e.getClass().getSimpleName() : msg;
        }
        return why.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip(); // exception messages end up on one line
    }

    /** FFmpeg's "error -28" (a negated errno) in JavaCV's messages; AVERROR tags are far larger. */
    private static final Pattern FFMPEG_ERRNO = Pattern.compile("error -(\\d{1,3})\\b");

    /** What to do about a failed write, one sentence. */
    static String advice(IOException e) {
        String why = reason(e);
        if (why.startsWith("the disk is full")) {
            return "free some space or choose a folder on another disk.";
        }
        if (why.startsWith("permission denied") || why.startsWith("the file system is read-only")) {
            return "choose a folder you can write to.";
        }
        return "check that the folder is writable and the disk has space.";
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("Could not delete temporary {}: {}", p, e.getMessage());
        }
    }
}
