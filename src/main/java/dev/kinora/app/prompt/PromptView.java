package dev.kinora.app.prompt;

import dev.kinora.app.FxFrames;
import dev.kinora.app.Icons;
import dev.kinora.app.engine.PackInfo;
import dev.kinora.engine.Direction;
import dev.kinora.engine.Frames;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.pack.Mode;
import dev.kinora.media.MediaIO;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import javafx.animation.PauseTransition;
import javafx.beans.property.Property;
import javafx.css.PseudoClass;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.image.ImageView;
import javafx.scene.input.Dragboard;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.Duration;
import javafx.util.StringConverter;

/** The prompt editor: prompt, negative prompt, mode and sources, settings, and the Generate button. */
public final class PromptView extends BorderPane {
    private static final PseudoClass OVER = PseudoClass.getPseudoClass("over");
    private static final PseudoClass DROP = PseudoClass.getPseudoClass("drop-target");
    private static final PseudoClass FILLED = PseudoClass.getPseudoClass("filled");
    /** Drag payload prefix of a take dragged from the timeline: "kinora-take:shotId:takeId". */
    public static final String TAKE_DRAG = "kinora-take:";

    private final PromptViewModel vm;
    private final TextArea prompt = new TextArea();

    public PromptView(PromptViewModel vm, Runnable generate) {
        this.vm = vm;
        getStyleClass().add("panel");
        setId("prompt-editor");

        Label shot = new Label();
        shot.getStyleClass().add("panel-title");
        shot.textProperty().bind(vm.shotLabelProperty().map(s -> "PROMPT · " + s.toUpperCase()));
        javafx.scene.control.Tooltip shotTip = new javafx.scene.control.Tooltip();
        shotTip.textProperty().bind(shot.textProperty()); // "… · continues previous" is cut in a narrow panel
        shot.setTooltip(shotTip);
        MenuButton history = new MenuButton();
        history.setId("prompt-history");
        Icons.decorate(history, "mdi2h-history", "Prompt history: reuse an earlier prompt, or one of the model's examples", "");
        history.getStyleClass().add("icon-button");
        Runnable fillHistory = () -> {
            history.getItems().clear();
            for (String h : vm.history()) {
                history.getItems().add(promptItem(h, vm));
            }
            if (history.getItems().isEmpty()) {
                MenuItem none = new MenuItem("No prompts yet");
                none.setDisable(true);
                history.getItems().add(none);
            }
            // the prompts the selected pack lists as ones it follows, after the artist's own
            PackInfo p = vm.packProperty().get();
            if (p != null && !p.examples().isEmpty()) {
                MenuItem title = new MenuItem(p.name() + " follows, for example");
                title.setDisable(true);
                history.getItems().addAll(new SeparatorMenuItem(), title);
                for (String x : p.examples()) {
                    history.getItems().add(promptItem(x, vm));
                }
            }
        };
        history.setOnShowing(e -> fillHistory.run());
        fillHistory.run();
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox header = new HBox(shot, grow, history);
        header.getStyleClass().add("panel-header");

        prompt.setId("prompt");
        // a pack that lists prompts it follows offers the first: words its captions have, in their order
        prompt.promptTextProperty().bind(vm.packProperty().map(p -> p.examples().isEmpty() ? null : "e.g. " + p.examples().get(0))
                .orElse("Describe the shot: subject, motion, camera, light…"));
        prompt.setWrapText(true);
        prompt.setPrefRowCount(4);
        prompt.getStyleClass().add("prompt-area");
        prompt.textProperty().bindBidirectional(vm.promptProperty());
        TextArea negative = new TextArea();
        negative.setId("negative");
        negative.setPromptText("What to avoid: blur, flicker, text…");
        negative.setWrapText(true);
        negative.setPrefRowCount(2);
        // Labelled above the box: a placeholder disappears as soon as there is text, a label stays.
        Label negativeLabel = new Label("Negative prompt");
        negativeLabel.setId("negative-label");
        negativeLabel.getStyleClass().add("field-label");
        negativeLabel.setLabelFor(negative);
        negative.setAccessibleText("Negative prompt");
        prompt.setAccessibleText("Prompt");
        negative.textProperty().bindBidirectional(vm.negativeProperty());
        Label tokens = new Label();
        tokens.setId("token-count");
        tokens.getStyleClass().add("token-count");
        tokens.textProperty().bind(vm.tokenTextProperty());
        vm.overLimitProperty().addListener((o, a, b) -> tokens.pseudoClassStateChanged(OVER, b));
        // what the model will actually read, when the pack's lexicon swaps words its captions never had
        Label readsAs = new Label();
        readsAs.setId("reads-as");
        readsAs.getStyleClass().add("hint");
        readsAs.setWrapText(true);
        readsAs.textProperty().bind(vm.readsAsProperty());
        readsAs.visibleProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(
                () -> !vm.readsAsProperty().get().isEmpty() && Boolean.TRUE.equals(vm.takesTextProperty().getValue()),
                vm.readsAsProperty(), vm.takesTextProperty()));
        readsAs.managedProperty().bind(readsAs.visibleProperty());
        // the way out when the lexicon misreads: the shot's prompt goes to the model word for word
        CheckBox asTyped = new CheckBox("Send as typed");
        asTyped.setId("as-typed");
        asTyped.selectedProperty().bindBidirectional(vm.asTypedProperty());
        Icons.tip(asTyped, "Give the model the prompt as typed, not as its lexicon reads it", "");
        asTyped.visibleProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(
                () -> (!vm.readsAsProperty().get().isEmpty() || vm.asTypedProperty().get())
                        && Boolean.TRUE.equals(vm.takesTextProperty().getValue()),
                vm.readsAsProperty(), vm.asTypedProperty(), vm.takesTextProperty()));
        asTyped.managedProperty().bind(asTyped.visibleProperty());

        // One command per pause in typing; the token count follows the same pause, off the FX thread.
        PauseTransition commit = new PauseTransition(Duration.millis(700));
        commit.setOnFinished(e -> vm.commitPrompt());
        PauseTransition count = new PauseTransition(Duration.millis(250));
        count.setOnFinished(e -> vm.countTokens());
        prompt.textProperty().addListener(o -> {
            commit.playFromStart();
            count.playFromStart();
        });
        negative.textProperty().addListener(o -> commit.playFromStart());
        prompt.focusedProperty().addListener((o, a, b) -> {
            if (!b) {
                vm.commitPrompt();
            }
        });
        negative.focusedProperty().addListener((o, a, b) -> {
            if (!b) {
                vm.commitPrompt();
            }
        });
        vm.packProperty().addListener(o -> vm.countTokens());
        vm.asTypedProperty().addListener(o -> vm.countTokens());
        vm.countTokens();

        // Mode and sources
        ChoiceBox<Mode> mode = new ChoiceBox<>();
        mode.setId("mode");
        mode.getItems().setAll(Mode.values());
        mode.setConverter(converter(PromptView::modeName));
        bind(mode.valueProperty(), vm.modeProperty());
        Icons.tip(mode, "What to make: text → video, animate a still, extend, connect, loop, remix", "");
        ChoiceBox<Direction> dir = new ChoiceBox<>();
        dir.getItems().setAll(Direction.values());
        dir.setConverter(converter(d -> d == Direction.FORWARD ? "Forward" : "Backward"));
        bind(dir.valueProperty(), vm.directionProperty());
        dir.visibleProperty().bind(vm.modeProperty().isEqualTo(Mode.EXTEND));
        dir.managedProperty().bind(dir.visibleProperty());
        Icons.tip(dir, "Extend forward (after the clip) or backward (before it)", "");
        HBox modeRow = new HBox(8, mode, dir);
        modeRow.setAlignment(Pos.CENTER_LEFT);
        Label hint = new Label();
        hint.getStyleClass().add("hint");
        hint.setWrapText(true);
        hint.textProperty().bind(vm.modeHintProperty());
        // Only the slots the mode reads: A to start from (or extend, loop, remix), B only to connect two.
        Region slotA = slot(vm.sourceA());
        Region slotB = slot(vm.sourceB());
        for (Region r : new Region[] {slotA, slotB}) {
            SourceSlot which = r == slotA ? vm.sourceA() : vm.sourceB();
            r.visibleProperty().bind(vm.showsSlot(which));
            r.managedProperty().bind(r.visibleProperty());
        }
        VBox slots = new VBox(6, slotA, slotB);
        Button lastFrame = new Button("Use last frame of previous shot");
        lastFrame.setGraphic(Icons.icon("mdi2i-image-move"));
        lastFrame.setOnAction(e -> vm.useLastFrameOfPrevious());
        Icons.tip(lastFrame, "Animate from the previous shot's last frame: an exact cut", "");

        // Settings
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(6);
        ColumnConstraints c0 = new ColumnConstraints();
        c0.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints c1 = new ColumnConstraints();
        c1.setHgrow(Priority.ALWAYS);
        c1.setFillWidth(true);
        grid.getColumnConstraints().addAll(c0, c1);
        int row = 0;
        ComboBox<PackInfo> pack = new ComboBox<>(vm.studioPacks());
        pack.setId("pack");
        pack.setMaxWidth(Double.MAX_VALUE);
        bind(pack.valueProperty(), vm.packProperty());
        Icons.tip(pack, "", "");
        // The pack's name may be cut to the panel's width: the tooltip has all of it.
        pack.getTooltip().textProperty().bind(vm.packProperty().map(p -> p + ": the model pack; Tools → Model Manager to install more")
                .orElse("Model pack: Tools → Model Manager to install more"));
        grid.addRow(row++, label("Model"), pack);
        ChoiceBox<Device> device = new ChoiceBox<>();
        device.setId("device");
        device.getItems().setAll(Device.values());
        device.setConverter(converter(d -> d.id().toUpperCase()));
        bind(device.valueProperty(), vm.deviceProperty());
        device.setMinWidth(Region.USE_PREF_SIZE);
        Label used = new Label();
        used.getStyleClass().add("hint");
        used.setWrapText(true);
        // The reason a device fell back can be long (an ORT error); the line shows its start, the tooltip all of it.
        used.textProperty().bind(vm.deviceUsedProperty().map(s -> "using " + (s.length() > 60 ? s.substring(0, 59) + "…" : s)));
        javafx.scene.control.Tooltip usedTip = new javafx.scene.control.Tooltip();
        usedTip.textProperty().bind(vm.deviceUsedProperty().map(s -> "Jobs run on: " + s));
        used.setTooltip(usedTip);
        grid.addRow(row++, label("Device"), new VBox(2, device, used));
        TextField seed = new TextField();
        seed.setId("seed");
        seed.setPrefColumnCount(8);
        seed.setMinWidth(60);
        seed.setTextFormatter(new javafx.scene.control.TextFormatter<>(new javafx.util.converter.LongStringConverter(), 42L,
                ch -> ch.getControlNewText().matches("\\d{0,15}") ? ch : null));
        @SuppressWarnings("unchecked")
        javafx.scene.control.TextFormatter<Long> sf = (javafx.scene.control.TextFormatter<Long>) seed.getTextFormatter();
        bind(sf.valueProperty(), vm.seedProperty());
        ToggleButton lock = Icons.decorate(new ToggleButton(), "mdi2l-lock", "Lock the seed: every generation uses it (otherwise a new one each time)", "");
        lock.getStyleClass().add("icon-button");
        lock.selectedProperty().bindBidirectional(vm.seedLockedProperty());
        Button dice = Icons.button("mdi2d-dice-multiple", "New random seed", "", vm::randomSeed);
        Button reuse = Icons.button("mdi2s-source-branch", "Reuse the seed of the selected shot's active take (and lock it)", "", vm::reuseSeedFromTake);
        HBox seedRow = new HBox(4, seed, lock, dice, reuse);
        seedRow.setAlignment(Pos.CENTER_LEFT);
        grid.addRow(row++, label("Seed"), seedRow);
        // The engine's whole range, and the range said beside the box: a typed 5000 becomes 1000, visibly.
        Spinner<Integer> steps = intSpinner(1, PromptViewModel.MAX_STEPS, vm.stepsProperty());
        steps.setId("steps");
        Label stepsRange = new Label("1–" + PromptViewModel.MAX_STEPS);
        stepsRange.setId("steps-range");
        stepsRange.getStyleClass().add("hint");
        stepsRange.setMinWidth(Region.USE_PREF_SIZE);
        Icons.tip(steps, "Denoising steps, 1 to " + PromptViewModel.MAX_STEPS
                + " (the engine's limit): more steps are slower; the pack's default is usually enough", "");
        HBox stepsRow = new HBox(8, steps, stepsRange);
        stepsRow.setAlignment(Pos.CENTER_LEFT);
        grid.addRow(row++, label("Steps"), stepsRow);
        Spinner<Double> guidance = new Spinner<>(1.0, 20.0, 3.0, 0.5);
        guidance.setEditable(true);
        guidance.setPrefWidth(90);
        guidance.setMinWidth(70);
        bind(guidance.getValueFactory().valueProperty(), vm.guidanceProperty().asObject(), guidance);
        Icons.tip(guidance, "Guidance: how closely to follow the prompt (1 = not at all)", "");
        grid.addRow(row++, label("Guidance"), guidance);
        ComboBox<String> sched = new ComboBox<>(vm.schedulers());
        sched.setId("scheduler");
        sched.setConverter(converter(s -> s == null || s.isEmpty() ? "pack default" : s));
        sched.setMaxWidth(Double.MAX_VALUE);
        bind(sched.valueProperty(), vm.schedulerProperty());
        grid.addRow(row++, label("Scheduler"), sched);
        Spinner<Integer> frames = intSpinner(1, PromptViewModel.MAX_FRAMES, vm.framesProperty());
        frames.setId("frames");
        Icons.tip(frames, "Length in frames, 1 to " + PromptViewModel.MAX_FRAMES + " (the engine's limit)", "");
        Spinner<Integer> fps = intSpinner(1, 60, null);
        fps.getValueFactory().setValue((int) vm.fpsProperty().get());
        vm.fpsProperty().addListener((o, a, b) -> fps.getValueFactory().setValue(b.intValue()));
        fps.valueProperty().addListener((o, a, b) -> vm.fpsProperty().set(b));
        Label seconds = new Label();
        seconds.getStyleClass().add("hint");
        seconds.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> String.format("%.1f s", vm.framesProperty().get() / Math.max(1, vm.fpsProperty().get())),
                vm.framesProperty(), vm.fpsProperty()));
        seconds.setMinWidth(Region.USE_PREF_SIZE);
        HBox lenRow = new HBox(8, frames, seconds);
        lenRow.setAlignment(Pos.CENTER_LEFT);
        grid.addRow(row++, label("Length"), lenRow);
        Label fpsUnit = new Label("fps");
        fpsUnit.getStyleClass().add("hint");
        fpsUnit.setMinWidth(Region.USE_PREF_SIZE);
        HBox fpsRow = new HBox(8, fps, fpsUnit);
        fpsRow.setAlignment(Pos.CENTER_LEFT);
        grid.addRow(row++, label("Frame rate"), fpsRow);
        Spinner<Integer> vars = intSpinner(1, 16, vm.variationsProperty());
        Icons.tip(vars, "Variations: one job per seed, seed, seed+1, …", "");
        grid.addRow(row++, label("Variations"), vars);
        Slider strength = new Slider(0.05, 1, 0.6);
        strength.valueProperty().bindBidirectional(vm.strengthProperty());
        Icons.tip(strength, "Remix strength: how far the clip may change", "");
        Label strengthLabel = label("Strength");
        for (javafx.scene.Node n : new javafx.scene.Node[] {strength, strengthLabel}) {
            n.visibleProperty().bind(vm.modeProperty().isEqualTo(Mode.REMIX));
            n.managedProperty().bind(n.visibleProperty());
        }
        grid.addRow(row++, strengthLabel, strength);

        Button gen = new Button("Generate");
        gen.setId("generate");
        gen.setGraphic(Icons.icon("mdi2c-creation"));
        gen.getStyleClass().add("generate-button");
        gen.setMaxWidth(Double.MAX_VALUE);
        gen.setOnAction(e -> generate.run());
        Icons.tip(gen, "Queue this generation; keep editing while it renders", "Ctrl+Enter");

        // a pack that reads no prompt (image-only, e.g. Stable Video Diffusion) gets no text boxes, and a line that says why
        Label promptSection = section("PROMPT");
        HBox tokenRow = new HBox(tokens);
        Label noText = new Label();
        noText.setId("no-prompt");
        noText.setWrapText(true);
        noText.getStyleClass().add("hint");
        noText.textProperty().bind(vm.packProperty().map(p -> p.name() + " takes no prompt: it animates the still on source A.").orElse(""));
        noText.visibleProperty().bind(vm.takesTextProperty().map(t -> !t));
        noText.managedProperty().bind(noText.visibleProperty());
        for (javafx.scene.Node n : List.of(promptSection, prompt, tokenRow, negativeLabel, negative)) {
            n.visibleProperty().bind(vm.takesTextProperty());
            n.managedProperty().bind(n.visibleProperty());
        }
        VBox body = new VBox(6,
                promptSection, prompt, tokenRow, readsAs, asTyped, negativeLabel, negative, noText,
                section("MODE"), modeRow, hint, slots, lastFrame,
                section("SETTINGS"), grid);
        body.setPadding(new Insets(0, 10, 10, 10));
        VBox.setVgrow(prompt, Priority.SOMETIMES);
        ScrollPane scroll = new ScrollPane(body);
        scroll.setId("prompt-scroll");
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        // In a low window the settings are below the fold: whatever gets the focus (Tab, a mnemonic)
        // is scrolled into view, so no setting is ever edited blind.
        sceneProperty().addListener((o, a, sc) -> {
            if (sc != null) {
                sc.focusOwnerProperty().addListener((x, was, now) -> reveal(scroll, body, now));
            }
        });
        setTop(header);
        setCenter(scroll);
        VBox foot = new VBox(gen);
        foot.setPadding(new Insets(8, 10, 10, 10));
        setBottom(foot);
    }

    public TextArea promptArea() {
        return prompt;
    }

    /** Scrolls {@code scroll} (showing {@code body}) just enough that {@code n}, when inside it, is in view. */
    static void reveal(ScrollPane scroll, Region body, javafx.scene.Node n) {
        if (n == null || !inside(n, body)) {
            return;
        }
        javafx.geometry.Bounds b = body.sceneToLocal(n.localToScene(n.getBoundsInLocal()));
        double view = scroll.getViewportBounds().getHeight();
        double extra = body.getHeight() - view;
        if (extra <= 0 || b == null) {
            return;
        }
        double top = scroll.getVvalue() * extra;
        double margin = 8;
        if (b.getMinY() - margin < top) {
            top = b.getMinY() - margin;
        } else if (b.getMaxY() + margin > top + view) {
            top = Math.min(b.getMinY() - margin, b.getMaxY() + margin - view);
        } else {
            return;
        }
        scroll.setVvalue(Math.max(0, Math.min(1, top / extra)));
    }

    private static boolean inside(javafx.scene.Node n, javafx.scene.Node ancestor) {
        for (javafx.scene.Node p = n; p != null; p = p.getParent()) {
            if (p == ancestor) {
                return true;
            }
        }
        return false;
    }

    private Region slot(SourceSlot s) {
        ImageView thumb = new ImageView();
        thumb.setFitWidth(48);
        thumb.setFitHeight(48);
        thumb.setPreserveRatio(true);
        thumb.setSmooth(false);
        Label info = new Label();
        info.setWrapText(true);
        info.getStyleClass().add("hint");
        info.textProperty().bind(s.infoProperty().map(t -> t.isEmpty()
                ? "Source " + s.name() + ": drop an image, or drag a take from the timeline" : s.name() + " · " + t));
        HBox.setHgrow(info, Priority.ALWAYS);
        Button browse = Icons.button("mdi2f-folder-open", "Choose a file for source " + s.name(), "", () -> {
            FileChooser fc = new FileChooser();
            fc.getExtensionFilters().addAll(
                    new FileChooser.ExtensionFilter("Stills and clips", java.util.stream.Stream.concat(
                            MediaIO.patterns(MediaIO.STILL_EXTENSIONS).stream(),
                            MediaIO.patterns(MediaIO.CLIP_EXTENSIONS).stream()).toList()),
                    new FileChooser.ExtensionFilter("All files", "*"));
            File f = dev.kinora.app.Dialogs.open(fc, getScene().getWindow());
            if (f != null) {
                vm.dropFile(s, f.toPath());
            }
        });
        Button clear = Icons.button("mdi2c-close", "Clear source " + s.name(), "", () -> vm.clearSource(s));
        clear.visibleProperty().bind(s.pathProperty().isNotEmpty());
        HBox box = new HBox(thumb, info, browse, clear);
        box.getStyleClass().add("source-slot");
        box.setId("source-" + s.name());
        s.framesProperty().addListener((o, a, b) -> {
            thumb.setImage(b == null ? null : FxFrames.image(b, b.count() - 1));
            box.pseudoClassStateChanged(FILLED, b != null);
        });
        box.setOnDragOver(e -> {
            Dragboard db = e.getDragboard();
            if (db.hasFiles() || (db.hasString() && db.getString().startsWith(TAKE_DRAG))) {
                e.acceptTransferModes(TransferMode.COPY, TransferMode.LINK);
                box.pseudoClassStateChanged(DROP, true);
            }
            e.consume();
        });
        box.setOnDragExited(e -> box.pseudoClassStateChanged(DROP, false));
        box.setOnDragDropped(e -> {
            Dragboard db = e.getDragboard();
            boolean ok = false;
            if (db.hasString() && db.getString().startsWith(TAKE_DRAG)) {
                String[] p = db.getString().substring(TAKE_DRAG.length()).split(":");
                if (p.length == 2) {
                    vm.dropTake(s, p[0], p[1]);
                    ok = true;
                }
            } else if (db.hasFiles() && !db.getFiles().isEmpty()) {
                vm.dropFile(s, Path.of(db.getFiles().get(0).getAbsolutePath()));
                ok = true;
            }
            e.setDropCompleted(ok);
            e.consume();
        });
        return box;
    }

    static String modeName(Mode m) {
        return switch (m) {
            case GENERATE -> "Text → video";
            case ANIMATE -> "Animate a still";
            case EXTEND -> "Extend a clip";
            case INTERPOLATE -> "Connect two frames / clips";
            case LOOP -> "Loop";
            case REMIX -> "Remix a clip";
        };
    }

    /** A settings row's name: never shortened, the control beside it gives way instead. */
    private static Label label(String s) {
        Label l = new Label(s);
        l.getStyleClass().add("muted");
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    private static Label section(String s) {
        Label l = new Label(s);
        l.getStyleClass().add("section");
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    private static <T> StringConverter<T> converter(java.util.function.Function<T, String> f) {
        return new StringConverter<>() {
            @Override
            public String toString(T t) {
                return t == null ? "" : f.apply(t);
            }

            @Override
            public T fromString(String s) {
                return null;
            }
        };
    }

    /** Two-way sync by listeners: a control and a view-model property, without weakly held adapters. */
    private static <T> void bind(Property<T> control, Property<T> model) {
        control.setValue(model.getValue());
        model.addListener((o, a, b) -> {
            if (!java.util.Objects.equals(control.getValue(), b)) {
                control.setValue(b);
            }
        });
        control.addListener((o, a, b) -> {
            if (b != null && !java.util.Objects.equals(model.getValue(), b)) {
                model.setValue(b);
            }
        });
    }

    private static <T> void bind(Property<T> control, Property<T> model, Object keepAlive) {
        bind(control, model);
        if (keepAlive instanceof javafx.scene.Node n) {
            n.getProperties().put("kinora.binding", model); // holds the asObject() adapter strongly
        }
    }

    private static Spinner<Integer> intSpinner(int min, int max, javafx.beans.property.IntegerProperty p) {
        Spinner<Integer> s = new Spinner<>(min, max, p == null ? min : Math.max(min, p.get()));
        s.setEditable(true);
        s.setPrefWidth(90);
        if (p != null) {
            javafx.beans.property.ObjectProperty<Integer> o = p.asObject();
            s.getProperties().put("kinora.binding", o);
            bind(s.getValueFactory().valueProperty(), o);
        }
        return s;
    }

    private static MenuItem promptItem(String text, PromptViewModel vm) {
        MenuItem mi = new MenuItem(text.length() > 70 ? text.substring(0, 69) + "…" : text);
        mi.setOnAction(e -> vm.useHistory(text));
        return mi;
    }
}
