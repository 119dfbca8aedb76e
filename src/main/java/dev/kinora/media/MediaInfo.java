package dev.kinora.media;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link MediaReader#probe} learnt about a file without decoding all of it.
 *
 * @param width           display width in pixels, after rotation and with square pixels
 * @param height          display height in pixels, after rotation and with square pixels
 * @param fps             frames per second (average); 0 for a still image
 * @param frameCount      number of frames, from the video stream's header where it records one, else
 *                        estimated from the duration; 1 for stills
 * @param durationSeconds the video's duration; 0 for a still image
 * @param codec           decoder name, e.g. {@code h264}, {@code vp9}, {@code png}
 * @param rotation        clockwise rotation the player applies, one of 0, 90, 180, 270
 * @param hasVideo        false for audio-only files
 * @param metadata        container metadata, as {@link MediaWriter#readMetadata} returns it
 * @param container       the file type: {@code mp4}, {@code mov}, {@code webm}, {@code matroska},
 *                        {@code gif}, {@code png folder}, a still's format ({@code png}, {@code jpeg}, …)
 *                        or FFmpeg's demuxer name for anything else
 * @param pixelAspect     the stored pixels' width over their height (1 for square pixels); width and height
 *                        already account for it
 */
public record MediaInfo(int width, int height, double fps, long frameCount, double durationSeconds, String codec,
                        int rotation, boolean hasVideo, Map<String, String> metadata, String container,
                        double pixelAspect) {

    public MediaInfo {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(container, "container");
        metadata = Map.copyOf(metadata);
        if (!(pixelAspect > 0) || Double.isInfinite(pixelAspect)) {
            throw new IllegalArgumentException("pixelAspect must be a positive number, got " + pixelAspect);
        }
    }

    /** Square pixels. */
    public MediaInfo(int width, int height, double fps, long frameCount, double durationSeconds, String codec,
                     int rotation, boolean hasVideo, Map<String, String> metadata, String container) {
        this(width, height, fps, frameCount, durationSeconds, codec, rotation, hasVideo, metadata, container, 1);
    }

    /** Without a container name (kept for callers written before it existed). */
    public MediaInfo(int width, int height, double fps, long frameCount, double durationSeconds, String codec,
                     int rotation, boolean hasVideo, Map<String, String> metadata) {
        this(width, height, fps, frameCount, durationSeconds, codec, rotation, hasVideo, metadata, "");
    }

    /** One line for people: "mp4, h264, 640x360, 24 fps, 48 frames, 2.00 s" (a still: "png, 512x512, still"). */
    public String describe() {
        StringBuilder sb = new StringBuilder(container.isEmpty() ? "?" : container);
        if (!codec.isEmpty() && !codec.equals(container)) {
            sb.append(", ").append(codec);
        }
        if (!hasVideo) {
            return sb.append(String.format(Locale.ROOT, ", no video stream, %.2f s", durationSeconds)).toString();
        }
        sb.append(", ").append(width).append('x').append(height);
        if (fps <= 0 && frameCount == 1) {
            return sb.append(", still").toString();
        }
        String rate = fps == Math.rint(fps) ? Long.toString((long) fps) : String.format(Locale.ROOT, "%.2f", fps);
        sb.append(String.format(Locale.ROOT, ", %s fps, %d frames, %.2f s", rate, frameCount, durationSeconds));
        if (rotation != 0) {
            sb.append(", rotated ").append(rotation).append('°');
        }
        if (pixelAspect != 1) {
            sb.append(String.format(Locale.ROOT, ", pixels %.3g:1 (size as shown)", pixelAspect));
        }
        return sb.toString();
    }
}
