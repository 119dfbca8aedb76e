package dev.kinora.app;

/**
 * Where the studio's split dividers sit and whether the render queue shows, as stored in the
 * prefs. Values come back sanity-checked: a session that ran in a squashed window must not leave
 * the next one with a 0 px queue whose toggle says it is visible.
 *
 * @param prompt       prompt editor | player divider, as a fraction of the top row
 * @param timeline     top row | storyboard divider, as a fraction of the height
 * @param queue        main area | render queue divider, as a fraction of the width
 * @param queueVisible whether the render queue is shown
 */
public record PanelLayout(double prompt, double timeline, double queue, boolean queueVisible) {
    /** The storyboard's share (0.28) holds one row of cards; the prompt editor above gets the rest. */
    public static final PanelLayout DEFAULT = new PanelLayout(0.34, 0.72, 0.78, true);

    /** A divider closer than this to either edge hides a panel: not a layout anyone chose on purpose. */
    static final double EDGE = 0.05;
    /** The queue's divider may not leave it less than this share of the width. */
    static final double MAX_QUEUE_POS = 0.9;
    /** Layout is remembered only from a window at least this big (scene pixels); smaller ones squash the panels. */
    static final double SANE_W = 900;
    static final double SANE_H = 600;

    static final String PROMPT = "layout.prompt";
    static final String TIMELINE = "layout.timeline";
    static final String QUEUE = "layout.queue.pos";
    static final String QUEUE_VISIBLE = "layout.queue";

    /** The stored layout, each value replaced by its default when it is missing or would hide a panel. */
    public static PanelLayout load(StudioPrefs p) {
        return new PanelLayout(p.getDouble(PROMPT, DEFAULT.prompt), p.getDouble(TIMELINE, DEFAULT.timeline),
                p.getDouble(QUEUE, DEFAULT.queue), p.getBoolean(QUEUE_VISIBLE, DEFAULT.queueVisible)).sane();
    }

    public void store(StudioPrefs p) {
        PanelLayout s = sane();
        p.putDouble(PROMPT, s.prompt);
        p.putDouble(TIMELINE, s.timeline);
        p.putDouble(QUEUE, s.queue);
        p.putBoolean(QUEUE_VISIBLE, s.queueVisible);
    }

    /** This layout with every divider that would hide a panel put back at its default. */
    public PanelLayout sane() {
        return new PanelLayout(inside(prompt, EDGE, 1 - EDGE) ? prompt : DEFAULT.prompt,
                inside(timeline, EDGE, 1 - EDGE) ? timeline : DEFAULT.timeline,
                inside(queue, EDGE, MAX_QUEUE_POS) ? queue : DEFAULT.queue, queueVisible);
    }

    /** Whether a window (scene) of this size shows the panels at sizes worth remembering. */
    public static boolean saneWindow(double sceneWidth, double sceneHeight) {
        return sceneWidth >= SANE_W && sceneHeight >= SANE_H;
    }

    private static boolean inside(double v, double lo, double hi) {
        return Double.isFinite(v) && v >= lo && v <= hi;
    }
}
