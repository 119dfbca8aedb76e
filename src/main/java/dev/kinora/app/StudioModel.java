package dev.kinora.app;

import dev.kinora.app.engine.PackInfo;
import dev.kinora.app.engine.StudioEngine;
import dev.kinora.app.model.EditStack;
import dev.kinora.app.model.ProjectFolder;
import dev.kinora.app.model.Shot;
import dev.kinora.app.model.Storyboard;
import dev.kinora.app.model.Take;
import dev.kinora.app.model.TakeMedia;
import dev.kinora.app.queue.QueueViewModel;
import dev.kinora.engine.Frames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The studio session every panel shares: the open project, its edit stack, the engine, the
 * executor and the queue. The document is mirrored into FX properties once per revision, which is
 * the only signal panels refresh on.
 */
public final class StudioModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StudioModel.class);

    private final StudioEngine engine;
    private final UiTaskExecutor exec;
    private final StudioPrefs prefs;
    private final Path userData;
    private final EditStack edits = new EditStack(Storyboard.blank("Untitled"));
    private final ObjectProperty<ProjectFolder> folder = new SimpleObjectProperty<>();
    private final ObjectProperty<Storyboard> doc = new SimpleObjectProperty<>(edits.doc());
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
    private final ObservableList<PackInfo> packs = FXCollections.observableArrayList();
    private final QueueViewModel queue;
    private final Map<String, Frames> frameCache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Frames> e) {
            return size() > 256;
        }
    };
    private final javafx.animation.PauseTransition autosave = new javafx.animation.PauseTransition(javafx.util.Duration.seconds(1.5));

    public StudioModel(StudioEngine engine, UiTaskExecutor exec, StudioPrefs prefs, Path userData) {
        this.engine = engine;
        this.exec = exec;
        this.prefs = prefs;
        this.userData = userData;
        this.queue = new QueueViewModel(this);
        edits.addListener((d, rev) -> mirror());
        autosave.setOnFinished(e -> autosaveNow());
        packs.setAll(engine.packs());
        refreshDevice();
    }

    private void mirror() {
        doc.set(edits.doc());
        revision.set(edits.revision());
        dirty.set(edits.dirty());
        readOnly.set(edits.readOnly());
        canUndo.set(edits.canUndo());
        canRedo.set(edits.canRedo());
        undoLabel.set(edits.undoLabel().map(l -> "Undo " + l).orElse("Undo"));
        redoLabel.set(edits.redoLabel().map(l -> "Redo " + l).orElse("Redo"));
        Storyboard d = edits.doc();
        if (d.shot(selectedShot.get()).isEmpty()) {
            selectedShot.set(d.shots().isEmpty() ? "" : d.shots().get(0).id());
        }
        if (edits.dirty() && !edits.readOnly() && javafx.application.Platform.isFxApplicationThread()) {
            autosave.playFromStart(); // view-model tests edit off the FX thread and save explicitly
        }
    }

    // --- projects -------------------------------------------------------------------------------

    public void newUntitled() throws IOException {
        open(ProjectFolder.untitled(userData));
    }

    public void open(ProjectFolder f) {
        ProjectFolder.Loaded l = f.load();
        folder.set(f);
        frameCache.clear();
        // A recovered autosave is unsaved work: it stays dirty so the artist saves it.
        edits.reset(l.doc(), l.readOnly(), l.recovered());
        banner.set(l.message());
        List<Take> missing = f.missingMedia(l.doc());
        if (!missing.isEmpty() && l.message().isEmpty()) {
            banner.set(missing.size() + " take file(s) are missing from " + f.media()
                    + ". Use File → Relink Media… to find them.");
        }
        queue.load(f);
        prefs.setLastProject(f.dir());
        if (!f.dir().startsWith(userData.resolve("untitled"))) {
            prefs.addRecent(f.dir());
        }
        status.set("Opened " + f.dir());
        mirror();
    }

    public void save() throws IOException {
        ProjectFolder f = folder.get();
        if (f == null || edits.readOnly()) {
            return;
        }
        f.save(edits.doc());
        edits.markSaved();
        status.set("Saved " + f.dir());
    }

    public void saveAs(Path target) throws IOException {
        ProjectFolder f = folder.get();
        Path dir = target.getFileName().toString().endsWith(".kinora") ? target
                : target.resolveSibling(target.getFileName() + ".kinora");
        ProjectFolder copy = f.copyTo(dir, edits.doc());
        folder.set(copy);
        boolean ro = edits.readOnly();
        edits.reset(edits.doc().withTitle(copy.name()), false);
        if (ro) {
            banner.set("");
        }
        queue.load(copy);
        prefs.setLastProject(copy.dir());
        prefs.addRecent(copy.dir());
        status.set("Saved as " + copy.dir());
    }

    private void autosaveNow() {
        ProjectFolder f = folder.get();
        if (f == null || !edits.dirty() || edits.readOnly()) {
            return;
        }
        Storyboard snapshot = edits.doc();
        exec.background(() -> {
            f.autosave(snapshot);
            return null;
        }, v -> status.set("Autosaved"), e -> status.set("Autosave failed: " + e.getMessage()));
    }

    public int relink(Path searchRoot) throws IOException {
        int n = folder.get().relink(edits.doc(), searchRoot);
        frameCache.clear();
        if (folder.get().missingMedia(edits.doc()).isEmpty()) {
            banner.set("");
        }
        revision.set(revision.get() + 1); // repaint thumbnails
        return n;
    }

    // --- edits ---------------------------------------------------------------------------------

    /** Runs an edit as a named command; in a read-only project it is refused with the banner's reason. */
    public boolean edit(String label, java.util.function.UnaryOperator<Storyboard> f) {
        if (!edits.execute(label, f)) {
            status.set("This project is read-only: " + label + " was not applied.");
            return false;
        }
        return true;
    }

    public void undo() {
        edits.undo();
    }

    public void redo() {
        edits.redo();
    }

    public Optional<Shot> selected() {
        return edits.doc().shot(selectedShot.get());
    }

    // --- media ---------------------------------------------------------------------------------

    /** The frames of a take, decoded once and cached; empty when its file is missing or unreadable. */
    public Optional<Frames> frames(Take t) {
        ProjectFolder f = folder.get();
        if (f == null) {
            return Optional.empty();
        }
        Frames cached = frameCache.get(t.file());
        if (cached != null) {
            return Optional.of(cached);
        }
        try {
            Frames fr = TakeMedia.read(f.mediaFile(t), t.height(), t.fps());
            frameCache.put(t.file(), fr);
            return Optional.of(fr);
        } catch (IOException e) {
            LOG.debug("cannot read take {}: {}", t.file(), e.getMessage());
            return Optional.empty();
        }
    }

    public void cacheFrames(Take t, Frames f) {
        frameCache.put(t.file(), f);
    }

    public Optional<PackInfo> pack(String id) {
        return packs.stream().filter(p -> p.id().equals(id)).findFirst()
                .or(() -> packs.stream().filter(PackInfo::usable).findFirst());
    }

    public void refreshPacks() {
        exec.background(engine::packs, packs::setAll, e -> status.set("Cannot list model packs: " + e.getMessage()));
    }

    public void refreshDevice() {
        exec.background(engine::deviceDescription, deviceUsed::set, e -> deviceUsed.set("unavailable: " + e.getMessage()));
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

    public EditStack edits() {
        return edits;
    }

    public QueueViewModel queue() {
        return queue;
    }

    public ObjectProperty<ProjectFolder> folderProperty() {
        return folder;
    }

    public ObjectProperty<Storyboard> docProperty() {
        return doc;
    }

    public Storyboard doc() {
        return edits.doc();
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

    public ObservableList<PackInfo> packs() {
        return packs;
    }

    @Override
    public void close() {
        autosave.stop();
        ProjectFolder f = folder.get();
        if (f != null && edits.dirty() && !edits.readOnly()) {
            try {
                f.autosave(edits.doc()); // synchronously: the executor is about to stop
            } catch (IOException e) {
                LOG.warn("final autosave failed: {}", e.getMessage());
            }
        }
        queue.persist();
        exec.close();
        engine.close();
    }
}
