package dev.kinora.app;

import dev.kinora.app.engine.StudioEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;

/** Shared test plumbing: the FX toolkit, a studio over a given engine, waiting, and FX-thread exceptions. */
public final class FxTestSupport {
    public static final List<Throwable> FX_ERRORS = new CopyOnWriteArrayList<>();
    private static boolean started;

    private FxTestSupport() {
    }

    /** Starts the toolkit once and records every uncaught exception, on the FX thread included. */
    public static synchronized void startFx() throws Exception {
        Thread.UncaughtExceptionHandler h = (t, e) -> FX_ERRORS.add(e);
        Thread.setDefaultUncaughtExceptionHandler(h);
        if (!started) {
            // Started the way TestFX starts it, so window tests that run later in this JVM get keyboard focus.
            org.testfx.api.FxToolkit.registerPrimaryStage();
            Platform.setImplicitExit(false);
            started = true;
        }
        onFx(() -> Thread.currentThread().setUncaughtExceptionHandler(h));
    }

    public static void onFx(Runnable r) throws Exception {
        if (Platform.isFxApplicationThread()) {
            r.run();
            return;
        }
        CountDownLatch l = new CountDownLatch(1);
        Throwable[] err = new Throwable[1];
        Platform.runLater(() -> {
            try {
                r.run();
            } catch (Throwable e) {
                err[0] = e;
            } finally {
                l.countDown();
            }
        });
        if (!l.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("FX thread did not run the action within 30 s");
        }
        if (err[0] != null) {
            throw new AssertionError("FX action failed", err[0]);
        }
    }

    public static <T> T onFx(java.util.concurrent.Callable<T> c) throws Exception {
        Object[] out = new Object[1];
        onFx(() -> {
            try {
                out[0] = c.call();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        @SuppressWarnings("unchecked")
        T t = (T) out[0];
        return t;
    }

    public static void waitFor(String what, long millis, BooleanSupplier cond) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            boolean[] ok = new boolean[1];
            onFx(() -> ok[0] = cond.getAsBoolean());
            if (ok[0]) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("timed out after " + millis + " ms waiting for: " + what);
    }

    /** The example prompts {@link #tinyEngine}'s pack lists. */
    public static final List<String> TINY_EXAMPLES = List.of("a red ball rolls", "a red ball rolls on", "a blue box slides");

    /** The real engine over the tiny test pack (32×32, 8-frame windows, tiny ONNX graphs) built in {@code dir}. */
    public static dev.kinora.app.engine.LocalEngine tinyEngine(Path dir) throws Exception {
        Path models = dir.resolve("models");
        Path pack = dev.kinora.testing.TestPacks.tiny(models, "tiny");
        // three example prompts: the prompt box offers the first, and the demo storyboard is made of them
        dev.kinora.testing.TestPacks.writeManifest(pack, "tiny", "\"examples\": [" + String.join(", ", TINY_EXAMPLES.stream()
                .map(e -> "\"" + e + "\"").toList()) + "]");
        // two words its "captions" never had, so the prompt editor's "Reads as" line has something to show
        dev.kinora.testing.TestPacks.addLexicon(pack, """
                {"format": 1, "shapes": ["ball"],
                 "entries": [{"kind": "colour", "from": "scarlet", "to": "red"}, {"kind": "shape", "from": "orb", "to": "ball"}]}
                """);
        return new dev.kinora.app.engine.LocalEngine(new dev.kinora.engine.pack.PackRegistry(List.of(models)));
    }

    /**
     * A studio on the FX thread with its own user-data folder, opened on a new untitled project, once
     * that is written and its render queue attached (as at startup, before the window shows), and the
     * work queued after it has ended.
     */
    public static StudioModel studio(StudioEngine engine, Path userData) throws Exception {
        StudioModel[] m = new StudioModel[1];
        java.util.concurrent.CompletableFuture<Path> ready = onFx(() -> {
            m[0] = new StudioModel(engine, new UiTaskExecutor(), new StudioPrefs(userData), userData);
            return m[0].newUntitled();
        });
        ready.get(30, TimeUnit.SECONDS);
        // and its tidying after (the scratch sweep), so a test's own saves are the only ones left to come
        if (!m[0].session().awaitSaves(java.time.Duration.ofSeconds(30))) {
            throw new AssertionError("the new project's background work did not end within 30 s");
        }
        return m[0];
    }
}
