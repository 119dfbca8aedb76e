package dev.kinora.bench;

import dev.kinora.engine.Preview;
import dev.kinora.engine.Progress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;

/**
 * The studio's situation, reduced: a generation runs on a worker thread through the engine while the
 * FX thread shows every progress event (runLater per event, a progress bar and label, and the preview
 * drawn pixel-zoomed on a canvas from an Image built of the Preview's RGB, as the player does). The
 * FX pulse gaps are measured idle first, then during the generations.
 */
public final class FxStallProbe {
    /** Idle baseline and the measurement during generation. */
    public record Result(PulseGaps idle, PulseGaps generating, int events, int previewsShown, double seconds) {
    }

    private FxStallProbe() {
    }

    /** Starts the toolkit if nobody has (the CLI); under TestFX/Monocle it is already running. */
    public static void ensureToolkit() throws InterruptedException {
        CountDownLatch up = new CountDownLatch(1);
        try {
            Platform.startup(up::countDown);
        } catch (IllegalStateException alreadyRunning) {
            up.countDown();
        }
        up.await(30, TimeUnit.SECONDS);
        Platform.setImplicitExit(false);
    }

    public static Result measure(EngineHarness h, Workload w, int generations, long idleMillis, PrintStream out) throws Exception {
        ensureToolkit();
        AtomicReference<Stage> stage = new AtomicReference<>();
        AtomicReference<FxStallMeter> meter = new AtomicReference<>();
        AtomicReference<Canvas> canvas = new AtomicReference<>();
        AtomicReference<Label> label = new AtomicReference<>();
        AtomicReference<ProgressBar> bar = new AtomicReference<>();
        onFx(() -> {
            Canvas c = new Canvas(512, 512);
            Label l = new Label("idle");
            ProgressBar b = new ProgressBar(0);
            Stage s = new Stage();
            s.setScene(new Scene(new VBox(8, c, b, l), 540, 600));
            s.show();
            FxStallMeter m = new FxStallMeter();
            m.start();
            stage.set(s);
            meter.set(m);
            canvas.set(c);
            label.set(l);
            bar.set(b);
        });
        Thread.sleep(idleMillis);
        PulseGaps idle = meter.get().gaps();
        meter.get().reset();
        AtomicInteger events = new AtomicInteger();
        AtomicInteger shown = new AtomicInteger();
        long t0 = System.nanoTime();
        CompletableFuture<Void> job = CompletableFuture.runAsync(() -> {
            try {
                for (int g = 0; g < generations; g++) {
                    h.run(w, CompareBench.prompt(g), 100 + g, true, false, p -> {
                        events.incrementAndGet();
                        Platform.runLater(() -> show(p, canvas.get(), bar.get(), label.get(), shown));
                    });
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> {
            Thread t = new Thread(r, "bench-generation");
            t.setDaemon(true);
            t.start();
        });
        job.get();
        double seconds = (System.nanoTime() - t0) / 1e9;
        onFx(() -> {
        });
        PulseGaps during = meter.get().gaps();
        onFx(() -> {
            meter.get().stop();
            stage.get().close();
        });
        Result r = new Result(idle, during, events.get(), shown.get(), seconds);
        out.println("FX thread while idle:       " + idle.describe());
        out.println("FX thread while generating: " + during.describe());
        out.printf(Locale.ROOT, "%d generations of %s in %.1f s; %d progress events posted, %d previews drawn%n", generations,
                w.label(), seconds, events.get(), shown.get());
        return r;
    }

    private static void show(Progress p, Canvas c, ProgressBar b, Label l, AtomicInteger shown) {
        b.setProgress(p.fraction());
        l.setText(String.format(Locale.ROOT, "%s  window %d/%d  step %d/%d  ETA %d s", p.stage(), p.window(), p.windows(), p.step(),
                p.steps(), p.eta().toSeconds()));
        Preview pv = p.preview();
        if (!pv.isEmpty()) {
            WritableImage img = new WritableImage(pv.width(), pv.height());
            img.getPixelWriter().setPixels(0, 0, pv.width(), pv.height(), PixelFormat.getByteRgbInstance(), pv.rgb(), 0, pv.width() * 3);
            GraphicsContext g = c.getGraphicsContext2D();
            g.setImageSmoothing(false);
            g.drawImage(img, 0, 0, c.getWidth(), c.getHeight());
            shown.incrementAndGet();
        }
    }

    private static void onFx(Runnable r) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                r.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        done.get(30, TimeUnit.SECONDS);
    }
}
