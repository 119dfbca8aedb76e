package dev.kinora.engine;

import dev.kinora.engine.pack.Mode;
import java.util.List;

/**
 * Everything that determines a generation. Two equal requests on the same pack and machine give
 * the same frames: noise comes only from {@code seed}.
 *
 * @param frames      frames to generate (new frames for extend; the whole clip otherwise; 0 = the pack's window)
 * @param steps       denoising steps (0 = pack default)
 * @param guidance    classifier-free guidance scale (NaN = pack default; 1 = no guidance)
 * @param scheduler   scheduler id (empty = pack default)
 * @param shift       flow time shift (NaN = pack default)
 * @param strength    remix only: how far the source is noised, in (0,1]
 * @param context     frames of a source or previous window kept as known frames (0 = pack default)
 * @param anchorColour keep long extensions' colour statistics on the source's
 */
public record GenerationRequest(
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
        List<Source> sources) {

    public GenerationRequest {
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        scheduler = scheduler == null ? "" : scheduler;
        direction = direction == null ? Direction.FORWARD : direction;
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /** A text-to-video request with every sampling setting at the pack's defaults. */
    public static GenerationRequest textToVideo(String pack, String prompt, long seed) {
        return new GenerationRequest(pack, Mode.GENERATE, prompt, "", seed, 0, Float.NaN, "", Float.NaN, 0,
                1f, Direction.FORWARD, 0, true, List.of());
    }

    public GenerationRequest withMode(Mode m, List<Source> s) {
        return new GenerationRequest(pack, m, prompt, negativePrompt, seed, steps, guidance, scheduler, shift, frames,
                strength, direction, context, anchorColour, s);
    }

    public GenerationRequest withSampling(int steps, float guidance, String scheduler) {
        return new GenerationRequest(pack, mode, prompt, negativePrompt, seed, steps, guidance, scheduler, shift, frames,
                strength, direction, context, anchorColour, sources);
    }

    public GenerationRequest withFrames(int n) {
        return new GenerationRequest(pack, mode, prompt, negativePrompt, seed, steps, guidance, scheduler, shift, n,
                strength, direction, context, anchorColour, sources);
    }

    public GenerationRequest withSeed(long s) {
        return new GenerationRequest(pack, mode, prompt, negativePrompt, s, steps, guidance, scheduler, shift, frames,
                strength, direction, context, anchorColour, sources);
    }

    public GenerationRequest withPrompt(String p, String negative) {
        return new GenerationRequest(pack, mode, p, negative, seed, steps, guidance, scheduler, shift, frames,
                strength, direction, context, anchorColour, sources);
    }

    public GenerationRequest withExtension(Direction d, int ctx, float str) {
        return new GenerationRequest(pack, mode, prompt, negativePrompt, seed, steps, guidance, scheduler, shift, frames,
                str, d, ctx, anchorColour, sources);
    }
}
