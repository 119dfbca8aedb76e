package dev.kinora.media;

import dev.kinora.media.ImageSniffer.Sniffed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads stills, clips and PNG folders into {@link Clip}s of packed RGB.
 *
 * <p>Every path goes through the same steps: refuse what is unsafe before decoding (empty files,
 * image headers over {@link ImageSniffer#MAX_SIDE}), decode with FFmpeg to RGB24 at the source
 * size, copy the pixels into Java memory, then rotate, crop, resample and letterbox in Java. The
 * FFmpeg grabber never outlives the call.
 *
 * <p>Sizes: {@code targetW, targetH <= 0} keep the (rotated) source size. Rates: {@code targetFps
 * <= 0} keeps every source frame at the source's average rate; a positive rate resamples by
 * timestamp, taking the source frame nearest to each output time, so variable-rate input comes
 * out evenly spaced with the right duration.
 */
public final class MediaReader {

    private static final Logger LOG = LoggerFactory.getLogger(MediaReader.class);

    /** Upper bound on {@code maxFrames}; a clip this long at 512×512 is already 78 GB. */
    public static final int MAX_FRAMES = 100_000;
    /** Frame rate given to stills and PNG folders that do not record one. */
    public static final double DEFAULT_FPS = 24.0;

    /** libavutil/frame.h's AV_FRAME_FLAG_CORRUPT, which the presets do not map. */
    private static final int AV_FRAME_FLAG_CORRUPT = 1;
    private static final Pattern FRAME_FILE = Pattern.compile("(?i)(.*?)(\\d+)\\.png");
    /** Container tags that describe the muxer, not the content; left out of metadata maps. */
    private static final java.util.Set<String> TECHNICAL_TAGS =
            java.util.Set.of("major_brand", "minor_version", "compatible_brands", "encoder", "duration");

    private MediaReader() { }

    /** Reads one picture: a still, or the first frame of a clip. */
    public static Clip readImage(Path p, int targetW, int targetH, ResizePolicy policy) throws MediaException {
        checkTarget(targetW, targetH, policy);
        checkFile(p, false);
        Optional<Sniffed> still = ImageSniffer.sniff(p);
        if (still.isEmpty() && ImageSniffer.hasImageExtension(p)) {
            throw notAnImage(p);
        }
        Clip c = decode(p, still.orElse(null), targetW, targetH, 0, policy, 1, null, null);
        return c.withFps(DEFAULT_FPS);
    }

    /**
     * Reads a clip (any container and codec FFmpeg decodes, animated GIF included), a folder of
     * PNG frames, or a still image (giving one frame). A clip with damaged frames is refused, as
     * with {@link ReadOptions#defaults()}.
     *
     * @param maxFrames at most this many frames are returned (1..{@value #MAX_FRAMES}); reading
     *                  stops there, so a long file costs no more than the frames kept
     */
    public static Clip readClip(Path p, int targetW, int targetH, double targetFps, ResizePolicy policy,
                                int maxFrames) throws MediaException {
        return readClip(p, targetW, targetH, targetFps, policy, maxFrames, ReadOptions.defaults()).clip();
    }

    /**
     * As {@link #readClip(Path, int, int, double, ResizePolicy, int)}, with options. Decoding
     * errors are counted per source frame while reading (FFmpeg's error lines, frames it flags as
     * concealed, frames that never came out); a clip with any is refused with BAD_INPUT naming the
     * frames, unless {@link ReadOptions#allowDamaged()}, in which case the frames come back with a
     * warning naming them.
     */
    public static ReadResult readClip(Path p, int targetW, int targetH, double targetFps, ResizePolicy policy,
                                      int maxFrames, ReadOptions options) throws MediaException {
        java.util.Objects.requireNonNull(options, "options");
        checkTarget(targetW, targetH, policy);
        if (maxFrames < 1 || maxFrames > MAX_FRAMES) {
            throw new IllegalArgumentException("maxFrames must be 1.." + MAX_FRAMES + ", got " + maxFrames + ".");
        }
        checkFps(targetFps);
        checkFile(p, true);
        if (Files.isDirectory(p)) {
            return new ReadResult(readPngFolder(p, targetW, targetH, targetFps, policy, maxFrames), List.of());
        }
        Optional<Sniffed> still = ImageSniffer.sniff(p);
        if (still.isEmpty() && ImageSniffer.hasImageExtension(p)) {
            throw notAnImage(p);
        }
        if (still.isPresent() && still.get().format() != ImageSniffer.StillFormat.GIF) {
            Clip c = decode(p, still.get(), targetW, targetH, 0, policy, 1, null, null);
            return new ReadResult(c.withFps(targetFps > 0 ? targetFps : DEFAULT_FPS), List.of());
        }
        List<String> warnings = new ArrayList<>();
        Clip c = decode(p, still.orElse(null), targetW, targetH, targetFps, policy, maxFrames, options, warnings);
        return new ReadResult(c, warnings);
    }

    /**
     * Refuses, from the container's header alone, a clip that would give more than {@code maxFrames}
     * frames at {@code targetFps} ({@code <= 0}: at its own rate): the message gives the clip's
     * length and the limit, in frames and seconds, and says to trim it. Cheap enough to call before
     * loading a model. A clip whose header does not give its length passes; read it with
     * {@code maxFrames + 1} to find out.
     *
     * @return what the probe found, for the caller to show
     */
    public static MediaInfo checkLength(Path p, double targetFps, int maxFrames) throws MediaException {
        if (maxFrames < 1) {
            throw new IllegalArgumentException("maxFrames must be at least 1, got " + maxFrames + ".");
        }
        checkFps(targetFps);
        MediaInfo info = probe(p);
        long frames = framesAt(info, targetFps);
        if (frames > maxFrames) {
            throw tooLong(p, info.durationSeconds(), frames, targetFps > 0 ? targetFps : info.fps(), maxFrames);
        }
        return info;
    }

    /** The frames a probed clip gives at a rate ({@code <= 0}: its own), from its header. */
    static long framesAt(MediaInfo info, double targetFps) {
        if (!info.hasVideo()) {
            return 0;
        }
        if (targetFps <= 0 || info.durationSeconds() <= 0) {
            return info.frameCount();
        }
        // Nudged down so 2.666667 s at 24 fps is 64 frames, not 65.
        return (long) Math.ceil(info.durationSeconds() * targetFps - 1e-3);
    }

    /**
     * "Too long": the clip's length and the limit in frames and time, and what to do.
     *
     * @param seconds the clip's duration, 0 if unknown
     * @param frames  the frames it gives at {@code fps}, or -1 when only "more than the limit" is known
     */
    static MediaException tooLong(Path p, double seconds, long frames, double fps, int maxFrames) {
        java.util.Locale l = java.util.Locale.ROOT;
        String rate = fps > 0 ? " at " + fmt(fps) + " fps" : "";
        String count = frames < 0 ? "more than " + maxFrames + " frames" : frames + " frames";
        String length = seconds > 0 ? String.format(l, "is %.1f s long (%s%s)", seconds, count, rate)
                : "has " + count + rate;
        String limit = fps > 0 ? String.format(l, " (%.1f s%s)", maxFrames / fps, rate) : "";
        String trim = fps > 0 ? String.format(l, " to at most %.1f s", Math.floor(maxFrames / fps * 10) / 10)
                : " to at most " + maxFrames + " frames";
        return MediaException.badInput(p, length + ", but at most " + maxFrames + " frames" + limit
                + " of a source are used. Trim it" + trim + " (or to the part you need) and try again.");
    }

    private static String fmt(double fps) {
        return fps == Math.rint(fps) ? Long.toString((long) fps) : String.format(java.util.Locale.ROOT, "%.3f", fps)
                .replaceAll("0+$", "");
    }

    private static void checkFps(double targetFps) {
        if (Double.isNaN(targetFps) || Double.isInfinite(targetFps) || targetFps > 1000) {
            throw new IllegalArgumentException("targetFps must be 0 (source rate) or a rate up to 1000, got "
                    + targetFps + ".");
        }
    }

    /**
     * Size, rate, length, codec, container, rotation and metadata, read from headers (frames are
     * not decoded). Works on any media FFmpeg opens, Kinora's or not.
     */
    public static MediaInfo probe(Path p) throws MediaException {
        checkFile(p, true);
        if (Files.isDirectory(p)) {
            List<Path> files = pngFiles(p);
            Sniffed first = ImageSniffer.sniff(files.get(0)).orElseThrow(() -> notAnImage(files.get(0)));
            Map<String, String> meta = MediaWriter.readMetadata(p);
            double fps = folderFps(meta, 0);
            return new MediaInfo(first.width(), first.height(), fps, files.size(), files.size() / fps, "png", 0,
                    true, meta, "png folder");
        }
        Optional<Sniffed> still = ImageSniffer.sniff(p);
        if (still.isEmpty() && ImageSniffer.hasImageExtension(p)) {
            throw notAnImage(p);
        }
        if (still.isPresent() && still.get().format() != ImageSniffer.StillFormat.GIF) {
            Sniffed s = still.get();
            boolean swap = s.rotation() == 90 || s.rotation() == 270;
            String format = s.format().name().toLowerCase(java.util.Locale.ROOT);
            return new MediaInfo(swap ? s.height() : s.width(), swap ? s.width() : s.height(), 0, 1, 0,
                    format, s.rotation(), true, Map.of(), format);
        }
        FfmpegLog.install();
        try (FFmpegFrameGrabber g = open(p, still.map(s -> s.format().demuxer).orElse(null))) {
            // GIF comments are parsed by us: FFmpeg's GIF demuxer does not export all of them.
            Map<String, String> meta = still.isPresent() ? MediaWriter.readMetadata(p) : containerMetadata(g);
            String container = still.isPresent() ? "gif" : containerName(g.getFormat(), p);
            if (!g.hasVideo()) {
                return new MediaInfo(0, 0, 0, 0, g.getLengthInTime() / 1e6, "", 0, false, meta, container);
            }
            int rot = rotation(g);
            boolean swap = rot == 90 || rot == 270;
            double aspect = pixelAspect(g);
            int[] square = squarePixels(g.getImageWidth(), g.getImageHeight(), aspect);
            int w = swap ? square[1] : square[0];
            int h = swap ? square[0] : square[1];
            String codec = g.getVideoCodecName() == null ? "" : g.getVideoCodecName();
            double fps = g.getFrameRate();
            // The video stream's own length where the header has it: the container's duration is
            // the longest stream's, and audio often runs past the last frame.
            double seconds = Math.max(0, g.getLengthInTime()) / 1e6;
            long frames = Math.max(0, g.getLengthInVideoFrames());
            AVStream st = videoStream(g);
            if (st != null) {
                if (st.duration() > 0 && st.duration() != avutil.AV_NOPTS_VALUE && st.time_base().den() > 0) {
                    seconds = st.duration() * (double) st.time_base().num() / st.time_base().den();
                    frames = fps > 0 ? Math.round(seconds * fps) : frames;
                }
                if (st.nb_frames() > 0) {
                    frames = st.nb_frames();
                }
            }
            String image = imageContainer(g);
            if (image != null && frames <= 1) {
                return new MediaInfo(w, h, 0, 1, 0, codec, rot, true, meta, image, aspect);
            }
            return new MediaInfo(w, h, fps, frames, seconds, codec, rot, true, meta, container, aspect);
        } catch (FrameGrabber.Exception e) {
            throw MediaException.io(p, "FFmpeg failed while closing the file (" + e.getMessage() + ").", e);
        }
    }

    private static AVStream videoStream(FFmpegFrameGrabber g) {
        var oc = g.getFormatContext();
        int i = g.getVideoStream();
        return oc == null || i < 0 || i >= oc.nb_streams() ? null : oc.streams(i);
    }

    /**
     * A short container name from FFmpeg's demuxer name, which lists aliases ("mov,mp4,m4a,3gp,3g2,mj2",
     * "matroska,webm"): the alias matching the file's extension, else the first.
     */
    static String containerName(String demuxer, Path p) {
        if (demuxer == null || demuxer.isEmpty()) {
            return "";
        }
        String name = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        String ext = name.lastIndexOf('.') > 0 ? name.substring(name.lastIndexOf('.') + 1) : "";
        String[] aliases = demuxer.split(",");
        for (String a : aliases) {
            if (a.equals(ext) || (a.equals("matroska") && ext.equals("mkv"))) {
                return a;
            }
        }
        return aliases[0].equals("mov") && !ext.equals("mov") ? "mp4" : aliases[0];
    }

    // ---------------------------------------------------------------------------------------------
    // Decoding

    /**
     * Decodes a file with FFmpeg. {@code targetFps <= 0} keeps every frame; otherwise frames are
     * picked by timestamp. Each decoded frame is copied to Java memory at once, because the grabber
     * reuses (and on close frees) the buffer behind the {@link Frame} it returns.
     *
     * @param still    the sniffed header of a still or GIF (its demuxer is forced and its EXIF
     *                 orientation applied); null for anything else
     * @param options  for clips: damaged frames are counted and refused or, if allowed, reported in
     *                 {@code warnings}; null for stills, whose decoding errors fail the read as before
     */
    private static Clip decode(Path p, Sniffed still, int targetW, int targetH, double targetFps,
                               ResizePolicy policy, int maxFrames, ReadOptions options, List<String> warnings)
            throws MediaException {
        FfmpegLog.install();
        try (FFmpegFrameGrabber g = open(p, still == null ? null : still.format().demuxer)) {
            if (!g.hasVideo()) {
                throw MediaException.badInput(p, "has no video stream (only audio or data); expected a video or"
                        + " an image. Pick a video file.");
            }
            int sw = g.getImageWidth();
            int sh = g.getImageHeight();
            ImageSniffer.checkSize(p, "video", sw, sh);
            boolean exif = still != null && still.orientation() != 1;
            int rot = exif ? still.rotation() : rotation(g);
            boolean swap = rot == 90 || rot == 270;
            // Non-square pixels (anamorphic DV, HDV, DVD) are shown stretched by every player, so the frame is
            // resampled to that shape before it is fitted. A still's JFIF density is not a pixel shape viewers honour.
            int[] square = squarePixels(sw, sh, still == null ? pixelAspect(g) : 1);
            int qw = square[0], qh = square[1];
            Plan plan = Plan.of(swap ? qh : qw, swap ? qw : qh, targetW, targetH, policy);
            Transform transform = Transform.of(plan, swap ? qh : qw, swap ? qw : qh, rot, exif && still.mirrored());
            // FFmpeg's scaler resamples while converting to RGB (one pass, SIMD); Java only rotates,
            // crops and letterboxes the already small frame.
            int grabW = swap ? transform.decodedH : transform.decodedW;
            int grabH = swap ? transform.decodedW : transform.decodedH;
            double srcFps = g.getFrameRate();
            Sampler sampler = new Sampler(p, plan, transform, targetFps, maxFrames);
            DamageTracker damage = options == null ? null : new DamageTracker(srcFps, startTime(g),
                    g.getLengthInVideoFrames());
            List<byte[]> frames;
            int decoded = 0;
            try (RgbConverter rgb = new RgbConverter(grabW, grabH)) {
                while (!sampler.full()) {
                    Frame f;
                    AVFrame pic;
                    // Count FFmpeg's error lines while this grab decodes; the conversion below is not counted.
                    try (FfmpegLog.ErrorCount errors = FfmpegLog.count()) {
                        if (damage == null) {
                            f = grab(g, p, decoded);
                        } else {
                            try {
                                f = g.grabImage();
                            } catch (FrameGrabber.Exception | RuntimeException e) {
                                damage.carry(errors);
                                damage.failed(String.valueOf(e.getMessage()));
                                break;
                            }
                        }
                        if (f == null) {
                            if (damage != null) {
                                damage.end(errors);
                            }
                            break;
                        }
                        pic = f.opaque instanceof AVFrame a && a.width() > 0 ? a : null;
                        if (damage != null) {
                            if (pic == null) {
                                damage.carry(errors);
                            } else {
                                boolean flagged = pic.decode_error_flags() != 0
                                        || (pic.flags() & AV_FRAME_FLAG_CORRUPT) != 0;
                                damage.frame(f.timestamp, decoded, errors, flagged);
                            }
                        }
                    }
                    if (pic == null) {
                        continue;
                    }
                    sampler.offer(rgb.convert(pic), f.timestamp);
                    decoded++;
                }
                frames = sampler.finish(srcFps);
            } catch (IllegalStateException e) {
                throw MediaException.badInput(p, "has frames FFmpeg cannot convert to RGB (" + e.getMessage() + ").", e);
            }
            if (damage != null && damage.any()) {
                LOG.warn("{}: {} damaged; first FFmpeg error: {}", p, damage.describe(), damage.firstError());
                if (!options.allowDamaged()) {
                    throw MediaException.badInput(p, damage.describe() + " damaged (decoding errors); pass"
                            + " --allow-damaged to use it anyway, or re-export the clip.");
                }
                if (!frames.isEmpty()) {
                    warnings.add(p + ": " + damage.describe() + " damaged (decoding errors); used anyway.");
                }
            }
            if (frames.isEmpty()) {
                throw MediaException.badInput(p, "has a " + sw + "x" + sh + " video stream but no frame could be"
                        + " decoded; the file is empty or truncated. Re-export it.");
            }
            double fps = targetFps > 0 ? targetFps : sampler.sourceRate(srcFps);
            LOG.debug("Read {}: {} frames {}x{} @ {} fps (source {}x{}, rotation {}, {} decoded)", p, frames.size(),
                    plan.outW, plan.outH, fps, sw, sh, rot, decoded);
            return new Clip(plan.outW, plan.outH, fps, frames);
        } catch (FrameGrabber.Exception e) {
            // Only close() gets here: open and grab failures are mapped where they happen.
            throw MediaException.io(p, "FFmpeg failed while closing the file (" + e.getMessage() + ").", e);
        }
    }

    /** The container's start time in µs (the first frame's timestamp), or Long.MIN_VALUE when unknown. */
    private static long startTime(FFmpegFrameGrabber g) {
        var oc = g.getFormatContext();
        long t = oc == null ? avutil.AV_NOPTS_VALUE : oc.start_time();
        return t == avutil.AV_NOPTS_VALUE ? Long.MIN_VALUE : t;
    }

    static FFmpegFrameGrabber open(Path p, String demuxer) throws MediaException {
        if (demuxer == null) {
            // Sniffed stills (demuxer forced) had their header checked already, and image pipes
            // never open other files; everything else gets the container pre-flight.
            Preflight.check(p, null);
        }
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(p.toFile());
        if (demuxer != null) {
            g.setFormat(demuxer);
        }
        g.setOption("protocol_whitelist", Preflight.PROTOCOLS);
        // One decoder thread: FFmpeg then logs every error of this decoder on the caller's thread,
        // where FfmpegLog counts it for this read (worker threads would log anonymously).
        g.setVideoOption("threads", "1");
        // Frames come out as decoded; RgbConverter does the conversion with the right colour matrix.
        g.setImageMode(FrameGrabber.ImageMode.RAW);
        try {
            g.start();
            return g;
        } catch (FrameGrabber.Exception | RuntimeException e) {
            try {
                g.close();
            } catch (FrameGrabber.Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw MediaException.badInput(p, "FFmpeg cannot open it as a video or image (" + e.getMessage()
                    + "); expected MP4, MOV, MKV, WebM, AVI, GIF or a still image. The file may be truncated"
                    + " or of another type.", e);
        }
    }

    private static Frame grab(FFmpegFrameGrabber g, Path p, int index) throws MediaException {
        try {
            return g.grabImage();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw MediaException.badInput(p, "decoding failed at frame " + index + " (" + e.getMessage()
                    + "); the file is corrupt or truncated.", e);
        }
    }

    /**
     * Clockwise rotation a player applies: from the display matrix (FFmpeg reports it counter-
     * clockwise, hence the minus), else from a legacy {@code rotate} tag; snapped to 90° steps.
     */
    private static int rotation(FFmpegFrameGrabber g) {
        double ccw = g.getDisplayRotation();
        double cw = -ccw;
        if (ccw == 0 || Double.isNaN(ccw)) {
            String tag = g.getVideoMetadata("rotate");
            if (tag == null) {
                tag = g.getVideoMetadata("ROTATE");
            }
            try {
                cw = tag == null ? 0 : Double.parseDouble(tag.trim());
            } catch (NumberFormatException e) {
                cw = 0;
            }
        }
        int snapped = (int) (Math.round(cw / 90.0) * 90) % 360;
        return snapped < 0 ? snapped + 360 : snapped;
    }

    /**
     * The image format of a file FFmpeg opened as a one-picture stream (PPM, PGM, PAM, QOI … through an image
     * pipe; HEIC and AVIF, whose MP4 brand says they hold a picture), else null: these are stills, not clips.
     */
    private static String imageContainer(FFmpegFrameGrabber g) {
        String fmt = g.getFormat() == null ? "" : g.getFormat();
        if (fmt.endsWith("_pipe")) {
            return fmt.substring(0, fmt.length() - "_pipe".length());
        }
        if (fmt.startsWith("mov,")) {
            String brand = String.valueOf(g.getMetadata("major_brand")).trim().toLowerCase(java.util.Locale.ROOT);
            return switch (brand) {
                case "heic", "heix", "heim", "heis" -> "heic";
                case "mif1" -> "heif";
                case "avif" -> "avif";
                default -> null;
            };
        }
        return null;
    }

    /**
     * The stream's sample aspect ratio (pixel width over height) as FFmpeg guesses it from the stream and codec;
     * 1 when unset, and also when it is outside 1:16..16:1, which no camera or format writes.
     */
    private static double pixelAspect(FFmpegFrameGrabber g) {
        double a = g.getAspectRatio();
        return Double.isFinite(a) && a >= 1.0 / 16 && a <= 16 && Math.abs(a - 1) > 1e-3 ? a : 1;
    }

    /**
     * The size of a w×h frame of pixels {@code aspect} wide once its pixels are made square, as players show it:
     * the width scaled (FFmpeg's {@code scale=iw*sar:ih}), or the height divided where a wider frame would pass the
     * size limits.
     */
    static int[] squarePixels(int w, int h, double aspect) {
        if (aspect == 1) {
            return new int[] {w, h};
        }
        long wide = Math.max(1, Math.round(w * aspect));
        if (wide <= ImageSniffer.MAX_SIDE && wide * h <= ImageSniffer.MAX_PIXELS) {
            return new int[] {(int) wide, h};
        }
        return new int[] {w, (int) Math.max(1, Math.round(h / aspect))};
    }

    static Map<String, String> containerMetadata(FFmpegFrameGrabber g) {
        boolean matroska = g.getFormat() != null && g.getFormat().contains("matroska");
        Map<String, String> out = new java.util.TreeMap<>();
        Map<String, String> raw = g.getMetadata();
        if (raw != null) {
            raw.forEach((k, v) -> {
                // Matroska stores tag names upper case; the writer only accepts lower-case keys.
                String key = matroska ? k.toLowerCase(java.util.Locale.ROOT) : k;
                if (!TECHNICAL_TAGS.contains(key.toLowerCase(java.util.Locale.ROOT))) {
                    out.put(key, v);
                }
            });
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // PNG folders

    private static Clip readPngFolder(Path dir, int targetW, int targetH, double targetFps, ResizePolicy policy,
                                      int maxFrames) throws MediaException {
        List<Path> files = pngFiles(dir);
        double srcFps = folderFps(MediaWriter.readMetadata(dir), targetFps);
        double fps = targetFps > 0 ? targetFps : srcFps;
        // Nearest source frame for each output time; the folder's duration is n / srcFps.
        int outCount = (int) Math.min(maxFrames, Math.max(1, Math.round(files.size() / srcFps * fps)));
        List<byte[]> frames = new ArrayList<>(outCount);
        int w = -1, h = -1;
        int lastIndex = -1;
        byte[] last = null;
        for (int k = 0; k < outCount; k++) {
            int i = (int) Math.min(files.size() - 1, Math.floor(k / fps * srcFps + 0.5 + 1e-9));
            if (i != lastIndex) {
                Path file = files.get(i);
                Sniffed s = ImageSniffer.sniff(file).orElseThrow(() -> notAnImage(file));
                Clip one = decode(file, s, targetW, targetH, 0, policy, 1, null, null);
                if (w >= 0 && (one.width() != w || one.height() != h)) {
                    throw MediaException.badInput(file, "is " + one.width() + "x" + one.height() + " but earlier"
                            + " frames in " + dir + " are " + w + "x" + h + "; give a target size so all frames"
                            + " are resized alike.");
                }
                w = one.width();
                h = one.height();
                last = one.frame(0);
                lastIndex = i;
                frames.add(last);
            } else {
                frames.add(last.clone());
            }
        }
        return new Clip(w, h, fps, frames);
    }

    /** PNG files of a folder in frame order: by the number before ".png", then by name. */
    static List<Path> pngFiles(Path dir) throws MediaException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = new ArrayList<>(s.filter(f -> FRAME_FILE.matcher(f.getFileName().toString()).matches()
                    && Files.isRegularFile(f)).toList());
        } catch (IOException e) {
            throw MediaException.io(dir, "could not list the folder (" + e.getMessage() + ").", e);
        }
        if (files.isEmpty()) {
            throw MediaException.badInput(dir, "is a folder without numbered PNG frames; expected frame_0000.png,"
                    + " frame_0001.png, … Export the frames as PNG or pick a video file.");
        }
        files.sort((a, b) -> {
            Matcher ma = FRAME_FILE.matcher(a.getFileName().toString());
            Matcher mb = FRAME_FILE.matcher(b.getFileName().toString());
            ma.matches();
            mb.matches();
            int c = ma.group(1).compareTo(mb.group(1));
            if (c == 0) {
                c = new java.math.BigInteger(ma.group(2)).compareTo(new java.math.BigInteger(mb.group(2)));
            }
            return c != 0 ? c : a.getFileName().toString().compareTo(b.getFileName().toString());
        });
        return files;
    }

    private static double folderFps(Map<String, String> meta, double fallback) {
        String v = meta.get("fps");
        if (v != null) {
            try {
                double fps = Double.parseDouble(v.trim());
                if (fps > 0 && fps <= 1000) {
                    return fps;
                }
            } catch (NumberFormatException e) {
                LOG.warn("Ignoring unreadable fps '{}' in recipe.json", v);
            }
        }
        return fallback > 0 ? fallback : DEFAULT_FPS;
    }

    // ---------------------------------------------------------------------------------------------
    // Checks

    private static void checkTarget(int w, int h, ResizePolicy policy) {
        java.util.Objects.requireNonNull(policy, "policy");
        if ((w > 0) != (h > 0)) {
            throw new IllegalArgumentException("Give both target width and height, or neither (0, 0) to keep the"
                    + " source size; got " + w + "x" + h + ".");
        }
        if (w > ImageSniffer.MAX_SIDE || h > ImageSniffer.MAX_SIDE) {
            throw new IllegalArgumentException("Target size " + w + "x" + h + " exceeds " + ImageSniffer.MAX_SIDE
                    + " per side.");
        }
    }

    private static void checkFile(Path p, boolean folderAllowed) throws MediaException {
        java.util.Objects.requireNonNull(p, "path");
        if (!Files.exists(p)) {
            throw MediaException.badInput(p, "does not exist; check the path.");
        }
        if (Files.isDirectory(p)) {
            if (!folderAllowed) {
                throw MediaException.badInput(p, "is a folder; expected an image file.");
            }
            return;
        }
        if (!Files.isReadable(p)) {
            throw MediaException.io(p, "is not readable; check its permissions.", null);
        }
        try {
            if (Files.size(p) == 0) {
                throw MediaException.badInput(p, "is empty (0 bytes); expected an image or a video. The export"
                        + " that made it probably failed: make it again.");
            }
        } catch (IOException e) {
            throw MediaException.io(p, "could not read its size (" + e.getMessage() + ").", e);
        }
    }

    private static MediaException notAnImage(Path p) {
        String found;
        // Say what kind of content it is, never the bytes: the path may lead to a file the user did not
        // mean to show (a symlink to a system file), and error lines end up in logs and bug reports.
        try (var in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(64);
            boolean text = head.length > 0;
            for (byte b : head) {
                text &= b == '\n' || b == '\r' || b == '\t' || (b >= 0x20 && b < 0x7f);
            }
            found = text ? "it looks like text" : "its header matches no image format";
        } catch (IOException e) {
            found = "it could not be read";
        }
        return MediaException.badInput(p, "is not a PNG, JPEG, GIF, BMP, WebP or TIFF image (" + found
                + "). Check the file or re-export it.");
    }

    // ---------------------------------------------------------------------------------------------
    // Geometry and timing

    /**
     * Where a (rotated) source of dw×dh lands in the output: an optional centre crop (FILL), a
     * resample to scaledW×scaledH, and an optional centred black border (FIT).
     */
    record Plan(int outW, int outH, int cropX, int cropY, int cropW, int cropH, int scaledW, int scaledH,
                int padX, int padY) {

        static Plan of(int dw, int dh, int tw, int th, ResizePolicy policy) {
            if (tw <= 0) {
                return new Plan(dw, dh, 0, 0, dw, dh, dw, dh, 0, 0);
            }
            return switch (policy) {
                case STRETCH -> new Plan(tw, th, 0, 0, dw, dh, tw, th, 0, 0);
                case FIT -> {
                    double s = Math.min((double) tw / dw, (double) th / dh);
                    int w = clamp((int) Math.round(dw * s), tw);
                    int h = clamp((int) Math.round(dh * s), th);
                    yield new Plan(tw, th, 0, 0, dw, dh, w, h, (tw - w) / 2, (th - h) / 2);
                }
                case FILL -> {
                    // Crop the source to the target's aspect first, then scale: never builds an
                    // oversized intermediate, even for a 16384×1 strip.
                    int cw = dw, ch = dh;
                    if ((long) dw * th > (long) tw * dh) {
                        cw = clamp((int) Math.round((double) dh * tw / th), dw);
                    } else {
                        ch = clamp((int) Math.round((double) dw * th / tw), dh);
                    }
                    yield new Plan(tw, th, (dw - cw) / 2, (dh - ch) / 2, cw, ch, tw, th, 0, 0);
                }
            };
        }

        private static int clamp(int v, int max) {
            return Math.max(1, Math.min(v, max));
        }

        byte[] apply(byte[] rotated, int dw) {
            byte[] img = rotated;
            if (cropW != dw || cropX != 0 || cropY != 0 || cropH != rotated.length / 3 / dw) {
                img = Frames.crop(img, dw, cropX, cropY, cropW, cropH);
            }
            if (scaledW != cropW || scaledH != cropH) {
                img = Frames.resize(img, cropW, cropH, scaledW, scaledH, Frames.Kernel.BICUBIC);
            }
            if (scaledW != outW || scaledH != outH) {
                img = Frames.placeOnBlack(img, scaledW, scaledH, outW, outH, padX, padY);
            }
            return img;
        }
    }

    /**
     * What happens to a frame after FFmpeg hands it over: rotate, then either crop/letterbox a
     * frame FFmpeg already scaled ({@code decoded*} is then the scaled size), or, when scaling the
     * whole frame first would build a huge intermediate (FILL of a very thin strip), the full
     * {@link Plan}: crop the source, resample in Java, letterbox.
     */
    record Transform(Plan plan, int decodedW, int decodedH, int rotation, boolean mirror, boolean scaledByFfmpeg) {

        static Transform of(Plan plan, int dispW, int dispH, int rotation, boolean mirror) {
            int interW = plan.cropW() == dispW ? plan.scaledW() : (int) Math.round((double) dispW * plan.scaledW()
                    / plan.cropW());
            int interH = plan.cropH() == dispH ? plan.scaledH() : (int) Math.round((double) dispH * plan.scaledH()
                    / plan.cropH());
            boolean ffmpeg = (long) interW * interH <= Math.max((long) dispW * dispH, 4L * plan.outW() * plan.outH());
            return ffmpeg ? new Transform(plan, interW, interH, rotation, mirror, true)
                    : new Transform(plan, dispW, dispH, rotation, mirror, false);
        }

        /** From a frame as decoded (before rotation) to the output frame. */
        byte[] apply(byte[] decoded) {
            boolean swap = rotation == 90 || rotation == 270;
            int storedW = swap ? decodedH : decodedW;
            int storedH = swap ? decodedW : decodedH;
            byte[] img = mirror ? Frames.mirror(decoded, storedW, storedH) : decoded;
            img = Frames.rotate(img, storedW, storedH, rotation);
            if (!scaledByFfmpeg) {
                return plan.apply(img, decodedW);
            }
            int w = plan.scaledW(), h = plan.scaledH();
            if (decodedW != w || decodedH != h) {
                img = Frames.crop(img, decodedW, (decodedW - w) / 2, (decodedH - h) / 2, w, h);
            }
            if (w != plan.outW() || h != plan.outH()) {
                img = Frames.placeOnBlack(img, w, h, plan.outW(), plan.outH(), plan.padX(), plan.padY());
            }
            return img;
        }
    }

    /**
     * Turns decoded frames with timestamps into output frames. With a target rate, output k shows
     * the source frame whose presentation time is nearest to {@code t0 + k / fps}; a frame is held
     * until the midpoint to the next one, which is "nearest" without looking further ahead.
     */
    private static final class Sampler {
        private final Path path;
        private final Plan plan;
        private final Transform transform;
        private final double fps;
        private final int maxFrames;
        private final List<byte[]> out = new ArrayList<>();
        private final long budget = Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 2);
        private long bytes;

        private byte[] prev;
        private long prevTs;
        private long firstTs = Long.MIN_VALUE;
        private long intervalSum;
        private int intervals;
        private long minInterval = Long.MAX_VALUE;
        private long k;
        private byte[] lastSource;
        private byte[] lastOutput;

        Sampler(Path path, Plan plan, Transform transform, double fps, int maxFrames) {
            this.path = path;
            this.plan = plan;
            this.transform = transform;
            this.fps = fps;
            this.maxFrames = maxFrames;
        }

        boolean full() {
            return out.size() >= maxFrames;
        }

        void offer(byte[] rgb, long ts) throws MediaException {
            if (fps <= 0) {
                emit(rgb);
                if (prev != null) {
                    interval(ts);
                }
                prev = rgb;
                prevTs = ts;
                return;
            }
            if (prev == null) {
                prev = rgb;
                prevTs = ts;
                firstTs = ts;
                return;
            }
            ts = Math.max(ts, prevTs); // damaged streams can go backwards; never travel back in time
            interval(ts);
            double mid = (prevTs + ts) / 2.0;
            while (!full() && outputTime(k) < mid) {
                emit(prev);
                k++;
            }
            prev = rgb;
            prevTs = ts;
        }

        private void interval(long ts) {
            if (ts > prevTs) {
                intervalSum += ts - prevTs;
                intervals++;
                minInterval = Math.min(minInterval, ts - prevTs);
            }
        }

        private double outputTime(long i) {
            return firstTs + i * 1e6 / fps;
        }

        List<byte[]> finish(double srcFps) throws MediaException {
            if (fps > 0 && prev != null) {
                // The last frame lasts one frame interval. The shortest interval seen is the
                // stream's base rate for CFR and for VFR with dropped frames, where the average
                // would stretch the end; rounding the count absorbs GIF's 6/7 cs delays.
                double last = intervals > 0 ? minInterval : srcFps > 0 ? 1e6 / srcFps : 1e6 / fps;
                long total = Math.max(1, Math.round((prevTs + last - firstTs) * fps / 1e6));
                while (!full() && k < total) {
                    emit(prev);
                    k++;
                }
            }
            return out;
        }

        /** The source's average rate: the container's if sane, else from the timestamps. */
        double sourceRate(double srcFps) {
            if (srcFps > 0 && srcFps <= 1000) {
                return srcFps;
            }
            return intervals > 0 ? 1e6 * intervals / intervalSum : DEFAULT_FPS;
        }

        private void emit(byte[] src) throws MediaException {
            byte[] frame;
            if (src == lastSource) {
                frame = lastOutput.clone(); // a held frame: same pixels, its own array
            } else {
                frame = transform.apply(src);
                lastSource = src;
                lastOutput = frame;
            }
            bytes += frame.length;
            if (bytes > budget) {
                throw MediaException.badInput(path, "holding " + (out.size() + 1) + " frames of " + plan.outW + "x"
                        + plan.outH + " needs more than the " + (budget >> 20) + " MB the reader may use; ask for"
                        + " fewer frames or a smaller size.");
            }
            out.add(frame);
        }
    }
}
