package dev.kinora.app;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How the studio was started.
 *
 * @param project    a project folder to open (else the last session's unsaved work, else a new untitled project)
 * @param demo       open a generated demo project (synthetic engine), for screenshots and first looks
 * @param synthetic  use the synthetic preview engine instead of the model packs
 * @param screenshot write a PNG of the window once laid out, then exit
 * @param demoScene  what the demo shows: live (a job rendering), compare (A/B wipe of two takes), reel
 */
public record StudioOptions(Path project, boolean demo, boolean synthetic, Path screenshot, double screenshotDelaySeconds,
                            String demoScene) {
    public static StudioOptions defaults() {
        return new StudioOptions(null, false, false, null, 2.5, "live");
    }

    public Optional<Path> projectDir() {
        return Optional.ofNullable(project);
    }

    public Optional<Path> screenshotFile() {
        return Optional.ofNullable(screenshot);
    }
}
