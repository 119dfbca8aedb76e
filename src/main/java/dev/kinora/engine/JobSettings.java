package dev.kinora.engine;

import dev.kinora.engine.pack.Mode;

/**
 * The settings of one generation, apart from its sources: what a request asks for, what a queued job
 * keeps on disk and, with every default filled in, what a recipe records. One record so the three
 * cannot drift apart; each of them adds only what differs (decoded frames, file references, pack
 * identity).
 *
 * @param pack         pack id (empty = the registry's default where the caller allows it)
 * @param frames       frames to generate (new frames for extend; the whole clip otherwise; 0 = the pack's window)
 * @param steps        denoising steps (0 = pack default)
 * @param guidance     classifier-free guidance scale (NaN = pack default; 1 = no guidance)
 * @param scheduler    scheduler id (empty = pack default)
 * @param shift        flow time shift (NaN = pack default)
 * @param strength     remix only: how far the source is noised, in (0,1]
 * @param context      frames of a source or previous window kept as known frames (0 = pack default)
 * @param anchorColour keep long extensions' colour statistics on the source's
 * @param asTyped      give the text encoder the prompt as typed, without the pack's lexicon reading it into the words
 *                     and sentence form of its captions (an artist who wants the words they chose, or to see what the
 *                     model makes of them)
 */
public record JobSettings(
        String pack,
        Mode mode,
        String prompt,
        String negativePrompt,
        long seed,
        int steps,
        float guidance,
        String scheduler,
        float shift,
        int frames,
        float strength,
        Direction direction,
        int context,
        boolean anchorColour,
        boolean asTyped) {

    public JobSettings {
        // Absent values in files and half-filled forms mean "the default"; no null travels further.
        pack = pack == null ? "" : pack;
        mode = mode == null ? Mode.GENERATE : mode;
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        scheduler = scheduler == null ? "" : scheduler;
        direction = direction == null ? Direction.FORWARD : direction;
    }

    /** Text to video with every sampling setting at the pack's defaults. */
    public static JobSettings textToVideo(String pack, String prompt, long seed) {
        return new JobSettings(pack, Mode.GENERATE, prompt, "", seed, 0, Float.NaN, "", Float.NaN, 0,
                1f, Direction.FORWARD, 0, true, false);
    }

    public JobSettings withPack(String p) {
        return new JobSettings(p, mode, prompt, negativePrompt, seed, steps, guidance, scheduler, shift, frames,
                strength, direction, context, anchorColour, asTyped);
    }

    public JobSettings withMode(Mode m) {
        return new JobSettings(pack, m, prompt, negativePrompt, seed, steps, guidance, scheduler, shift, frames,
                strength, direction, context, anchorColour, asTyped);
    }

    public JobSettings withPrompt(String p, String negative) {
        return new JobSettings(pack, mode, p, negative, seed, steps, guidance, scheduler, shift, frames,
                strength, direction, context, anchorColour, asTyped);
    }

    public JobSettings withSeed(long s) {
        return new JobSettings(pack, mode, prompt, negativePrompt, s, steps, guidance, scheduler, shift, frames,
                strength, direction, context, anchorColour, asTyped);
    }

    public JobSettings withSampling(int st, float g, String sch) {
        return new JobSettings(pack, mode, prompt, negativePrompt, seed, st, g, sch, shift, frames,
                strength, direction, context, anchorColour, asTyped);
    }

    public JobSettings withShift(float s) {
        return new JobSettings(pack, mode, prompt, negativePrompt, seed, steps, guidance, scheduler, s, frames,
                strength, direction, context, anchorColour, asTyped);
    }

    public JobSettings withFrames(int n) {
        return new JobSettings(pack, mode, prompt, negativePrompt, seed, steps, guidance, scheduler, shift, n,
                strength, direction, context, anchorColour, asTyped);
    }

    public JobSettings withExtension(Direction d, int ctx, float str) {
        return new JobSettings(pack, mode, prompt, negativePrompt, seed, steps, guidance, scheduler, shift, frames,
                str, d, ctx, anchorColour, asTyped);
    }

    public JobSettings withAsTyped(boolean typed) {
        return new JobSettings(pack, mode, prompt, negativePrompt, seed, steps, guidance, scheduler, shift, frames,
                strength, direction, context, anchorColour, typed);
    }
}
