package dev.kinora.media;

/** The filter for the integer upscale applied on export. */
public enum UpscaleFilter {
    /** Each pixel becomes an exact k×k block: the pixel-art look, and lossless. */
    NEAREST,
    /** Lanczos-3: smooth, sharp-edged enlargement for photographic content. */
    LANCZOS
}
