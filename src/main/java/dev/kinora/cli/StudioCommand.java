package dev.kinora.cli;

import dev.kinora.app.StudioLauncher;
import dev.kinora.app.StudioOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `kinora studio`: opens the desktop studio (blocks until its window closes). */
@Command(name = "studio", mixinStandardHelpOptions = true,
        description = "Open the Kinora studio: prompt editor, player, storyboard and render queue.")
public final class StudioCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "PROJECT", description = "A project folder (*.kinora) to open.")
    Path project;

    @Option(names = "--demo", description = "Open a demo storyboard whose takes are generated now with the installed pack.")
    boolean demo;

    @Option(names = "--screenshot", paramLabel = "PNG", description = "Write a PNG of the window once it is laid out, then exit.")
    Path screenshot;

    @Option(names = "--screenshot-delay", defaultValue = "2.5", paramLabel = "SECONDS",
            description = "Seconds to wait before the screenshot (default: ${DEFAULT-VALUE}).")
    double delay;

    /** Runs the studio without the rest of the CLI (until `kinora studio` is registered in Main). */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new StudioCommand()).execute(args));
    }

    @Option(names = "--demo-scene", defaultValue = "live", paramLabel = "SCENE",
            description = "With --demo: live (a job rendering), compare (A/B wipe of two takes) or reel (default: ${DEFAULT-VALUE}).")
    String scene;

    @Override
    public Integer call() {
        if (project != null && !java.nio.file.Files.isDirectory(project)) {
            throw new IllegalArgumentException(project + " is not a project folder; pass a *.kinora folder or nothing for a new project");
        }
        StudioLauncher.launch(new StudioOptions(project, demo, screenshot, delay, scene));
        return ExitCodes.OK;
    }
}
