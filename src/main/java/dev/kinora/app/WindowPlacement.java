package dev.kinora.app;

import javafx.geometry.Rectangle2D;

/**
 * How big the studio window opens: the size it had when it last closed (if that still fits the
 * screen and is not below the minimum), else a share of the screen capped at the preferred size.
 * Pure arithmetic on the screen's visual bounds, so it is tested without a stage.
 */
public final class WindowPlacement {
    /** What the studio is designed for: prompt, player, storyboard and queue all usable. */
    public static final double PREFERRED_W = 1440;
    public static final double PREFERRED_H = 900;
    /** Below this the panels squash; a smaller screen gets the whole screen instead. */
    public static final double MIN_W = 1024;
    public static final double MIN_H = 700;
    /** Share of the screen a first start takes. */
    public static final double SCREEN_SHARE = 0.85;

    /** A window size in pixels. */
    public record Size(double width, double height) {
    }

    private WindowPlacement() {
    }

    /** The minimum window size on this screen: {@link #MIN_W}×{@link #MIN_H}, or the screen when it is smaller. */
    public static Size minimum(Rectangle2D screen) {
        return new Size(Math.min(MIN_W, screen.getWidth()), Math.min(MIN_H, screen.getHeight()));
    }

    /** The default: {@link #SCREEN_SHARE} of the screen, at most the preferred size, at least the minimum. */
    public static Size standard(Rectangle2D screen) {
        Size min = minimum(screen);
        double w = Math.max(min.width(), Math.min(PREFERRED_W, Math.floor(screen.getWidth() * SCREEN_SHARE)));
        double h = Math.max(min.height(), Math.min(PREFERRED_H, Math.floor(screen.getHeight() * SCREEN_SHARE)));
        return new Size(w, h);
    }

    /**
     * The size to open at. A saved size is used when it is a real size, not below the minimum and
     * not larger than the screen; anything else (missing, NaN, a squashed 200×200 from a broken
     * session, a size from a bigger monitor) gives {@link #standard}.
     */
    public static Size initial(double savedW, double savedH, Rectangle2D screen) {
        return sane(savedW, savedH, screen) ? new Size(savedW, savedH) : standard(screen);
    }

    /** Whether a window of this size is worth remembering (and restoring). */
    public static boolean sane(double w, double h, Rectangle2D screen) {
        Size min = minimum(screen);
        return Double.isFinite(w) && Double.isFinite(h) && w >= min.width() && h >= min.height()
                && w <= screen.getWidth() && h <= screen.getHeight();
    }
}
