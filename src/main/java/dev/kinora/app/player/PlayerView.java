package dev.kinora.app.player;

import dev.kinora.app.FxFrames;
import dev.kinora.app.Icons;
import dev.kinora.engine.Frames;
import dev.kinora.engine.Preview;
import java.util.ArrayList;
import java.util.List;
import javafx.animation.AnimationTimer;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.ToggleButton;
import javafx.scene.image.Image;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.util.StringConverter;

/**
 * Plays decoded frames on a Canvas (no system codecs involved). Small models make 64×64 clips, so
 * "pixel" zoom scales by whole numbers with smoothing off: every generated pixel stays a crisp square.
 * While a job denoises, its live preview replaces the picture with a LIVE badge.
 */
public final class PlayerView extends BorderPane {
    private final PlayerViewModel vm;
    private final Canvas canvas = new Canvas(320, 240);
    private final List<Image> imagesA = new ArrayList<>();
    private final List<Image> imagesB = new ArrayList<>();
    private final Label live = new Label("LIVE");
    private Image liveImage;
    private long last;

    public PlayerView(PlayerViewModel vm) {
        this.vm = vm;
        getStyleClass().add("player");
        setId("player");
        Pane stage = new Pane(canvas);
        stage.getStyleClass().add("player");
        stage.setMinSize(160, 120);
        canvas.widthProperty().bind(stage.widthProperty());
        canvas.heightProperty().bind(stage.heightProperty());
        canvas.widthProperty().addListener(o -> draw());
        canvas.heightProperty().addListener(o -> draw());
        live.getStyleClass().add("live-badge");
        live.setVisible(false);
        live.setLayoutX(10);
        live.setLayoutY(10);
        stage.getChildren().add(live);
        Label title = new Label();
        title.textProperty().bind(vm.titleProperty());
        title.getStyleClass().add("muted");
        title.setLayoutX(10);
        title.layoutYProperty().bind(stage.heightProperty().subtract(24));
        stage.getChildren().add(title);
        setCenter(stage);
        setBottom(bar());

        vm.clipProperty().addListener((o, a, b) -> {
            cache(b, imagesA);
            draw();
        });
        vm.compareProperty().addListener((o, a, b) -> {
            cache(b, imagesB);
            draw();
        });
        vm.frameProperty().addListener(o -> draw());
        vm.zoomProperty().addListener(o -> draw());
        vm.wipeProperty().addListener(o -> draw());
        vm.wipePositionProperty().addListener(o -> draw());
        vm.liveProperty().addListener((o, a, b) -> {
            liveImage = b == null || b.isEmpty() ? null : FxFrames.image(b);
            live.setVisible(liveImage != null);
            draw();
        });
        // Drag on the picture moves the A/B wipe.
        canvas.setOnMouseDragged(e -> {
            if (vm.wipeProperty().get()) {
                vm.wipePositionProperty().set(Math.max(0, Math.min(1, e.getX() / canvas.getWidth())));
            }
        });
        canvas.setOnMousePressed(e -> canvas.requestFocus());
        new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (last != 0) {
                    vm.tick((now - last) / 1e9);
                }
                last = now;
            }
        }.start();
    }

    private VBox bar() {
        Button home = Icons.button("mdi2p-page-first", "First frame", "Home", vm::home);
        Button back = Icons.button("mdi2s-step-backward", "Previous frame", "←", () -> vm.step(-1));
        Button play = Icons.button("mdi2p-play", "Play / pause", "Space", vm::togglePlay);
        play.setId("play");
        vm.rateProperty().addListener((o, a, b) -> ((org.kordamp.ikonli.javafx.FontIcon) play.getGraphic())
                .setIconLiteral(b.doubleValue() != 0 ? "mdi2p-pause" : "mdi2p-play"));
        Button fwd = Icons.button("mdi2s-step-forward", "Next frame", "→", () -> vm.step(1));
        Button end = Icons.button("mdi2p-page-last", "Last frame", "End", vm::end);
        ToggleButton loop = Icons.decorate(new ToggleButton(), "mdi2r-repeat", "Loop playback", "");
        loop.getStyleClass().add("icon-button");
        loop.selectedProperty().bindBidirectional(vm.loopProperty());
        Slider scrub = new Slider(0, 1, 0);
        scrub.setId("scrub");
        scrub.setBlockIncrement(1);
        scrub.setMajorTickUnit(8);
        scrub.setMinorTickCount(7);
        scrub.setSnapToTicks(false);
        HBox.setHgrow(scrub, Priority.ALWAYS);
        scrub.setMaxWidth(Double.MAX_VALUE);
        scrub.setFocusTraversable(false);
        Runnable range = () -> scrub.setMax(Math.max(1, vm.count() - 1));
        vm.clipProperty().addListener(o -> range.run());
        boolean[] guard = {false};
        vm.frameProperty().addListener((o, a, b) -> {
            guard[0] = true;
            scrub.setValue(b.intValue());
            guard[0] = false;
        });
        scrub.valueProperty().addListener((o, a, b) -> {
            if (!guard[0]) {
                vm.seek((int) Math.round(b.doubleValue()));
            }
        });
        Icons.tip(scrub, "Scrub: drag to any frame", "← →");
        Label tc = new Label();
        tc.setId("timecode");
        tc.getStyleClass().add("timecode");
        tc.textProperty().bind(vm.timecodeProperty());
        // As wide as the widest text for this clip's frame count, set when the clip changes: sized to
        // its text, the label grew a digit's width while playing and pushed the window's minimum past 1024.
        Runnable fitTimecode = () -> {
            String digits = "0".repeat(Integer.toString(Math.max(1, vm.count())).length());
            Text widest = new Text("00:00:00:00 · " + digits + "/" + digits);
            widest.setFont(tc.getFont());
            double w = Math.ceil(widest.getLayoutBounds().getWidth()) + tc.snappedLeftInset() + tc.snappedRightInset() + 1;
            tc.setMinWidth(w);
            tc.setPrefWidth(w);
        };
        tc.fontProperty().addListener(o -> fitTimecode.run());
        tc.paddingProperty().addListener(o -> fitTimecode.run());
        vm.clipProperty().addListener(o -> fitTimecode.run());
        fitTimecode.run();
        Icons.tip(tc, "Timecode (hours:minutes:seconds:frames at the clip's frame rate) · frame / frames", "");
        ChoiceBox<PlayerViewModel.Zoom> zoom = new ChoiceBox<>();
        zoom.getItems().setAll(PlayerViewModel.Zoom.values());
        zoom.valueProperty().bindBidirectional(vm.zoomProperty());
        zoom.setConverter(new StringConverter<>() {
            @Override
            public String toString(PlayerViewModel.Zoom z) {
                return z == null ? "" : switch (z) {
                    case FIT -> "Fit";
                    case ONE_TO_ONE -> "1:1";
                    case PIXEL_FIT -> "Pixel";
                };
            }

            @Override
            public PlayerViewModel.Zoom fromString(String s) {
                return PlayerViewModel.Zoom.FIT;
            }
        });
        Icons.tip(zoom, "Zoom: fit (smooth), 1:1, or pixel-exact whole-number scale", "");
        zoom.setMinWidth(Region.USE_PREF_SIZE);
        ToggleButton wipe = Icons.decorate(new ToggleButton(), "mdi2c-compare-horizontal", "A/B wipe: compare with the take picked for comparison; drag on the picture", "");
        wipe.getStyleClass().add("icon-button");
        wipe.selectedProperty().bindBidirectional(vm.wipeProperty());
        wipe.disableProperty().bind(vm.compareProperty().isNull());
        // The scrub bar has a row of its own, the window's whole width: beside the buttons it was a
        // few dozen pixels at 1024 wide, too short to find a frame by dragging.
        HBox scrubRow = new HBox(scrub);
        scrubRow.getStyleClass().add("player-scrub");
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(home, back, play, fwd, end, loop, tc, grow, zoom, wipe);
        bar.getStyleClass().add("player-bar");
        bar.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(scrubRow, bar);
        box.getStyleClass().add("player-controls");
        return box;
    }

    private static void cache(Frames f, List<Image> into) {
        into.clear();
        if (f != null) {
            for (int i = 0; i < f.count(); i++) {
                into.add(FxFrames.image(f, i));
            }
        }
    }

    void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.setFill(Color.web("#0c0d10"));
        g.fillRect(0, 0, w, h);
        Image a = liveImage != null ? liveImage : frameOf(imagesA, vm.frameProperty().get());
        if (a == null) {
            g.setFill(Color.web("#8a92a6"));
            g.setFont(Font.font(13));
            g.fillText("Type a prompt and press Ctrl+Enter to generate.", Math.max(10, w / 2 - 150), h / 2);
            return;
        }
        double[] r = rect(a.getWidth(), a.getHeight(), w, h);
        boolean smooth = vm.zoomProperty().get() == PlayerViewModel.Zoom.FIT;
        g.setImageSmoothing(smooth);
        g.drawImage(a, r[0], r[1], r[2], r[3]);
        Image b = frameOf(imagesB, vm.frameProperty().get());
        if (liveImage == null && vm.wipeProperty().get() && b != null) {
            double x = r[0] + r[2] * vm.wipePositionProperty().get();
            g.save();
            g.beginPath();
            g.rect(x, r[1], r[0] + r[2] - x, r[3]);
            g.closePath();
            g.clip();
            g.drawImage(b, r[0], r[1], r[2], r[3]);
            g.restore();
            g.setStroke(Color.WHITE);
            g.setLineWidth(1.5);
            g.strokeLine(x, r[1], x, r[1] + r[3]);
            g.setFill(Color.WHITE);
            g.setFont(Font.font(11));
            g.fillText("A", r[0] + 6, r[1] + 14);
            g.fillText("B · " + vm.compareTitleProperty().get(), x + 6, r[1] + 14);
        }
    }

    private static Image frameOf(List<Image> imgs, int i) {
        return imgs.isEmpty() ? null : imgs.get(Math.max(0, Math.min(imgs.size() - 1, i)));
    }

    /** Where the picture goes for the zoom mode: x, y, width, height. */
    private double[] rect(double iw, double ih, double w, double h) {
        double s = switch (vm.zoomProperty().get()) {
            case ONE_TO_ONE -> 1;
            case PIXEL_FIT -> Math.max(1, Math.floor(Math.min((w - 8) / iw, (h - 8) / ih)));
            case FIT -> Math.min((w - 8) / iw, (h - 8) / ih);
        };
        double dw = iw * s;
        double dh = ih * s;
        return new double[] {Math.round((w - dw) / 2), Math.round((h - dh) / 2), dw, dh};
    }

    public Canvas canvas() {
        return canvas;
    }

    /** For tests and the screenshot mode: the current live preview as the player shows it. */
    public boolean showingLive() {
        return liveImage != null;
    }

    static Preview none() {
        return Preview.none();
    }
}
