package dev.kinora.app;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How the studio was started.
 *
 * @param project    a project folder to open (else the last session's unsaved work, else a new untitled project)
 * @param demo       open a demo project whose takes are generated on the spot with the installed pack
 * @param screenshot write a PNG of the window once laid out, then exit
 * @param demoScene  what the demo shows: live (a job rendering), compare (A/B wipe of two takes), reel
 */
public record StudioOptions(Path project, boolean demo, Path screenshot, double screenshotDelaySeconds,
                            String demoScene) {
    public static StudioOptions defaults() {
        return new StudioOptions(null, false, null, 2.5, "live");
    }

    public Optional<Path> projectDir() {
        return Optional.ofNullable(project);
    }

    public Optional<Path> screenshotFile() {
        return Optional.ofNullable(screenshot);
    }
}
