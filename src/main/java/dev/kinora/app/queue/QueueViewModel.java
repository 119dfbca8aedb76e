package dev.kinora.app.queue;

import dev.kinora.app.StudioModel;
import dev.kinora.app.UiTaskExecutor;
import dev.kinora.app.engine.PackInfo;
import dev.kinora.app.model.JobRecord;
import dev.kinora.app.model.JobSpec;
import dev.kinora.app.model.JobState;
import dev.kinora.app.model.ProjectFolder;
import dev.kinora.app.model.Shot;
import dev.kinora.app.model.SourceRef;
import dev.kinora.app.model.Storyboard;
import dev.kinora.app.model.Take;
import dev.kinora.app.model.TakeMedia;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.Preview;
import dev.kinora.engine.Progress;
import dev.kinora.engine.Source;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The render queue: jobs run one at a time in list order; every state change is written to the
 * project's queue.json so the queue survives a restart, and every finished (or cancelled but
 * partly finished) job becomes a take through an undoable "Add take" command.
 */
public final class QueueViewModel {
    private final StudioModel studio;
    private final ObservableList<JobItem> jobs = FXCollections.observableArrayList();
    private final ObjectProperty<JobItem> running = new SimpleObjectProperty<>();
    private final ObjectProperty<Preview> livePreview = new SimpleObjectProperty<>(Preview.none());
    private final ObjectProperty<Take> lastTake = new SimpleObjectProperty<>();
    private UiTaskExecutor.Handle handle;
    private ProjectFolder folder;

    public QueueViewModel(StudioModel studio) {
        this.studio = studio;
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

    /** The take the last job produced; the player jumps to it. */
    public ObjectProperty<Take> lastTakeProperty() {
        return lastTake;
    }

    /** Loads a project's queue; jobs interrupted by a crash wait for a retry rather than starting on their own. */
    public void load(ProjectFolder f) {
        if (handle != null) {
            handle.cancel();
        }
        folder = f;
        running.set(null);
        jobs.clear();
        for (JobRecord r : f.loadQueue()) {
            jobs.add(JobItem.of(r));
        }
        pump();
    }

    public JobItem enqueue(JobSpec spec) {
        JobItem j = new JobItem(UUID.randomUUID().toString().substring(0, 8), spec, Instant.now().toString(), JobState.QUEUED);
        jobs.add(j);
        persist();
        pump();
        return j;
    }

    public void cancel(JobItem j) {
        if (j == running.get() && handle != null) {
            j.messageProperty().set("cancelling…");
            handle.cancel();
        } else if (j.state() == JobState.QUEUED) {
            j.stateProperty().set(JobState.CANCELLED);
            j.messageProperty().set("cancelled before it started");
            persist();
        }
    }

    public JobItem retry(JobItem j) {
        return enqueue(j.spec());
    }

    /** Moves a waiting job up (-1) or down (+1) among the jobs; running and finished jobs stay put. */
    public void move(JobItem j, int delta) {
        int i = jobs.indexOf(j);
        int k = i + delta;
        if (i < 0 || k < 0 || k >= jobs.size() || j.state() != JobState.QUEUED) {
            return;
        }
        jobs.remove(i);
        jobs.add(k, j);
        persist();
    }

    public void clearFinished() {
        jobs.removeIf(j -> j.state().finished());
        persist();
    }

    public void persist() {
        if (folder == null) {
            return;
        }
        List<JobRecord> rs = jobs.stream().map(JobItem::record).toList();
        try {
            folder.saveQueue(rs);
        } catch (IOException e) {
            studio.statusProperty().set("Cannot write the queue: " + e.getMessage());
        }
    }

    private void pump() {
        if (running.get() != null || folder == null) {
            return;
        }
        Optional<JobItem> next = jobs.stream().filter(j -> j.state() == JobState.QUEUED).findFirst();
        next.ifPresent(this::start);
    }

    private void start(JobItem j) {
        running.set(j);
        j.stateProperty().set(JobState.RUNNING);
        j.progressProperty().set(0);
        j.messageProperty().set("starting…");
        j.deviceProperty().set(studio.deviceUsedProperty().get());
        persist();
        ProjectFolder f = folder;
        Storyboard doc = studio.doc();
        PackInfo pack = studio.pack(j.spec().settings().pack()).orElse(null);
        GenerationRequest request;
        try {
            request = request(j.spec(), doc, f, pack);
        } catch (IOException | IllegalArgumentException e) {
            finish(j, JobState.FAILED, e.getMessage());
            return;
        }
        studio.engine().setDevice(j.spec().settings().device());
        handle = studio.exec().submit((listener, token) -> {
            GenerationResult r = studio.engine().generate(request, listener, token);
            return save(j, r, f);
        }, new UiTaskExecutor.Callbacks<Take>() {
            @Override
            public void progress(Progress p) {
                j.progressProperty().set(p.fraction());
                j.etaProperty().set(p.stage() == dev.kinora.engine.Stage.DONE ? "" : "ETA " + format(p.eta()));
                j.messageProperty().set(describe(p));
                if (!p.preview().isEmpty()) {
                    livePreview.set(p.preview());
                }
            }

            @Override
            public void done(Take take) {
                addTake(j, take);
                finish(j, JobState.DONE, "done · " + take.frames() + " frames on " + take.device());
            }

            @Override
            public void cancelled(Optional<Object> partial) {
                if (partial.isPresent() && partial.get() instanceof GenerationResult r && r.frames().count() > 0) {
                    try {
                        Take t = save(j, r, f);
                        addTake(j, t);
                        finish(j, JobState.CANCELLED, "cancelled · kept " + t.frames() + " finished frames");
                        return;
                    } catch (IOException e) {
                        finish(j, JobState.CANCELLED, "cancelled · partial frames could not be saved: " + e.getMessage());
                        return;
                    }
                }
                finish(j, JobState.CANCELLED, "cancelled");
            }

            @Override
            public void failed(Throwable error) {
                finish(j, JobState.FAILED, error.getMessage() == null ? error.toString() : error.getMessage());
            }
        });
    }

    private void finish(JobItem j, JobState s, String message) {
        j.stateProperty().set(s);
        j.messageProperty().set(message);
        j.etaProperty().set("");
        if (s == JobState.DONE) {
            j.progressProperty().set(1);
        }
        livePreview.set(Preview.none());
        if (running.get() == j) {
            running.set(null);
            handle = null;
        }
        persist();
        pump();
    }

    private Take save(JobItem j, GenerationResult r, ProjectFolder f) throws IOException {
        String id = "take-" + j.id();
        String file = id + ".png";
        TakeMedia.write(r.frames(), f.media().resolve(file));
        return new Take(id, file, j.spec().prompt(), j.spec().settings().mode().id(), r.recipe().seed(), r.recipe().steps(),
                r.frames().count(), r.frames().fps(), r.frames().width(), r.frames().height(), r.complete(),
                r.device().describe(), Instant.now().toString());
    }

    private void addTake(JobItem j, Take t) {
        j.takeIdProperty().set(t.id());
        String shotId = j.spec().shotId();
        studio.edit("Add take", d -> {
            if (d.shot(shotId).isPresent()) {
                return d.mapShot(shotId, s -> s.plusTake(t));
            }
            // The shot was deleted while the job ran: the take still gets a home rather than being lost.
            List<Shot> shots = new ArrayList<>(d.shots());
            shots.add(new Shot(d.freshShotId(), t.prompt(), "", t.frames(), 0, false, List.of(t), t.id()));
            return d.withShots(shots);
        });
        lastTake.set(t);
    }

    /** Builds the engine request, reading source takes and files at the pack's frame size. */
    static GenerationRequest request(JobSpec spec, Storyboard doc, ProjectFolder f, PackInfo pack) throws IOException {
        List<Source> sources = new ArrayList<>();
        for (SourceRef ref : spec.sources()) {
            Frames fr;
            String path;
            if (ref.isTake()) {
                Take t = doc.shot(ref.shotId()).flatMap(s -> s.take(ref.takeId()))
                        .or(() -> doc.shots().stream().flatMap(s -> s.takes().stream()).filter(x -> x.id().equals(ref.takeId())).findFirst())
                        .orElseThrow(() -> new IOException("source take " + ref.takeId() + " no longer exists; pick another source"));
                Path p = f.mediaFile(t);
                fr = TakeMedia.read(p, t.height(), t.fps());
                path = p.toString();
            } else {
                path = ref.path();
                fr = SourceFiles.read(Path.of(ref.path()));
            }
            if (ref.lastFrameOnly()) {
                fr = fr.slice(fr.count() - 1, fr.count());
            }
            if (pack != null && pack.width() > 0) {
                fr = TakeMedia.resize(fr, pack.width(), pack.height());
            }
            sources.add(new Source(fr, path, sha256(fr)));
        }
        var s = spec.settings();
        return new GenerationRequest(s.pack(), s.mode(), spec.prompt(), spec.negativePrompt(), spec.seed(), s.steps(),
                s.guidance(), s.scheduler(), Float.NaN, s.frames(), s.strength(), s.direction(), 0, true, sources);
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
        long s = Math.max(0, d.toSeconds());
        return s >= 60 ? (s / 60) + "m " + (s % 60) + "s" : s + "s";
    }
}
