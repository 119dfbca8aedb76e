package dev.kinora.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the `kinora` launcher. The only layer that writes to stdout. */
@Command(name = "kinora", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Kinora: offline video generation from words, stills and clips.",
        footer = {"", "Add --debug anywhere for stack traces and ONNX Runtime's warnings.",
                "Exit codes: 0 ok, 2 bad input, 3 model pack or device, 4 file input/output, 130 cancelled, 1 internal error."},
        subcommands = {Jobs.Generate.class, Jobs.Animate.class, Jobs.Extend.class, Jobs.Interpolate.class, Jobs.Loop.class,
                Jobs.Remix.class, InfoCommand.class, ModelsCommand.class, BatchCommand.class, EmbedCommand.class,
                StudioCommand.class, SchedulerCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    private static volatile boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        List<String> rest = new ArrayList<>(List.of(args));
        debug = rest.removeIf("--debug"::equals);
        if (debug) {
            System.setProperty("kinora.ortLog", "warning");
        }
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(new ExitCodes.Handler())
                .setParameterExceptionHandler(new ExitCodes.ParameterHandler())
                .execute(rest.toArray(String[]::new));
    }

    static boolean debug() {
        return debug;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kinora " + dev.kinora.engine.KinoraVersion.get()};
        }
    }
}
