package dev.kinora.app;

import dev.kinora.app.engine.LocalEngine;
import dev.kinora.app.engine.StudioEngine;
import dev.kinora.project.ProjectStore;
import dev.kinora.engine.pack.PackRegistry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.scene.image.WritableImage;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.util.Duration;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JavaFX application. Start it through {@link StudioLauncher}. */
public final class StudioApp extends Application {
    private static final Logger LOG = LoggerFactory.getLogger(StudioApp.class);
    private StudioModel studio;
    private MainWindow window;

    @Override
    public void start(Stage stage) throws Exception {
        StudioOptions o = StudioLauncher.options();
        window = build(o, stage);
    }

    /** The sizes of assets/icons/kinora-N.png (tools/make_assets.py draws them). */
    static final int[] ICON_SIZES = {16, 24, 32, 48, 64, 128, 256};

    /** The app icon at every size a desktop may ask for (assets/icons, carried in the jar); none if the jar lacks them. */
    static List<Image> appIcons() {
        List<Image> icons = new ArrayList<>();
        for (int n : ICON_SIZES) {
            java.net.URL u = StudioApp.class.getResource("icons/kinora-" + n + ".png");
            if (u != null) {
                icons.add(new Image(u.toExternalForm()));
            }
        }
        return icons;
    }

    /**
     * Builds the studio on a stage. The window shows before the demo is made (it is made in the
     * background); its scene and the screenshot wait for it.
     */
    public static MainWindow build(StudioOptions o, Stage stage) throws Exception {
        Path userData = StudioPrefs.userData();
        StudioEngine engine = new LocalEngine(PackRegistry.standard());
        StudioPrefs prefs = new StudioPrefs(userData);
        StudioModel studio = new StudioModel(engine, new UiTaskExecutor(), prefs, userData);
        CompletableFuture<Void> ready = openInitial(studio, o, prefs);
        MainWindow w = new MainWindow(studio);
        Scene scene = new Scene(w);
        w.install(scene);
        stage.setScene(scene);
        stage.getIcons().setAll(appIcons());
        WindowPlacement.Size size = place(stage, prefs);
        w.setOnResetWindow(() -> resize(stage, WindowPlacement.standard(screen(stage))));
        stage.titleProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() ->
                studio.projectNameProperty().get() + (studio.dirtyProperty().get() ? " •" : "") + " — Kinora Studio",
                studio.projectNameProperty(), studio.dirtyProperty()));
        stage.setOnCloseRequest(e -> {
            if (o.screenshotFile().isEmpty() && !w.confirmClose()) {
                e.consume();
            }
        });
        stage.setOnHidden(e -> {
            rememberSize(stage, prefs);
            w.storeLayout();
            prefs.save();
            studio.close();
        });
        stage.show();
        // JavaFX 21's GTK glass sends the size before the window is mapped, and some window managers
        // (openbox) map it at GTK's default 200×200 instead while the stage still reports the size it
        // asked for (JDK-8316423, fixed only after JavaFX 21). Asking again
        // once the window is mapped gives the window the size on every window manager.
        Platform.runLater(() -> resize(stage, size));
        studio.prefs().putDouble("started", System.currentTimeMillis());
        ready.whenComplete((x, e) -> { // on the FX thread
            if (e == null && o.demo()) {
                w.showDemoScene(o.demoScene());
            } else if (e != null) { // the status bar says so too
                LOG.error("the {} could not be made: {}", o.demo() ? "demo" : "new project", e.toString());
            }
            // a failed demo is shot too: the picture shows why, and the run ends instead of hanging
            o.screenshotFile().ifPresent(file -> screenshot(stage, file, o.screenshotDelaySeconds()));
        });
        return w;
    }

    static final String WINDOW_W = "window.w";
    static final String WINDOW_H = "window.h";

    /** Opens at the remembered size when it is sane for this screen, else at a share of it; never below the minimum. */
    private static WindowPlacement.Size place(Stage stage, StudioPrefs prefs) {
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        WindowPlacement.Size min = WindowPlacement.minimum(screen);
        stage.setMinWidth(min.width());
        stage.setMinHeight(min.height());
        WindowPlacement.Size size = WindowPlacement.initial(prefs.getDouble(WINDOW_W, Double.NaN),
                prefs.getDouble(WINDOW_H, Double.NaN), screen);
        stage.setWidth(size.width());
        stage.setHeight(size.height());
        stage.centerOnScreen();
        return size;
    }

    private static void resize(Stage stage, WindowPlacement.Size size) {
        if (stage.isMaximized() || stage.isFullScreen()) {
            return;
        }
        stage.setWidth(size.width());
        stage.setHeight(size.height());
        stage.centerOnScreen();
    }

    private static Rectangle2D screen(Stage stage) {
        var screens = Screen.getScreensForRectangle(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight());
        return (screens.isEmpty() ? Screen.getPrimary() : screens.get(0)).getVisualBounds();
    }

    /** Only a real, restorable size is remembered: not a maximized, iconified or squashed window. */
    private static void rememberSize(Stage stage, StudioPrefs prefs) {
        if (stage.isMaximized() || stage.isIconified() || stage.isFullScreen()) {
            return;
        }
        if (WindowPlacement.sane(stage.getWidth(), stage.getHeight(), screen(stage))) {
            prefs.putDouble(WINDOW_W, stage.getWidth());
            prefs.putDouble(WINDOW_H, stage.getHeight());
        }
    }

    /**
     * Opens the project the studio starts on. Returns when it is shown; the future completes (on the
     * FX thread) when it is ready: at once for a project opened, once written for a new one (its
     * folder is made in the background), once its takes are made for the demo.
     */
    static CompletableFuture<Void> openInitial(StudioModel studio, StudioOptions o, StudioPrefs prefs) throws Exception {
        CompletableFuture<Void> now = CompletableFuture.completedFuture(null);
        if (o.demo()) {
            return DemoProject.create(studio, studio.userData().resolve("demo").resolve("Demo.kinora"));
        }
        if (o.projectDir().isPresent()) {
            studio.open(o.projectDir().get());
            return now;
        }
        // The project the artist last had open comes back. An untitled one only when it stopped with
        // unsaved work (a crash or a kill: it is recovered); a clean untitled one is just a new project.
        String last = prefs.lastProject();
        if (last != null && !last.isBlank()) {
            try {
                Path dir = Path.of(last);
                boolean untitled = studio.scratch().isScratch(dir);
                if (Files.isRegularFile(dir.resolve(ProjectStore.PROJECT_FILE)) && (!untitled || ScratchProjects.hasJournal(dir))) {
                    studio.open(dir);
                    return now;
                }
            } catch (IOException | java.nio.file.InvalidPathException e) {
                LOG.warn("the last project {} cannot be opened ({}); starting a new one", last, e.getMessage());
            }
        }
        return studio.newUntitled().thenApply(dir -> null);
    }

    private static void screenshot(Stage stage, Path file, double delay) {
        PauseTransition wait = new PauseTransition(Duration.seconds(delay));
        wait.setOnFinished(e -> {
            try {
                WritableImage img = stage.getScene().snapshot(null);
                BufferedImage bi = SwingFXUtils.fromFXImage(img, null);
                Path abs = file.toAbsolutePath();
                Files.createDirectories(abs.getParent());
                ImageIO.write(bi, "png", abs.toFile());
                LOG.info("screenshot written to {}", abs);
            } catch (IOException ex) {
                LOG.error("screenshot failed: {}", ex.getMessage());
            }
            stage.close();
            Platform.exit();
        });
        wait.play();
    }

    @Override
    public void stop() {
        // Closing the stage already stopped the model; this is for Platform.exit() from elsewhere.
    }
}
