package dev.kinora.engine.pipeline;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.model.Denoiser;
import dev.kinora.engine.model.TextEmbedding;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.scheduler.Scheduler;
import dev.kinora.engine.tensor.FloatTensor;

/**
 * The denoising loop for one window of frames: noise → (denoise with guidance → scheduler step →
 * keep known frames on their noise level → report) per model call → clean latents. Known frames
 * are given to the model as clean latents plus a mask and, in addition, re-noised into the sample
 * at every level (RePaint-style replacement), so they stay exact whatever the model does with them.
 */
final class WindowSampler {

    /** What to sample: the window's size, its known frames (clean latents, zero elsewhere) and where the noise comes from. */
    record Window(int frames, float[] known, boolean[] knownFrames, float[] init, float strength, long noiseSeed) {
        int knownCount() {
            int n = 0;
            for (boolean k : knownFrames) {
                n += k ? 1 : 0;
            }
            return n;
        }
    }

    /** Called after every model call with the current clean prediction ([C,F,h,w]). */
    interface StepListener {
        void onStep(int call, int calls, float[] predictedClean) throws PackException;
    }

    /** Sees the schedule of every window before it is sampled (tests compare it with `kinora scheduler`). */
    interface ScheduleObserver {
        ScheduleObserver NONE = (frames, timesteps, sigmas) -> { };

        void onWindow(int frames, float[] timesteps, float[] sigmas);
    }

    private final Denoiser denoiser;
    private final Schedule schedule;
    private final ScheduleObserver observer;
    private final int window;
    private final int steps;
    private final float guidance;
    private final ModelPack.GuidanceInterval interval;
    private final TextEmbedding textCond;
    private final TextEmbedding textUncond;
    private final int channels;
    private final int h;
    private final int w;

    WindowSampler(Denoiser denoiser, Schedule schedule, ScheduleObserver observer, int window, int steps, float guidance,
                  ModelPack.GuidanceInterval interval, TextEmbedding textCond, TextEmbedding textUncond, int channels, int h, int w) {
        this.denoiser = denoiser;
        this.schedule = schedule;
        this.observer = observer;
        this.window = window;
        this.steps = steps;
        this.guidance = guidance;
        this.interval = interval;
        this.textCond = textCond;
        this.textUncond = textUncond;
        this.channels = channels;
        this.h = h;
        this.w = w;
    }

    /** Model calls a full window of this sampler takes at the given strength (Heun makes two per step). */
    int calls(float strength) {
        Scheduler s = schedule.create(window);
        s.setTimesteps(steps, strength);
        return s.timesteps().length;
    }

    float[] sample(Window win, CancelToken cancel, StepListener listener) throws PackException, OrtException, CancelledException {
        int f = win.frames();
        int hw = h * w;
        int n = channels * f * hw;
        Scheduler scheduler = schedule.create(f);
        scheduler.setTimesteps(steps, win.strength());
        float[] timesteps = scheduler.timesteps();
        observer.onWindow(f, timesteps, scheduler.sigmas());
        float[] noise = Latents.gaussian(win.noiseSeed(), n);

        float[] x;
        if (win.init() != null) {
            x = scheduler.addNoise(win.init(), noise, 0);
        } else {
            x = noise.clone();
            float s0 = scheduler.initNoiseSigma();
            if (s0 != 1f) {
                for (int i = 0; i < n; i++) {
                    x[i] *= s0;
                }
            }
        }
        float[] mask = new float[f * hw];
        for (int fr = 0; fr < f; fr++) {
            if (win.knownFrames()[fr]) {
                java.util.Arrays.fill(mask, fr * hw, (fr + 1) * hw, 1f);
            }
        }
        boolean hasKnown = win.knownCount() > 0;
        if (hasKnown) {
            replaceKnown(x, scheduler.addNoise(win.known(), noise, 0), win);
        }
        boolean guidedRun = guidance != 1f;
        boolean[] guidedCall = interval.guidedCalls(guidedRun, scheduler.sigmas(), timesteps.length, schedule.flow());
        // Both batch shapes are built once: a call outside the guidance interval runs the conditional row alone.
        Inputs pair = guidedRun ? inputs(win, mask, true) : null;
        Inputs single = guidedRun && interval.always() ? null : inputs(win, mask, false);
        // Per-call arrays live for the whole window: fresh ones every call cost more than the copies into them on a
        // machine where first touches of new heap pages are slow (docs/benchmarks.md). The schedulers keep no
        // reference to a model output (their contract), and the denoiser's prediction is read before the next call.
        float[] pairInput = guidedRun ? new float[2 * n] : null;
        FloatTensor pairPred = guidedRun ? FloatTensor.zeros(2, channels, f, h, w) : null;
        FloatTensor singlePred = single != null ? FloatTensor.zeros(1, channels, f, h, w) : null;
        float[] guidedOut = guidedRun ? new float[n] : null;

        for (int call = 0; call < timesteps.length; call++) {
            if (cancel.isCancelled()) {
                throw new CancelledException();
            }
            boolean guided = guidedCall[call];
            Inputs io = guided ? pair : single;
            int batch = guided ? 2 : 1;
            float[] in = scheduler.scaleModelInput(x, call);
            float[] t = guided ? new float[] {timesteps[call], timesteps[call]} : new float[] {timesteps[call]};
            FloatTensor pred;
            try (OrtSession.RunOptions ro = new OrtSession.RunOptions()) {
                cancel.attach(ro);
                try {
                    float[] sample = in;
                    if (guided) {
                        System.arraycopy(in, 0, pairInput, 0, n);
                        System.arraycopy(in, 0, pairInput, n, n);
                        sample = pairInput;
                    }
                    pred = denoiser.predict(FloatTensor.of(sample, batch, channels, f, h, w),
                            t, io.text(), io.tokens(), io.tokenMask(), io.cond(), io.mask(), ro, guided ? pairPred : singlePred);
                } catch (OrtException e) {
                    if (cancel.isCancelled()) {
                        throw new CancelledException();
                    }
                    throw e;
                } finally {
                    cancel.detach();
                }
            }
            float[] out = pred.data();
            float[] model;
            if (guided) {
                model = guidedOut;
                for (int i = 0; i < n; i++) {
                    float c = out[i];
                    float u = out[n + i];
                    model[i] = u + guidance * (c - u);
                }
            } else {
                model = out.length == n ? out : java.util.Arrays.copyOf(out, n);
            }
            float[] clean = scheduler.predictOriginal(model, call, x);
            long stepSeed = Latents.streamSeed(win.noiseSeed(), call + 1L);
            x = scheduler.step(model, call, x, size -> Latents.gaussian(stepSeed, size));
            if (hasKnown) {
                float[] level = call + 1 < timesteps.length ? scheduler.addNoise(win.known(), noise, call + 1) : win.known();
                replaceKnown(x, level, win);
                replaceKnown(clean, win.known(), win);
            }
            listener.onStep(call, timesteps.length, clean);
        }
        if (hasKnown) {
            replaceKnown(x, win.known(), win);
        }
        return x;
    }

    /** The denoiser's conditioning inputs for one batch shape: the prompt's row, and the negative prompt's when guided. */
    private record Inputs(FloatTensor text, FloatTensor tokens, FloatTensor tokenMask, FloatTensor cond, FloatTensor mask) {
    }

    private Inputs inputs(Window win, float[] mask, boolean guided) {
        int f = win.frames();
        int batch = guided ? 2 : 1;
        int dim = textCond.vector().length;
        FloatTensor text = FloatTensor.of(guided ? Latents.stack(textCond.vector(), textUncond.vector()) : textCond.vector(), batch, dim);
        FloatTensor tokens = null;
        FloatTensor tokenMask = null;
        if (denoiser.takesTokens()) {
            // rows padded with zeros to the longer prompt; at least one row so an empty prompt still has a shape
            int t = Math.max(1, Math.max(textCond.tokens(), guided ? textUncond.tokens() : 0));
            float[] st = new float[batch * t * dim];
            float[] mk = new float[batch * t];
            TextEmbedding[] rows = guided ? new TextEmbedding[] {textCond, textUncond} : new TextEmbedding[] {textCond};
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r].tokenStates(), 0, st, r * t * dim, rows[r].tokens() * dim);
                java.util.Arrays.fill(mk, r * t, r * t + rows[r].tokens(), 1f);
            }
            tokens = FloatTensor.of(st, batch, t, dim);
            tokenMask = FloatTensor.of(mk, batch, t);
        }
        FloatTensor cond = FloatTensor.of(guided ? Latents.stack(win.known(), win.known()) : win.known(), batch, channels, f, h, w);
        FloatTensor maskT = FloatTensor.of(guided ? Latents.stack(mask, mask) : mask, batch, 1, f, h, w);
        return new Inputs(text, tokens, tokenMask, cond, maskT);
    }

    private void replaceKnown(float[] x, float[] source, Window win) {
        int f = win.frames();
        int hw = h * w;
        for (int fr = 0; fr < f; fr++) {
            if (!win.knownFrames()[fr]) {
                continue;
            }
            for (int ch = 0; ch < channels; ch++) {
                int base = (ch * f + fr) * hw;
                System.arraycopy(source, base, x, base, hw);
            }
        }
    }

    /** The cancel token fired; the caller turns this into a partial result. */
    static final class CancelledException extends Exception {
        CancelledException() {
            super("cancelled", null, false, false);
        }
    }
}
