package dev.kinora.media;

import java.util.Map;
import java.util.Objects;

/**
 * What {@link MediaReader#probe} learnt about a file without decoding all of it.
 *
 * @param width           display width in pixels, after rotation
 * @param height          display height in pixels, after rotation
 * @param fps             frames per second (average); 0 for a still image
 * @param frameCount      number of frames, estimated from the container for clips; 1 for stills
 * @param durationSeconds duration; 0 for a still image
 * @param codec           decoder name, e.g. {@code h264}, {@code vp9}, {@code png}
 * @param rotation        clockwise rotation the player applies, one of 0, 90, 180, 270
 * @param hasVideo        false for audio-only files
 * @param metadata        container metadata, as {@link MediaWriter#readMetadata} returns it
 */
public record MediaInfo(int width, int height, double fps, long frameCount, double durationSeconds, String codec,
                        int rotation, boolean hasVideo, Map<String, String> metadata) {

    public MediaInfo {
        Objects.requireNonNull(codec, "codec");
        metadata = Map.copyOf(metadata);
    }
}
