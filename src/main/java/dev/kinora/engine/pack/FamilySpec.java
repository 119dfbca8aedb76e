package dev.kinora.engine.pack;

import java.util.List;

/**
 * What a format-2 manifest says beyond format 1 (docs/pack-format-2.md): the family adapter that drives the
 * graphs, how latents are normalised, how a prompt becomes per-token states, and how the video VAE is
 * windowed. Values only; {@link PackLoader} refuses values the engine does not run.
 *
 * @param family       the adapter, e.g. {@code wan2.1-t2v}
 * @param latentFrames L: latent frames per window (the VAE window's)
 * @param mean         per-channel latent mean: the VAE's raw space is {@code x * std + mean}
 * @param std          per-channel latent std
 * @param multipleOf   latent frames / height / width the denoiser accepts multiples of
 * @param svd          Stable Video Diffusion's keys (family {@code svd-xt}); null for the others
 * @param animateDiff  AnimateDiff's keys (family {@code animatediff-sd15}); null for the others
 * @param wanI2v       Wan 2.1 image-to-video's image encoder and conditioning keys (family {@code wan2.1-i2v}); null for the others
 * @param frameMajor   the denoiser's latents are [1, L, C, h, w] (CogVideoX) rather than [1, C, L, h, w]; the VAE's are
 *                     always channel-major
 */
public record FamilySpec(String family, int latentFrames, float[] mean, float[] std, int[] multipleOf, boolean frameMajor, TokenText text,
                         VaeSpec vae, Ltx ltx, SvdSpec svd, AnimateDiffSpec animateDiff, WanI2vSpec wanI2v) {

    public static final String WAN = "wan2.1-t2v";
    public static final String LTX = "ltx-video-0.9.1";
    public static final String COGVIDEOX = "cogvideox-2b";
    public static final String SVD = SvdSpec.FAMILY;
    public static final String ANIMATEDIFF = AnimateDiffSpec.FAMILY;
    public static final String WAN_I2V = WanI2vSpec.FAMILY;
    /** The families this engine has an adapter for. */
    public static final List<String> FAMILIES = List.of(WAN, LTX, COGVIDEOX, SVD, ANIMATEDIFF, WAN_I2V);

    /** The families without AnimateDiff's or Wan I2V's own keys. */
    public FamilySpec(String family, int latentFrames, float[] mean, float[] std, int[] multipleOf, boolean frameMajor, TokenText text,
                      VaeSpec vae, Ltx ltx, SvdSpec svd) {
        this(family, latentFrames, mean, std, multipleOf, frameMajor, text, vae, ltx, svd, null, null);
    }

    /** An image-only family (svd-xt): no text, no latent mean/std, its own keys in {@code svd}. */
    static FamilySpec imageOnly(String family, int latentFrames, SvdSpec svd) {
        return new FamilySpec(family, latentFrames, null, null, new int[] {1, 1, 1}, true, null, null, null, svd);
    }

    /**
     * AnimateDiff (animatediff-sd15): one latent frame per frame, channel-major [1, C, F, h, w], CLIP's per-token text,
     * latents scaled by the VAE's scaling factor only (no mean/std), a 2D VAE; its own keys in {@code animateDiff}.
     */
    static FamilySpec animateDiff(String family, int latentFrames, AnimateDiffSpec spec) {
        return new FamilySpec(family, latentFrames, null, null, new int[] {1, 1, 1}, false, spec.text(), null, null, null, spec, null);
    }

    /**
     * Per-token text: the tokenizer's output truncated to {@code maxTokens} (its end token kept) and padded with
     * {@code padTokenId}; states of padded rows set to zero when {@code zeroPadded}; the negative prompt, empty
     * by default, encoded the same way.
     */
    public record TokenText(int maxTokens, int dim, long padTokenId, String clean, boolean zeroPadded, boolean encoderMask,
                            boolean denoiserMask) {
        public static final List<String> CLEANERS = List.of("wan", "none");
    }

    /**
     * A causal 3D VAE: {@code vae_decoder} and {@code vae_encoder} take exactly one window (L latent frames, F
     * pixel frames); with {@code stepDecoder}, {@code vae_decoder_first} and {@code vae_decoder_step} decode one
     * latent frame per call, carrying {@code cacheTensors} causal caches.
     */
    public record VaeSpec(String kind, int latentFrames, int frames, boolean stepDecoder, int cacheTensors, boolean clamped) {
        public static final String CAUSAL3D = "causal3d";
        public static final String LTX3D = "ltx3d";
        /** CogVideoX's causal VAE: one window graph with diffusers' frame batches inside, no encoder in the pack. */
        public static final String COGVIDEOX3D = "cogvideox3d";
        public static final List<String> KINDS = List.of(CAUSAL3D, LTX3D, COGVIDEOX3D);
    }

    /**
     * LTX-Video 0.9.1's packed-token denoiser and timestep-aware decoder (docs/pack-format-2.md, family
     * {@code ltx-video-0.9.1}): RoPE coordinates {@code f·scale[0]/frameRate, y·scale[1], x·scale[2]} per token; the
     * decoder's timestep, the noise mixed into its input ({@code (1 − s)·z + s·η}) and its own injected noise draws.
     */
    public record Ltx(float[] coordinateScale, float frameRate, float decodeTimestep, float decodeNoiseScale, List<InjectNoise> injectNoise) {
    }

    /** One decoder noise input: {@code draws} N(0,1) planes of height × width. */
    public record InjectNoise(String input, int draws, int height, int width) {
    }

    public float mean(int channel) {
        return mean[channel];
    }

    public float std(int channel) {
        return std[channel];
    }
}
