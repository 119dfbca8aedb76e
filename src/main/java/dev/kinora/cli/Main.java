package dev.kinora.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the `kinora` launcher. The only layer that writes to stdout. */
@Command(name = "kinora", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Kinora: offline video generation from words, stills and clips.",
        subcommands = {Jobs.Generate.class, Jobs.Animate.class, Jobs.Extend.class, Jobs.Interpolate.class, Jobs.Loop.class,
                Jobs.Remix.class, InfoCommand.class, ModelsCommand.class, BatchCommand.class, EmbedCommand.class,
                StudioCommand.class, SchedulerCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(new ExitCodes.Handler())
                .setParameterExceptionHandler(new ExitCodes.ParameterHandler())
                .execute(args);
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
