package dev.kinora.app.timeline;

import dev.kinora.app.StudioModel;
import dev.kinora.app.model.Shot;
import dev.kinora.app.model.Storyboard;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;

/**
 * Storyboard operations, each one command on the project. The playhead is in reel frames and is
 * shared with the player in reel mode.
 */
public final class TimelineViewModel {
    public static final double MIN_ZOOM = 2;
    public static final double MAX_ZOOM = 48;

    private final StudioModel studio;
    private final DoubleProperty zoom = new SimpleDoubleProperty(12); // pixels per frame
    private final IntegerProperty playhead = new SimpleIntegerProperty();

    public TimelineViewModel(StudioModel studio) {
        this.studio = studio;
    }

    private String selected() {
        return studio.selectedShotProperty().get();
    }

    public void select(String shotId) {
        studio.selectedShotProperty().set(shotId);
    }

    public void addShot() {
        Storyboard d = studio.doc();
        String id = d.freshShotId();
        int at = d.indexOf(selected()) + 1;
        int len = studio.pack(d.settings().pack()).map(p -> p.frames()).orElse(16);
        if (studio.edit("Add shot", x -> {
            List<Shot> s = new ArrayList<>(x.shots());
            s.add(at <= 0 ? s.size() : at, Shot.empty(id, len));
            return x.withShots(s);
        })) {
            select(id);
        }
    }

    public void duplicate() {
        Storyboard d = studio.doc();
        d.shot(selected()).ifPresent(shot -> {
            String id = d.freshShotId();
            int at = d.indexOf(shot.id()) + 1;
            if (studio.edit("Duplicate shot", x -> {
                List<Shot> s = new ArrayList<>(x.shots());
                s.add(at, shot.withId(id));
                return x.withShots(s);
            })) {
                select(id);
            }
        });
    }

    public void delete() {
        Storyboard d = studio.doc();
        int i = d.indexOf(selected());
        if (i < 0) {
            return;
        }
        String next = d.shots().size() > 1 ? d.shots().get(i == d.shots().size() - 1 ? i - 1 : i + 1).id() : "";
        if (studio.edit("Delete shot", x -> {
            List<Shot> s = new ArrayList<>(x.shots());
            s.remove(i);
            return x.withShots(s);
        })) {
            select(next);
        }
    }

    /**
     * Splits the selected shot at the playhead when it falls inside the shot (else in the middle):
     * both halves keep the takes, the second starting where the first ends.
     */
    public void split() {
        Storyboard d = studio.doc();
        d.shot(selected()).ifPresent(shot -> {
            if (shot.durationFrames() < 2) {
                studio.statusProperty().set("A one-frame shot cannot be split");
                return;
            }
            int start = d.startOf(shot.id());
            int cut = playhead.get() - start;
            if (cut <= 0 || cut >= shot.durationFrames()) {
                cut = shot.durationFrames() / 2;
            }
            int k = cut;
            String id = d.freshShotId();
            int at = d.indexOf(shot.id());
            studio.edit("Split shot", x -> {
                List<Shot> s = new ArrayList<>(x.shots());
                s.set(at, shot.withTrim(shot.trimStart(), k));
                s.add(at + 1, shot.withId(id).withTrim(shot.trimStart() + k, shot.durationFrames() - k).withContinue(false));
                return x.withShots(s);
            });
        });
    }

    public void move(String shotId, int toIndex) {
        Storyboard d = studio.doc();
        int from = d.indexOf(shotId);
        if (from < 0) {
            return;
        }
        int to = Math.max(0, Math.min(d.shots().size() - 1, toIndex));
        if (to == from) {
            return;
        }
        studio.edit("Move shot", x -> {
            List<Shot> s = new ArrayList<>(x.shots());
            Shot moving = s.remove(from);
            s.add(to, moving);
            return x.withShots(s);
        });
    }

    public void resize(String shotId, int frames) {
        int f = Math.max(1, Math.min(10_000, frames));
        studio.edit("Change shot length", x -> x.mapShot(shotId, s -> s.withDuration(f)));
    }

    public void setActiveTake(String shotId, String takeId) {
        studio.edit("Pick take", x -> x.mapShot(shotId, s -> s.withActive(takeId)));
    }

    public void setContinue(String shotId, boolean c) {
        studio.edit(c ? "Continue from previous shot" : "Stop continuing previous shot",
                x -> x.mapShot(shotId, s -> s.withContinue(c)));
    }

    public void zoomIn() {
        zoom.set(Math.min(MAX_ZOOM, zoom.get() * 1.5));
    }

    public void zoomOut() {
        zoom.set(Math.max(MIN_ZOOM, zoom.get() / 1.5));
    }

    /** The shot under a reel frame, for the playhead. */
    public String shotAt(int reelFrame) {
        int at = 0;
        for (Shot s : studio.doc().shots()) {
            if (reelFrame < at + s.durationFrames()) {
                return s.id();
            }
            at += s.durationFrames();
        }
        return "";
    }

    public DoubleProperty zoomProperty() {
        return zoom;
    }

    public IntegerProperty playheadProperty() {
        return playhead;
    }

    public StudioModel studio() {
        return studio;
    }
}
