package dev.kinora.cli;

import dev.kinora.engine.CancelToken;
import java.util.function.IntConsumer;

/**
 * What Ctrl+C or SIGTERM does to a running job. The JVM runs shutdown hooks on those signals and
 * then exits with the signal's status; a hook that waited for the main thread while the main
 * thread sat in System.exit (which waits for hooks) cost 10 s. Instead the main thread reports its
 * phase here, and the hook:
 * <ul>
 *   <li>while the job works: cancels the token (the engine aborts the step in flight) and waits at
 *       most {@link #GRACE_MS} for the finished windows to start being written as *-partial;</li>
 *   <li>while a file is being written: lets the write finish, however long it takes, so no output
 *       is cut off;</li>
 *   <li>then ends the process with the job's own code: 0 when the full output was written (the
 *       signal came too late to cancel anything), 130 when it was cancelled.</li>
 * </ul>
 */
final class SignalExit implements AutoCloseable {
    static final long GRACE_MS = 800;

    private enum Phase { WORKING, WRITING, DONE }

    private final CancelToken token;
    private final IntConsumer halt;
    private final Thread hook;
    private Phase phase = Phase.WORKING;
    private int code = ExitCodes.CANCELLED;
    private boolean installed;

    /** Installs a JVM shutdown hook that ends the process with Runtime.halt. */
    static SignalExit install(CancelToken token) {
        SignalExit s = new SignalExit(token, c -> {
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(c);
        });
        Runtime.getRuntime().addShutdownHook(s.hook);
        s.installed = true;
        return s;
    }

    SignalExit(CancelToken token, IntConsumer halt) {
        this.token = token;
        this.halt = halt;
        this.hook = new Thread(this::onSignal, "kinora-signal");
    }

    /** The main thread starts writing an output (the full result or the partial one). */
    synchronized void writing() {
        phase = Phase.WRITING;
    }

    /** The main thread is done; code is what the process should exit with. */
    synchronized void done(int exitCode) {
        code = exitCode;
        phase = Phase.DONE;
        notifyAll();
    }

    /** Runs on the hook thread (tests call it directly). */
    void onSignal() {
        token.cancel();
        int exit;
        synchronized (this) {
            long deadline = System.currentTimeMillis() + GRACE_MS;
            try {
                while (phase != Phase.DONE) {
                    long left = deadline - System.currentTimeMillis();
                    if (phase == Phase.WORKING && left <= 0) {
                        break;
                    }
                    wait(phase == Phase.WRITING ? 100 : Math.max(1, left));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exit = phase == Phase.DONE ? code : ExitCodes.CANCELLED;
        }
        halt.accept(exit);
    }

    @Override
    public void close() {
        if (installed) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down: the hook is running and will end the process
            }
        }
    }
}
