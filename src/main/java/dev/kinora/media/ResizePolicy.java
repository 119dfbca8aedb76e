package dev.kinora.media;

/** How a source picture is fitted into a target size whose aspect ratio may differ. */
public enum ResizePolicy {
    /** Scale to fit inside the target, keeping the aspect ratio; the rest is black (letterbox). */
    FIT,
    /** Scale to cover the target, keeping the aspect ratio, then crop the centre. */
    FILL,
    /** Scale each axis independently to the target; distorts when aspect ratios differ. */
    STRETCH
}
