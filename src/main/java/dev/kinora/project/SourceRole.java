package dev.kinora.project;

/** What a conditioning file is for; the order of a shot's sources within one role is kept. */
public enum SourceRole {
    /** An image or video the shot starts from (animate, extend forward, remix). */
    START,
    /** The frame the shot must end on (interpolate, extend backward, loop). */
    END,
    /** A frame the shot must pass through. */
    KEYFRAME
}
