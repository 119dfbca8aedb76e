package dev.kinora.app;

import java.time.Duration;
import java.time.Instant;

/** "2 minutes ago": when something happened, the way a person says it. */
public final class HumanTime {
    private HumanTime() {
    }

    public static String ago(Instant then, Instant now) {
        long s = Duration.between(then, now).getSeconds();
        if (s < 0) {
            return "just now"; // a clock that moved back, or a file from a machine ahead of this one
        }
        if (s < 45) {
            return "just now";
        }
        if (s < 90) {
            return "a minute ago";
        }
        if (s < 45 * 60) {
            return Math.round(s / 60.0) + " minutes ago";
        }
        if (s < 90 * 60) {
            return "an hour ago";
        }
        if (s < 22 * 3600) {
            return Math.round(s / 3600.0) + " hours ago";
        }
        if (s < 36 * 3600) {
            return "yesterday";
        }
        return Math.round(s / 86400.0) + " days ago";
    }
}
