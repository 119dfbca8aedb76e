package dev.kinora.cli;

import dev.kinora.engine.pack.PackRegistry;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every generating command shares. */
final class GenerationOptions {
    @Option(names = {"-m", "--model"}, defaultValue = PackRegistry.DEFAULT_PACK, description = "Model pack id or folder (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads, up to 4 per core (0 = automatic).")
    int threads;

    @Option(names = {"-s", "--seed"}, description = "Noise seed (default: random, printed and recorded in the recipe).")
    Long seed;

    @Option(names = "--steps", defaultValue = "0", description = "Denoising steps, 1-1000 (default: the pack's).")
    int steps;

    @Option(names = {"-g", "--guidance"}, description = "Classifier-free guidance scale, 0-50 (default: the pack's; 1 = off).")
    Float guidance;

    @Option(names = "--scheduler", defaultValue = "", description = "flow-euler, flow-heun, flow-dpm++2m, flow-unipc (flow packs); ddim, euler, euler-a, dpm++2m, dpm++2m-karras, lcm (epsilon/v packs).")
    String scheduler;

    @Option(names = "--shift", description = "Flow time shift, above 0 and at most 100 (default: the pack's).")
    Float shift;

    @Option(names = {"-n", "--negative"}, defaultValue = "", description = "Negative prompt (what guidance steers away from).")
    String negative;

    @Option(names = {"-f", "--frames"}, defaultValue = "0", description = "Frames to generate (default: one window; for extend: new frames).")
    int frames;

    @Option(names = "--fps", defaultValue = "0", description = "Playback rate written to the file, 1-120 (default: the pack's).")
    double fps;

    @Option(names = {"-o", "--out"}, description = "Output file (.mp4, .webm, .gif) or folder (PNG sequence).")
    Path out;

    @Option(names = "--format", description = "mp4, webm, gif or png (default: from --out's extension).")
    String format;

    @Option(names = "--scale", defaultValue = "1", description = "Integer upscale on export (1-8).")
    int scale;

    @Option(names = "--upscale", defaultValue = "nearest", description = "Upscale filter: nearest (pixel-art look) or lanczos.")
    String upscale;

    @Option(names = "--fit", defaultValue = "fill", description = "How sources are fitted to the pack's size: fill (crop), fit (letterbox) or stretch.")
    String fit;

    @Option(names = "--no-anchor", description = "Do not anchor long extensions' colours to the source.")
    boolean noAnchor;

    @Option(names = "--as-typed", description = "Give the model the prompt as typed, without the model's lexicon reading it"
            + " into its captions' words and sentence form.")
    boolean asTyped;

    @Option(names = "--recipe", description = "Regenerate from a Kinora output or recipe .json (its settings; options given here override).")
    Path recipe;

    @Option(names = "--json", description = "Print the result as JSON on stdout.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar and no notes; errors still print.")
    boolean quiet;

    @Option(names = "--allow-damaged", description = "Use source clips with frames that fail to decode (warns once).")
    boolean allowDamaged;
}
