package dev.kinora.bench;

import dev.kinora.app.MainWindow;
import dev.kinora.app.StudioModel;
import dev.kinora.app.StudioPrefs;
import dev.kinora.app.UiTaskExecutor;
import dev.kinora.app.engine.LocalEngine;
import dev.kinora.app.export.ReelExporter;
import dev.kinora.app.prompt.PromptViewModel;
import dev.kinora.app.queue.JobItem;
import dev.kinora.engine.Frames;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.media.OutputFormat;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The FX-stall probe on the real studio: the whole window ({@link MainWindow} at 1440×900, every panel
 * live) over the real engine and a pack, and the three moments the done-when names, each
 * measured with {@link FxStallMeter} from the first FX-thread call to a few seconds after its effect:
 * <ol>
 *   <li><b>device</b>: changing the device five times while a job renders (the render service applies
 *       it between jobs; the call must return at once);</li>
 *   <li><b>cancel</b>: cancelling that job, through its partial take landing on the card and playing; and
 *       <b>cancel-2nd</b>, the same for a second job (the first time also loads that path's classes);</li>
 *   <li><b>source-512</b>: dropping a 512-frame clip on source A and starting an extension of it, until
 *       the job has been rendering for a few seconds (the clip is decoded for the slot and for the job).</li>
 * </ol>
 * Besides the pulse gaps, each reports the longest single FX-thread call the scenario made.
 */
public final class FxStallStudio {
    /** One scenario: the pulse gaps over its window and its longest FX-thread call. */
    public record Scenario(String name, PulseGaps gaps, PulseGaps cpu, double longestCallMs, double seconds, String note, String stalls) {
        public String describe() {
            return String.format(Locale.ROOT, "%-11s %s; longest FX call %.1f ms; %.1f s; %s%n            %s%n            FX thread during pulses over 40 ms late: %s",
                    name, gaps.describe(), longestCallMs, seconds, note, cpuLine(cpu), stalls);
        }
    }

    /** The FX thread's CPU time between pulses ({@link FxStallMeter#cpuGaps}), the figure that does not grow with other load. */
    static String cpuLine(PulseGaps cpu) {
        return String.format(Locale.ROOT, "FX thread CPU between pulses: longest %.1f ms, p99 %.1f ms, median %.1f ms, %d over 50 ms",
                cpu.maxMs(), cpu.p99Ms(), cpu.medianMs(), cpu.over50Ms());
    }

    /** The idle window first, then the scenarios in order. */
    public record Result(PulseGaps idle, List<Scenario> scenarios) {
    }

    /** Frames in the long source clip (the 512). */
    public static final int SOURCE_FRAMES = 512;

    private FxStallStudio() {
    }

    /**
     * Runs the scenarios on a studio over {@code packs} in a fresh user folder under {@code work}.
     * {@code steps}: denoising steps of the job rendered under the device changes (four windows of the
     * pack's length; it is cancelled in the second scenario once its first window is done); {@code settleMillis}: how long after
     * each effect the measurement goes on.
     */
    public static Result measure(PackRegistry packs, Path work, int steps, long settleMillis, PrintStream out) throws Exception {
        FxStallProbe.ensureToolkit();
        Path ud = Files.createDirectories(work.resolve("userdata"));
        StudioModel studio = onFx(() -> {
            StudioModel m = new StudioModel(new LocalEngine(packs), new UiTaskExecutor(), new StudioPrefs(ud), ud);
            m.newUntitled();
            return m;
        });
        Stage[] stage = new Stage[1];
        MainWindow window = onFx(() -> {
            MainWindow w = new MainWindow(studio);
            Scene scene = new Scene(w, 1440, 900);
            w.install(scene);
            stage[0] = new Stage();
            stage[0].setScene(scene);
            stage[0].show();
            return w;
        });
        FxStallMeter meter = onFx(FxStallMeter::new);
        onFx(meter::start);
        meter.sampleStalls(40);
        PromptViewModel vm = window.promptViewModel();
        List<Scenario> scenarios = new ArrayList<>();
        try {
            waitFor("the device report", 60_000, () -> !studio.deviceUsedProperty().get().isEmpty());
            // The long source is written before anything is measured: making it is not the studio's work.
            Path clip = longClip(work.resolve("source-512.mp4"));
            Thread.sleep(2000);
            PulseGaps idle = meter.gaps();
            out.println("studio window idle: " + idle.describe() + "\n            " + cpuLine(meter.cpuGaps())
                    + "\n            FX thread during pulses over 40 ms late: " + meter.stalls(4));

            // 1. Device changes while a job renders.
            onFx(() -> {
                vm.promptProperty().set("a red ball bounces across a sunny meadow");
                vm.stepsProperty().set(steps);
                vm.framesProperty().set(vm.framesProperty().get() * 4); // several windows: one is done before the cancel
                vm.generate();
            });
            waitFor("the job rendering", 120_000, () -> onFxUnchecked(() -> studio.queue().runningProperty().get() != null
                    && studio.queue().runningProperty().get().progressProperty().get() > 0));
            Device start = onFx(() -> vm.deviceProperty().get());
            meter.reset();
            long t0 = System.nanoTime();
            double longest = 0;
            for (int i = 0; i < 5; i++) {
                Device d = i % 2 == 0 ? (start == Device.CPU ? Device.AUTO : Device.CPU) : start;
                longest = Math.max(longest, timedOnFx(() -> vm.deviceProperty().set(d)));
                Thread.sleep(400);
            }
            Thread.sleep(settleMillis);
            boolean stillRunning = running(studio) != null;
            scenarios.add(new Scenario("device", meter.gaps(), meter.cpuGaps(), longest, (System.nanoTime() - t0) / 1e9,
                    "5 changes " + start.id() + "↔other during a " + steps + "-step, 4-window job" + (stillRunning ? ", job still running" : ", job ended meanwhile"), meter.stalls(4)));

            // 2. Cancel that job once a window is done; its partial take lands on the card and plays. Then
            // once more on a second job: the first time in a session also pays for loading the classes of that path.
            scenarios.add(cancel("cancel", studio, vm, meter, settleMillis));
            scenarios.add(cancel("cancel-2nd", studio, vm, meter, settleMillis));

            // 3. A 512-frame clip on source A, then an extension of it.
            meter.reset();
            t0 = System.nanoTime();
            double drop = timedOnFx(() -> {
                vm.dropFile(vm.sourceA(), clip);
                vm.modeProperty().set(Mode.EXTEND);
            });
            double submit = timedOnFx(vm::generate);
            waitFor("the extension rendering", 180_000, () -> onFxUnchecked(() -> studio.queue().runningProperty().get() != null
                    && studio.queue().runningProperty().get().progressProperty().get() > 0)
                    || onFxUnchecked(() -> studio.queue().jobs().stream().anyMatch(j -> j.state().finished() && j.spec().mode() == Mode.EXTEND)));
            boolean slot = waitQuietly(60_000, () -> onFxUnchecked(() -> vm.sourceA().framesProperty().get() != null));
            Thread.sleep(settleMillis);
            String how = onFx(() -> studio.queue().jobs().stream().filter(j -> j.spec().mode() == Mode.EXTEND).findFirst()
                    .map(j -> j.state().name().toLowerCase(Locale.ROOT) + (j.messageProperty().get().isBlank() ? "" : " (" + j.messageProperty().get() + ")"))
                    .orElse("not queued: " + studio.statusProperty().get()));
            scenarios.add(new Scenario("source-512", meter.gaps(), meter.cpuGaps(), Math.max(drop, submit), (System.nanoTime() - t0) / 1e9,
                    SOURCE_FRAMES + "-frame 320×180 MP4 dropped on A, extend queued (drop " + String.format(Locale.ROOT, "%.1f", drop)
                            + " ms, generate " + String.format(Locale.ROOT, "%.1f", submit) + " ms); job " + how
                            + (slot ? "; slot thumbnail shown" : ""), meter.stalls(4)));
            JobItem ext = running(studio);
            if (ext != null) {
                onFx(() -> studio.queue().cancel(ext));
                waitQuietly(60_000, () -> running(studio) == null);
            }
            for (Scenario s : scenarios) {
                out.println(s.describe());
            }
            return new Result(idle, scenarios);
        } finally {
            onFx(() -> {
                meter.stop();
                stage[0].close();
                studio.close();
            });
        }
    }

    /** Cancels the running job once its first window is done, measured from the click through its partial take playing. */
    private static Scenario cancel(String name, StudioModel studio, PromptViewModel vm, FxStallMeter meter, long settleMillis)
            throws Exception {
        if (running(studio) == null) { // a fast pack finished the last one already: another of the same
            onFx(vm::generate);
            waitFor("a job rendering", 120_000, () -> running(studio) != null);
        }
        // once its first window is done ("… · window 2/4"), so something comes back
        java.util.regex.Pattern window = java.util.regex.Pattern.compile("window ([2-9]|\\d\\d+)/");
        waitQuietly(120_000, () -> onFxUnchecked(() -> {
            JobItem j = studio.queue().runningProperty().get();
            return j == null || window.matcher(j.stepProperty().get()).find();
        }));
        JobItem job = running(studio);
        int takesBefore = onFx(() -> studio.doc().shots().get(0).takes().size());
        meter.reset();
        long t0 = System.nanoTime();
        double cancelCall = job == null ? 0 : timedOnFx(() -> studio.queue().cancel(job));
        waitFor("the job to stop", 120_000, () -> running(studio) == null);
        double stopped = (System.nanoTime() - t0) / 1e9;
        // Finished windows come back as a partial take; a job cancelled inside its first window has none.
        boolean partial = waitQuietly(3_000, () -> onFxUnchecked(() -> studio.doc().shots().get(0).takes().size()) > takesBefore);
        Thread.sleep(settleMillis);
        return new Scenario(name, meter.gaps(), meter.cpuGaps(), cancelCall, (System.nanoTime() - t0) / 1e9,
                job == null ? "no job was running" : String.format(Locale.ROOT, "job %s %.1f s after the click%s",
                        job.state().name().toLowerCase(Locale.ROOT), stopped,
                        partial ? ", partial take added and played" : ", inside its first window: no partial take"), meter.stalls(4));
    }

    /** A 512-frame 320×180 clip of a moving gradient, written through the product's export path. */
    static Path longClip(Path file) throws Exception {
        int w = 320;
        int h = 180;
        List<byte[]> frames = new ArrayList<>(SOURCE_FRAMES);
        for (int f = 0; f < SOURCE_FRAMES; f++) {
            byte[] rgb = new byte[w * h * 3];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = (y * w + x) * 3;
                    rgb[i] = (byte) ((x + f * 2) & 255);
                    rgb[i + 1] = (byte) ((y * 2 + f) & 255);
                    rgb[i + 2] = (byte) (128 + 100 * Math.sin((x + y + f * 4) / 40.0));
                }
            }
            frames.add(rgb);
        }
        return ReelExporter.export(new Frames(w, h, 16, frames), OutputFormat.MP4, 1, file, Map.of());
    }

    private static JobItem running(StudioModel studio) {
        return onFxUnchecked(() -> studio.queue().runningProperty().get());
    }

    private static double timedOnFx(Runnable r) throws Exception {
        return onFx(() -> {
            long t = System.nanoTime();
            r.run();
            return (System.nanoTime() - t) / 1e6;
        });
    }

    private static void waitFor(String what, long millis, BooleanSupplier cond) throws Exception {
        if (!waitQuietly(millis, cond)) {
            throw new IllegalStateException("timed out after " + millis + " ms waiting for " + what);
        }
    }

    private static boolean waitQuietly(long millis, BooleanSupplier cond) throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    static <T> T onFx(Callable<T> c) throws Exception {
        CompletableFuture<T> done = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                done.complete(c.call());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return done.get(60, TimeUnit.SECONDS);
    }

    private static void onFx(Runnable r) throws Exception {
        onFx(() -> {
            r.run();
            return null;
        });
    }

    private static <T> T onFxUnchecked(Callable<T> c) {
        try {
            return onFx(c);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
