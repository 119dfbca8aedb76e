package dev.kinora.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.onnx.DeviceUnavailableException;
import dev.kinora.engine.pack.PackException;
import dev.kinora.media.MediaException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import picocli.CommandLine;

/**
 * The CLI's exit codes (README, "Exit codes"): 0 ok; 2 bad input (options, prompts, sources,
 * recipes, job files); 3 the model pack or the runtime (broken or tampered pack, device not usable);
 * 4 input/output (unreadable or unwritable file, disk full); 130 cancelled by Ctrl+C or SIGTERM
 * (the finished frames are kept as *-partial); 1 an internal error (a bug: rerun with --debug and
 * report the stack trace). Every failure is one line on stderr; stack traces only with --debug.
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int BAD_INPUT = 2;
    public static final int PACK = 3;
    public static final int IO = 4;
    public static final int CANCELLED = 130;

    private ExitCodes() {
    }

    static int of(Throwable e) {
        if (e instanceof PackException || e instanceof DeviceUnavailableException || e instanceof dev.kinora.engine.UnsupportedModeException) {
            return PACK;
        }
        if (e instanceof GenerationCancelledException) {
            return CANCELLED;
        }
        if (e instanceof MediaException me) {
            return me.kind() == MediaException.Kind.BAD_INPUT ? BAD_INPUT : IO;
        }
        if (e instanceof BadInputException || e instanceof IllegalArgumentException || e instanceof InvalidRequestException
                || e instanceof JsonProcessingException || e instanceof CharacterCodingException) {
            return BAD_INPUT;
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            return IO;
        }
        return FAILURE;
    }

    /** The one line a user sees for e. */
    static String message(Throwable e) {
        String msg;
        if (e instanceof JsonProcessingException j) {
            msg = "not valid JSON: " + j.getOriginalMessage();
        } else if (e instanceof CharacterCodingException) {
            msg = "the file is not UTF-8 text";
        } else if (e instanceof java.nio.file.NoSuchFileException n) {
            msg = n.getFile() + ": no such file or folder";
        } else if (e instanceof java.nio.file.AccessDeniedException a) {
            msg = a.getFile() + ": permission denied";
        } else {
            msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (of(e) == FAILURE) {
            msg = "internal error: " + e.getClass().getSimpleName() + ": " + msg + " (rerun with --debug for details and report it)";
        }
        // one line: native libraries put their call stacks into messages
        return Terminal.safe(msg.strip().replaceAll("\\s*\\R\\s*", " | "));
    }

    static final class Handler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
            cmd.getErr().println("kinora: " + message(e));
            if (Main.debug()) {
                e.printStackTrace(cmd.getErr());
            }
            return of(e);
        }
    }

    static final class ParameterHandler implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException e, String[] args) {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("kinora: " + Terminal.safe(e.getMessage()));
            cmd.getErr().println("See '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
            return BAD_INPUT;
        }
    }
}
