package dev.kinora.app;

import dev.kinora.app.export.ReelExporter;
import dev.kinora.media.MediaIO;
import dev.kinora.media.OutputFormat;
import dev.kinora.project.Continuity;
import dev.kinora.project.ProjectStore;
import dev.kinora.project.Shot;
import dev.kinora.project.Take;
import dev.kinora.app.packs.ModelManagerView;
import dev.kinora.app.player.PlayerView;
import dev.kinora.app.player.PlayerViewModel;
import dev.kinora.app.prompt.PromptView;
import dev.kinora.app.prompt.PromptViewModel;
import dev.kinora.app.queue.QueueView;
import dev.kinora.app.timeline.TimelineView;
import dev.kinora.app.timeline.TimelineViewModel;
import dev.kinora.engine.Frames;
import dev.kinora.engine.pack.Mode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.animation.PauseTransition;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.ToolBar;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.Duration;

/**
 * The studio window: prompt editor (left), player (centre), storyboard (bottom), render queue
 * (right, collapsible). Wires the panels to each other and owns menus and keyboard shortcuts.
 */
public final class MainWindow extends BorderPane {
    private final StudioModel studio;
    private final PromptViewModel promptVm;
    private final TimelineViewModel timelineVm;
    private final PlayerViewModel playerVm = new PlayerViewModel();
    private final PromptView promptView;
    private final PlayerView playerView;
    private final TimelineView timelineView;
    private final QueueView queueView;
    private final SplitPane outer = new SplitPane();
    private final SplitPane vertical = new SplitPane();
    private final SplitPane top = new SplitPane();
    private final ToggleButton queueToggle;
    private final PauseTransition saveLayout = new PauseTransition(Duration.millis(500));
    /** The take the player shows or is loading ("" for none or the reel), so revisions reload only on change. */
    private String shownTake = "";
    /** Bumped by every request to the player; a decode that finishes after a newer request is dropped. */
    private long playerRequest;
    private boolean reelBuilding;
    /** Space is down: its auto-repeat must not toggle playback on and off. */
    private boolean spaceHeld;
    /** The queue's header (title and five actions) whole; below this the divider stops. */
    private static final double QUEUE_MIN_WIDTH = 240;
    private boolean layoutSettled;
    private Runnable onResetWindow = () -> { };
    private Theme theme;

    public MainWindow(StudioModel studio) {
        this.studio = studio;
        this.theme = studio.prefs().theme();
        this.promptVm = new PromptViewModel(studio);
        this.timelineVm = new TimelineViewModel(studio);
        this.promptView = new PromptView(promptVm, this::generate);
        this.playerView = new PlayerView(playerVm);
        this.timelineView = new TimelineView(timelineVm);
        this.queueView = new QueueView(studio.queue());
        getStyleClass().add("studio");
        setId("studio");

        top.getItems().addAll(promptView, playerView);
        top.setOrientation(Orientation.HORIZONTAL);
        vertical.setOrientation(Orientation.VERTICAL);
        vertical.getItems().addAll(top, timelineView);
        outer.getItems().addAll(vertical, queueView);
        SplitPane.setResizableWithParent(promptView, false);
        SplitPane.setResizableWithParent(queueView, false);
        SplitPane.setResizableWithParent(timelineView, false);
        promptView.setMinWidth(300);
        // The storyboard's own minimum is a whole card under its header (TimelineView): the panels above give way.

        // The queue may not be squeezed to nothing by the divider; 0 px with its toggle on looks like a lost panel.
        queueView.setMinWidth(QUEUE_MIN_WIDTH);

        PanelLayout layout = PanelLayout.load(studio.prefs());
        queueToggle = Icons.decorate(new ToggleButton(), "mdi2t-tray-full", "Show or hide the render queue", "Ctrl+Shift+Q");
        queueToggle.getStyleClass().add("icon-button");
        queueToggle.setSelected(layout.queueVisible());
        queueToggle.selectedProperty().addListener((o, a, b) -> showQueue(b));
        VBox head = new VBox(menuBar(), toolBar(), banner());
        setTop(head);
        setCenter(outer);
        setBottom(statusBar());
        showQueue(queueToggle.isSelected());
        restoreLayout(layout);
        wire();
        timelineVm.fitZoomToShots();
        studio.sessionProperty().addListener(o -> timelineVm.fitZoomToShots());
    }

    // --- layout --------------------------------------------------------------------------------

    private void restoreLayout(PanelLayout layout) {
        applyDividers(layout);
        saveLayout.setOnFinished(e -> storeLayout());
        for (SplitPane sp : new SplitPane[] {top, vertical, outer}) {
            sp.getDividers().addListener((javafx.collections.ListChangeListener<SplitPane.Divider>) c -> listenDividers(sp));
            listenDividers(sp);
        }
        // Dividers are fractions, but panels that do not resize with the window keep their pixels: a
        // first layout pass in a window that has not reached its size yet (a window manager applies it
        // late, in steps) would pin the queue at a few pixels and shift every divider. So the stored
        // fractions are applied again on each resize until the window has been big enough for a
        // moment, and nothing is remembered before that.
        PauseTransition settled = new PauseTransition(Duration.millis(1500));
        javafx.beans.InvalidationListener settle = new javafx.beans.InvalidationListener() {
            @Override
            public void invalidated(javafx.beans.Observable o) {
                if (PanelLayout.saneWindow(getWidth(), getHeight())) {
                    // after this resize's layout pass: set during it, the split pane would treat the
                    // new fractions as the old ones and resize its fixed panels from there
                    javafx.application.Platform.runLater(() -> applyDividers(layout));
                    layoutSettled = true;
                    settled.playFromStart();
                }
            }
        };
        settled.setOnFinished(e -> {
            widthProperty().removeListener(settle);
            heightProperty().removeListener(settle);
            applyDividers(layout);
        });
        widthProperty().addListener(settle);
        heightProperty().addListener(settle);
    }

    private void applyDividers(PanelLayout l) {
        vertical.setDividerPositions(l.timeline());
        if (outer.getItems().size() > 1) {
            outer.setDividerPositions(l.queue());
        }
        // The prompt | player split sits inside the left part, and the prompt keeps its pixels when
        // that part resizes: lay the outer splits out first, so the prompt's share is of the final width.
        if (getScene() != null) {
            layout();
        }
        top.setDividerPositions(l.prompt());
    }

    private void listenDividers(SplitPane sp) {
        for (SplitPane.Divider d : sp.getDividers()) {
            d.positionProperty().addListener(o -> saveLayout.playFromStart());
        }
    }

    /**
     * Remembers the split positions so the studio reopens as the artist left it; only from a window
     * big enough to show the panels as chosen (a squashed window's layout is not a choice).
     */
    public void storeLayout() {
        if (!layoutSettled || !PanelLayout.saneWindow(getWidth(), getHeight())) {
            return;
        }
        StudioPrefs p = studio.prefs();
        PanelLayout saved = PanelLayout.load(p);
        boolean queueShown = outer.getItems().contains(queueView) && outer.getDividers().size() > 0;
        double queuePos = queueShown && queueView.getWidth() >= QUEUE_MIN_WIDTH - 1 ? outer.getDividerPositions()[0] : saved.queue();
        new PanelLayout(top.getDividerPositions()[0], vertical.getDividerPositions()[0], queuePos, queueToggle.isSelected()).store(p);
        p.save();
    }

    /** View ▸ Reset Layout: the default split, the queue shown, and the window at its default size. */
    public void resetLayout() {
        queueToggle.setSelected(true);
        showQueue(true);
        PanelLayout.DEFAULT.store(studio.prefs());
        onResetWindow.run();
        applyDividers(PanelLayout.DEFAULT);
        // The window manager resizes the window a moment later; the panels follow that resize once.
        javafx.beans.InvalidationListener again = new javafx.beans.InvalidationListener() {
            @Override
            public void invalidated(javafx.beans.Observable o) {
                widthProperty().removeListener(this);
                javafx.application.Platform.runLater(() -> applyDividers(PanelLayout.DEFAULT));
            }
        };
        widthProperty().addListener(again);
        PauseTransition stop = new PauseTransition(Duration.seconds(2));
        stop.setOnFinished(e -> widthProperty().removeListener(again));
        stop.play();
        studio.prefs().save();
        studio.statusProperty().set("Layout reset");
    }

    /** What Reset Layout does to the window itself (the stage belongs to {@link StudioApp}). */
    public void setOnResetWindow(Runnable r) {
        onResetWindow = r == null ? () -> { } : r;
    }

    private void showQueue(boolean show) {
        if (show && !outer.getItems().contains(queueView)) {
            outer.getItems().add(queueView);
            outer.setDividerPositions(PanelLayout.load(studio.prefs()).queue());
            listenDividers(outer);
        } else if (!show) {
            outer.getItems().remove(queueView);
        }
        saveLayout.playFromStart();
    }

    // --- chrome --------------------------------------------------------------------------------

    private MenuBar menuBar() {
        Menu file = new Menu("_File");
        file.getItems().addAll(
                item("New Project", "Ctrl+N", this::newProject),
                item("Open Project…", "Ctrl+O", this::openProject),
                recentMenu(),
                new SeparatorMenuItem(),
                item("Save", "Ctrl+S", this::save),
                item("Save As…", "Ctrl+Shift+S", this::saveAs),
                item("Relink Missing Media…", null, this::relink),
                new SeparatorMenuItem(),
                item("Export Reel…", "Ctrl+E", this::exportReel),
                item("Export Storyboard as OpenTimelineIO…", null, this::exportOtio),
                new SeparatorMenuItem(),
                item("Quit", "Ctrl+Q", () -> ((Stage) getScene().getWindow()).close()));
        Menu edit = new Menu("_Edit");
        MenuItem undo = item("Undo", "Ctrl+Z", this::undo);
        undo.textProperty().bind(studio.undoLabelProperty());
        undo.disableProperty().bind(studio.canUndoProperty().not());
        MenuItem redo = item("Redo", "Ctrl+Shift+Z", this::redo);
        redo.textProperty().bind(studio.redoLabelProperty());
        redo.disableProperty().bind(studio.canRedoProperty().not());
        edit.getItems().addAll(undo, redo);
        Menu story = new Menu("_Storyboard");
        story.getItems().addAll(
                item("Generate", "Ctrl+Enter", this::generate),
                item("Cancel Running Job", "Esc", queueView::cancelSelectedOrRunning),
                new SeparatorMenuItem(),
                item("Add Shot", "Ctrl+T", timelineVm::addShot),
                item("Duplicate Shot", "Ctrl+D", timelineVm::duplicate),
                item("Add Shot from a File…", null, this::addShotFromFile),
                item("Split Shot at Playhead", null, timelineVm::split),
                item("Delete Shot", null, timelineVm::delete),
                new SeparatorMenuItem(),
                item("Use Last Frame of Previous Shot", null, this::useLastFrame),
                item("Append to Previous Shot", null, this::appendToPrevious),
                item("Play Reel", "Ctrl+Space", this::playReel));
        Menu view = new Menu("_View");
        view.getItems().addAll(item("Toggle Render Queue", "Ctrl+Shift+Q", () -> queueToggle.setSelected(!queueToggle.isSelected())),
                item("Zoom Timeline In", null, timelineVm::zoomIn), item("Zoom Timeline Out", null, timelineVm::zoomOut),
                new SeparatorMenuItem(), themeMenu(), item("Reset Layout", null, this::resetLayout));
        Menu tools = new Menu("_Tools");
        tools.getItems().add(item("Model Manager…", null, this::models));
        MenuBar mb = new MenuBar(file, edit, story, view, tools);
        mb.setUseSystemMenuBar(true);
        return mb;
    }

    /** View ▸ Theme: one radio item per theme; the choice is the artist's, kept in the prefs. */
    private Menu themeMenu() {
        Menu menu = new Menu("Theme");
        menu.setId("theme-menu");
        ToggleGroup group = new ToggleGroup();
        for (Theme t : Theme.values()) {
            RadioMenuItem mi = new RadioMenuItem(t.label());
            mi.setId("theme-" + t.id());
            mi.setToggleGroup(group);
            mi.setSelected(t == theme);
            mi.setOnAction(e -> setTheme(t));
            menu.getItems().add(mi);
        }
        return menu;
    }

    /** Switches every open part of the studio to {@code t} and remembers it. */
    public void setTheme(Theme t) {
        theme = t;
        if (getScene() != null) {
            t.applyTo(getScene().getStylesheets());
        }
        studio.prefs().setTheme(t);
        studio.statusProperty().set(t.label() + " theme");
    }

    public Theme theme() {
        return theme;
    }

    private Menu recentMenu() {
        Menu recent = new Menu("Open Recent");
        recent.setOnShowing(e -> {
            recent.getItems().clear();
            for (var r : studio.recentProjects()) {
                recent.getItems().add(item(r.name() + "  —  " + r.dir(), null, () -> openRecent(r.dir())));
            }
            if (recent.getItems().isEmpty()) {
                MenuItem none = new MenuItem("No recent projects");
                none.setDisable(true);
                recent.getItems().add(none);
            }
        });
        recent.getItems().add(new MenuItem("…"));
        return recent;
    }

    /**
     * Accelerators on menu items are for display: {@link #onKey} handles the keys first and consumes
     * them (JavaFX processes accelerators only for unconsumed events), so nothing fires twice and the
     * shortcuts also work while a text box has focus.
     */
    private static MenuItem item(String text, String shortcut, Runnable action) {
        MenuItem mi = new MenuItem(text);
        mi.setOnAction(e -> action.run());
        if (shortcut != null) {
            try {
                mi.setAccelerator(KeyCombination.keyCombination(shortcut.replace("Ctrl+", "Shortcut+")));
            } catch (IllegalArgumentException ignored) {
                // a shortcut that cannot be shown is still handled by onKey
            }
        }
        return mi;
    }

    private ToolBar toolBar() {
        Button gen = Icons.button("mdi2c-creation", "Generate", "Ctrl+Enter", this::generate);
        Button undo = Icons.button("mdi2u-undo", "Undo", "Ctrl+Z", this::undo);
        undo.disableProperty().bind(studio.canUndoProperty().not());
        undo.setId("undo");
        Button redo = Icons.button("mdi2r-redo", "Redo", "Ctrl+Shift+Z", this::redo);
        redo.disableProperty().bind(studio.canRedoProperty().not());
        Button models = Icons.button("mdi2c-cube-outline", "Model manager: installed packs, verify, install, remove", "", this::models);
        Label title = new Label();
        title.getStyleClass().add("muted");
        title.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() ->
                studio.projectNameProperty().get() + (studio.dirtyProperty().get() ? "  •" : "")
                        + (studio.readOnlyProperty().get() ? "  (read-only)" : ""),
                studio.projectNameProperty(), studio.dirtyProperty(), studio.readOnlyProperty()));
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        return new ToolBar(
                Icons.button("mdi2f-file-document", "New project", "Ctrl+N", this::newProject),
                Icons.button("mdi2f-folder-open", "Open project", "Ctrl+O", this::openProject),
                Icons.button("mdi2c-content-save", "Save", "Ctrl+S", this::save),
                undo, redo, gen, models, grow, title, queueToggle);
    }

    private Node banner() {
        Label text = new Label();
        text.setWrapText(true);
        text.setId("banner");
        text.textProperty().bind(studio.bannerProperty());
        HBox.setHgrow(text, Priority.ALWAYS);
        Button close = Icons.button("mdi2c-close", "Dismiss", "", () -> studio.bannerProperty().set(""));
        HBox box = new HBox(Icons.icon("mdi2a-alert"), text, close);
        box.getStyleClass().add("banner");
        box.visibleProperty().bind(studio.bannerProperty().isNotEmpty());
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    private Node statusBar() {
        Label status = new Label();
        status.setId("status");
        status.textProperty().bind(studio.statusProperty());
        HBox.setHgrow(status, Priority.ALWAYS);
        status.setMaxWidth(Double.MAX_VALUE);
        Label device = new Label();
        device.textProperty().bind(studio.deviceUsedProperty().map(d -> "Device: " + d));
        Label path = new Label();
        path.textProperty().bind(studio.sessionProperty().map(s -> s.store().dir().toString()));
        HBox bar = new HBox(status, device, path);
        bar.getStyleClass().add("status-bar");
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }

    // --- wiring --------------------------------------------------------------------------------

    private void wire() {
        studio.queue().livePreviewProperty().addListener((o, a, b) -> playerVm.liveProperty().set(b));
        // A new take plays once, unless the reel is playing: a finished job does not cut into it.
        studio.queue().lastTakeProperty().addListener((o, a, t) -> {
            if (t != null && !(playerVm.reelModeProperty().get() && playerVm.playing())) {
                studio.doc().shots().stream().filter(s -> s.take(t.id()).isPresent()).findFirst()
                        .ifPresent(s -> showTake(s.id(), t, true));
            }
        });
        timelineView.setOnPlayTake(this::playTake);
        timelineView.setOnCompareTake((shotId, t) -> studio.loadFrames(t, f -> f.ifPresent(x ->
                playerVm.setCompare(x, "shot " + (studio.doc().indexOf(shotId) + 1) + " · seed " + t.recipe().seed()))));
        timelineView.setOnPlayReel(this::playReel);
        timelineView.setOnExport(this::exportReel);
        timelineView.setOnExportOtio(this::exportOtio);
        timelineView.setOnAppend(this::appendToPrevious);
        timelineView.setOnUseLastFrame(this::useLastFrame);
        timelineView.setOnRegenerate(this::regenerate);
        // In reel mode the playhead and the player move together.
        playerVm.frameProperty().addListener((o, a, b) -> {
            if (playerVm.reelModeProperty().get()) {
                timelineVm.playheadProperty().set(b.intValue());
            }
        });
        timelineVm.playheadProperty().addListener((o, a, b) -> {
            if (playerVm.reelModeProperty().get() && !playerVm.playing()) {
                playerVm.seek(b.intValue());
            }
        });
        // After open, undo, redo, recovery or another selection the player shows the selected shot's active take.
        studio.revisionProperty().addListener(o -> showActive());
        studio.selectedShotProperty().addListener(o -> showActive());
        showActive();
    }

    /** The selected shot's active take in the player (nothing when it has none); the reel stays until the artist leaves it. */
    private void showActive() {
        if (playerVm.reelModeProperty().get()) {
            return;
        }
        Optional<Shot> s = studio.selected();
        Optional<Take> t = s.flatMap(Shot::activeTake);
        if (t.map(Take::id).orElse("").equals(shownTake) && (t.isPresent() || playerVm.clipProperty().get() == null)) {
            return;
        }
        if (t.isEmpty()) {
            shownTake = "";
            playerRequest++;
            playerVm.load(null, "No clip", false);
            return;
        }
        showTake(s.get().id(), t.get(), false);
    }

    public void install(Scene scene) {
        scene.addEventFilter(KeyEvent.KEY_PRESSED, this::onKey);
        scene.addEventFilter(KeyEvent.KEY_RELEASED, e -> {
            // The press was ours: a focused button must not take the release as a click (and restart the reel).
            if (e.getCode() == KeyCode.SPACE && spaceHeld) {
                spaceHeld = false;
                e.consume();
            }
        });
        theme.applyTo(scene.getStylesheets());
    }

    private static final KeyCombination GENERATE = KeyCombination.keyCombination("Shortcut+Enter");
    private static final KeyCombination UNDO = KeyCombination.keyCombination("Shortcut+Z");
    private static final KeyCombination REDO = KeyCombination.keyCombination("Shortcut+Shift+Z");
    private static final KeyCombination REDO_Y = KeyCombination.keyCombination("Shortcut+Y");
    private static final KeyCombination SAVE = KeyCombination.keyCombination("Shortcut+S");
    private static final KeyCombination SAVE_AS = KeyCombination.keyCombination("Shortcut+Shift+S");
    private static final KeyCombination OPEN = KeyCombination.keyCombination("Shortcut+O");
    private static final KeyCombination NEW = KeyCombination.keyCombination("Shortcut+N");
    private static final KeyCombination EXPORT = KeyCombination.keyCombination("Shortcut+E");
    private static final KeyCombination ADD = KeyCombination.keyCombination("Shortcut+T");
    private static final KeyCombination DUP = KeyCombination.keyCombination("Shortcut+D");
    private static final KeyCombination REEL = KeyCombination.keyCombination("Shortcut+Space");
    private static final KeyCombination QUEUE = KeyCombination.keyCombination("Shortcut+Shift+Q");
    private static final KeyCombination QUIT = KeyCombination.keyCombination("Shortcut+Q");

    /**
     * One place for shortcuts. Ctrl shortcuts work everywhere (Ctrl+Z in the prompt box undoes
     * through the project's stack, so typing and card edits share one history); single keys
     * (Space, J/K/L, arrows) drive the player unless the artist is typing.
     */
    private void onKey(KeyEvent e) {
        if (Dialogs.blocked(this)) {
            e.consume(); // a dialog is open over this window (see Dialogs): nothing behind it reacts
            return;
        }
        if (e.getCode() == KeyCode.SPACE && spaceHeld && !typing(e)) {
            e.consume(); // auto-repeat of a held Space: one press is one toggle
            return;
        }
        Runnable action = null;
        if (GENERATE.match(e)) {
            action = this::generate;
        } else if (REDO.match(e) || REDO_Y.match(e)) {
            action = this::redo;
        } else if (UNDO.match(e)) {
            action = this::undo;
        } else if (SAVE_AS.match(e)) {
            action = this::saveAs;
        } else if (SAVE.match(e)) {
            action = this::save;
        } else if (OPEN.match(e)) {
            action = this::openProject;
        } else if (NEW.match(e)) {
            action = this::newProject;
        } else if (EXPORT.match(e)) {
            action = this::exportReel;
        } else if (ADD.match(e)) {
            action = timelineVm::addShot;
        } else if (DUP.match(e)) {
            action = timelineVm::duplicate;
        } else if (REEL.match(e)) {
            action = this::playReel;
        } else if (QUEUE.match(e)) {
            action = () -> queueToggle.setSelected(!queueToggle.isSelected());
        } else if (QUIT.match(e)) {
            action = () -> ((Stage) getScene().getWindow()).close();
        } else if (!typing(e) && !e.isShortcutDown() && !e.isAltDown()) {
            action = switch (e.getCode()) {
                case SPACE -> playerVm::togglePlay;
                case J -> playerVm::shuttleBackward;
                case K -> playerVm::stop;
                case L -> playerVm::shuttleForward;
                case LEFT -> () -> playerVm.step(-1);
                case RIGHT -> () -> playerVm.step(1);
                case HOME -> playerVm::home;
                case END -> playerVm::end;
                case ESCAPE -> queueView::cancelSelectedOrRunning;
                case DELETE -> timelineVm::delete;
                default -> null;
            };
        }
        if (action != null) {
            e.consume();
            if (e.getCode() == KeyCode.SPACE) {
                spaceHeld = true;
            }
            action.run();
        }
    }

    private boolean typing(KeyEvent e) {
        Node focus = getScene() == null ? null : getScene().getFocusOwner();
        return focus instanceof TextInputControl || (focus != null && focus.getStyleClass().contains("spinner"));
    }

    // --- actions -------------------------------------------------------------------------------

    public void generate() {
        promptVm.generate();
    }

    public void undo() {
        promptVm.commitPrompt();
        studio.undo();
    }

    public void redo() {
        studio.redo();
    }

    private void playTake(String shotId, Take t) {
        showTake(shotId, t, false);
    }

    /** Loads a take into the player, decoded off the FX thread; {@code once}: then plays it through once. */
    private void showTake(String shotId, Take t, boolean once) {
        shownTake = t.id();
        long request = ++playerRequest;
        studio.loadFrames(t, f -> {
            if (request != playerRequest) {
                return; // the artist asked for something else meanwhile
            }
            if (f.isEmpty()) {
                studio.statusProperty().set("Take " + t.id() + ": its file is missing (File → Relink Missing Media…)");
                playerVm.load(null, "Missing media", false);
                return;
            }
            int idx = studio.doc().indexOf(shotId) + 1;
            Shot s = studio.doc().shot(shotId).orElse(null);
            int takeNo = s == null ? 0 : s.takes().indexOf(t) + 1;
            playerVm.load(f.get(), "Shot " + idx + " · take " + takeNo + " · seed " + t.recipe().seed()
                    + (t.label().isEmpty() ? "" : " · " + t.label()), false);
            if (once) {
                playerVm.playOnce();
            }
        });
    }

    /**
     * Ctrl+Space: plays the whole reel, or stops it when it is playing. The reel is built off the FX
     * thread (every take decoded); pressing again while it is being built calls it off.
     */
    public void playReel() {
        if (playerVm.reelModeProperty().get() && playerVm.playing()) {
            playerVm.stop();
            return;
        }
        if (reelBuilding) {
            reelBuilding = false;
            playerRequest++;
            studio.statusProperty().set("Reel: called off");
            return;
        }
        long request = ++playerRequest;
        reelBuilding = true;
        studio.buildReel(reel -> {
            if (request != playerRequest) {
                return;
            }
            reelBuilding = false;
            if (reel.isEmpty()) {
                studio.statusProperty().set("Nothing to play yet: generate a take first");
                return;
            }
            shownTake = "";
            playerVm.load(reel.get(), "Reel · " + studio.doc().shots().size() + " shots", true);
            playerVm.togglePlay();
        });
    }

    /** "Regenerate from new take" on a stale card: make the shot again from the take now before it. */
    private void regenerate(String shotId) {
        timelineVm.select(shotId);
        if (Continuity.link(studio.doc(), shotId) == Continuity.Link.LAST_FRAME) {
            promptVm.useLastFrameOfPrevious(this::generate); // a still of the new take's last frame first
        } else {
            generate();
        }
    }

    private void useLastFrame() {
        promptVm.useLastFrameOfPrevious();
    }

    /** "Append to previous": this shot continues the previous one, generated as its extension, in one click. */
    private void appendToPrevious() {
        Optional<Shot> s = studio.selected();
        if (s.isEmpty() || studio.doc().previous(s.get().id()).flatMap(Shot::activeTake).isEmpty()) {
            studio.statusProperty().set("Append needs a previous shot with a take");
            return;
        }
        timelineVm.setContinue(s.get().id(), true);
        promptVm.modeProperty().set(Mode.EXTEND);
        generate();
    }

    private void newProject() {
        if (!confirmLeave("before starting a new project")) {
            return;
        }
        try {
            studio.newUntitled(e -> error("Cannot create a project", e)); // written in the background
        } catch (IOException e) {
            error("Cannot create a project", e);
        }
    }

    private void openProject() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open a Kinora project folder (*.kinora)");
        Path start = studio.isUntitled() ? ProjectFolders.ensureDefaultDir() : studio.session().store().dir().getParent();
        if (start != null && Files.isDirectory(start)) {
            dc.setInitialDirectory(start.toFile());
        }
        File f = Dialogs.directory(dc, getScene().getWindow());
        if (f != null && confirmLeave("before opening another project")) {
            open(f.toPath());
        }
    }

    private void openRecent(Path dir) {
        if (confirmLeave("before opening another project")) {
            open(dir);
        }
    }

    public void open(Path dir) {
        try {
            studio.open(dir);
        } catch (IOException e) {
            error("Cannot open " + dir, e);
        }
    }

    /**
     * Saves; an untitled project is asked where to go first (Save As), so saved work ends up in a
     * folder the artist chose, not in the hidden scratch folder. The file is written in the
     * background: returns whether a save was started, and a failure shows when it comes.
     */
    public boolean save() {
        if (studio.readOnlyProperty().get()) {
            studio.statusProperty().set("Read-only project: use Save As to keep a writable copy");
            return false;
        }
        if (studio.isUntitled()) {
            return saveAs();
        }
        promptVm.commitPrompt();
        studio.save(e -> error("Save failed", e));
        return true;
    }

    /** Asks where to save (a copy of) the project and continues there. Returns whether a save was started. */
    public boolean saveAs() {
        promptVm.commitPrompt();
        Path initialDir = studio.isUntitled() ? ProjectFolders.ensureDefaultDir() : studio.session().store().dir().getParent();
        Optional<Path> target = saveLocation.pick(getScene() == null ? null : getScene().getWindow(), initialDir,
                studio.projectNameProperty().get() + ProjectStore.EXTENSION);
        if (target.isEmpty()) {
            return false;
        }
        studio.saveAs(target.get(), e -> error("Save As failed", e));
        return true;
    }

    /** Where Save As puts a project; the studio asks with a file chooser, tests answer directly. */
    @FunctionalInterface
    public interface SaveLocation {
        Optional<Path> pick(Window owner, Path initialDir, String initialName);
    }

    private SaveLocation saveLocation = MainWindow::chooseSaveLocation;

    public void setSaveLocation(SaveLocation s) {
        saveLocation = s;
    }

    private static Optional<Path> chooseSaveLocation(Window owner, Path initialDir, String initialName) {
        FileChooser fc = new FileChooser();
        fc.setTitle("Save project as (a folder named *.kinora is created)");
        if (initialDir != null && Files.isDirectory(initialDir)) {
            fc.setInitialDirectory(initialDir.toFile());
        }
        fc.setInitialFileName(initialName);
        return Optional.ofNullable(Dialogs.save(fc, owner)).map(File::toPath);
    }

    /** A shot from a file: a Kinora clip made again from its recipe, any other clip or still as the source. */
    private void addShotFromFile() {
        FileChooser fc = new FileChooser();
        fc.setTitle("A clip or still (one Kinora made comes with its recipe)");
        fc.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Clips, stills and recipes", java.util.stream.Stream.of(
                        MediaIO.patterns(MediaIO.CLIP_EXTENSIONS), MediaIO.patterns(MediaIO.STILL_EXTENSIONS),
                        List.of("*.json")).flatMap(List::stream).toList()),
                new FileChooser.ExtensionFilter("All files", "*"));
        File f = Dialogs.open(fc, getScene().getWindow());
        if (f != null) {
            timelineVm.addShotFromFile(f.toPath());
        }
    }

    private void relink() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Folder to search for the missing take files");
        File f = Dialogs.directory(dc, getScene().getWindow());
        if (f != null) {
            studio.relink(f.toPath()); // walks the folder in the background; the status bar says how it went
        }
    }

    /** Builds the reel off the FX thread, then asks how to export it. */
    private void exportReel() {
        studio.buildReel(reel -> {
            if (reel.isEmpty()) {
                studio.statusProperty().set("Nothing to export yet: generate a take first");
            } else {
                exportReel(reel);
            }
        });
    }

    private void exportReel(Optional<Frames> reel) {
        Dialog<ButtonType> d = new Dialog<>();
        // Titled twice: the window manager's title bar, and a header inside for themes without one.
        d.setTitle("Export Reel — " + studio.projectNameProperty().get());
        d.setHeaderText("Export the storyboard as one clip");
        d.setGraphic(Icons.icon("mdi2f-file-export"));
        ChoiceBox<OutputFormat> fmt = new ChoiceBox<>();
        fmt.getItems().setAll(OutputFormat.values());
        fmt.setValue(OutputFormat.MP4);
        fmt.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(OutputFormat f) {
                return f == null ? "" : ReelExporter.label(f);
            }

            @Override
            public OutputFormat fromString(String s) {
                return null;
            }
        });
        Spinner<Integer> scale = new Spinner<>(1, dev.kinora.media.ExportOptions.MAX_SCALE, 4);
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(8);
        g.addRow(0, new Label("Format"), fmt);
        g.addRow(1, new Label("Scale (nearest)"), scale);
        g.addRow(2, new Label("Size"), new Label(reel.get().width() + "×" + reel.get().height() + " × scale, "
                + reel.get().count() + " frames"));
        d.getDialogPane().setContent(g);
        d.getDialogPane().setId("export-dialog");
        ButtonType go = new ButtonType("Export…", ButtonBar.ButtonData.OK_DONE);
        d.getDialogPane().getButtonTypes().addAll(go, ButtonType.CANCEL);
        Node goButton = d.getDialogPane().lookupButton(go);
        goButton.setId("export-confirm");
        goButton.getStyleClass().add("primary");
        Optional<ButtonType> r = Dialogs.showAndWait(d, getScene().getWindow());
        if (r.isEmpty() || r.get().getButtonData() != ButtonBar.ButtonData.OK_DONE) {
            return;
        }
        OutputFormat format = fmt.getValue();
        File target;
        if (format == OutputFormat.PNG_SEQUENCE) {
            DirectoryChooser dc = new DirectoryChooser();
            dc.setTitle("Folder for the PNG sequence");
            target = Dialogs.directory(dc, getScene().getWindow());
        } else {
            FileChooser fc = new FileChooser();
            fc.setInitialFileName(studio.projectNameProperty().get() + "." + format.extension());
            target = Dialogs.save(fc, getScene().getWindow());
        }
        if (target == null) {
            return;
        }
        int s = scale.getValue();
        Path to = target.toPath();
        studio.exec().background(() -> ReelExporter.export(reel.get(), format, s, to,
                        java.util.Map.of("kinora.project", studio.projectNameProperty().get())),
                p -> studio.statusProperty().set("Exported " + p),
                e -> error("Export failed", e));
    }

    private void exportOtio() {
        FileChooser fc = new FileChooser();
        fc.setInitialFileName(studio.projectNameProperty().get() + ".otio");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("OpenTimelineIO", "*.otio"));
        File f = Dialogs.save(fc, getScene().getWindow());
        if (f != null) {
            // The document as it is now, written off the FX thread like every other export.
            var s = studio.session();
            var doc = s.project();
            Path dir = s.store().dir();
            Path to = f.toPath();
            studio.exec().background(() -> {
                dev.kinora.project.OtioExporter.export(doc, dir, to);
                return to;
            }, p -> studio.statusProperty().set("Wrote " + p), e -> error("OTIO export failed", e));
        }
    }

    private void models() {
        ModelManagerView.show(studio, getScene().getWindow());
    }

    private void error(String title, Throwable e) {
        studio.statusProperty().set(title + ": " + e.getMessage());
        Alert a = new Alert(Alert.AlertType.ERROR, e.getMessage() == null ? e.toString() : e.getMessage(), ButtonType.OK);
        a.setHeaderText(title);
        Dialogs.show(a, getScene() == null ? null : getScene().getWindow());
    }

    /** Asks before closing with unsaved changes. Returns false to keep the window open. */
    public boolean confirmClose() {
        storeLayout();
        return confirmLeave("before closing");
    }

    /**
     * Asks Save / Don't Save / Cancel when the project has unsaved changes and is about to be left
     * (closed, or replaced by New or Open). Returns false to stay. Don't Save marks the document
     * clean, so closing it drops its journal and nothing is offered for recovery later.
     */
    public boolean confirmLeave(String when) {
        promptVm.commitPrompt();
        studio.finishSaves(); // a save still in flight may be what makes the project clean
        if (!studio.dirtyProperty().get() || studio.readOnlyProperty().get()) {
            return true;
        }
        ButtonType saveBtn = new ButtonType("Save", ButtonBar.ButtonData.YES);
        ButtonType discard = new ButtonType("Don't Save", ButtonBar.ButtonData.NO);
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, "Save changes to " + studio.projectNameProperty().get() + " " + when + "?",
                saveBtn, discard, ButtonType.CANCEL);
        a.setHeaderText("Unsaved changes");
        Optional<ButtonType> r = Dialogs.showAndWait(a, getScene().getWindow());
        if (r.isEmpty() || r.get() == ButtonType.CANCEL) {
            return false;
        }
        if (r.get() == saveBtn) {
            // Leave only once it is on disk: a failed save keeps the project open, its error shown.
            return save() && studio.finishSaves();
        }
        var s = studio.session();
        s.stack().markSaved(s.project());
        return true;
    }

    /** What the demo (and the README screenshots) show: a job rendering live, an A/B wipe, or the reel playing. */
    public void showDemoScene(String scene) {
        var shots = studio.doc().shots();
        switch (scene) {
            case "compare" -> {
                Shot first = shots.get(0);
                timelineVm.select(first.id());
                Take a = first.takes().get(0);
                showTake(first.id(), first.takes().get(1), false);
                studio.loadFrames(a, f -> f.ifPresent(x -> {
                    playerVm.setCompare(x, "take 1 · seed " + a.recipe().seed());
                    playerVm.wipePositionProperty().set(0.5);
                    playerVm.seek(9);
                }));
            }
            case "reel" -> {
                timelineVm.select(shots.get(1).id());
                studio.buildReel(reel -> reel.ifPresent(r -> {
                    shownTake = "";
                    playerVm.load(r, "Reel · " + shots.size() + " shots", true);
                    playerVm.seek(22);
                }));
            }
            default -> {
                // Something running in the queue, so the live preview and the ETA are visible at once;
                // -Dkinora.demoSteps makes a very fast pack's job last long enough to watch.
                timelineVm.select(shots.get(shots.size() - 1).id());
                Integer steps = Integer.getInteger("kinora.demoSteps");
                if (steps != null) {
                    promptVm.stepsProperty().set(steps);
                }
                promptVm.framesProperty().set(promptVm.framesProperty().get() * 4);
                generate();
            }
        }
    }

    public PromptViewModel promptViewModel() {
        return promptVm;
    }

    public TimelineViewModel timelineViewModel() {
        return timelineVm;
    }

    public PlayerViewModel playerViewModel() {
        return playerVm;
    }

    public PlayerView playerView() {
        return playerView;
    }

    public StudioModel studio() {
        return studio;
    }
}
