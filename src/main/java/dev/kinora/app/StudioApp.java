package dev.kinora.app;

import dev.kinora.app.engine.LocalEngine;
import dev.kinora.app.engine.StudioEngine;
import dev.kinora.project.ProjectStore;
import dev.kinora.engine.pack.PackRegistry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
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
        o.screenshotFile().ifPresent(file -> screenshot(stage, file, o.screenshotDelaySeconds()));
    }

    /** Builds the studio on a stage; shared by {@link #start} and the UI tests. */
    public static MainWindow build(StudioOptions o, Stage stage) throws Exception {
        Path userData = StudioPrefs.userData();
        StudioEngine engine = new LocalEngine(PackRegistry.standard());
        StudioPrefs prefs = new StudioPrefs(userData);
        StudioModel studio = new StudioModel(engine, new UiTaskExecutor(), prefs, userData);
        openInitial(studio, o, prefs);
        MainWindow w = new MainWindow(studio);
        Scene scene = new Scene(w, prefs.getDouble("window.w", 1440), prefs.getDouble("window.h", 900));
        w.install(scene);
        stage.setScene(scene);
        stage.titleProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() ->
                studio.projectNameProperty().get() + (studio.dirtyProperty().get() ? " •" : "") + " — Kinora Studio",
                studio.projectNameProperty(), studio.dirtyProperty()));
        stage.setOnCloseRequest(e -> {
            if (o.screenshotFile().isEmpty() && !w.confirmClose()) {
                e.consume();
            }
        });
        stage.setOnHidden(e -> {
            prefs.putDouble("window.w", scene.getWidth());
            prefs.putDouble("window.h", scene.getHeight());
            w.storeLayout();
            studio.close();
        });
        stage.show();
        studio.prefs().putDouble("started", System.currentTimeMillis());
        if (o.demo()) {
            w.showDemoScene(o.demoScene());
        }
        return w;
    }

    static void openInitial(StudioModel studio, StudioOptions o, StudioPrefs prefs) throws Exception {
        if (o.demo()) {
            DemoProject.create(studio, studio.userData().resolve("demo").resolve("Demo.kinora"));
            return;
        }
        if (o.projectDir().isPresent()) {
            studio.open(o.projectDir().get());
            return;
        }
        // The last session stopped with unsaved work (a crash or a kill): reopen it, and it is recovered.
        String last = prefs.lastProject();
        if (last != null && Files.isDirectory(Path.of(last))) {
            var journal = Path.of(last).resolve(ProjectStore.AUTOSAVE_DIR).resolve(ProjectStore.JOURNAL_FILE);
            if (Files.isRegularFile(journal)) {
                studio.open(Path.of(last));
                return;
            }
        }
        studio.newUntitled();
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
