package dev.kinora.cli;

import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.pack.PackException;
import picocli.CommandLine;

/** The CLI's exit codes: 0 ok, 2 bad input, 3 model/pack error, 130 cancelled, 1 anything else. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int BAD_INPUT = 2;
    public static final int PACK = 3;
    public static final int CANCELLED = 130;

    private ExitCodes() {
    }

    static int of(Throwable e) {
        if (e instanceof PackException) {
            return PACK;
        }
        if (e instanceof GenerationCancelledException) {
            return CANCELLED;
        }
        if (e instanceof BadInputException || e instanceof IllegalArgumentException
                || e instanceof dev.kinora.engine.InvalidRequestException
                || e instanceof dev.kinora.media.MediaException me && me.kind() == dev.kinora.media.MediaException.Kind.BAD_INPUT) {
            return BAD_INPUT;
        }
        return FAILURE;
    }

    static final class Handler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
            int code = of(e);
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            cmd.getErr().println("kinora: " + msg);
            if (code == FAILURE) {
                e.printStackTrace(cmd.getErr());
            }
            return code;
        }
    }

    static final class ParameterHandler implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException e, String[] args) {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("kinora: " + e.getMessage());
            cmd.getErr().println("See 'kinora " + cmd.getCommandName() + " --help'.");
            return BAD_INPUT;
        }
    }
}
