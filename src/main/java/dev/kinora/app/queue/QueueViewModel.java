package dev.kinora.app.queue;

import dev.kinora.engine.Preview;
import dev.kinora.engine.Progress;
import dev.kinora.engine.Stage;
import dev.kinora.project.JobState;
import dev.kinora.project.QueuedJob;
import dev.kinora.project.Take;
import dev.kinora.project.render.RenderEvent;
import dev.kinora.project.render.RenderService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The render queue panel's state, observed from the {@link RenderService}: rows that update in
 * place, the running job, its live preview and the take it last made. Events arrive on the
 * service's threads and are applied on the FX thread; the queue is re-read when they are applied,
 * so a late event never shows an older queue, and progress is coalesced (the engine may report
 * faster than the screen refreshes: only the newest is shown, with at most one post pending).
 * Commands go straight to the service: cancel fires the job's token without waiting for anything.
 */
public final class QueueViewModel {
    private final RenderService render;
    private final ObservableList<JobItem> jobs = FXCollections.observableArrayList();
    private final Map<String, JobItem> byId = new HashMap<>();
    private final ObjectProperty<JobItem> running = new SimpleObjectProperty<>();
    private final ObjectProperty<Preview> livePreview = new SimpleObjectProperty<>(Preview.none());
    private final ObjectProperty<Take> lastTake = new SimpleObjectProperty<>();
    private final BooleanProperty held = new SimpleBooleanProperty();
    /** "Held · 3 waiting…" while the queue is held; empty otherwise. */
    private final StringProperty heldText = new SimpleStringProperty("");
    private final AtomicBoolean syncPosted = new AtomicBoolean();
    private final AtomicBoolean progressPosted = new AtomicBoolean();
    private final AtomicReference<RenderEvent.Progressed> latest = new AtomicReference<>();
    private String runningId = "";

    public QueueViewModel(RenderService render) {
        this.render = render;
        render.addListener(this::heard);
        sync();
    }

    /** On whatever thread the service publishes on. */
    private void heard(RenderEvent e) {
        if (e instanceof RenderEvent.QueueChanged) {
            if (Platform.isFxApplicationThread()) {
                sync();
            } else if (syncPosted.compareAndSet(false, true)) {
                Platform.runLater(() -> {
                    syncPosted.set(false);
                    sync();
                });
            }
        } else if (e instanceof RenderEvent.Progressed p) {
            latest.set(p);
            if (progressPosted.compareAndSet(false, true)) {
                Platform.runLater(() -> {
                    progressPosted.set(false);
                    progress(latest.get());
                });
            }
        } else if (e instanceof RenderEvent.JobStarted s) {
            fx(() -> {
                sync();
                runningId = s.jobId();
                running.set(byId.get(s.jobId()));
            });
        } else if (e instanceof RenderEvent.JobEnded end) {
            fx(() -> {
                sync();
                if (end.jobId().equals(runningId)) {
                    runningId = "";
                    running.set(null);
                    livePreview.set(Preview.none());
                }
            });
        } else if (e instanceof RenderEvent.TakeAdded t) {
            fx(() -> lastTake.set(t.take()));
        }
    }

    private static void fx(Runnable r) {
        if (Platform.isFxApplicationThread()) {
            r.run();
        } else {
            Platform.runLater(r);
        }
    }

    private void sync() {
        List<QueuedJob> list = render.jobs();
        List<JobItem> items = new ArrayList<>(list.size());
        for (QueuedJob j : list) {
            JobItem it = byId.computeIfAbsent(j.id(), k -> new JobItem(j));
            it.update(j);
            items.add(it);
        }
        byId.keySet().retainAll(list.stream().map(QueuedJob::id).toList());
        if (!items.equals(jobs)) {
            jobs.setAll(items);
        }
        if (running.get() != null && !byId.containsKey(runningId)) {
            running.set(null); // another project's queue now
        }
        held.set(render.held());
        long waiting = list.stream().filter(j -> j.state() == JobState.QUEUED).count();
        heldText.set(!held.get() ? "" : "Held · " + waiting + (waiting == 1 ? " job waits" : " jobs wait")
                + "; a running job finishes. Release with the pause button.");
    }

    /**
     * Holds the queue (no job starts, the running one finishes) or releases it. The queue's change event updates
     * {@link #heldProperty()}; with no project attached nothing changes.
     */
    public void hold(boolean h) {
        render.hold(h);
    }

    private void progress(RenderEvent.Progressed e) {
        if (e == null || !e.jobId().equals(runningId)) {
            return;
        }
        JobItem j = byId.get(e.jobId());
        Progress p = e.progress();
        if (j != null) {
            j.progressProperty().set(p.fraction());
            j.etaProperty().set(p.stage() == Stage.DONE ? "" : "ETA " + format(p.eta()));
            if (!j.stepProperty().get().equals("cancelling…")) {
                j.stepProperty().set(describe(p));
            }
        }
        if (!p.preview().isEmpty()) {
            livePreview.set(p.preview());
        }
    }

    /** Cancels a job: a running one stops at once (its finished windows become a partial take). */
    public void cancel(JobItem j) {
        if (j.id().equals(runningId)) {
            j.stepProperty().set("cancelling…");
        }
        render.cancel(j.id());
    }

    /** Retries a failed or cancelled job in its place; runs a finished one again as a new job. */
    public void retry(JobItem j) {
        render.retry(j.id());
    }

    public void move(JobItem j, int delta) {
        render.move(j.id(), delta);
    }

    public void clearFinished() {
        render.clearFinished();
    }

    static String describe(Progress p) {
        return switch (p.stage()) {
            case LOADING -> "loading model…";
            case ENCODING_TEXT -> "encoding prompt…";
            case ENCODING_SOURCES -> "encoding sources…";
            case DENOISING -> "step " + p.step() + "/" + p.steps() + (p.windows() > 1 ? " · window " + p.window() + "/" + p.windows() : "");
            case DECODING -> "decoding frames…";
            case DONE -> "finishing…";
        };
    }

    static String format(Duration d) {
        long sec = Math.max(0, d.toSeconds());
        return sec >= 60 ? (sec / 60) + "m " + (sec % 60) + "s" : sec + "s";
    }

    public ObservableList<JobItem> jobs() {
        return jobs;
    }

    public ObjectProperty<JobItem> runningProperty() {
        return running;
    }

    public ObjectProperty<Preview> livePreviewProperty() {
        return livePreview;
    }

    public ReadOnlyBooleanProperty heldProperty() {
        return held;
    }

    public ReadOnlyStringProperty heldTextProperty() {
        return heldText;
    }

    /** The take a job added last (a partial one after a cancel included). */
    public ObjectProperty<Take> lastTakeProperty() {
        return lastTake;
    }
}
