package dev.kinora.app.engine;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Direction;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.KinoraVersion;
import dev.kinora.engine.Preview;
import dev.kinora.engine.Progress;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.Recipe;
import dev.kinora.engine.Stage;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.pack.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

/**
 * A stand-in generator with the engine's contract (progress per step with a preview, cancel between
 * steps keeping finished windows, extension continuing from the source's edge frame). It draws a
 * ball whose colour and path come from the prompt and seed. Used by the UI tests and the
 * screenshot demo so they exercise every studio path without model files.
 */
public final class SyntheticEngine implements StudioEngine {
    public static final PackInfo PACK = new PackInfo("tinyworld", "Tiny World (synthetic preview)", "demo", "Apache-2.0",
            EnumSet.allOf(Mode.class), 64, 64, 16, 8, 64, "flow-euler", 8, 3f, java.nio.file.Path.of("models/tinyworld"), 0, "");

    private final long stepMillis;
    private volatile Device device = Device.AUTO;

    public SyntheticEngine(long stepMillis) {
        this.stepMillis = stepMillis;
    }

    @Override
    public List<PackInfo> packs() {
        return List.of(PACK);
    }

    @Override
    public int countTokens(String pack, String prompt) {
        String p = prompt.trim();
        return p.isEmpty() ? 2 : p.split("[\\s,.;:!?]+").length + 2;
    }

    @Override
    public GenerationResult generate(GenerationRequest r, ProgressListener listener, CancelToken cancel)
            throws GenerationCancelledException {
        int w = PACK.width();
        int h = PACK.height();
        int n = r.frames() > 0 ? r.frames() : PACK.frames();
        int steps = r.steps() > 0 ? r.steps() : PACK.steps();
        int windows = Math.max(1, (n + 15) / 16);
        long t0 = System.nanoTime();
        Random rnd = new Random(r.seed() ^ r.prompt().hashCode());
        float hue = Math.floorMod(r.prompt().hashCode(), 360);
        double vx = rnd.nextDouble() * 2 - 1;
        double vy = rnd.nextDouble() * 2 - 1;
        byte[] edge = r.sources().isEmpty() ? null
                : (r.direction() == Direction.BACKWARD ? r.sources().get(0).frames().frame(0)
                : r.sources().get(0).frames().frame(r.sources().get(0).frames().count() - 1));
        List<byte[]> frames = new ArrayList<>();
        int total = steps * windows;
        for (int win = 0; win < windows; win++) {
            int from = win * 16;
            int to = Math.min(n, from + 16);
            for (int s = 1; s <= steps; s++) {
                if (cancel.isCancelled()) {
                    throw new GenerationCancelledException("cancelled after " + win + " of " + windows + " windows",
                            frames.isEmpty() ? null : result(r, w, h, frames, steps, t0, false));
                }
                sleep();
                double noise = 1.0 - s / (double) steps;
                byte[] pv = draw(w, h, hue, vx, vy, from, edge, noise, rnd.nextLong());
                int done = win * steps + s;
                Duration el = Duration.ofNanos(System.nanoTime() - t0);
                Duration eta = Duration.ofMillis(el.toMillis() * (total - done) / Math.max(1, done));
                listener.onProgress(new Progress(Stage.DENOISING, win + 1, windows, done, total, el, eta, new Preview(w, h, pv)));
            }
            for (int f = from; f < to; f++) {
                frames.add(draw(w, h, hue, vx, vy, f, edge, 0, 0));
            }
        }
        if (r.direction() == Direction.BACKWARD && edge != null) {
            java.util.Collections.reverse(frames);
        }
        listener.onProgress(new Progress(Stage.DONE, windows, windows, total, total,
                Duration.ofNanos(System.nanoTime() - t0), Duration.ZERO, Preview.none()));
        return result(r, w, h, frames, steps, t0, true);
    }

    private GenerationResult result(GenerationRequest r, int w, int h, List<byte[]> frames, int steps, long t0, boolean complete) {
        Recipe recipe = new Recipe(KinoraVersion.get(), PACK.id(), PACK.version(), "", r.mode().id(), r.prompt(),
                r.negativePrompt(), r.seed(), steps, Float.isNaN(r.guidance()) ? 3f : r.guidance(), "flow-euler", 1f,
                frames.size(), PACK.fps(), r.strength(), r.direction().name().toLowerCase(), r.context(), r.anchorColour(), List.of());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new GenerationResult(new Frames(w, h, PACK.fps(), frames), recipe,
                new DeviceReport(device, Device.CPU, device == Device.CPU ? "" : "synthetic preview engine"),
                new GenerationResult.Timings(0, 0, ms, 0, ms, steps), complete, List.of());
    }

    /** A soft ball on a gradient, moving along the seed's direction; noise fades in as steps progress. */
    private static byte[] draw(int w, int h, float hue, double vx, double vy, int t, byte[] edge, double noise, long nseed) {
        byte[] out = new byte[w * h * 3];
        java.awt.Color c = java.awt.Color.getHSBColor(hue / 360f, 0.7f, 1f);
        java.awt.Color bg = java.awt.Color.getHSBColor(((hue + 180) % 360) / 360f, 0.5f, 0.35f);
        double cx = w / 2.0 + Math.sin(t * 0.35 + vx * 3) * w * 0.3;
        double cy = h / 2.0 + Math.cos(t * 0.27 + vy * 3) * h * 0.25;
        Random nr = new Random(nseed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double d = Math.hypot(x - cx, y - cy);
                double a = Math.max(0, Math.min(1, (10 - d) / 2.5));
                double g = y / (double) h;
                int o = (y * w + x) * 3;
                double[] px = {
                    bg.getRed() * (0.6 + 0.4 * g) * (1 - a) + c.getRed() * a,
                    bg.getGreen() * (0.6 + 0.4 * g) * (1 - a) + c.getGreen() * a,
                    bg.getBlue() * (0.6 + 0.4 * g) * (1 - a) + c.getBlue() * a};
                for (int k = 0; k < 3; k++) {
                    double v = px[k];
                    if (edge != null && t < 4) {
                        double m = 1 - t / 4.0; // continue from the source's edge frame
                        v = v * (1 - m) + (edge[o + k] & 0xff) * m;
                    }
                    if (noise > 0) {
                        v = v * (1 - noise) + nr.nextInt(256) * noise;
                    }
                    out[o + k] = (byte) Math.max(0, Math.min(255, (int) v));
                }
            }
        }
        return out;
    }

    private void sleep() {
        if (stepMillis > 0) {
            try {
                Thread.sleep(stepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void setDevice(Device d) {
        device = d;
    }

    @Override
    public String deviceDescription() {
        return device == Device.CPU ? "cpu" : "cpu (synthetic preview engine; no model runs)";
    }

    @Override
    public void close() {
    }
}
