package dev.kinora.app;

import dev.kinora.app.engine.PackInfo;
import dev.kinora.app.engine.StudioEngine;
import dev.kinora.app.player.Reel;
import dev.kinora.app.queue.QueueViewModel;
import dev.kinora.engine.Frames;
import dev.kinora.engine.onnx.Device;
import dev.kinora.media.FilmStrip;
import dev.kinora.project.Command;
import dev.kinora.project.JobSpec;
import dev.kinora.project.JobState;
import dev.kinora.project.Project;
import dev.kinora.project.ProjectSession;
import dev.kinora.project.ProjectSettings;
import dev.kinora.project.ProjectStore;
import dev.kinora.project.QueuedJob;
import dev.kinora.project.RecentProjects;
import dev.kinora.project.RenderQueue;
import dev.kinora.project.Shot;
import dev.kinora.project.Take;
import dev.kinora.project.render.RenderEvent;
import dev.kinora.project.render.RenderService;
import dev.kinora.project.render.SourceLoader;
import dev.kinora.project.render.Submission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.ObservableMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The studio session every panel shares: the open {@link ProjectSession} (document, command stack,
 * autosave journal), the {@link RenderService} that renders its queue, the engine and the
 * executor. The command stack's revision is mirrored into one FX property, the only signal panels
 * refresh on, and {@link #doc()} is the document as last mirrored: on the FX thread it changes
 * only with a revision, so a panel never sees a take whose job the queue has not finished yet.
 *
 * <p>Nothing here blocks the FX thread on the engine: jobs are submitted to the service, whose
 * events are marshalled here with {@link Platform#runLater}; takes are decoded, the reel is built
 * and missing media are searched for on the executor's background thread; Save and Save As write on
 * the session's save thread, in the order asked for, and leaving the project waits for them. A new
 * project (File ▸ New, the demo) is shown at once and its folder is made by its first save, on that
 * same thread.
 */
public final class StudioModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StudioModel.class);

    private final StudioEngine engine;
    private final UiTaskExecutor exec;
    private final StudioPrefs prefs;
    private final Path userData;
    private final RecentProjects recents;
    private final RenderService render;
    private final ObjectProperty<ProjectSession> session = new SimpleObjectProperty<>();
    private final ObjectProperty<Project> doc = new SimpleObjectProperty<>(Project.empty("Untitled"));
    private final LongProperty revision = new SimpleLongProperty();
    private final LongProperty mediaRevision = new SimpleLongProperty();
    private final BooleanProperty dirty = new SimpleBooleanProperty();
    private final BooleanProperty readOnly = new SimpleBooleanProperty();
    private final BooleanProperty canUndo = new SimpleBooleanProperty();
    private final BooleanProperty canRedo = new SimpleBooleanProperty();
    private final StringProperty undoLabel = new SimpleStringProperty("Undo");
    private final StringProperty redoLabel = new SimpleStringProperty("Redo");
    private final StringProperty banner = new SimpleStringProperty("");
    private final StringProperty status = new SimpleStringProperty("");
    private final StringProperty selectedShot = new SimpleStringProperty("");
    private final StringProperty deviceUsed = new SimpleStringProperty("");
    private final StringProperty projectName = new SimpleStringProperty("");
    private final ObservableList<PackInfo> packs = FXCollections.observableArrayList();
    private final ObservableMap<String, String> shotNotes = FXCollections.observableHashMap();
    private final QueueViewModel queue;
    private final Map<String, Frames> frameCache = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Frames> e) {
            return size() > 256;
        }
    });
    private final Set<String> decoding = ConcurrentHashMap.newKeySet();
    /** Takes whose file could not be read (missing, damaged), until media is relinked or another project opens. */
    private final Set<String> unreadable = ConcurrentHashMap.newKeySet();
    /** Jobs interrupted when Kinora last stopped that are queued again; the banner's note about them goes when they are done. */
    private final Set<String> resumedJobs = new HashSet<>();
    private String resumedNote = "";
    private String missingNote = "";
    private Runnable unlisten = () -> { };
    private final ScratchProjects scratch;
    /** The session closeCurrent() last closed: closing twice (a quit after a failed open) does nothing. */
    private ProjectSession closed;
    /** close() ran: a second call (tests, the stage's hide after a quit) does nothing. */
    private boolean shutDown;
    /** Where a Save As in flight puts the project; null when none is. FX thread. */
    private Path savingAs;
    /** The save asked for last, to tell whether leaving after it is safe. FX thread. */
    private CompletableFuture<?> lastSave = CompletableFuture.completedFuture(null);
    /** Where the saves of projects this studio starts run; null: each session's own save thread. Tests hold them back. */
    private Executor newProjectSaves;

    public StudioModel(StudioEngine engine, UiTaskExecutor exec, StudioPrefs prefs, Path userData) {
        this.engine = engine;
        this.exec = exec;
        this.prefs = prefs;
        this.userData = userData;
        this.recents = new RecentProjects(userData.resolve("recent.json"), Clock.systemUTC());
        this.scratch = new ScratchProjects(userData);
        this.render = new RenderService(engine);
        this.queue = new QueueViewModel(render);
        render.addListener(this::heard);
        packs.setAll(engine.packs());
        refreshDevice();
    }

    /** Command-stack listeners may fire on any thread (the render worker, autosave, recovery); the mirror runs on the FX thread. */
    private void changed() {
        fx(this::mirror);
    }

    private static void fx(Runnable r) {
        if (Platform.isFxApplicationThread()) {
            r.run();
        } else {
            Platform.runLater(r);
        }
    }

    /** Shows the document's state again after a save made outside {@link #save} (the demo's): the stack does not announce it. */
    void refresh() {
        mirror();
    }

    private void mirror() {
        ProjectSession s = session.get();
        if (s == null) {
            return;
        }
        var stack = s.stack();
        Project p = stack.current();
        if (p.shot(selectedShot.get()).isEmpty()) {
            selectedShot.set(p.shots().isEmpty() ? "" : p.shots().get(0).id());
        }
        doc.set(p);
        dirty.set(stack.isDirty());
        readOnly.set(s.readOnly());
        canUndo.set(!s.readOnly() && stack.canUndo());
        canRedo.set(!s.readOnly() && stack.canRedo());
        undoLabel.set(stack.undoName().map(l -> "Undo " + l).orElse("Undo"));
        redoLabel.set(stack.redoName().map(l -> "Redo " + l).orElse("Redo"));
        projectName.set(s.store().dir().getFileName().toString().replaceFirst("\\.kinora$", ""));
        shotNotes.keySet().retainAll(p.shots().stream().map(Shot::id).toList());
        revision.set(revision.get() + 1);
    }

    // --- projects -------------------------------------------------------------------------------

    /** Project-wide defaults follow the pack, so a Tiny World project is 64×64 at 8 fps, not 832×480. */
    private ProjectSettings settingsFor(Optional<PackInfo> p) {
        return p.filter(PackInfo::usable)
                .map(x -> new ProjectSettings(x.id(), x.width(), x.height(), x.fps()))
                .orElse(new ProjectSettings("tinyworld", 64, 64, 8));
    }

    /** {@link #newUntitled(Consumer)}, telling a failure to write it on the status bar only (at startup there is no window yet). */
    public CompletableFuture<Path> newUntitled() throws IOException {
        return newUntitled(e -> { });
    }

    /**
     * A new untitled project, in the one reused scratch folder (see {@link ScratchProjects}). The window
     * has already asked about unsaved work in the current project. An untitled project that stopped
     * unsaved (a crash) is reopened instead, so its edits come back. The new project shows at once;
     * the folder is emptied and written on its save thread ({@link #startNew}), and {@code onError}
     * hears there, on the FX thread, if that fails. The future completes on the FX thread when the
     * project is written and its render queue attached (at once for a reopened one).
     */
    public CompletableFuture<Path> newUntitled(Consumer<Throwable> onError) throws IOException {
        ProjectSession old = session.get();
        Optional<Path> current = old == null ? Optional.empty() : Optional.of(old.store().dir());
        Path slot = scratch.freeSlot(current);
        if (current.map(slot::equals).orElse(false)) {
            closeCurrent(); // New on the untitled project itself: it is emptied for the new one
        } else if (ScratchProjects.hasJournal(slot)) {
            open(slot);
            return CompletableFuture.completedFuture(slot);
        }
        ProjectSettings ps = settingsFor(pack(PackRegistryDefault.ID));
        // A fresh project starts with one empty card so the artist can type at once.
        Shot first = Shot.create("", ps).withDuration(defaultSeconds(ps));
        CompletableFuture<Path> ready = startNew(slot, Project.empty("Untitled").withSettings(ps).withShots(List.of(first)),
                () -> scratch.wipe(slot), onError);
        session.get().inSaveOrder(() -> scratch.sweep(Optional.of(slot))); // litter older builds left; off the FX thread too
        return ready;
    }

    /**
     * Shows a new project at once and writes it in the background: its first save, on the session's
     * save thread, runs {@code prepare}, makes the folder and writes the document; the FX thread only
     * asks. The render queue is attached once the folder is there (a job's files need it). The status
     * bar says how it went, and {@code onError} hears a failure on the FX thread. The future completes
     * there, after that: with the folder, or with why it could not be made.
     */
    private CompletableFuture<Path> startNew(Path dir, Project content, ProjectSession.Preparation prepare,
                                    Consumer<Throwable> onError) throws IOException {
        ProjectSession s = ProjectSession.createUnsaved(dir, content, prepare, Clock.systemUTC(), recents);
        if (newProjectSaves != null) {
            s.saveOn(newProjectSaves);
        }
        attach(s); // closes the current project first, so a folder it used is free before the save empties it
        status.set("Creating " + s.store().dir() + "…");
        CompletableFuture<Path> written = s.saveInBackground();
        lastSave = written;
        if (scratch.isScratch(s.store().dir())) {
            s.inSaveOrder(() -> {
                recents.remove(s.store().dir()); // making the folder listed it; untitled projects are not "recent"
                return null;
            });
        }
        CompletableFuture<Path> ready = new CompletableFuture<>();
        written.whenComplete((d, e) -> Platform.runLater(() -> {
            if (!shutDown && session.get() == s) { // else another project took over; closing this one waited for its save
                if (e != null) {
                    failed("Could not create the project", e, onError);
                } else {
                    render.attach(s);
                    status.set("New project in " + d);
                }
                mirror();
            }
            if (e != null) {
                ready.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            } else {
                ready.complete(d);
            }
        }));
        return ready;
    }

    /** Where the first save (and every later one) of projects started from now on runs; null for their own save thread. */
    void newProjectSavesOn(Executor executor) {
        newProjectSaves = executor;
    }

    /** Whether the open project is untitled (in the scratch folder): Save asks where to put it. */
    public boolean isUntitled() {
        ProjectSession s = session.get();
        // A Save As in flight has already said where the project goes: a Save now follows it there.
        return s != null && scratch.isScratch(savingAs != null ? savingAs : s.store().dir());
    }

    public ScratchProjects scratch() {
        return scratch;
    }

    static double defaultSeconds(ProjectSettings ps) {
        return 16 / ps.fps();
    }

    public void open(Path dir) throws IOException {
        attach(ProjectSession.open(dir, Clock.systemUTC(), recents));
    }

    /**
     * A project in {@code dir} from a prepared document (the demo), shown at once and written by its
     * first save on its save thread, after {@code prepare}, as {@link #newUntitled(Consumer)} does;
     * the future is the same too.
     */
    public CompletableFuture<Path> create(Path dir, Project content, ProjectSession.Preparation prepare,
                                          Consumer<Throwable> onError) throws IOException {
        return startNew(dir, content, prepare, onError);
    }

    /** Stops the open project (queue, autosave, lock) once, before another one takes over. */
    private void closeCurrent() throws IOException {
        ProjectSession old = session.get();
        unlisten.run();
        unlisten = () -> { };
        if (old != null && old != closed) {
            closed = old;
            render.detach(); // cancels a job still running for the old project
            old.close();
        }
    }

    private void attach(ProjectSession s) throws IOException {
        closeCurrent();
        frameCache.clear();
        unreadable.clear();
        shotNotes.clear();
        if (scratch.isScratch(s.store().dir()) && s.onDisk()) { // a new one: startNew, after the save that lists it
            Path dir = s.store().dir();
            s.inSaveOrder(() -> {
                recents.remove(dir); // untitled projects are not "recent projects" to open by name
                return null;
            });
        }
        Instant now = Instant.now();
        List<String> notes = new ArrayList<>();
        if (!s.openMessage().isEmpty()) {
            notes.add(s.openMessage());
        }
        RenderQueue q = s.queue();
        if (!q.loadProblem().isEmpty()) {
            notes.add(q.loadProblem());
        }
        // Unsaved edits in the journal (a crash or a kill): recover them, unsaved, and say so.
        Optional<dev.kinora.project.RecoveryInfo> rec = s.readOnly() ? Optional.empty() : s.recovery();
        if (rec.isPresent()) {
            s.recover();
            notes.add("Recovered unsaved changes made " + HumanTime.ago(rec.get().journalWritten(), now)
                    + " (Kinora stopped before they were saved). Save to keep them, or close without saving to drop them.");
        }
        session.set(s);
        resumedJobs.clear();
        resumedNote = interruptedNote(q.interruptedAtLoad(), s.project(), now);
        if (!resumedNote.isEmpty()) {
            notes.add(resumedNote);
        }
        String parked = parkedNote(q.interruptedAtLoad(), s.project());
        if (!parked.isEmpty()) {
            notes.add(parked);
        }
        unlisten = s.stack().addListener(p -> changed());
        if (!s.readOnly()) {
            s.startAutosave();
        }
        if (s.onDisk()) { // a new project's jobs wait for its folder (startNew)
            render.attach(s); // after recovery: queued jobs render against the recovered document
        }
        // A new project's document names no files yet; its folder may still hold an earlier project's.
        List<Path> missing = s.onDisk() ? s.missingMedia() : List.of();
        missingNote = missing.isEmpty() ? "" : missing.size() + " media file(s) are missing, e.g. " + missing.get(0)
                + ". Use File → Relink Missing Media… to find them.";
        if (!missingNote.isEmpty() && notes.isEmpty()) {
            notes.add(missingNote);
        }
        banner.set(String.join("\n", notes));
        selectedShot.set("");
        prefs.setLastProject(s.store().dir());
        status.set("Opened " + s.store().dir());
        mirror();
    }

    /** What the banner says about renders Kinora stopped under, in human time; remembers which jobs it is about. */
    private String interruptedNote(List<QueuedJob> interrupted, Project p, Instant now) {
        List<QueuedJob> resumed = interrupted.stream().filter(j -> j.state() == JobState.QUEUED).toList();
        if (resumed.isEmpty()) {
            return "";
        }
        resumed.forEach(j -> resumedJobs.add(j.id()));
        Instant latest = resumed.stream().map(QueuedJob::started).max(Instant::compareTo).orElse(Instant.EPOCH);
        String when = latest.equals(Instant.EPOCH) ? "" : " (started " + HumanTime.ago(latest, now) + ")";
        if (resumed.size() == 1) {
            return "The render of " + shotName(p, resumed.get(0).shotId()) + when
                    + " was interrupted when Kinora stopped; it is rendering again.";
        }
        return resumed.size() + " renders were interrupted when Kinora stopped" + when + "; they are rendering again.";
    }

    private String parkedNote(List<QueuedJob> interrupted, Project p) {
        List<QueuedJob> parked = interrupted.stream().filter(j -> j.state() == JobState.FAILED).toList();
        for (QueuedJob j : parked) {
            shotNotes.put(j.shotId(), RenderQueue.CRASH_LOOP + ": parked; Retry in the render queue runs it again");
        }
        if (parked.isEmpty()) {
            return "";
        }
        String which = parked.size() == 1 ? "The render of " + shotName(p, parked.get(0).shotId()) + " was"
                : parked.size() + " renders were";
        return which + " " + RenderQueue.CRASH_LOOP + ", so it is parked as failed instead of starting again;"
                + " Retry in the render queue runs it when you are ready.";
    }

    private static String shotName(Project p, String shotId) {
        int i = p.indexOf(shotId);
        return i < 0 ? "a deleted shot" : "shot " + (i + 1);
    }

    /**
     * Saves the document as it is now; returns at once. The file is written on the session's save
     * thread, after any save still in flight; the status bar says "Saving…", then where it went or
     * why it failed, and {@code onError} hears a failure on the FX thread (the window shows it).
     */
    public void save(Consumer<Throwable> onError) {
        ProjectSession s = session.get();
        if (s == null || s.readOnly()) {
            return;
        }
        status.set("Saving…");
        boolean makesFolder = !s.onDisk(); // the first save of a new project failed: this one tries again
        whenSaved(s.saveInBackground(), null, dir -> {
            if (session.get() != s) {
                return; // another project took the window meanwhile (File ▸ New): its status stands, not this save's
            }
            if (makesFolder) {
                render.attach(s);
            }
            status.set("Saved " + dir);
        }, "Save failed", onError);
    }

    /**
     * Saves under {@code target} (".kinora" added) and continues there; returns at once, like
     * {@link #save}. The first save of an untitled project moves its render queue along, and its
     * scratch folder goes once the copy is written.
     */
    public void saveAs(Path target, Consumer<Throwable> onError) {
        ProjectSession s = session.get();
        if (s == null) {
            return;
        }
        Path dir = target.getFileName().toString().endsWith(ProjectStore.EXTENSION) ? target
                : target.resolveSibling(target.getFileName() + ProjectStore.EXTENSION);
        Path before = s.store().dir();
        status.set("Saving as " + dir + "…");
        savingAs = dir;
        if (s.readOnly()) {
            // A read-only project (newer format, locked) is copied, media and all, into a new writable
            // one on its save thread, which replaces it here once written.
            CompletableFuture<ProjectSession> copy = s.copyInBackground(dir);
            lastSave = copy;
            copy.whenComplete((c, e) -> Platform.runLater(() -> {
                if (dir.equals(savingAs)) {
                    savingAs = null;
                }
                if (e != null) {
                    failed("Save As failed", e, onError);
                    return;
                }
                if (shutDown) { // the window closed meanwhile: the copy is on disk, nobody edits it here
                    closeQuietly(c);
                    return;
                }
                try {
                    attach(c);
                    dropScratch(before);
                    status.set("Saved as " + c.store().dir());
                } catch (IOException ex) {
                    failed("Save As failed", ex, onError);
                }
            }));
            return;
        }
        // The first save of an untitled project moves its queue along (the scratch folder goes): the
        // session writes the queue file and stops writing it before copying it; a job running for the
        // scratch folder is then stopped and runs again, once, from the moved queue, where it stands interrupted.
        boolean move = scratch.isScratch(before);
        CompletableFuture<Path> saved = s.saveAsInBackground(dir, move).whenComplete((d, e) -> {
            // On the save thread as soon as the session has moved, so no job is queued into the old queue meanwhile.
            if (e != null) {
                return;
            }
            if (move) {
                render.detach();
            }
            render.attach(s); // the copy's queue; a running job of a named project carries on
            if (scratch.isScratch(before) && !before.equals(d)) {
                try {
                    scratch.wipe(before); // saved under a name, the untitled project lives there now
                } catch (IOException ex) {
                    LOG.debug("could not remove the scratch folder {}: {}", before, ex.getMessage());
                }
            }
        });
        whenSaved(saved, dir, d -> {
            prefs.setLastProject(d);
            status.set("Saved as " + d);
        }, "Save As failed", onError);
    }

    /** The outcome of a save on the FX thread, in the order the saves end (which is the order they were asked for). */
    private void whenSaved(CompletableFuture<Path> f, Path savingTo, Consumer<Path> done, String failure, Consumer<Throwable> onError) {
        lastSave = f;
        f.whenComplete((dir, e) -> Platform.runLater(() -> {
            if (savingTo != null && savingTo.equals(savingAs)) {
                savingAs = null; // a plain save ending meanwhile leaves a later Save As in flight
            }
            if (e != null) {
                failed(failure, e, onError);
            } else {
                done.accept(dir);
            }
            mirror();
        }));
    }

    private void failed(String what, Throwable e, Consumer<Throwable> onError) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        LOG.warn("{}: {}", what, cause.toString());
        status.set(what + ": " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
        if (!shutDown) { // after the window closed there is nobody to show it to; the journal kept the edits
            onError.accept(cause);
        }
    }

    private static void closeQuietly(ProjectSession c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.warn("closing the copy {}: {}", c.store().dir(), e.getMessage());
        }
    }

    /**
     * Waits (on the FX thread, up to {@link ProjectSession#CLOSE_WAIT}) for the saves in flight, then
     * shows the document's dirtiness as they left it. Before the project is left or the window
     * closes: whether anything is unsaved is known only once they have landed. Returns whether they
     * have all ended and the last one asked for was written.
     */
    public boolean finishSaves() {
        ProjectSession s = session.get();
        if (s == null) {
            return true;
        }
        long start = System.nanoTime();
        // The studio's own stage of the last save ends after the session's (it re-attaches the queue): both.
        boolean done = awaitQuietly(lastSave, ProjectSession.CLOSE_WAIT)
                && s.awaitSaves(ProjectSession.CLOSE_WAIT.minusNanos(System.nanoTime() - start));
        mirror();
        return done && !lastSave.isCompletedExceptionally();
    }

    private static boolean awaitQuietly(CompletableFuture<?> f, Duration max) {
        try {
            f.handle((r, e) -> null).get(Math.max(0, max.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return f.isDone();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** An untitled project saved under a name lives there now: its scratch folder goes (in the background). */
    private void dropScratch(Path dir) {
        if (scratch.isScratch(dir) && !dir.equals(session.get().store().dir())) {
            exec.background(() -> {
                scratch.wipe(dir);
                return dir;
            }, d -> { }, e -> LOG.debug("could not remove the scratch folder {}: {}", dir, e.getMessage()));
        }
    }

    /**
     * Looks for each missing file by name under {@code searchRoot}, on the background thread (a walk
     * of a big folder takes a while); each relink is an undoable step. The status bar says how many.
     */
    public void relink(Path searchRoot) {
        ProjectSession s = session.get();
        if (s == null) {
            return;
        }
        status.set("Looking for missing media under " + searchRoot + "…");
        exec.background(() -> {
            int n = 0;
            List<Path> missing = s.missingMedia();
            try (var walk = Files.walk(searchRoot, 8)) {
                List<Path> files = walk.filter(Files::isRegularFile).toList();
                for (Path m : missing) {
                    for (Path f : files) {
                        if (f.getFileName().equals(m.getFileName())) {
                            s.relink(m, f);
                            n++;
                            break;
                        }
                    }
                }
            }
            return new int[] {n, s.missingMedia().size()};
        }, r -> {
            frameCache.clear();
            unreadable.clear();
            mediaRevision.set(mediaRevision.get() + 1);
            if (r[1] == 0 && !missingNote.isEmpty()) {
                dropFromBanner(missingNote);
                missingNote = "";
            }
            status.set("Relinked " + r[0] + " file(s)" + (r[1] == 0 ? "" : "; " + r[1] + " still missing"));
        }, e -> status.set("Relink failed: " + e.getMessage()));
    }

    private void dropFromBanner(String note) {
        if (note.isEmpty()) {
            return;
        }
        List<String> lines = new ArrayList<>(List.of(banner.get().split("\n")));
        lines.removeIf(l -> l.equals(note) || l.isBlank());
        banner.set(String.join("\n", lines));
    }

    // --- edits ---------------------------------------------------------------------------------

    /** Runs an edit as a command; refused with the reason in a read-only project or when it does not apply. */
    public boolean edit(Command c) {
        ProjectSession s = session.get();
        if (s == null) {
            return false;
        }
        if (s.readOnly()) {
            status.set("This project is read-only: " + c.name() + " was not applied.");
            return false;
        }
        try {
            s.execute(c);
            return true;
        } catch (IllegalArgumentException e) {
            status.set(c.name() + ": " + e.getMessage());
            return false;
        }
    }

    public void undo() {
        ProjectSession s = session.get();
        if (s != null && !s.readOnly()) {
            s.stack().undo();
        }
    }

    public void redo() {
        ProjectSession s = session.get();
        if (s != null && !s.readOnly()) {
            s.stack().redo();
        }
    }

    /** Ends the current run of coalescing edits (typing), so the next edit is its own undo step. */
    public void breakCoalescing() {
        ProjectSession s = session.get();
        if (s != null) {
            s.stack().breakCoalescing();
        }
    }

    public Optional<Shot> selected() {
        return doc().shot(selectedShot.get());
    }

    // --- rendering -----------------------------------------------------------------------------

    /**
     * Queues a job for a shot, or says on the status bar and on the shot's card why it was refused
     * (an empty prompt, a mode without its sources, a number out of range), before any work.
     */
    public Submission submit(String shotId, JobSpec spec) {
        ProjectSession s = session.get();
        Submission sub = s != null && !s.onDisk()
                ? new Submission.Refused("the project's folder is not written yet (see the status bar)")
                : render.submit(shotId, spec);
        if (sub instanceof Submission.Refused r) {
            status.set(capitalised(shotName(doc(), shotId)) + " was not queued: " + r.reason());
            shotNotes.put(shotId, r.reason());
        } else {
            shotNotes.remove(shotId);
        }
        return sub;
    }

    /** Render events, from the service's threads. */
    private void heard(RenderEvent e) {
        if (e instanceof RenderEvent.JobEnded end) {
            fx(() -> ended(end));
        } else if (e instanceof RenderEvent.DeviceReady d) {
            fx(() -> deviceUsed.set(DeviceText.of(d.report())));
        } else if (e instanceof RenderEvent.DeviceUnavailable d) {
            fx(() -> deviceUsed.set(DeviceText.unavailable(d.requested(), d.reason())));
        }
    }

    private void ended(RenderEvent.JobEnded end) {
        switch (end.state()) {
            case FAILED -> {
                status.set(capitalised(shotName(doc(), end.shotId())) + " could not be rendered: " + end.message());
                shotNotes.put(end.shotId(), "render failed: " + end.message());
            }
            case DONE -> shotNotes.remove(end.shotId());
            default -> { }
        }
        if (resumedJobs.remove(end.jobId()) && resumedJobs.isEmpty()) {
            dropFromBanner(resumedNote);
            resumedNote = "";
        }
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Jobs run on {@code d} from the next one; a running job finishes where it is. Never waits. */
    public void setDevice(Device d) {
        render.setDevice(d);
        if (render.runningJob().isPresent()) {
            deviceUsed.set(DeviceText.pending(deviceUsed.get(), d));
        }
    }

    public void refreshDevice() {
        render.refreshDevice();
    }

    // --- media ---------------------------------------------------------------------------------

    public Path resolve(String reference) {
        return session.get().store().resolve(reference);
    }

    /**
     * The frames of a take, decoded once and cached; empty when its file is missing or unreadable.
     * Decodes on the calling thread: panels use {@link #cachedFrames} and {@link #loadFrames}.
     */
    public Optional<Frames> frames(Take t) {
        ProjectSession s = session.get();
        return s == null ? Optional.empty() : decode(s.store(), t);
    }

    private Optional<Frames> decode(ProjectStore store, Take t) {
        Frames cached = frameCache.get(t.media());
        if (cached != null) {
            return Optional.of(cached);
        }
        try {
            Frames fr = FilmStrip.read(store.resolve(t.media()), t.height(), t.fps());
            frameCache.put(t.media(), fr);
            return Optional.of(fr);
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read take {}: {}", t.media(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The take's frames if they are decoded already; never touches the disk. */
    public Optional<Frames> cachedFrames(Take t) {
        return Optional.ofNullable(frameCache.get(t.media()));
    }

    /**
     * Decodes a take on the background thread and hands the frames to {@code done} on the FX thread
     * (at once when cached). Each decode also bumps {@link #mediaRevisionProperty()}, which the
     * storyboard redraws its thumbnails on.
     */
    public void loadFrames(Take t, Consumer<Optional<Frames>> done) {
        Optional<Frames> cached = cachedFrames(t);
        ProjectSession s = session.get();
        if (cached.isPresent() || s == null) {
            done.accept(cached);
            return;
        }
        ProjectStore store = s.store();
        exec.background(() -> decode(store, t), f -> {
            if (f.isEmpty()) {
                unreadable.add(t.media());
            }
            mediaRevision.set(mediaRevision.get() + 1);
            done.accept(f);
        }, e -> {
            unreadable.add(t.media());
            done.accept(Optional.empty());
        });
    }

    /** Asks for a take's frames for a thumbnail: nothing happens when cached or already on its way. */
    public void prefetch(Take t) {
        if (frameCache.containsKey(t.media()) || unreadable.contains(t.media()) || !decoding.add(t.media())) {
            return;
        }
        loadFrames(t, f -> decoding.remove(t.media()));
    }

    /** Whether a take's file was found missing or unreadable (its card says so instead of waiting for it). */
    public boolean unreadable(Take t) {
        return unreadable.contains(t.media());
    }

    /** The storyboard as one clip ({@link Reel}), built on the background thread; {@code done} runs on the FX thread. */
    public void buildReel(Consumer<Optional<Frames>> done) {
        ProjectSession s = session.get();
        if (s == null) {
            done.accept(Optional.empty());
            return;
        }
        Project p = doc();
        ProjectStore store = s.store();
        exec.background(() -> Reel.build(p, t -> decode(store, t)), done, e -> {
            status.set("The reel could not be built: " + e.getMessage());
            done.accept(Optional.empty());
        });
    }

    /** The take a project file reference belongs to, when it is one. */
    public Optional<Take> takeByMedia(String reference) {
        return SourceLoader.takeByMedia(doc(), reference);
    }

    public Optional<PackInfo> pack(String id) {
        return packs.stream().filter(p -> p.id().equals(id) && p.usable()).findFirst()
                .or(() -> packs.stream().filter(PackInfo::usable).findFirst());
    }

    public List<RecentProjects.Entry> recentProjects() {
        return recents.list().stream().filter(RecentProjects.Entry::exists)
                .filter(e -> !scratch.isScratch(e.dir())).toList();
    }

    // --- accessors -----------------------------------------------------------------------------

    public StudioEngine engine() {
        return engine;
    }

    public RenderService render() {
        return render;
    }

    public UiTaskExecutor exec() {
        return exec;
    }

    public StudioPrefs prefs() {
        return prefs;
    }

    public Path userData() {
        return userData;
    }

    public ProjectSession session() {
        return session.get();
    }

    public ObjectProperty<ProjectSession> sessionProperty() {
        return session;
    }

    public QueueViewModel queue() {
        return queue;
    }

    /** The document as of the last revision (see the class comment). */
    public Project doc() {
        return doc.get();
    }

    public ObjectProperty<Project> docProperty() {
        return doc;
    }

    public LongProperty revisionProperty() {
        return revision;
    }

    /** Bumped when takes finish decoding or media is relinked: thumbnails may have changed. */
    public LongProperty mediaRevisionProperty() {
        return mediaRevision;
    }

    public BooleanProperty dirtyProperty() {
        return dirty;
    }

    public BooleanProperty readOnlyProperty() {
        return readOnly;
    }

    public BooleanProperty canUndoProperty() {
        return canUndo;
    }

    public BooleanProperty canRedoProperty() {
        return canRedo;
    }

    public StringProperty undoLabelProperty() {
        return undoLabel;
    }

    public StringProperty redoLabelProperty() {
        return redoLabel;
    }

    public StringProperty bannerProperty() {
        return banner;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public StringProperty selectedShotProperty() {
        return selectedShot;
    }

    public StringProperty deviceUsedProperty() {
        return deviceUsed;
    }

    public StringProperty projectNameProperty() {
        return projectName;
    }

    public ObservableList<PackInfo> packs() {
        return packs;
    }

    /** Per shot, why its last job was refused or failed, for its card; cleared when a job for it is queued or done. */
    public ObservableMap<String, String> shotNotes() {
        return shotNotes;
    }

    /** Closes the project: the journal stays when there are unsaved edits, so the next start offers them. */
    @Override
    public void close() {
        if (shutDown) {
            return;
        }
        shutDown = true;
        unlisten.run();
        render.close(); // cancels a running job, lets the queue's last write land, closes the engine
        ProjectSession s = session.get();
        if (s != null && s != closed) {
            closed = s;
            try {
                s.close(); // waits for a save in flight
            } catch (IOException e) {
                LOG.warn("closing the project: {}", e.getMessage());
            }
            // A Save As that landed while closing moved the project; its FX callback may never run now.
            if (!s.store().dir().toString().equals(prefs.lastProject())) {
                prefs.setLastProject(s.store().dir());
            }
        }
        exec.close();
        prefs.flush(); // the settings are written in the background; a clean exit waits (bounded) for them
    }

    /** The default pack's id, in one place. */
    static final class PackRegistryDefault {
        static final String ID = dev.kinora.engine.pack.PackRegistry.DEFAULT_PACK;
    }
}
