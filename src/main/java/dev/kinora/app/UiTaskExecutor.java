package dev.kinora.app;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javafx.application.Platform;

/**
 * Background work for the panels (token counts, decoding takes for the player and the storyboard,
 * building the reel, relinking, verifying packs) on one thread, with the result posted to the FX
 * thread. Renders are not here: the render service below the app runs them on its own worker.
 */
public final class UiTaskExecutor implements AutoCloseable {
    private final ExecutorService light = Executors.newSingleThreadExecutor(r -> daemon(r, "kinora-light"));
    private final Consumer<Runnable> fx;

    public UiTaskExecutor() {
        this(Platform::runLater);
    }

    /** Tests pass {@code Runnable::run} to get callbacks synchronously on the worker. */
    public UiTaskExecutor(Consumer<Runnable> fx) {
        this.fx = fx;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Short background work (token count, verification, file reads) with its result posted to the FX
     * thread. After {@link #close} (the studio is closing) new work is dropped: nobody waits for it.
     */
    public <T> void background(Callable<T> work, Consumer<T> onDone, Consumer<Throwable> onError) {
        try {
            light.submit(() -> {
                try {
                    T v = work.call();
                    fx.accept(() -> onDone.accept(v));
                } catch (Throwable e) {
                    fx.accept(() -> onError.accept(e));
                }
            });
        } catch (RejectedExecutionException closing) {
            // the window is going away; a late refresh asked for a thumbnail or a count
        }
    }

    @Override
    public void close() {
        light.shutdownNow();
    }
}
