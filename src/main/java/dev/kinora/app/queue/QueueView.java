package dev.kinora.app.queue;

import dev.kinora.app.Icons;
import dev.kinora.project.JobState;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ToggleButton;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/** The render queue panel: jobs with state, progress, ETA and device; cancel, retry, reorder, clear. */
public final class QueueView extends BorderPane {
    private final QueueViewModel vm;
    private final ListView<JobItem> list;

    public QueueView(QueueViewModel vm) {
        this.vm = vm;
        getStyleClass().addAll("panel", "queue");
        setId("queue");
        Label title = new Label("QUEUE");
        title.getStyleClass().add("panel-title");
        title.setMinWidth(Region.USE_PREF_SIZE);
        Icons.tip(title, "QUEUE: the render queue; jobs run one after another, in this order", "");
        list = new ListView<>(vm.jobs());
        list.setId("queue-list");
        list.setCellFactory(l -> new JobCell());
        list.setPlaceholder(new Label("No jobs. Ctrl+Enter queues one."));
        var sel = list.getSelectionModel().selectedItemProperty();
        Button cancel = Icons.button("mdi2c-cancel", "Cancel the selected job (finished windows are kept as a partial take)", "Esc", this::cancelSelectedOrRunning);
        cancel.setId("cancel-job");
        Button retry = Icons.button("mdi2r-refresh", "Retry the selected job with the same seed", "", () -> {
            if (sel.get() != null) {
                vm.retry(sel.get());
            }
        });
        retry.disableProperty().bind(Bindings.createBooleanBinding(() -> sel.get() == null || !sel.get().state().finished(), sel));
        Icons.tip(retry, "Retry a failed or cancelled job; run a finished one again", "");
        Button up = Icons.button("mdi2a-arrow-up", "Run earlier", "", () -> move(-1));
        Button down = Icons.button("mdi2a-arrow-down", "Run later", "", () -> move(1));
        Button clear = Icons.button("mdi2b-broom", "Clear finished jobs", "", vm::clearFinished);
        clear.setId("clear-finished");
        // at the foot of the list, not in the header: the header's actions already take the panel's least width
        ToggleButton hold = Icons.decorate(new ToggleButton("Hold"), "mdi2p-pause",
                "Hold the queue: the running job finishes and the others wait until you release it", "");
        hold.setId("hold-queue");
        hold.setMinWidth(Region.USE_PREF_SIZE);
        hold.setSelected(vm.heldProperty().get());
        vm.heldProperty().addListener((o, a, b) -> hold.setSelected(b));
        hold.setOnAction(e -> {
            vm.hold(hold.isSelected());
            hold.setSelected(vm.heldProperty().get()); // no queue to hold (no project): the button says so
        });
        Label held = new Label();
        held.setId("queue-held");
        held.getStyleClass().add("hint");
        held.setWrapText(true);
        held.textProperty().bind(vm.heldTextProperty());
        held.visibleProperty().bind(vm.heldProperty());
        held.managedProperty().bind(held.visibleProperty());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(2, title, grow, cancel, retry, up, down, clear);
        bar.getStyleClass().addAll("panel-header", "tools");
        bar.setAlignment(Pos.CENTER_LEFT);
        setTop(bar);
        setCenter(list);
        HBox.setHgrow(held, Priority.ALWAYS);
        HBox foot = new HBox(8, hold, held);
        foot.setAlignment(Pos.CENTER_LEFT);
        foot.setPadding(new javafx.geometry.Insets(4, 6, 4, 6));
        setBottom(foot);
        setMinWidth(0);
    }

    private void move(int d) {
        JobItem j = list.getSelectionModel().getSelectedItem();
        if (j != null) {
            vm.move(j, d);
            list.getSelectionModel().select(j);
        }
    }

    /** Cancels the selected job, or the running one when nothing is selected (what Esc means). */
    public void cancelSelectedOrRunning() {
        JobItem j = list.getSelectionModel().getSelectedItem();
        if (j == null || j.state().finished()) {
            j = vm.runningProperty().get();
        }
        if (j != null) {
            vm.cancel(j);
        }
    }

    private final class JobCell extends ListCell<JobItem> {
        private final Label title = new Label();
        private final Label state = new Label();
        private final Label meta = new Label();
        private final ProgressBar bar = new ProgressBar();
        private final ImageView live = new ImageView();
        private final VBox box;
        private final javafx.beans.value.ChangeListener<JobState> onState = (o, a, b) -> mark(b);
        private JobItem bound;

        JobCell() {
            title.getStyleClass().add("job-title");
            state.getStyleClass().add("job-state");
            state.setMinWidth(Region.USE_PREF_SIZE);
            meta.getStyleClass().add("job-meta");
            meta.setWrapText(true);
            bar.setMaxWidth(Double.MAX_VALUE);
            bar.setPrefHeight(6);
            live.setFitWidth(32);
            live.setFitHeight(32);
            live.setSmooth(false);
            Region grow = new Region();
            HBox.setHgrow(grow, Priority.ALWAYS);
            HBox top = new HBox(6, state, title, grow);
            top.setAlignment(Pos.CENTER_LEFT);
            VBox text = new VBox(4, top, bar, meta);
            HBox.setHgrow(text, Priority.ALWAYS);
            box = new VBox(new HBox(8, live, text));
            setPrefWidth(0);
        }

        @Override
        protected void updateItem(JobItem j, boolean empty) {
            super.updateItem(j, empty);
            title.textProperty().unbind();
            state.textProperty().unbind();
            meta.textProperty().unbind();
            bar.progressProperty().unbind();
            live.imageProperty().unbind();
            if (bound != null) {
                bound.stateProperty().removeListener(onState);
                bound = null;
            }
            if (empty || j == null) {
                setGraphic(null);
                return;
            }
            title.setText(j.label());
            title.setTooltip(new javafx.scene.control.Tooltip(j.label())); // a long prompt is cut to the panel's width
            state.textProperty().bind(j.stateProperty().map(s -> s.name().toLowerCase(Locale.ROOT)));
            mark(j.state());
            bound = j;
            j.stateProperty().addListener(onState);
            bar.progressProperty().bind(j.progressProperty());
            meta.textProperty().bind(Bindings.createStringBinding(() -> String.join(" · ",
                    java.util.stream.Stream.of(j.stepProperty().get(), j.messageProperty().get(), j.etaProperty().get(),
                            "seed " + j.spec().seed(), j.deviceProperty().get()).filter(x -> !x.isBlank()).toList()),
                    j.stepProperty(), j.messageProperty(), j.etaProperty(), j.deviceProperty()));
            live.imageProperty().bind(Bindings.createObjectBinding(() -> {
                var p = vm.livePreviewProperty().get();
                return vm.runningProperty().get() == j && p != null && !p.isEmpty() ? dev.kinora.app.FxFrames.image(p) : null;
            }, vm.livePreviewProperty(), vm.runningProperty()));
            setGraphic(box);
        }

        private void mark(JobState current) {
            for (JobState s : JobState.values()) {
                state.pseudoClassStateChanged(PseudoClass.getPseudoClass(s.name().toLowerCase(Locale.ROOT)), s == current);
            }
        }
    }
}
