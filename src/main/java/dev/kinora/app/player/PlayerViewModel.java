package dev.kinora.app.player;

import dev.kinora.engine.Frames;
import dev.kinora.engine.Preview;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * Transport state of the preview player. Playback time is advanced by {@link #tick(double)} from
 * the view's animation timer, so the logic (shuttle rates, looping, clamping) is testable without a
 * stage. Rate follows the J/K/L convention of editors: L speeds forward (1×, 2×, 4×), J backward,
 * K stops.
 */
public final class PlayerViewModel {
    public enum Zoom { FIT, ONE_TO_ONE, PIXEL_FIT }

    private final ObjectProperty<Frames> clip = new SimpleObjectProperty<>();
    private final ObjectProperty<Frames> compare = new SimpleObjectProperty<>();
    private final StringProperty title = new SimpleStringProperty("No clip");
    private final StringProperty compareTitle = new SimpleStringProperty("");
    private final IntegerProperty frame = new SimpleIntegerProperty();
    private final DoubleProperty rate = new SimpleDoubleProperty();
    private final BooleanProperty loop = new SimpleBooleanProperty(true);
    private final BooleanProperty wipe = new SimpleBooleanProperty();
    private final DoubleProperty wipePosition = new SimpleDoubleProperty(0.5);
    private final ObjectProperty<Zoom> zoom = new SimpleObjectProperty<>(Zoom.PIXEL_FIT);
    private final ObjectProperty<Preview> live = new SimpleObjectProperty<>(Preview.none());
    private final StringProperty timecode = new SimpleStringProperty("--");
    private final BooleanProperty reelMode = new SimpleBooleanProperty();
    private double position;
    /** Playing through once (a new take), whatever the loop setting: stops on the last frame. */
    private boolean once;

    public PlayerViewModel() {
        frame.addListener((o, a, b) -> updateTimecode());
        clip.addListener((o, a, b) -> {
            position = 0;
            frame.set(0);
            updateTimecode();
        });
    }

    public void load(Frames f, String name, boolean reel) {
        rate.set(0);
        once = false;
        reelMode.set(reel);
        clip.set(f);
        title.set(name);
    }

    public void setCompare(Frames f, String name) {
        compare.set(f);
        compareTitle.set(name == null ? "" : name);
        wipe.set(f != null);
    }

    public int count() {
        Frames f = clip.get();
        return f == null ? 0 : f.count();
    }

    public double fps() {
        Frames f = clip.get();
        return f == null ? 8 : f.fps();
    }

    public boolean playing() {
        return rate.get() != 0;
    }

    /** Plays the clip from its first frame to its last, once, then stops there (a new take's first showing). */
    public void playOnce() {
        seek(0);
        once = count() > 1;
        rate.set(once ? 1 : 0);
    }

    public void togglePlay() {
        once = false;
        if (playing()) {
            rate.set(0);
        } else {
            if (!loop.get() && frame.get() >= count() - 1) {
                seek(0);
            }
            rate.set(1);
        }
    }

    /** L: forward, faster on each press. */
    public void shuttleForward() {
        double r = rate.get();
        rate.set(r <= 0 ? 1 : Math.min(8, r * 2));
    }

    /** J: backward, faster on each press. */
    public void shuttleBackward() {
        double r = rate.get();
        rate.set(r >= 0 ? -1 : Math.max(-8, r * 2));
    }

    public void stop() {
        once = false;
        rate.set(0);
    }

    public void step(int delta) {
        rate.set(0);
        seek(frame.get() + delta);
    }

    public void home() {
        step(-frame.get());
    }

    public void end() {
        rate.set(0);
        seek(count() - 1);
    }

    public void seek(int f) {
        int n = count();
        if (n == 0) {
            frame.set(0);
            return;
        }
        int c = Math.max(0, Math.min(n - 1, f));
        position = c;
        frame.set(c);
    }

    /** Advances playback by {@code seconds} of wall time. */
    public void tick(double seconds) {
        int n = count();
        if (rate.get() == 0 || n == 0) {
            return;
        }
        position += seconds * fps() * rate.get();
        if (position >= n || position < 0) {
            if (loop.get() && !once) {
                position = ((position % n) + n) % n;
            } else {
                position = Math.max(0, Math.min(n - 1, position));
                rate.set(0);
                once = false;
            }
        }
        frame.set((int) Math.floor(position));
    }

    private void updateTimecode() {
        int n = count();
        if (n == 0) {
            timecode.set("--");
            return;
        }
        timecode.set(dev.kinora.app.Timecode.format(frame.get(), fps()) + " · " + (frame.get() + 1) + "/" + n);
    }

    public ObjectProperty<Frames> clipProperty() {
        return clip;
    }

    public ObjectProperty<Frames> compareProperty() {
        return compare;
    }

    public StringProperty titleProperty() {
        return title;
    }

    public StringProperty compareTitleProperty() {
        return compareTitle;
    }

    public IntegerProperty frameProperty() {
        return frame;
    }

    public DoubleProperty rateProperty() {
        return rate;
    }

    public BooleanProperty loopProperty() {
        return loop;
    }

    public BooleanProperty wipeProperty() {
        return wipe;
    }

    public DoubleProperty wipePositionProperty() {
        return wipePosition;
    }

    public ObjectProperty<Zoom> zoomProperty() {
        return zoom;
    }

    public ObjectProperty<Preview> liveProperty() {
        return live;
    }

    public ReadOnlyStringProperty timecodeProperty() {
        return timecode;
    }

    public BooleanProperty reelModeProperty() {
        return reelMode;
    }
}
