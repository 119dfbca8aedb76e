package dev.kinora.engine.pipeline;

import ai.onnxruntime.OrtException;
import dev.kinora.engine.CancelToken;
import dev.kinora.engine.Direction;
import dev.kinora.engine.Frames;
import dev.kinora.engine.GenerationCancelledException;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.GenerationResult;
import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.UnsupportedModeException;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.Preview;
import dev.kinora.engine.ProgressListener;
import dev.kinora.engine.RequestLimits;
import dev.kinora.engine.Source;
import dev.kinora.engine.Stage;
import dev.kinora.engine.model.TextEmbedding;
import dev.kinora.engine.onnx.DeviceReport;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.scheduler.PredictionType;
import dev.kinora.engine.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Turns a request into frames. Every job is a sequence of windows of the pack's frame count; each
 * window knows some frames (from a source or from the window before) and generates the rest:
 * <pre>
 *   generate     [ . . . . . . . . ]                      then forward windows if more frames are asked
 *   animate      [ S . . . . . . . ]                      S = the still, kept exact
 *   extend fwd   [ c c c c . . . . ] [ c c c c . . . . ]  c = last frames of the clip / previous window
 *   extend back  [ . . . . c c c c ]                      mirrored: new frames precede the clip
 *   interpolate  [ A . . . . . . B ]                      ends of two sources
 *   loop         [ c c . . . . c c ]                      the clip's end flowing back into its start
 *   remix        the source noised to `strength`, then denoised with the new prompt
 * </pre>
 * Source frames are copied into the output byte for byte; generated frames are decoded by the
 * pack's VAE. Long extensions anchor each new window's colour statistics to the source's, not to
 * the previous window's, so error does not compound from window to window.
 */
public final class VideoPipeline {
    /** The most frames one request may produce: about two minutes at Tiny World's 8 fps. */
    public static final int MAX_FRAMES = RequestLimits.MAX_FRAMES;

    private final LoadedPack lp;
    private final ModelPack pack;
    private final DeviceReport device;
    private final MemoryLimits.Source limits;
    private final WindowSampler.ScheduleObserver scheduleObserver;

    public VideoPipeline(LoadedPack lp, DeviceReport device) {
        this(lp, device, MemoryLimits::detect);
    }

    /** A pipeline that checks each job's memory estimate against the limits the source gives at its start. */
    public VideoPipeline(LoadedPack lp, DeviceReport device, MemoryLimits.Source limits) {
        this(lp, device, limits, WindowSampler.ScheduleObserver.NONE);
    }

    /** For tests: the observer sees the timesteps and sigmas of every window the job samples. */
    VideoPipeline(LoadedPack lp, DeviceReport device, MemoryLimits.Source limits, WindowSampler.ScheduleObserver scheduleObserver) {
        this.lp = lp;
        this.pack = lp.pack();
        this.device = device;
        this.limits = limits;
        this.scheduleObserver = scheduleObserver;
    }

    /** The request with every default filled in from the pack, validated. */
    private record Plan(GenerationRequest request, int steps, float guidance, Schedule schedule,
                        int frames, int context, float strength) {
    }

    public GenerationResult run(GenerationRequest request, ProgressListener listener, CancelToken cancel)
            throws PackException, InvalidRequestException, GenerationCancelledException {
        Plan plan = plan(request);
        MemoryEstimate memory = lp.memory().plan(memoryJob(plan), limits.now(), lp.loadedComponents());
        Job job = new Job(plan, memory.sequential(), listener, cancel);
        try {
            return job.run();
        } catch (OrtException e) {
            throw new PackException("model '" + pack.id() + "' failed while generating: " + e.getMessage(), e);
        }
    }

    private Plan plan(GenerationRequest r) throws InvalidRequestException, PackException {
        RequestLimits.check(r);
        Mode mode = r.mode();
        if (!pack.supports(mode)) {
            throw new UnsupportedModeException("model pack '" + pack.id() + "' does not support " + mode.id()
                    + "; it supports " + pack.modes().stream().map(Mode::id).sorted().toList());
        }
        int needed = switch (mode) {
            case GENERATE -> 0;
            case ANIMATE, EXTEND, REMIX -> 1;
            case INTERPOLATE -> 2;
            case LOOP -> -1;
        };
        if (needed >= 0 && r.sources().size() != needed) {
            throw new InvalidRequestException(mode.id() + " needs " + needed + " source" + (needed == 1 ? "" : "s")
                    + " but got " + r.sources().size());
        }
        if (mode == Mode.LOOP && r.sources().size() > 1) {
            throw new InvalidRequestException("loop takes at most one source clip, got " + r.sources().size());
        }
        if (mode == Mode.GENERATE && r.prompt().isBlank()) {
            throw new InvalidRequestException("text-to-video needs a prompt; describe the scene, e.g. \"a red ball bounces on green grass\"");
        }
        Pipelines.checkSourceSizes(pack, r.sources());
        for (Source s : r.sources()) {
            Frames f = s.frames();
            if (f.count() > MAX_FRAMES) {
                throw new InvalidRequestException("source " + s.path() + " has " + f.count() + " frames; at most " + MAX_FRAMES + " are used");
            }
        }
        int steps = r.steps() > 0 ? r.steps() : pack.defaults().steps();
        float guidance = Float.isNaN(r.guidance()) ? pack.defaults().guidance(mode) : r.guidance();
        RequestLimits.guidance(guidance);
        Schedule schedule = Schedule.resolve(lp, r.mode(), r.scheduler(), r.shift());
        int window = pack.frames();
        int context = r.context() > 0 ? r.context() : pack.defaults().contextFrames();
        if (context >= window) {
            throw new InvalidRequestException("context frames must be fewer than the window of " + window + ", got " + context);
        }
        int frames = r.frames() > 0 ? r.frames() : switch (mode) {
            case EXTEND -> window - context;
            case INTERPOLATE -> window - 2;
            case LOOP -> r.sources().isEmpty() ? window : window - 2 * Math.min(context, window / 4);
            case REMIX -> r.sources().get(0).frames().count();
            default -> window;
        };
        if (frames > MAX_FRAMES) {
            throw new InvalidRequestException("frames must be at most " + MAX_FRAMES + ", got " + frames);
        }
        if (mode == Mode.INTERPOLATE && frames > window - 2) {
            throw new InvalidRequestException("interpolation makes at most " + (window - 2) + " frames between its ends in one window, got " + frames);
        }
        float strength = mode == Mode.REMIX ? r.strength() : 1f;
        if (!(strength > 0 && strength <= 1)) {
            throw new InvalidRequestException("remix strength must be in (0, 1], got " + strength);
        }
        schedule.checkSteps(window, steps, strength);
        return new Plan(r, steps, guidance, schedule, frames, context, strength);
    }

    private MemoryPlanner.Job memoryJob(Plan plan) {
        GenerationRequest r = plan.request();
        return lp.memory().job(r.mode(), plan.frames(), plan.context(), plan.guidance(),
                r.sources().stream().map(s -> s.frames().count()).toList(), !r.prompt().isBlank() || !r.negativePrompt().isBlank());
    }

    static PredictionType predictionType(String p) {
        return switch (p.toLowerCase(Locale.ROOT)) {
            case "sample", "x0", "x_prediction" -> PredictionType.SAMPLE;
            case "epsilon" -> PredictionType.EPSILON;
            case "v_prediction", "v" -> PredictionType.V_PREDICTION;
            case "flow_velocity", "flow_prediction", "flow" -> PredictionType.FLOW_VELOCITY;
            // PackLoader rejects other names; a pack built in code must not silently become a flow model either.
            default -> throw new IllegalArgumentException("prediction '" + p + "' is not one of flow_velocity, flow_prediction, flow,"
                    + " epsilon, v_prediction, v, sample, x0, x_prediction");
        };
    }

    /** One run of a plan: holds the clock, the progress counters and the windows finished so far. */
    private final class Job {
        private final Plan plan;
        private final GenerationRequest r;
        private final ProgressListener listener;
        private final CancelToken cancel;
        /** Components loaded one at a time (the memory plan said all at once does not fit): no decoded previews. */
        private final boolean sequential;
        private final long start = System.nanoTime();
        private final int c = pack.latent().channels();
        private final int h = pack.latent().height();
        private final int w = pack.latent().width();
        private final int hw = h * w;
        private final int window = pack.frames();
        private WindowSampler sampler;
        private int windows;
        private int windowIndex;
        private int callsDone;
        private int callsTotal;
        private long textMs;
        private long sourceMs;
        private long denoiseMs;
        private long decodeMs;
        private double[] anchor;
        /** Output frames so far, in order; on cancel these are the partial result. */
        private final List<byte[]> output = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();

        Job(Plan plan, boolean sequential, ProgressListener listener, CancelToken cancel) {
            this.plan = plan;
            this.r = plan.request();
            this.sequential = sequential;
            this.listener = listener;
            this.cancel = cancel;
        }

        GenerationResult run() throws PackException, OrtException, GenerationCancelledException {
            report(Stage.ENCODING_TEXT, Preview.none());
            long t0 = System.nanoTime();
            TextEmbedding cond = embed(r.prompt());
            TextEmbedding uncond = embed(r.negativePrompt());
            textMs = Pipelines.ms(t0);
            if (sequential) {
                lp.text().unload(); // the embeddings are cached; its memory goes to the denoiser
                warnings.add("memory is short: the model's parts were loaded one at a time and previews were off");
            }
            sampler = new WindowSampler(lp.denoiser(), plan.schedule(), scheduleObserver, window, plan.steps(), plan.guidance(),
                    lp.pack().defaults().guidanceInterval(), cond, uncond, c, h, w);
            if (!lp.schedulerNote().isEmpty()) {
                warnings.add(lp.schedulerNote());
            }
            try {
                switch (r.mode()) {
                    case GENERATE -> textToVideo(null);
                    case ANIMATE -> textToVideo(r.sources().get(0).frames().frame(0));
                    case EXTEND -> extend(r.sources().get(0).frames(), r.direction());
                    case INTERPOLATE -> interpolate(r.sources().get(0).frames(), r.sources().get(1).frames());
                    case LOOP -> loop();
                    case REMIX -> remix(r.sources().get(0).frames());
                }
            } catch (WindowSampler.CancelledException e) {
                throw new GenerationCancelledException("cancelled after " + windowIndex + " of " + windows + " windows",
                        output.isEmpty() ? null : result(false));
            }
            report(Stage.DONE, Preview.none());
            return result(true);
        }

        private TextEmbedding embed(String text) throws PackException {
            if (text.isBlank()) {
                return TextEmbedding.empty(pack.text().dim());
            }
            String read = Pipelines.readPrompt(lp, text, r.asTyped(), warnings);
            TextEmbedding e = lp.text().encode(read);
            if (e.truncated()) {
                warnings.add(Pipelines.truncated(read, "the model's", pack.text().maxTokens()));
            }
            return e;
        }

        // ---- the jobs ----

        /** Text-to-video, or animation of a still (frame 0 known); more than one window continues forward. */
        private void textToVideo(byte[] still) throws PackException, OrtException, WindowSampler.CancelledException {
            int total = plan.frames();
            planWindows(1 + windowsFor(Math.max(0, total - window), window - plan.context()), 1f);
            float[] known = new float[c * window * hw];
            boolean[] isKnown = new boolean[window];
            if (still != null) {
                float[] lat = encode(List.of(still));
                Latents.copyFrames(lat, 1, 0, known, window, 0, 1, c, hw);
                isKnown[0] = true;
            }
            float[] latents = denoise(new WindowSampler.Window(window, known, isKnown, null, 1f, seedFor(0)));
            int n = Math.min(total, window);
            if (still != null) {
                output.add(still.clone());
                output.addAll(decodeAfter(latents, window, 1, n, still));
            } else {
                output.addAll(decodeAfter(latents, window, 0, n, null));
            }
            anchor = Latents.channelMeans(latents, c, window, hw, 0, window);
            continueForward(latents, total - output.size());
        }

        /** Extends a clip forward (new frames after it) or backward (new frames before it). */
        private void extend(Frames clip, Direction dir) throws PackException, OrtException, WindowSampler.CancelledException {
            int k = Math.min(plan.context(), clip.count());
            planWindows(windowsFor(plan.frames(), window - k), 1f);
            List<byte[]> ctx = dir == Direction.FORWARD ? clip.rgb().subList(clip.count() - k, clip.count()) : clip.rgb().subList(0, k);
            float[] ctxLat = encode(ctx);
            anchor = Latents.channelMeans(encode(sampleFrames(clip.rgb(), 16)), c, Math.min(16, clip.count()), hw, 0, Math.min(16, clip.count()));
            if (dir == Direction.FORWARD) {
                output.addAll(Pipelines.copies(clip.rgb()));
                float[] win = new float[c * window * hw];
                Latents.copyFrames(ctxLat, k, 0, win, window, window - k, k, c, hw);
                continueForwardFrom(win, plan.frames(), k);
            } else {
                continueBackward(ctxLat, k, plan.frames(), clip);
            }
        }

        private void interpolate(Frames a, Frames b) throws PackException, OrtException, WindowSampler.CancelledException {
            planWindows(1, 1f);
            int mid = plan.frames();
            int f = mid + 2;
            float[] known = new float[c * f * hw];
            boolean[] isKnown = new boolean[f];
            byte[] first = a.frame(a.count() - 1);
            byte[] last = b.frame(0);
            float[] ends = encode(List.of(first, last));
            Latents.copyFrames(ends, 2, 0, known, f, 0, 1, c, hw);
            Latents.copyFrames(ends, 2, 1, known, f, f - 1, 1, c, hw);
            isKnown[0] = true;
            isKnown[f - 1] = true;
            float[] latents = denoise(new WindowSampler.Window(f, known, isKnown, null, 1f, seedFor(0)));
            output.addAll(Pipelines.copies(a.rgb()));
            output.addAll(decodeBetween(latents, f, 1, f - 1, first, last));
            output.addAll(Pipelines.copies(b.rgb()));
        }

        /** A clip (given, or generated first) followed by a bridge whose end flows back into the clip's start. */
        private void loop() throws PackException, OrtException, WindowSampler.CancelledException {
            List<byte[]> clip;
            int k = Math.min(plan.context(), window / 4);
            int bridge = plan.frames();
            if (r.sources().isEmpty()) {
                planWindows(2, 1f);
                float[] lat = denoise(new WindowSampler.Window(window, new float[c * window * hw], new boolean[window], null, 1f, seedFor(0)));
                clip = decodeAfter(lat, window, 0, window, null);
                bridge = window - 2 * k;
            } else {
                planWindows(1, 1f);
                clip = Pipelines.copies(r.sources().get(0).frames().rgb());
            }
            k = Math.min(k, clip.size());
            output.addAll(clip);
            int f = bridge + 2 * k;
            float[] known = new float[c * f * hw];
            boolean[] isKnown = new boolean[f];
            float[] endLat = encode(clip.subList(clip.size() - k, clip.size()));
            float[] startLat = encode(clip.subList(0, k));
            Latents.copyFrames(endLat, k, 0, known, f, 0, k, c, hw);
            Latents.copyFrames(startLat, k, 0, known, f, f - k, k, c, hw);
            for (int i = 0; i < k; i++) {
                isKnown[i] = true;
                isKnown[f - 1 - i] = true;
            }
            float[] latents = denoise(new WindowSampler.Window(f, known, isKnown, null, 1f, seedFor(windowIndex)));
            output.addAll(decodeBetween(latents, f, k, f - k, clip.get(clip.size() - 1), clip.get(0)));
        }

        /** SDEdit: each window of the source is noised to `strength` and denoised under the new prompt. */
        private void remix(Frames src) throws PackException, OrtException, WindowSampler.CancelledException {
            int total = Math.min(plan.frames(), src.count());
            int k = Math.min(plan.context(), window / 2);
            int stride = window - k;
            planWindows(1 + windowsFor(Math.max(0, total - window), stride), plan.strength());
            float[] prev = null;
            int prevFrames = 0;
            int done = 0;
            while (done < total) {
                int from = done == 0 ? 0 : done - k;
                int f = Math.min(window, total - from);
                float[] init = encode(src.rgb().subList(from, from + f));
                float[] known = new float[c * f * hw];
                boolean[] isKnown = new boolean[f];
                if (prev != null) {
                    Latents.copyFrames(prev, prevFrames, prevFrames - k, known, f, 0, k, c, hw);
                    Arrays.fill(isKnown, 0, k, true);
                }
                float[] lat = denoise(new WindowSampler.Window(f, known, isKnown, init, plan.strength(), seedFor(windowIndex)));
                output.addAll(prev == null ? decodeAfter(lat, f, 0, f, null) : decodeAfter(lat, f, k, f, output.get(output.size() - 1)));
                done = from + f;
                prev = lat;
                prevFrames = f;
            }
        }

        // ---- window chaining ----

        private void continueForward(float[] last, int remaining) throws PackException, OrtException, WindowSampler.CancelledException {
            if (remaining <= 0) {
                return;
            }
            continueForwardFrom(last, remaining, plan.context());
        }

        /** Appends `remaining` frames, each window knowing the last k latents of the one before. */
        private void continueForwardFrom(float[] last, int remaining, int k) throws PackException, OrtException, WindowSampler.CancelledException {
            float[] prev = last;
            while (remaining > 0) {
                float[] known = new float[c * window * hw];
                boolean[] isKnown = new boolean[window];
                Latents.copyFrames(prev, window, window - k, known, window, 0, k, c, hw);
                Arrays.fill(isKnown, 0, k, true);
                float[] lat = denoise(new WindowSampler.Window(window, known, isKnown, null, 1f, seedFor(windowIndex)));
                anchorColour(lat, k, window);
                int take = Math.min(remaining, window - k);
                output.addAll(decodeAfter(lat, window, k, k + take, output.get(output.size() - 1)));
                remaining -= take;
                prev = lat;
            }
        }

        private void continueBackward(float[] ctxLat, int k, int remaining, Frames clip) throws PackException, OrtException, WindowSampler.CancelledException {
            List<byte[]> before = new ArrayList<>();
            float[] next = new float[c * window * hw];
            Latents.copyFrames(ctxLat, k, 0, next, window, 0, k, c, hw);
            while (remaining > 0) {
                float[] known = new float[c * window * hw];
                boolean[] isKnown = new boolean[window];
                Latents.copyFrames(next, window, 0, known, window, window - k, k, c, hw);
                Arrays.fill(isKnown, window - k, window, true);
                float[] lat = denoise(new WindowSampler.Window(window, known, isKnown, null, 1f, seedFor(windowIndex)));
                anchorColour(lat, 0, window - k);
                int take = Math.min(remaining, window - k);
                before.addAll(0, decodeBefore(lat, window, window - k - take, window - k, before.isEmpty() ? clip.frame(0) : before.get(0)));
                remaining -= take;
                next = lat;
                output.clear();
                output.addAll(before);
            }
            output.addAll(Pipelines.copies(clip.rgb()));
        }

        /**
         * Moves the new frames' per-channel latent means onto the source's, so that colour and
         * brightness cannot drift a little further with every chained window.
         */
        private void anchorColour(float[] lat, int from, int to) {
            if (!r.anchorColour() || anchor == null) {
                return;
            }
            double[] m = Latents.channelMeans(lat, c, window, hw, from, to);
            for (int ch = 0; ch < c; ch++) {
                float d = (float) (anchor[ch] - m[ch]);
                for (int f = from; f < to; f++) {
                    int base = (ch * window + f) * hw;
                    for (int i = 0; i < hw; i++) {
                        lat[base + i] += d;
                    }
                }
            }
        }

        // ---- model calls with bookkeeping ----

        private float[] denoise(WindowSampler.Window win) throws PackException, OrtException, WindowSampler.CancelledException {
            long t0 = System.nanoTime();
            report(Stage.DENOISING, Preview.none());
            int mid = win.frames() / 2;
            float[] out = sampler.sample(win, cancel, (call, calls, clean) -> {
                callsDone++;
                Preview p = listener == ProgressListener.NONE || sequential ? Preview.none() : preview(clean, win.frames(), mid);
                report(Stage.DENOISING, p);
            });
            denoiseMs += Pipelines.ms(t0);
            windowIndex++;
            return out;
        }

        private Preview preview(float[] clean, int frames, int frame) throws PackException {
            try {
                long t0 = System.nanoTime();
                List<byte[]> rgb = Latents.toRgb(lp.vae().decode(Latents.channelsToFrames(clean, c, frames, h, w, frame, frame + 1)));
                decodeMs += Pipelines.ms(t0);
                return new Preview(pack.width(), pack.height(), rgb.get(0));
            } catch (OrtException e) {
                return Preview.none();
            }
        }

        private float[] encode(List<byte[]> rgb) throws PackException, OrtException {
            long t0 = System.nanoTime();
            report(Stage.ENCODING_SOURCES, Preview.none());
            FloatTensor lat = lp.vae().encode(Latents.toPixels(rgb, pack.width(), pack.height()));
            sourceMs += Pipelines.ms(t0);
            return Latents.framesToChannels(lat);
        }

        /**
         * Frames [from, to) of a window, each decoded after the one before it when the pack has a reference decoder:
         * {@code shownBefore} is frame from−1 as the output shows it (a source's own pixels, or a frame decoded
         * earlier), or null when there is none (frame {@code from} is then decoded alone). Without a reference
         * decoder, or for a single frame alone, this is {@link #decode}. A pack that limits how far the reference is
         * carried ({@code defaults.referenceFrames}) fades it out over that many frames and decodes the rest alone,
         * and decodes a window with nothing shown before it alone.
         */
        private List<byte[]> decodeAfter(float[] lat, int frames, int from, int to, byte[] shownBefore) throws PackException, OrtException {
            if (from >= to) {
                return new ArrayList<>(); // a one-frame animation: the still is the whole clip
            }
            int span = pack.defaults().referenceFrames();
            if (!lp.vae().hasReferenceDecoder() || (span > 0 && shownBefore == null)) {
                return decode(lat, frames, from, to);
            }
            List<byte[]> out = new ArrayList<>(to - from);
            byte[] ref = shownBefore;
            int f = from;
            if (ref == null) {
                out.addAll(decode(lat, frames, from, from + 1));
                ref = out.get(0);
                f++;
            }
            for (; f < to; f++) {
                float weight = referenceWeight(f - from + 1, span);
                if (weight <= 0) {
                    out.addAll(decode(lat, frames, f, to));
                    break;
                }
                ref = decodeWithReference(lat, frames, f, f - 1, ref, weight);
                out.add(ref);
            }
            return out;
        }

        /** {@link #decodeAfter} running backward: frames [from, to) decoded from to−1 down, each after the one following it. */
        private List<byte[]> decodeBefore(float[] lat, int frames, int from, int to, byte[] shownAfter) throws PackException, OrtException {
            if (from >= to) {
                return new ArrayList<>(); // a one-frame animation: the still is the whole clip
            }
            int span = pack.defaults().referenceFrames();
            if (!lp.vae().hasReferenceDecoder()) {
                return decode(lat, frames, from, to);
            }
            byte[][] out = new byte[to - from][];
            byte[] ref = shownAfter;
            for (int f = to - 1; f >= from; f--) {
                float weight = referenceWeight(to - f, span);
                if (weight <= 0) {
                    List<byte[]> alone = decode(lat, frames, from, f + 1);
                    for (int i = 0; i < alone.size(); i++) {
                        out[i] = alone.get(i);
                    }
                    break;
                }
                ref = decodeWithReference(lat, frames, f, f + 1, ref, weight);
                out[f - from] = ref;
            }
            return new ArrayList<>(List.of(out));
        }

        /**
         * Frames [from, to) between two shown frames (an in-between, a loop bridge). A pack that carries its reference
         * throughout decodes them after the frame before, as {@link #decodeAfter}. One that fades it out over n frames
         * meets both ends: the first n frames are carried from the frame before, the last n from the frame after (so
         * a loop's wrap and an in-between's last frame get the same help as its first), the middle is decoded alone,
         * and where the two fades overlap (fewer than 2n frames) each frame mixes them by their weights.
         */
        private List<byte[]> decodeBetween(float[] lat, int frames, int from, int to, byte[] shownBefore, byte[] shownAfter)
                throws PackException, OrtException {
            int span = pack.defaults().referenceFrames();
            if (span == 0 || !lp.vae().hasReferenceDecoder() || from >= to) {
                return decodeAfter(lat, frames, from, to, shownBefore);
            }
            int afterTo = Math.min(to, from + span);
            int beforeFrom = Math.max(from, to - span);
            List<byte[]> after = decodeAfter(lat, frames, from, afterTo, shownBefore);
            List<byte[]> before = decodeBefore(lat, frames, beforeFrom, to, shownAfter);
            List<byte[]> middle = afterTo < beforeFrom ? decode(lat, frames, afterTo, beforeFrom) : List.of();
            List<byte[]> out = new ArrayList<>(to - from);
            for (int f = from; f < to; f++) {
                boolean carried = f < afterTo;
                boolean brought = f >= beforeFrom;
                if (carried && brought) {
                    float wa = referenceWeight(f - from + 1, span);
                    out.add(mixRgb(after.get(f - from), before.get(f - beforeFrom), wa / (wa + referenceWeight(to - f, span))));
                } else if (carried) {
                    out.add(after.get(f - from));
                } else if (brought) {
                    out.add(before.get(f - beforeFrom));
                } else {
                    out.add(middle.get(f - afterTo));
                }
            }
            return out;
        }

        /** Frame {@code f} of a window decoded with frame {@code refFrame} (latent from the window, pixels as shown) as its reference. */
        private byte[] decodeWithReference(float[] lat, int frames, int f, int refFrame, byte[] shown, float weight) throws PackException, OrtException {
            FloatTensor latent = Latents.channelsToFrames(lat, c, frames, h, w, f, f + 1);
            return timedDecode(() -> {
                FloatTensor carried = lp.vae().decodeAfter(latent, Latents.channelsToFrames(lat, c, frames, h, w, refFrame, refFrame + 1),
                        Latents.toPixels(List.of(shown), pack.width(), pack.height()));
                return weight >= 1 ? carried : mix(carried, lp.vae().decode(latent), weight);
            }).get(0);
        }

        private List<byte[]> decode(float[] lat, int frames, int from, int to) throws PackException, OrtException {
            return timedDecode(() -> lp.vae().decode(Latents.channelsToFrames(lat, c, frames, h, w, from, to)));
        }

        private interface DecodeCall {
            FloatTensor run() throws PackException, OrtException;
        }

        /** A decoder call with the decode stage's bookkeeping: the denoiser's memory handed over, progress, time. */
        private List<byte[]> timedDecode(DecodeCall call) throws PackException, OrtException {
            if (sequential && windowIndex >= windows) {
                lp.denoiser().unload(); // every window is sampled: the decoder loads in its place
            }
            long t0 = System.nanoTime();
            report(Stage.DECODING, Preview.none());
            List<byte[]> rgb = Latents.toRgb(call.run());
            decodeMs += Pipelines.ms(t0);
            return rgb;
        }

        private void planWindows(int n, float strength) {
            windows = n;
            callsTotal = n * sampler.calls(strength);
        }

        private int windowsFor(int frames, int perWindow) {
            return frames <= 0 ? 0 : (frames + perWindow - 1) / perWindow;
        }

        /** Each window gets its own noise stream, derived from the request's seed. */
        private long seedFor(int windowNo) {
            return Latents.streamSeed(r.seed(), windowNo);
        }

        private void report(Stage stage, Preview preview) {
            listener.onProgress(Pipelines.progress(stage, windowIndex + 1, windows, callsDone, callsTotal, start, preview));
        }

        private GenerationResult result(boolean complete) {
            JobSettings resolved = r.settings()
                    .withSampling(plan.steps(), plan.guidance(), plan.schedule().id()).withShift(plan.schedule().shift())
                    .withFrames(plan.frames()).withExtension(r.direction(), plan.context(), plan.strength());
            return Pipelines.result(pack, device, r, resolved, output,
                    new GenerationResult.Timings(textMs, sourceMs, denoiseMs, decodeMs, Pipelines.ms(start), callsDone), complete, warnings);
        }
    }


    /**
     * The reference decoder's share of the i-th frame (1-based) decoded after a shown frame: all of it when the pack
     * carries the reference throughout (span 0), else falling linearly to 1/span at frame span and to none after it,
     * so the carried detail fades out over the span instead of stopping at one frame.
     */
    static float referenceWeight(int i, int span) {
        return span == 0 ? 1f : Math.max(0, span - i + 1) / (float) span;
    }

    /**
     * weight · a + (1 − weight) · b, element by element (two decodes of the same frames), each clamped to the shown
     * range [-1, 1] first: a decoder's overshoot is clipped when a frame is shown, so the mix is of the frames as shown.
     */
    static FloatTensor mix(FloatTensor a, FloatTensor b, float weight) throws PackException {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new PackException("the reference decoder gives " + Arrays.toString(a.shape()) + " where vae_decoder gives "
                    + Arrays.toString(b.shape()) + " for the same frame");
        }
        float[] x = a.data();
        float[] y = b.data();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = weight * Math.max(-1f, Math.min(1f, x[i])) + (1 - weight) * Math.max(-1f, Math.min(1f, y[i]));
        }
        return FloatTensor.of(out, a.shape());
    }

    /** weight · a + (1 − weight) · b for two 8-bit frames of one size, rounded. */
    static byte[] mixRgb(byte[] a, byte[] b, float weight) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) Math.round(weight * (a[i] & 0xff) + (1 - weight) * (b[i] & 0xff));
        }
        return out;
    }

    /** Up to n frames spread evenly over a clip, for statistics that need not see every frame. */
    private static List<byte[]> sampleFrames(List<byte[]> frames, int n) {
        if (frames.size() <= n) {
            return frames;
        }
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(frames.get((int) ((long) i * (frames.size() - 1) / (n - 1))));
        }
        return out;
    }


}
