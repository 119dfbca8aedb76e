package dev.kinora.engine;

import dev.kinora.engine.pack.Mode;
import java.util.List;

/**
 * Everything that determines a generation: its settings and its decoded sources. Two equal requests
 * on the same pack and machine give the same frames: noise comes only from the settings' seed.
 *
 * <p>The accessors and withers below forward to {@link #settings()}, so the pipelines read a request
 * as they always did.
 */
public record GenerationRequest(JobSettings settings, List<Source> sources) {

    public GenerationRequest {
        if (settings == null) {
            throw new IllegalArgumentException("a request needs its settings");
        }
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /** A text-to-video request with every sampling setting at the pack's defaults. */
    public static GenerationRequest textToVideo(String pack, String prompt, long seed) {
        return new GenerationRequest(JobSettings.textToVideo(pack, prompt, seed), List.of());
    }

    public String pack() {
        return settings.pack();
    }

    public Mode mode() {
        return settings.mode();
    }

    public String prompt() {
        return settings.prompt();
    }

    public String negativePrompt() {
        return settings.negativePrompt();
    }

    public long seed() {
        return settings.seed();
    }

    public int steps() {
        return settings.steps();
    }

    public float guidance() {
        return settings.guidance();
    }

    public String scheduler() {
        return settings.scheduler();
    }

    public float shift() {
        return settings.shift();
    }

    public int frames() {
        return settings.frames();
    }

    public float strength() {
        return settings.strength();
    }

    public Direction direction() {
        return settings.direction();
    }

    public int context() {
        return settings.context();
    }

    public boolean anchorColour() {
        return settings.anchorColour();
    }

    public boolean asTyped() {
        return settings.asTyped();
    }

    public GenerationRequest withMode(Mode m, List<Source> s) {
        return new GenerationRequest(settings.withMode(m), s);
    }

    public GenerationRequest withSampling(int steps, float guidance, String scheduler) {
        return new GenerationRequest(settings.withSampling(steps, guidance, scheduler), sources);
    }

    public GenerationRequest withFrames(int n) {
        return new GenerationRequest(settings.withFrames(n), sources);
    }

    public GenerationRequest withSeed(long s) {
        return new GenerationRequest(settings.withSeed(s), sources);
    }

    public GenerationRequest withPrompt(String p, String negative) {
        return new GenerationRequest(settings.withPrompt(p, negative), sources);
    }

    public GenerationRequest withExtension(Direction d, int ctx, float str) {
        return new GenerationRequest(settings.withExtension(d, ctx, str), sources);
    }
}
