package dev.kinora.app;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.Progress;
import dev.kinora.engine.ProgressListener;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javafx.application.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns engine work into FX work: jobs run on one render thread (a model fills a small machine,
 * so they run one at a time), light work such as token counting on another so typing never waits
 * for a render. Every callback is posted to the FX thread. Progress is coalesced: the engine may
 * report faster than the screen refreshes, so only the newest event is delivered and at most one
 * post is pending at a time.
 */
public final class UiTaskExecutor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UiTaskExecutor.class);

    /** Engine work; receives the listener to report to and the token to honour. */
    @FunctionalInterface
    public interface Job<T> {
        T run(ProgressListener progress, CancelToken cancel) throws Exception;
    }

    /** FX-thread callbacks of a job. */
    public interface Callbacks<T> {
        void progress(Progress p);

        void done(T value);

        /** Cancelled; the partial value the engine kept (finished windows), if any. */
        void cancelled(Optional<Object> partial);

        void failed(Throwable error);
    }

    /**
     * A running job as its owner sees it. Cancelling fires the engine's token: the model call in
     * flight is terminated and the engine returns the windows it had finished (TinyWorldTest
     * cancels inside a call and checks the partial result).
     */
    public static final class Handle {
        private final CancelToken token = new CancelToken();
        private volatile boolean requested;

        public void cancel() {
            requested = true;
            token.cancel();
        }

        public boolean cancelRequested() {
            return requested;
        }
    }

    private final ExecutorService render = Executors.newSingleThreadExecutor(r -> daemon(r, "kinora-render"));
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

    public <T> Handle submit(Job<T> job, Callbacks<T> cb) {
        Handle h = new Handle();
        AtomicReference<Progress> latest = new AtomicReference<>();
        AtomicBoolean posted = new AtomicBoolean();
        ProgressListener listener = p -> {
            latest.set(p);
            if (posted.compareAndSet(false, true)) {
                fx.accept(() -> {
                    posted.set(false);
                    Progress last = latest.get();
                    if (last != null) {
                        cb.progress(last);
                    }
                });
            }
        };
        render.submit(() -> {
            try {
                T value = job.run(listener, h.token);
                fx.accept(() -> cb.done(value));
            } catch (GenerationCancelledException e) {
                Optional<Object> partial = e.partial().map(o -> (Object) o);
                fx.accept(() -> cb.cancelled(partial));
            } catch (Throwable e) {
                if (h.requested || h.token.isCancelled()) {
                    fx.accept(() -> cb.cancelled(Optional.empty()));
                } else {
                    LOG.warn("job failed", e);
                    fx.accept(() -> cb.failed(e));
                }
            }
        });
        return h;
    }

    /** Short background work (token count, verification, file reads) with its result posted to the FX thread. */
    public <T> void background(Callable<T> work, Consumer<T> onDone, Consumer<Throwable> onError) {
        light.submit(() -> {
            try {
                T v = work.call();
                fx.accept(() -> onDone.accept(v));
            } catch (Throwable e) {
                fx.accept(() -> onError.accept(e));
            }
        });
    }

    @Override
    public void close() {
        render.shutdownNow();
        light.shutdownNow();
    }
}
