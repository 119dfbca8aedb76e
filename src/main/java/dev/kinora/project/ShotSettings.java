package dev.kinora.project;

/**
 * Sampling settings of a shot. Zero / NaN / empty mean "the pack's default", as in
 * {@link dev.kinora.engine.JobSettings}, so a shot does not freeze a pack's defaults.
 *
 * @param seedLocked when false, each generation draws a fresh seed and records it in the take's recipe
 * @param frames     0 = derive from the shot's duration and fps
 * @param variations takes generated per click
 * @param asTyped    the prompt goes to the model as typed, not as the pack's lexicon reads it
 */
public record ShotSettings(String pack, long seed, boolean seedLocked, int steps, float guidance, String scheduler,
                           int frames, double fps, int variations, boolean asTyped) {
    public static final ShotSettings DEFAULTS = new ShotSettings("", 0, false, 0, Float.NaN, "", 0, 16, 1, false);

    public ShotSettings {
        pack = pack == null ? "" : pack;
        scheduler = scheduler == null ? "" : scheduler;
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be 0 (pack default) or positive, got " + steps);
        }
        if (frames < 0) {
            throw new IllegalArgumentException("frames must be 0 (from duration) or positive, got " + frames);
        }
        if (!(fps > 0)) {
            throw new IllegalArgumentException("fps must be positive, got " + fps);
        }
        if (variations < 1) {
            throw new IllegalArgumentException("variations must be at least 1, got " + variations);
        }
    }

    public ShotSettings withSeed(long s, boolean locked) {
        return new ShotSettings(pack, s, locked, steps, guidance, scheduler, frames, fps, variations, asTyped);
    }

    public ShotSettings withPack(String p) {
        return new ShotSettings(p, seed, seedLocked, steps, guidance, scheduler, frames, fps, variations, asTyped);
    }

    public ShotSettings withSampling(int st, float g, String sch) {
        return new ShotSettings(pack, seed, seedLocked, st, g, sch, frames, fps, variations, asTyped);
    }

    public ShotSettings withFrames(int f, double r) {
        return new ShotSettings(pack, seed, seedLocked, steps, guidance, scheduler, f, r, variations, asTyped);
    }

    public ShotSettings withVariations(int v) {
        return new ShotSettings(pack, seed, seedLocked, steps, guidance, scheduler, frames, fps, v, asTyped);
    }

    public ShotSettings withAsTyped(boolean typed) {
        return new ShotSettings(pack, seed, seedLocked, steps, guidance, scheduler, frames, fps, variations, typed);
    }
}
