package dev.kinora.app;

import javafx.application.Application;

/**
 * Starts the studio. JavaFX is on the class path (not the module path), and the launcher refuses
 * to start an Application subclass that is itself the main class in that setup; a separate class
 * that calls {@link Application#launch} avoids the "JavaFX runtime components are missing" error.
 */
public final class StudioLauncher {
    private static volatile StudioOptions options = StudioOptions.defaults();

    private StudioLauncher() {
    }

    public static void main(String[] args) {
        launch(StudioOptions.defaults());
    }

    /** Blocks until the studio window closes. */
    public static void launch(StudioOptions o) {
        options = o;
        Application.launch(StudioApp.class);
    }

    static StudioOptions options() {
        return options;
    }

    static void setOptions(StudioOptions o) {
        options = o;
    }
}
