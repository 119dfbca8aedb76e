package dev.kinora.engine;

/** What a generation is doing right now, for progress displays. */
public enum Stage {
    LOADING, ENCODING_TEXT, ENCODING_SOURCES, DENOISING, DECODING, DONE
}
