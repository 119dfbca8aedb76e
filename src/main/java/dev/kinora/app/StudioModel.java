package dev.kinora.app;

import dev.kinora.app.engine.PackInfo;
import dev.kinora.app.engine.StudioEngine;
import dev.kinora.app.model.TakeMedia;
import dev.kinora.app.queue.QueueViewModel;
import dev.kinora.engine.Frames;
import dev.kinora.project.Command;
import dev.kinora.project.Project;
import dev.kinora.project.ProjectSession;
import dev.kinora.project.ProjectSettings;
import dev.kinora.project.ProjectStore;
import dev.kinora.project.RecentProjects;
import dev.kinora.project.Shot;
import dev.kinora.project.Take;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The studio session every panel shares: the open {@link ProjectSession} (document, command stack,
 * autosave journal, render queue), the engine and the executor. The command stack's revision is
 * mirrored into one FX property, the only signal panels refresh on.
 */
public final class StudioModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StudioModel.class);

    private final StudioEngine engine;
    private final UiTaskExecutor exec;
    private final StudioPrefs prefs;
    private final Path userData;
    private final RecentProjects recents;
    private final ObjectProperty<ProjectSession> session = new SimpleObjectProperty<>();
    private final ObjectProperty<Project> doc = new SimpleObjectProperty<>(Project.empty("Untitled"));
    private final LongProperty revision = new SimpleLongProperty();
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
    private final QueueViewModel queue;
    private final Map<String, Frames> frameCache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Frames> e) {
            return size() > 256;
        }
    };
    private Runnable unlisten = () -> { };
    private final ScratchProjects scratch;
    private ProjectSession closed;
    private boolean shutDown;

    public StudioModel(StudioEngine engine, UiTaskExecutor exec, StudioPrefs prefs, Path userData) {
        this.engine = engine;
        this.exec = exec;
        this.prefs = prefs;
        this.userData = userData;
        this.recents = new RecentProjects(userData.resolve("recent.json"), Clock.systemUTC());
        this.scratch = new ScratchProjects(userData);
        this.queue = new QueueViewModel(this);
        packs.setAll(engine.packs());
        refreshDevice();
    }

    /** Command-stack listeners may fire on any thread (autosave, recovery); the mirror runs on the FX thread. */
    private void changed() {
        if (Platform.isFxApplicationThread()) {
            mirror();
        } else {
            Platform.runLater(this::mirror);
        }
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
        revision.set(revision.get() + 1);
    }

    // --- projects -------------------------------------------------------------------------------

    /** Project-wide defaults follow the pack, so a Tiny World project is 64×64 at 8 fps, not 832×480. */
    private ProjectSettings settingsFor(Optional<PackInfo> p) {
        return p.filter(PackInfo::usable)
                .map(x -> new ProjectSettings(x.id(), x.width(), x.height(), x.fps()))
                .orElse(new ProjectSettings("tinyworld", 64, 64, 8));
    }

    /**
     * A new untitled project, in the one reused scratch folder (see {@link ScratchProjects}). The window
     * has already asked about unsaved work in the current project. An untitled project that stopped
     * unsaved (a crash) is reopened instead, so its edits come back.
     */
    public void newUntitled() throws IOException {
        ProjectSession old = session.get();
        Optional<Path> current = old == null ? Optional.empty() : Optional.of(old.store().dir());
        Path slot = scratch.freeSlot(current);
        if (current.map(slot::equals).orElse(false)) {
            closeCurrent(); // New on the untitled project itself: it is emptied for the new one
        } else if (ScratchProjects.hasJournal(slot)) {
            open(slot);
            return;
        }
        scratch.wipe(slot);
        Files.createDirectories(slot.getParent());
        ProjectSession s = ProjectSession.create(slot, "Untitled", Clock.systemUTC(), recents);
        ProjectSettings ps = settingsFor(pack(PackRegistryDefault.ID));
        // A fresh project starts with one empty card so the artist can type at once.
        Shot first = Shot.create("", ps);
        s.stack().reset(s.project().withSettings(ps).withShots(List.of(first.withDuration(defaultSeconds(ps)))), false);
        s.save();
        attach(s);
        scratch.sweep(Optional.of(slot));
    }

    /** Whether the open project is untitled (in the scratch folder): Save asks where to put it. */
    public boolean isUntitled() {
        ProjectSession s = session.get();
        return s != null && scratch.isScratch(s.store().dir());
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

    /** Creates a project in {@code dir} from a prepared document (the demo). */
    public void create(Path dir, String name, Project content) throws IOException {
        ProjectSession s = ProjectSession.create(dir, name, Clock.systemUTC(), recents);
        s.stack().reset(content, false);
        s.save();
        attach(s);
    }

    /** Stops the open project (queue, autosave, lock) once, before another one takes over. */
    private void closeCurrent() throws IOException {
        ProjectSession old = session.get();
        unlisten.run();
        unlisten = () -> { };
        if (old != null && old != closed) {
            closed = old;
            queue.detach();
            old.close();
        }
    }

    private void attach(ProjectSession s) throws IOException {
        closeCurrent();
        frameCache.clear();
        if (scratch.isScratch(s.store().dir())) {
            recents.remove(s.store().dir()); // untitled projects are not "recent projects" to open by name
        }
        String msg = s.message();
        // Unsaved edits in the journal (a crash or a kill): recover them, unsaved, and say so.
        Optional<dev.kinora.project.RecoveryInfo> rec = s.readOnly() ? Optional.empty() : s.recovery();
        if (rec.isPresent()) {
            s.recover();
            msg = (msg.isEmpty() ? "" : msg + "\n") + "Recovered unsaved changes from " + rec.get().journalWritten()
                    + " (Kinora stopped before they were saved). Save to keep them, or undo nothing and close without saving to drop them.";
        }
        session.set(s);
        unlisten = s.stack().addListener(p -> changed());
        if (!s.readOnly()) {
            s.startAutosave();
        }
        List<Path> missing = s.missingMedia();
        if (!missing.isEmpty() && msg.isEmpty()) {
            msg = missing.size() + " media file(s) are missing, e.g. " + missing.get(0)
                    + ". Use File → Relink Missing Media… to find them.";
        }
        banner.set(msg);
        selectedShot.set("");
        queue.attach(s);
        prefs.setLastProject(s.store().dir());
        status.set("Opened " + s.store().dir());
        mirror();
    }

    public void save() throws IOException {
        ProjectSession s = session.get();
        if (s == null || s.readOnly()) {
            return;
        }
        s.save();
        status.set("Saved " + s.store().dir());
        mirror();
    }

    public void saveAs(Path target) throws IOException {
        ProjectSession s = session.get();
        Path dir = target.getFileName().toString().endsWith(ProjectStore.EXTENSION) ? target
                : target.resolveSibling(target.getFileName() + ProjectStore.EXTENSION);
        if (s.readOnly()) {
            // A read-only project (newer format, locked) is copied into a new writable one.
            Project p = s.project();
            Path before = s.store().dir();
            create(dir, dir.getFileName().toString().replaceFirst("\\.kinora$", ""), p);
            dropScratch(before);
            return;
        }
        Path before = s.store().dir();
        s.saveAs(dir, scratch.isScratch(before));
        queue.attach(s);
        prefs.setLastProject(dir);
        status.set("Saved as " + dir);
        mirror();
        dropScratch(before);
    }

    /** An untitled project saved under a name lives there now: its scratch folder goes. */
    private void dropScratch(Path dir) {
        if (scratch.isScratch(dir) && !dir.equals(session.get().store().dir())) {
            try {
                scratch.wipe(dir);
            } catch (IOException e) {
                LOG.debug("could not remove the scratch folder {}: {}", dir, e.getMessage());
            }
        }
    }

    /** Looks for each missing file by name under {@code searchRoot}; each relink is an undoable step. */
    public int relink(Path searchRoot) throws IOException {
        ProjectSession s = session.get();
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
        frameCache.clear();
        if (s.missingMedia().isEmpty()) {
            banner.set("");
        }
        mirror();
        return n;
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

    // --- media ---------------------------------------------------------------------------------

    public Path resolve(String reference) {
        return session.get().store().resolve(reference);
    }

    /** The frames of a take, decoded once and cached; empty when its file is missing or unreadable. */
    public Optional<Frames> frames(Take t) {
        ProjectSession s = session.get();
        if (s == null) {
            return Optional.empty();
        }
        Frames cached = frameCache.get(t.media());
        if (cached != null) {
            return Optional.of(cached);
        }
        try {
            Frames fr = TakeMedia.read(s.store().resolve(t.media()), t.height(), t.fps());
            frameCache.put(t.media(), fr);
            return Optional.of(fr);
        } catch (IOException e) {
            LOG.debug("cannot read take {}: {}", t.media(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The take a project file reference belongs to, when it is one. */
    public Optional<Take> takeByMedia(String reference) {
        return doc().shots().stream().flatMap(x -> x.takes().stream()).filter(t -> t.media().equals(reference)).findFirst();
    }

    public Optional<PackInfo> pack(String id) {
        return packs.stream().filter(p -> p.id().equals(id) && p.usable()).findFirst()
                .or(() -> packs.stream().filter(PackInfo::usable).findFirst());
    }

    public void refreshDevice() {
        exec.background(engine::deviceDescription, deviceUsed::set, e -> deviceUsed.set("unavailable: " + e.getMessage()));
    }

    public List<RecentProjects.Entry> recentProjects() {
        return recents.list().stream().filter(RecentProjects.Entry::exists)
                .filter(e -> !scratch.isScratch(e.dir())).toList();
    }

    // --- accessors -----------------------------------------------------------------------------

    public StudioEngine engine() {
        return engine;
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

    public Project doc() {
        ProjectSession s = session.get();
        return s == null ? doc.get() : s.project();
    }

    public ObjectProperty<Project> docProperty() {
        return doc;
    }

    public LongProperty revisionProperty() {
        return revision;
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

    /** Closes the project: the journal stays when there are unsaved edits, so the next start offers them. */
    @Override
    public void close() {
        if (shutDown) {
            return;
        }
        shutDown = true;
        unlisten.run();
        queue.detach();
        ProjectSession s = session.get();
        if (s != null && s != closed) {
            closed = s;
            try {
                s.close();
            } catch (IOException e) {
                LOG.warn("closing the project: {}", e.getMessage());
            }
        }
        exec.close();
        engine.close();
    }

    /** The default pack's id, in one place. */
    static final class PackRegistryDefault {
        static final String ID = dev.kinora.engine.pack.PackRegistry.DEFAULT_PACK;
    }
}
