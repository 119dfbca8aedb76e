package dev.kinora.app.timeline;

import dev.kinora.app.FxFrames;
import dev.kinora.app.Icons;
import dev.kinora.app.StudioModel;
import dev.kinora.app.Timecode;
import dev.kinora.project.Project;
import dev.kinora.project.Shot;
import dev.kinora.project.Take;
import dev.kinora.app.prompt.PromptView;
import dev.kinora.engine.Frames;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.Cursor;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.image.ImageView;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Line;
import javafx.scene.shape.LineTo;
import javafx.scene.shape.MoveTo;
import javafx.scene.shape.Path;

/**
 * The storyboard: shot cards laid on a frame ruler, each as wide as its length. Rebuilt on every
 * revision (a storyboard has tens of shots, not thousands, so rebuilding is cheaper than tracking).
 */
public final class TimelineView extends BorderPane {
    private static final PseudoClass SELECTED = PseudoClass.getPseudoClass("selected");
    private static final PseudoClass CONTINUES = PseudoClass.getPseudoClass("continues");
    private static final PseudoClass DROP = PseudoClass.getPseudoClass("drop-target");
    private static final PseudoClass STALE = PseudoClass.getPseudoClass("stale");
    private static final PseudoClass PROBLEM = PseudoClass.getPseudoClass("problem");
    private static final String SHOT_DRAG = "kinora-shot:";
    /** Height of the timecode ruler above the cards. */
    static final double RULER = 22;
    static final double CARD_H = 118;
    /** The track: ruler, a gap, a card and the padding under it. */
    static final double TRACK_H = RULER + 4 + CARD_H + 8;
    /** Room for the track's horizontal scroll bar under the cards, so it never covers them. */
    private static final double SCROLLBAR = 16;
    /** Pixels a ruler label needs (HH:MM:SS:FF in 10 px monospace, and a gap). */
    private static final double LABEL_SPACING = 92;
    private static final int[] LABEL_SECONDS = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600};

    private final TimelineViewModel vm;
    private final StudioModel studio;
    private final HBox cards = new HBox(2);
    private final Pane ruler = new Pane();
    /** The frame rate, zoom and width the ruler was last drawn for. */
    private java.util.List<Double> rulerDrawn = java.util.List.of();
    private final Line playhead = new Line();
    private final Pane content = new Pane();
    private final ToggleButton cont;
    private BiConsumer<String, Take> onPlayTake = (s, t) -> { };
    private BiConsumer<String, Take> onCompareTake = (s, t) -> { };
    private Runnable onPlayReel = () -> { };
    private Runnable onExport = () -> { };
    private Runnable onExportOtio = () -> { };
    private Runnable onAppend = () -> { };
    private Runnable onUseLastFrame = () -> { };
    private Consumer<String> onRegenerate = id -> { };

    public TimelineView(TimelineViewModel vm) {
        this.vm = vm;
        this.studio = vm.studio();
        getStyleClass().add("timeline");
        setId("timeline");
        // a file dropped on the storyboard becomes a shot: a Kinora clip made again, any other clip or still as its source
        setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
            }
            e.consume();
        });
        setOnDragDropped(e -> {
            if (e.getDragboard().hasFiles() && !e.getDragboard().getFiles().isEmpty()) {
                vm.addShotFromFile(e.getDragboard().getFiles().get(0).toPath());
                e.setDropCompleted(true);
            }
            e.consume();
        });
        Label title = new Label("STORYBOARD");
        title.getStyleClass().add("panel-title");
        title.setMinWidth(Region.USE_PREF_SIZE);
        Button add = Icons.button("mdi2p-plus", "Add a shot after the selected one", "Ctrl+T", vm::addShot);
        add.setId("add-shot");
        Button dup = Icons.button("mdi2c-content-copy", "Duplicate the selected shot", "Ctrl+D", vm::duplicate);
        Button del = Icons.button("mdi2d-delete", "Delete the selected shot", "Delete", vm::delete);
        Button split = Icons.button("mdi2c-content-cut", "Split the selected shot at the playhead", "S", vm::split);
        Button zin = Icons.button("mdi2m-magnify-plus", "Zoom in", "Ctrl+=", vm::zoomIn);
        Button zout = Icons.button("mdi2m-magnify-minus", "Zoom out", "Ctrl+-", vm::zoomOut);
        cont = Icons.decorate(new ToggleButton(), "mdi2l-link-variant", "Continue from previous shot: generate this shot as an extension of the previous shot's active take", "");
        cont.getStyleClass().add("icon-button");
        cont.setId("continue");
        cont.setOnAction(e -> vm.setContinue(studio.selectedShotProperty().get(), cont.isSelected()));
        Button last = Icons.button("mdi2i-image-move", "Use last frame: animate from the previous shot's last frame", "", () -> onUseLastFrame.run());
        Button append = Icons.button("mdi2a-arrow-expand-right", "Append to previous: extend the previous shot's take into this shot and generate", "", () -> onAppend.run());
        append.setId("append");
        Button reel = Icons.button("mdi2p-playlist-play", "Play the whole reel", "Ctrl+Space", () -> onPlayReel.run());
        reel.setId("play-reel");
        // The storyboard's way out: a labelled primary button, not one more grey icon.
        Button export = Icons.button("mdi2f-file-export", "Export the reel (MP4, WebM, GIF, PNG sequence)", "Ctrl+E", () -> onExport.run());
        export.setText("Export");
        export.setId("export");
        export.getStyleClass().setAll("button", "primary", "compact");
        export.setMinWidth(Region.USE_PREF_SIZE);
        Button otio = Icons.button("mdi2t-timeline", "Export the storyboard as OpenTimelineIO (.otio)", "", () -> onExportOtio.run());
        Label total = new Label();
        total.getStyleClass().add("muted");
        javafx.scene.control.Tooltip totalTip = new javafx.scene.control.Tooltip();
        totalTip.textProperty().bind(total.textProperty());
        total.setTooltip(totalTip);
        studio.revisionProperty().addListener(o -> total.setText(summary(studio.doc())));
        total.setText(summary(studio.doc()));
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(4, title, add, dup, del, split, cont, last, append, grow, total, reel, export, otio, zout, zin);
        bar.getStyleClass().addAll("panel-header", "tools");
        bar.setAlignment(Pos.CENTER_LEFT);
        setTop(bar);

        cards.setLayoutY(RULER + 4);
        cards.setAlignment(Pos.TOP_LEFT);
        playhead.getStyleClass().add("playhead");
        playhead.setStartY(0);
        playhead.setMouseTransparent(true);
        content.getChildren().addAll(ruler, cards, playhead);
        content.getStyleClass().add("timeline-track");
        content.setPadding(new javafx.geometry.Insets(0, 0, 8, 0));
        ruler.getStyleClass().add("ruler");
        ruler.setId("ruler");
        ruler.setMinHeight(RULER);
        ruler.setPrefHeight(RULER);
        ruler.setMaxHeight(RULER);
        ruler.setOnMousePressed(e -> vm.playheadProperty().set((int) Math.max(0, e.getX() / vm.zoomProperty().get())));
        ruler.setOnMouseDragged(e -> vm.playheadProperty().set((int) Math.max(0, e.getX() / vm.zoomProperty().get())));
        ruler.setCursor(Cursor.H_RESIZE);
        ScrollPane scroll = new ScrollPane(content);
        scroll.setId("timeline-scroll");
        scroll.setFitToHeight(true);
        scroll.setVbarPolicy(ScrollPane.ScrollBarPolicy.AS_NEEDED);
        // The panel never gets lower than a whole card with the scroll bar under it: the split pane
        // takes the room from the panels above instead of cutting the cards off.
        scroll.setMinHeight(TRACK_H + SCROLLBAR);
        scroll.setPrefHeight(TRACK_H + SCROLLBAR);
        setCenter(scroll);
        scroll.viewportBoundsProperty().addListener((o, a, b) -> {
            if (a == null || Math.abs(a.getWidth() - b.getWidth()) > 1) {
                rebuild();
            }
        });
        content.setOnScroll(e -> {
            if (e.isControlDown()) {
                if (e.getDeltaY() > 0) {
                    vm.zoomIn();
                } else {
                    vm.zoomOut();
                }
                e.consume();
            }
        });

        studio.revisionProperty().addListener(o -> rebuild());
        studio.mediaRevisionProperty().addListener(o -> rebuild());
        studio.shotNotes().addListener((javafx.collections.MapChangeListener<String, String>) c -> rebuild());
        studio.selectedShotProperty().addListener(o -> rebuild());
        vm.setConfirm(this::ask);
        vm.zoomProperty().addListener(o -> rebuild());
        vm.playheadProperty().addListener(o -> placePlayhead());
        rebuild();
    }

    /** Yes/No before an edit that breaks a link between shots. */
    private boolean ask(String question) {
        javafx.scene.control.Alert a = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.CONFIRMATION,
                question, javafx.scene.control.ButtonType.YES, javafx.scene.control.ButtonType.NO);
        a.setHeaderText("Insert between linked shots?");
        if (getScene() != null) {
            a.initOwner(getScene().getWindow());
        }
        return a.showAndWait().filter(b -> b == javafx.scene.control.ButtonType.YES).isPresent();
    }

    private String summary(Project d) {
        int f = vm.totalFrames();
        double fps = d.settings().fps();
        return d.shots().size() + " shots · " + f + " frames · " + String.format("%.1f s", f / fps);
    }

    private void rebuild() {
        Project d = studio.doc();
        double z = vm.zoomProperty().get();
        cards.getChildren().clear();
        for (int i = 0; i < d.shots().size(); i++) {
            cards.getChildren().add(card(d, d.shots().get(i), i, z));
        }
        double view = getCenter() instanceof ScrollPane sp ? sp.getViewportBounds().getWidth() : 0;
        double width = Math.max(Math.max(600, view - 2), vm.totalFrames() * z + d.shots().size() * 2 + 200);
        content.setMinWidth(width);
        content.setMinHeight(TRACK_H);
        content.setPrefHeight(TRACK_H);
        drawRuler(d, z, width);
        cont.setSelected(studio.selected().map(Shot::continueFromPrevious).orElse(false));
        cont.setDisable(d.indexOf(studio.selectedShotProperty().get()) <= 0);
        placePlayhead();
    }

    /**
     * The ruler: a tick per frame (or per few frames when zoomed out), a taller one where each second
     * starts, and the timecode (HH:MM:SS:FF at the project's frame rate) every few seconds, as many as
     * fit. Nodes styled by the theme, rebuilt with the cards.
     */
    private void drawRuler(Project d, double z, double width) {
        double fps = d.settings().fps();
        // Cards change on every edit, the ruler only with the rate, the zoom and the width: its nodes are kept.
        java.util.List<Double> key = java.util.List.of(fps, z, width);
        if (key.equals(rulerDrawn)) {
            return;
        }
        rulerDrawn = key;
        ruler.getChildren().clear();
        ruler.setMinWidth(width);
        ruler.setPrefWidth(width);
        ruler.setMaxWidth(width);
        Path minor = new Path();
        minor.getStyleClass().add("ruler-tick");
        Path major = new Path();
        major.getStyleClass().add("ruler-tick-major");
        long every = 1;
        while (every * z < 4) {
            every *= 2;
        }
        for (long f = 0; f * z < width; f += every) {
            double x = Math.floor(f * z) + 0.5;
            minor.getElements().addAll(new MoveTo(x, RULER - 5), new LineTo(x, RULER));
        }
        int labelEvery = labelSeconds(fps, z);
        boolean everySecond = fps * z >= 4;
        for (long sec = 0; ; sec++) {
            long f = Timecode.firstFrameOfSecond(sec, fps);
            double x = Math.floor(f * z) + 0.5;
            if (x >= width) {
                break;
            }
            boolean labelled = sec % labelEvery == 0;
            if (labelled || everySecond) {
                major.getElements().addAll(new MoveTo(x, labelled ? 2 : RULER - 9), new LineTo(x, RULER));
            }
            if (labelled) {
                Label l = new Label(Timecode.format(f, fps));
                l.getStyleClass().add("ruler-label");
                l.setLayoutX(x + 3);
                l.setLayoutY(2);
                l.setMouseTransparent(true);
                ruler.getChildren().add(l);
            }
        }
        minor.setMouseTransparent(true);
        major.setMouseTransparent(true);
        ruler.getChildren().addAll(0, java.util.List.of(minor, major));
    }

    /** Seconds between ruler labels: the first step from 1 s up whose labels do not overlap at this zoom. */
    static int labelSeconds(double fps, double pixelsPerFrame) {
        for (int s : LABEL_SECONDS) {
            if (s * fps * pixelsPerFrame >= LABEL_SPACING) {
                return s;
            }
        }
        return LABEL_SECONDS[LABEL_SECONDS.length - 1];
    }

    private void placePlayhead() {
        double x = vm.playheadProperty().get() * vm.zoomProperty().get() + 0.5;
        playhead.setStartX(x);
        playhead.setEndX(x);
        playhead.setEndY(RULER + 4 + CARD_H + 4);
    }

    private Region card(Project d, Shot s, int index, double z) {
        int len = vm.frames(s);
        double w = Math.max(56, len * z - 2);
        Optional<Take> active = s.activeTake();
        // Thumbnails never decode here: a take not decoded yet is fetched in the background, and the
        // storyboard redraws when it arrives (mediaRevision).
        Optional<Frames> frames = active.flatMap(studio::cachedFrames);
        active.filter(t -> frames.isEmpty()).ifPresent(studio::prefetch);
        HBox strip = new HBox();
        strip.getStyleClass().add("empty-strip");
        strip.setPrefHeight(44);
        strip.setMinHeight(44);
        strip.setMaxHeight(44);
        if (frames.isPresent()) {
            Frames f = frames.get();
            int thumbs = Math.max(1, (int) ((w - 8) / 44));
            for (int k = 0; k < thumbs; k++) {
                int fi = Math.min(f.count() - 1, (int) ((long) k * Math.min(len, f.count()) / thumbs));
                ImageView iv = new ImageView(FxFrames.image(f, Math.max(0, fi)));
                iv.setFitHeight(44);
                iv.setFitWidth(44);
                iv.setSmooth(false);
                strip.getChildren().add(iv);
            }
        } else {
            Label none = new Label(active.isEmpty() ? "no take yet" : studio.unreadable(active.get()) ? "missing media" : "…");
            none.getStyleClass().add("hint");
            Icons.tip(none, none.getText(), "");
            strip.setAlignment(Pos.CENTER);
            strip.getChildren().add(none);
        }
        // A card is as wide as its shot, so its lines are cut to fit; each one's tooltip has all of it.
        Label prompt = new Label(s.prompt().isBlank() ? "(empty prompt)" : s.prompt());
        prompt.getStyleClass().add("shot-prompt");
        prompt.setMaxWidth(w - 10);
        Icons.tip(prompt, prompt.getText(), "");
        Label meta = new Label((index + 1) + " · " + len + " f · " + String.format("%.1f s", s.durationSeconds()));
        meta.getStyleClass().add("shot-meta");
        Icons.tip(meta, meta.getText() + "  (shot · frames · seconds)", "");
        MenuButton takes = new MenuButton(s.takes().isEmpty() ? "0 takes"
                : "take " + (s.takes().indexOf(active.get()) + 1) + "/" + s.takes().size());
        takes.getStyleClass().add("shot-meta");
        takes.setId("takes-" + s.id());
        Icons.tip(takes, takes.getText() + ": the takes of this shot; pick the active one, or compare two", "");
        for (int t = 0; t < s.takes().size(); t++) {
            Take tk = s.takes().get(t);
            String label = "Take " + (t + 1) + " · seed " + tk.recipe().seed() + (tk.label().isEmpty() ? "" : " · " + tk.label());
            MenuItem use = new MenuItem("Use " + label);
            use.setOnAction(e -> vm.setActiveTake(s.id(), tk.id()));
            MenuItem cmp = new MenuItem("Compare with " + label + " (A/B)");
            cmp.setOnAction(e -> onCompareTake.accept(s.id(), tk));
            takes.getItems().addAll(use, cmp);
        }
        takes.setDisable(s.takes().isEmpty());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox foot = new HBox(4, meta, grow, takes);
        foot.setAlignment(Pos.CENTER_LEFT);
        if (s.continueFromPrevious()) {
            foot.getChildren().add(0, Icons.icon("mdi2l-link-variant"));
        }
        // Where the artist looks: why the last job was refused or failed (in place of the prompt line),
        // and, on a take made from an earlier take of the shot before it, the one-click fix.
        String note = studio.shotNotes().getOrDefault(s.id(), "");
        Region line = prompt;
        if (!note.isEmpty()) {
            Label problem = new Label(note);
            problem.getStyleClass().add("shot-problem");
            problem.setId("problem-" + s.id());
            problem.setMaxWidth(w - 10);
            Icons.tip(problem, note + "\nPrompt: " + (s.prompt().isBlank() ? "(empty)" : s.prompt()), "");
            line = problem;
        }
        Optional<String> stale = vm.stale(s.id());
        if (stale.isPresent()) {
            Button regen = Icons.button("mdi2r-refresh", "regenerate from new take: this shot is stale (" + stale.get()
                            + "); make it again from the new take\nPrompt: " + s.prompt(), "", () -> onRegenerate.accept(s.id()));
            regen.setText("regenerate from new take");
            regen.setId("regenerate-" + s.id());
            regen.getStyleClass().add("stale-button");
            if (note.isEmpty()) {
                // The fix takes the prompt's line, where it has the card's whole width (the prompt is in its tooltip).
                regen.setMaxWidth(w - 10);
                line = regen;
            } else {
                regen.setMaxWidth(w - 70);
                foot.getChildren().set(foot.getChildren().indexOf(meta), regen);
            }
        }
        VBox box = new VBox(3, strip, line, foot);
        box.pseudoClassStateChanged(STALE, stale.isPresent());
        box.pseudoClassStateChanged(PROBLEM, !note.isEmpty());
        box.getStyleClass().add("shot-card");
        box.setId("card-" + s.id());
        box.getProperties().put("shot", s.id());
        box.pseudoClassStateChanged(SELECTED, s.id().equals(studio.selectedShotProperty().get()));
        box.pseudoClassStateChanged(CONTINUES, s.continueFromPrevious());
        box.setPrefSize(w, CARD_H);
        box.setMinSize(w, CARD_H);
        box.setMaxSize(w, CARD_H);
        box.setOnMouseClicked(e -> {
            vm.select(s.id());
            vm.playheadProperty().set(vm.startOf(s.id()));
            if (e.getClickCount() == 2 && active.isPresent()) {
                onPlayTake.accept(s.id(), active.get());
            } else if (active.isPresent()) {
                onPlayTake.accept(s.id(), active.get());
            }
        });
        ContextMenu menu = new ContextMenu();
        MenuItem mDup = new MenuItem("Duplicate");
        mDup.setOnAction(e -> {
            vm.select(s.id());
            vm.duplicate();
        });
        MenuItem mSplit = new MenuItem("Split at playhead");
        mSplit.setOnAction(e -> {
            vm.select(s.id());
            vm.split();
        });
        MenuItem mDel = new MenuItem("Delete");
        mDel.setOnAction(e -> {
            vm.select(s.id());
            vm.delete();
        });
        box.setOnContextMenuRequested(e -> menu.show(box, e.getScreenX(), e.getScreenY()));
        menu.getItems().addAll(mDup, mSplit, mDel);

        // Dragging a thumbnail carries the active take to a source slot; dragging the rest of the card reorders.
        box.setOnDragDetected(e -> {
            Dragboard db = box.startDragAndDrop(TransferMode.MOVE, TransferMode.COPY);
            ClipboardContent c = new ClipboardContent();
            boolean takeDrag = e.getTarget() instanceof ImageView && active.isPresent();
            c.putString(takeDrag ? PromptView.TAKE_DRAG + s.id() + ":" + active.get().id() : SHOT_DRAG + s.id());
            db.setContent(c);
            if (frames.isPresent()) {
                db.setDragView(FxFrames.image(frames.get(), 0));
            }
            e.consume();
        });
        // a card takes only cards; anything else (a clip's file) goes on to the storyboard
        box.setOnDragOver(e -> {
            if (e.getDragboard().hasString() && e.getDragboard().getString().startsWith(SHOT_DRAG)) {
                e.acceptTransferModes(TransferMode.MOVE);
                box.pseudoClassStateChanged(DROP, true);
                e.consume();
            }
        });
        box.setOnDragExited(e -> box.pseudoClassStateChanged(DROP, false));
        box.setOnDragDropped(e -> {
            String str = e.getDragboard().getString();
            if (str != null && str.startsWith(SHOT_DRAG)) {
                vm.move(str.substring(SHOT_DRAG.length()), index);
                e.setDropCompleted(true);
                e.consume();
            }
        });

        // The right edge resizes the shot; the length is committed as one command on release.
        Region handle = new Region();
        handle.getStyleClass().add("resize-handle");
        handle.setPrefWidth(5);
        handle.setMaxWidth(5);
        handle.setMaxHeight(40);
        handle.setId("resize-" + s.id());
        double[] start = new double[2];
        handle.setOnMousePressed(e -> {
            start[0] = e.getScreenX();
            start[1] = box.getWidth();
            e.consume();
        });
        handle.setOnMouseDragged(e -> {
            double nw = Math.max(z, start[1] + e.getScreenX() - start[0]);
            box.setPrefWidth(nw);
            box.setMinWidth(nw);
            box.setMaxWidth(nw);
            meta.setText((index + 1) + " · " + Math.max(1, (int) Math.round((nw + 2) / z)) + " f");
            e.consume();
        });
        handle.setOnMouseReleased(e -> {
            vm.resize(s.id(), Math.max(1, (int) Math.round((box.getMaxWidth() + 2) / z)));
            e.consume();
        });
        StackPane wrap = new StackPane(box, handle);
        StackPane.setAlignment(handle, Pos.CENTER_RIGHT);
        return wrap;
    }

    public void setOnPlayTake(BiConsumer<String, Take> f) {
        onPlayTake = f;
    }

    public void setOnCompareTake(BiConsumer<String, Take> f) {
        onCompareTake = f;
    }

    public void setOnPlayReel(Runnable r) {
        onPlayReel = r;
    }

    public void setOnExport(Runnable r) {
        onExport = r;
    }

    public void setOnExportOtio(Runnable r) {
        onExportOtio = r;
    }

    public void setOnAppend(Runnable r) {
        onAppend = r;
    }

    public void setOnUseLastFrame(Runnable r) {
        onUseLastFrame = r;
    }

    /** "Regenerate from new take" on a stale card: the shot's id. */
    public void setOnRegenerate(Consumer<String> r) {
        onRegenerate = r;
    }
}
