package dev.kinora.engine;

/** Which way an extension grows a clip. */
public enum Direction {
    FORWARD, BACKWARD
}
