package dev.kinora.app.queue;

import dev.kinora.app.StudioModel;
import dev.kinora.app.UiTaskExecutor;
import dev.kinora.app.engine.PackInfo;
import dev.kinora.app.model.TakeMedia;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.Preview;
import dev.kinora.engine.Progress;
import dev.kinora.engine.Source;
import dev.kinora.project.Commands;
import dev.kinora.project.JobSpec;
import dev.kinora.project.JobState;
import dev.kinora.project.ProjectSession;
import dev.kinora.project.ProjectStore;
import dev.kinora.project.QueuedJob;
import dev.kinora.project.RenderQueue;
import dev.kinora.project.Shot;
import dev.kinora.project.SourceRef;
import dev.kinora.project.Take;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Runs the project's persistent {@link RenderQueue}: jobs one at a time in queue order; each
 * finished job's frames are written into the project's media folder and become a take through an
 * undoable Add Take command. Cancelling keeps the finished windows as a partial take. The queue
 * file is the project's, so jobs survive a restart (a job running at a crash comes back queued).
 */
public final class QueueViewModel {
    private final StudioModel studio;
    private final ObservableList<JobItem> jobs = FXCollections.observableArrayList();
    private final Map<String, JobItem> byId = new HashMap<>();
    private final ObjectProperty<JobItem> running = new SimpleObjectProperty<>();
    private final ObjectProperty<Preview> livePreview = new SimpleObjectProperty<>(Preview.none());
    private final ObjectProperty<Take> lastTake = new SimpleObjectProperty<>();
    private RenderQueue queue;
    private ProjectSession session;
    private UiTaskExecutor.Handle handle;
    private Runnable unlisten = () -> { };

    public QueueViewModel(StudioModel studio) {
        this.studio = studio;
    }

    public void attach(ProjectSession s) {
        detach();
        session = s;
        queue = s.queue();
        RenderQueue q = queue;
        unlisten = q.addListener(list -> {
            if (Platform.isFxApplicationThread()) {
                sync(list);
            } else {
                Platform.runLater(() -> sync(q.jobs()));
            }
        });
        sync(q.jobs());
        pump();
    }

    /** Stops listening and cancels a running job (switching projects). */
    public void detach() {
        unlisten.run();
        unlisten = () -> { };
        if (handle != null) {
            handle.cancel();
            handle = null;
        }
        running.set(null);
        livePreview.set(Preview.none());
        queue = null;
        session = null;
        jobs.clear();
        byId.clear();
    }

    private void sync(List<QueuedJob> list) {
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
        // The queue says a running job was cancelled: stop its engine call (finished windows are kept).
        JobItem r = running.get();
        if (r != null && r.state() == JobState.CANCELLED && handle != null && !handle.cancelRequested()) {
            r.stepProperty().set("cancelling…");
            handle.cancel();
        }
    }

    public JobItem enqueue(String shotId, JobSpec spec) {
        QueuedJob j = queue.add(shotId, spec);
        pump();
        return byId.get(j.id());
    }

    public void cancel(JobItem j) {
        queue.cancel(j.id());
    }

    public void retry(JobItem j) {
        if (j.state() == JobState.DONE) {
            queue.add(j.shotId(), j.spec()); // "again": the same job as a new entry
        } else {
            queue.retry(j.id());
        }
        pump();
    }

    public void move(JobItem j, int delta) {
        if (delta < 0) {
            queue.moveUp(j.id());
        } else {
            queue.moveDown(j.id());
        }
    }

    public void clearFinished() {
        queue.clearFinished();
    }

    private void pump() {
        if (queue == null || running.get() != null || session == null || session.readOnly()) {
            return;
        }
        queue.next().ifPresent(j -> start(byId.get(j.id())));
    }

    private void start(JobItem j) {
        ProjectSession s = session;
        PackInfo pack = studio.pack(j.spec().pack()).orElse(null);
        GenerationRequest request;
        try {
            request = request(j.spec(), s, studio, pack);
        } catch (IOException | IllegalArgumentException e) {
            queue.fail(j.id(), e.getMessage());
            pump();
            return;
        }
        // A shot that continues the previous one keeps only the frames after the previous take, so the
        // reel plays the previous take and then this one without repeating anything: an exact cut.
        int lead = continuation(j, s) ? request.sources().get(0).frames().count() : 0;
        running.set(j);
        queue.start(j.id(), studio.deviceUsedProperty().get());
        handle = studio.exec().submit((listener, token) -> {
            GenerationResult r = studio.engine().generate(request, listener, token);
            return write(j, r, lead, request.direction(), s);
        }, new UiTaskExecutor.Callbacks<Written>() {
            @Override
            public void progress(Progress p) {
                if (queue == null || running.get() != j) {
                    return;
                }
                queue.progress(j.id(), p.fraction());
                j.etaProperty().set(p.stage() == dev.kinora.engine.Stage.DONE ? "" : "ETA " + format(p.eta()));
                j.stepProperty().set(describe(p));
                if (!p.preview().isEmpty()) {
                    livePreview.set(p.preview());
                }
            }

            @Override
            public void done(Written w) {
                Take t = addTake(j, w, s);
                if (t != null && queue != null) {
                    queue.complete(j.id(), t.id());
                }
                finish(j);
            }

            @Override
            public void cancelled(Optional<Object> partial) {
                if (partial.isPresent() && partial.get() instanceof GenerationResult whole
                        && whole.frames().count() > lead) {
                    try {
                        Take t = addTake(j, write(j, whole, lead, request.direction(), s), s);
                        j.messageProperty().set("cancelled · kept " + (t == null ? 0 : t.frames()) + " finished frames");
                    } catch (IOException e) {
                        j.messageProperty().set("cancelled · partial frames could not be saved: " + e.getMessage());
                    }
                }
                if (queue != null && j.state() == JobState.RUNNING) {
                    queue.cancel(j.id());
                }
                finish(j);
            }

            @Override
            public void failed(Throwable error) {
                if (queue != null) {
                    queue.fail(j.id(), error.getMessage() == null ? error.toString() : error.getMessage());
                }
                finish(j);
            }
        });
    }

    private boolean continuation(JobItem j, ProjectSession s) {
        if (j.spec().mode() != dev.kinora.engine.pack.Mode.EXTEND || j.spec().sources().size() != 1) {
            return false;
        }
        Optional<Shot> shot = s.project().shot(j.shotId());
        Optional<Take> source = studio.takeByMedia(j.spec().sources().get(0).path());
        return shot.isPresent() && shot.get().continueFromPrevious() && source.isPresent()
                && shot.get().take(source.get().id()).isEmpty();
    }

    /** The frames without the {@code lead} source frames an extension returns along with the new ones. */
    public static Frames newFramesOnly(Frames f, int lead, dev.kinora.engine.Direction d) {
        int n = f.count();
        if (lead <= 0 || lead >= n) {
            return f;
        }
        return d == dev.kinora.engine.Direction.BACKWARD ? f.slice(0, n - lead) : f.slice(lead, n);
    }

    private void finish(JobItem j) {
        livePreview.set(Preview.none());
        if (running.get() == j) {
            running.set(null);
            handle = null;
        }
        pump();
    }

    /** Frames written to a take slot on the render thread, waiting to enter the document. */
    private record Written(ProjectStore.MediaSlot slot, Frames frames, dev.kinora.engine.Recipe recipe, boolean complete) {
    }

    private static Written write(JobItem j, GenerationResult r, int lead, dev.kinora.engine.Direction d, ProjectSession s)
            throws IOException {
        Frames f = newFramesOnly(r.frames(), lead, d);
        ProjectStore.MediaSlot slot = s.store().newTakeSlot(j.shotId(), "png");
        TakeMedia.write(f, slot.file());
        return new Written(slot, f, r.recipe(), r.complete());
    }

    private Take addTake(JobItem j, Written w, ProjectSession s) {
        if (s != session) {
            return null; // the project was switched meanwhile; its file stays in the old folder
        }
        Frames f = w.frames();
        try {
            Take t = s.store().finishTake(w.slot(), w.recipe(), f.count(), f.fps(), f.width(), f.height(),
                    w.complete() ? "" : "partial");
            if (s.project().shot(j.shotId()).isEmpty()) {
                // The shot was deleted while the job ran: the take still gets a card rather than being lost.
                Shot home = Shot.create(w.recipe().prompt(), s.project().settings()).withDuration(f.durationSeconds());
                studio.edit(Commands.appendShot(home));
                studio.edit(new Commands.AddTake(home.id(), t, true));
            } else {
                studio.edit(new AddTakeToShot(j.shotId(), t));
            }
            lastTake.set(t);
            return t;
        } catch (IOException e) {
            studio.statusProperty().set("The take could not be saved: " + e.getMessage());
            return null;
        }
    }

    /** Builds the engine request, loading each source (takes as film strips, other files via media) at the pack's size. */
    static GenerationRequest request(JobSpec spec, ProjectSession s, StudioModel studio, PackInfo pack) throws IOException {
        List<Source> sources = new ArrayList<>();
        for (SourceRef ref : spec.sources()) {
            Path p = s.store().resolve(ref.path());
            Optional<Take> take = studio.takeByMedia(ref.path());
            Frames fr = take.isPresent() ? TakeMedia.read(p, take.get().height(), take.get().fps()) : SourceFiles.read(p);
            if (pack != null && pack.width() > 0) {
                fr = TakeMedia.resize(fr, pack.width(), pack.height());
            }
            sources.add(new Source(fr, ref.path(), sha256(fr)));
        }
        return spec.toRequest(sources);
    }

    private static String sha256(Frames f) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] b : f.rgb()) {
                md.update(b);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (Exception e) {
            return "";
        }
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

    public ObjectProperty<Take> lastTakeProperty() {
        return lastTake;
    }
}
