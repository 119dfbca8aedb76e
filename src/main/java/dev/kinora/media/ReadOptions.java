package dev.kinora.media;

/**
 * How {@link MediaReader} and {@link MediaIO} read a clip.
 *
 * @param allowDamaged keep a clip whose frames had decoding errors (the damaged frames as FFmpeg
 *                     concealed them) and report it as a warning, instead of refusing it with
 *                     {@link MediaException.Kind#BAD_INPUT}
 */
public record ReadOptions(boolean allowDamaged) {

    /** Refuse damaged clips: what the reader does when no options are given. */
    public static ReadOptions defaults() {
        return new ReadOptions(false);
    }

    /** Keep damaged clips, with a warning. */
    public static ReadOptions allowingDamage() {
        return new ReadOptions(true);
    }
}
