package dev.kinora.project;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Links between neighbouring shots: a shot that continues the previous one (extends its active
 * take) or animates from its last frame was made from one particular take of it. When the artist
 * picks or makes another take there, the later shot no longer joins it: it is stale, and the
 * storyboard says so with a one-click regenerate.
 */
public final class Continuity {
    /** Where "use last frame" writes the still of a take: media/stills/{takeId}-last.png. */
    private static final Pattern LAST_FRAME = Pattern.compile(ProjectStore.MEDIA_DIR + "/stills/(.+)-last\\.png");

    private Continuity() {
    }

    /** How a shot is linked to the take it came from. */
    public enum Link {
        /** Not linked to the previous shot. */
        NONE,
        /** Extends the previous shot's active take ("continue from previous"). */
        EXTENDS,
        /** Animates from the last frame of a take of the previous shot ("use last frame"). */
        LAST_FRAME
    }

    /** How {@code shotId} is linked to the shot before it. */
    public static Link link(Project p, String shotId) {
        Optional<Shot> s = p.shot(shotId);
        if (s.isEmpty() || p.previous(shotId).isEmpty()) {
            return Link.NONE;
        }
        if (s.get().continueFromPrevious()) {
            return Link.EXTENDS;
        }
        boolean still = s.get().sources().stream().anyMatch(r -> LAST_FRAME.matcher(r.path()).matches());
        return still ? Link.LAST_FRAME : Link.NONE;
    }

    /**
     * Why the shot's active take no longer follows the previous shot's active take, in words for
     * its card; empty when it does, when it has no take yet, or when it is not linked.
     */
    public static Optional<String> stale(Project p, String shotId) {
        Link link = link(p, shotId);
        Optional<Take> mine = p.activeTake(shotId);
        if (link == Link.NONE || mine.isEmpty()) {
            return Optional.empty();
        }
        Shot prev = p.previous(shotId).orElseThrow();
        Optional<Take> theirs = prev.activeTake();
        String madeFrom = mine.get().recipe().sources().isEmpty() ? "" : mine.get().recipe().sources().get(0).path();
        String prevName = "shot " + (p.indexOf(prev.id()) + 1);
        if (theirs.isEmpty()) {
            return madeFrom.isEmpty() ? Optional.empty()
                    : Optional.of("made from a take " + prevName + " no longer has");
        }
        boolean follows = switch (link) {
            case EXTENDS -> madeFrom.isEmpty() || madeFrom.equals(theirs.get().media());
            case LAST_FRAME -> {
                Matcher m = LAST_FRAME.matcher(madeFrom);
                yield !m.matches() || m.group(1).equals(theirs.get().id());
            }
            case NONE -> true;
        };
        return follows ? Optional.empty() : Optional.of("made from an earlier take of " + prevName + "; it has a new one");
    }

    /** Where a still of {@code take}'s last frame goes, relative to the project folder. */
    public static String lastFrameStill(Take take) {
        return ProjectStore.MEDIA_DIR + "/stills/" + take.id() + "-last.png";
    }

    /**
     * Whether putting a new shot right after {@code shotId} would come between it and a shot linked
     * to it (that shot would then continue from the new one instead).
     */
    public static Optional<Shot> linkedNext(Project p, String shotId) {
        int i = p.indexOf(shotId);
        if (i < 0 || i + 1 >= p.shots().size()) {
            return Optional.empty();
        }
        Shot next = p.shots().get(i + 1);
        return link(p, next.id()) == Link.NONE ? Optional.empty() : Optional.of(next);
    }
}
