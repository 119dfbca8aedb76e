package dev.kinora.engine;

/**
 * The documented range of every number in a {@link GenerationRequest}, checked once before any work
 * by every caller (CLI options, batch files, the studio's render service) and again by the engine.
 * Zero means "the pack's default" for steps, frames and context; NaN means the same for guidance and
 * shift inside a request, so a user-typed NaN must be refused by the caller before it becomes one.
 */
public final class RequestLimits {
    public static final int MAX_STEPS = 1000;
    public static final float MAX_GUIDANCE = 50f;
    /** Flow shift stretches t toward noise; past ~100 every step samples at t = 1 (an all-noise or black clip). */
    public static final float MAX_SHIFT = 100f;
    /** Frames one request makes or reads (the engine keeps them all in memory). */
    public static final int MAX_FRAMES = 1024;

    private RequestLimits() {
    }

    /** Pack-independent checks: every number finite and in range, the prompts a mode needs present. */
    public static void check(GenerationRequest r) throws InvalidRequestException {
        checkNumbers(r.settings());
        if (r.mode() == dev.kinora.engine.pack.Mode.LOOP && r.sources().isEmpty() && r.prompt().isBlank()) {
            throw new InvalidRequestException("loop needs a clip to loop (--clip) or a prompt to generate one from");
        }
    }

    /** Every number finite and in range (callers run this before reading any source). */
    public static void checkNumbers(JobSettings s) throws InvalidRequestException {
        steps(s.steps());
        if (!Float.isNaN(s.guidance())) {
            guidance(s.guidance());
        }
        if (!Float.isNaN(s.shift())) {
            shift(s.shift());
        }
        frames(s.frames());
        context(s.context());
        if (!(s.strength() > 0 && s.strength() <= 1)) {
            throw new InvalidRequestException("strength must be in (0, 1], got " + s.strength());
        }
    }

    public static int steps(int steps) throws InvalidRequestException {
        if (steps < 0 || steps > MAX_STEPS) {
            throw new InvalidRequestException("steps must be 1 to " + MAX_STEPS + " (0 = the model's default), got " + steps);
        }
        return steps;
    }

    public static float guidance(float g) throws InvalidRequestException {
        if (!(g >= 0 && g <= MAX_GUIDANCE)) {
            throw new InvalidRequestException("guidance must be a number from 0 to " + (int) MAX_GUIDANCE
                    + " (1 = no guidance), got " + g);
        }
        return g;
    }

    public static float shift(float s) throws InvalidRequestException {
        if (!(s > 0 && s <= MAX_SHIFT)) {
            throw new InvalidRequestException("shift must be a number above 0 and at most " + (int) MAX_SHIFT + ", got " + s);
        }
        return s;
    }

    public static int frames(int n) throws InvalidRequestException {
        if (n < 0 || n > MAX_FRAMES) {
            throw new InvalidRequestException("frames must be 1 to " + MAX_FRAMES + " (0 = one window), got " + n);
        }
        return n;
    }

    public static int context(int n) throws InvalidRequestException {
        if (n < 0) {
            throw new InvalidRequestException("context frames must be 1 or more (0 = the model's default), got " + n);
        }
        return n;
    }
}
