package dev.kinora.engine.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtException;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.FamilySpec;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.tensor.FloatTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-token text for a format-2 pack (docs/pack-format-2.md, *Text*): the prompt cleaned as the family's pipeline
 * cleans it, tokenized with the pack's {@code tokenizer.json} (which appends the end token), truncated to
 * {@code maxTokens}, and its hidden states laid into a [1, maxTokens, D] tensor whose padded rows are zero.
 *
 * <p>With {@code zeroPadded} the encoder runs on the real tokens only: a T5-family encoder's states for them do not
 * depend on how many pads follow (measured 8e-7 on wan-tiny), and the padded rows are overwritten anyway, so a
 * 20-token prompt costs 20 tokens of work instead of 512. Otherwise it runs on the padded sequence, with the mask when
 * {@code encoderMask} (LTX-Video's pipeline gives its T5 none: the padded rows' states are whatever T5 makes of pads).
 */
public final class TokenTextEncoder implements AutoCloseable {
    private static final int CACHE_SIZE = 64;

    /** The denoiser's text input [1, maxTokens, D], how many of its rows are the prompt's tokens, and whether it was cut. */
    public record TokenStates(FloatTensor states, int tokens, boolean truncated) {
        /** The attention mask over the maxTokens rows: 1 on the prompt's tokens (a denoiser that takes it: LTX). */
        public long[] mask() {
            long[] m = new long[(int) states.dim(1)];
            java.util.Arrays.fill(m, 0, tokens, 1L);
            return m;
        }
    }

    private final ModelPack pack;
    private final FamilySpec.TokenText spec;
    private final OnnxModel encoder;
    private HuggingFaceTokenizer tokenizer;
    private final Map<String, TokenStates> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TokenStates> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    public TokenTextEncoder(ModelPack pack, FamilySpec.TokenText spec, RuntimeOptions options, Device device) throws PackException {
        this.pack = pack;
        this.spec = spec;
        this.encoder = new OnnxModel(pack.root(), pack.require(ModelPack.TEXT_ENCODER), options, device);
        pack.require(ModelPack.TOKENIZER);
    }

    private synchronized HuggingFaceTokenizer tokenizer() throws PackException {
        if (tokenizer == null) {
            Path file = pack.require(ModelPack.TOKENIZER).path(pack.root());
            try {
                tokenizer = HuggingFaceTokenizer.builder()
                        .optTokenizerPath(file)
                        .optMaxLength(spec.maxTokens())
                        .optTruncation(true)
                        .optPadding(false)
                        .build();
            } catch (IOException | RuntimeException e) {
                throw new PackException(file + ": cannot be loaded as a Hugging Face tokenizer.json: " + e.getMessage(), e);
            }
        }
        return tokenizer;
    }

    /** The cleaned prompt's token ids, end token included, at most maxTokens; and whether it was cut. */
    public synchronized Tokens tokens(String prompt) throws PackException {
        Encoding enc = tokenizer().encode(PromptCleaner.clean(spec.clean(), prompt));
        return new Tokens(enc.getIds(), enc.exceedMaxLength());
    }

    /** Token ids as the encoder receives them (before padding). */
    public record Tokens(long[] ids, boolean truncated) {
    }

    /** What the editor's counter shows: the tokens the prompt uses of {@link #maxTokens}. */
    public int countTokens(String prompt) throws PackException {
        Tokens t = tokens(prompt);
        return t.ids().length + (t.truncated() ? 1 : 0);
    }

    public int maxTokens() {
        return spec.maxTokens();
    }

    /** The prompt's states, cached per prompt (a storyboard re-renders the same prompts). An empty prompt is encoded too. */
    public TokenStates encode(String prompt) throws PackException {
        String key = prompt == null ? "" : prompt;
        synchronized (cache) {
            TokenStates hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        TokenStates s = compute(key);
        synchronized (cache) {
            cache.put(key, s);
        }
        return s;
    }

    private TokenStates compute(String prompt) throws PackException {
        Tokens t = tokens(prompt);
        int n = t.ids().length;
        int max = spec.maxTokens();
        int run = spec.zeroPadded() ? n : max;
        long[] ids = new long[run];
        long[] mask = new long[run];
        for (int i = 0; i < run; i++) {
            ids[i] = i < n ? t.ids()[i] : spec.padTokenId();
            mask[i] = i < n ? 1 : 0;
        }
        Map<String, FloatTensor> out;
        try {
            // LTX's pipeline runs T5 without a mask (its states differ with one); Wan's with it
            Map<String, long[][]> in = new java.util.HashMap<>();
            in.put(encoder.component().inputName("input_ids"), new long[][] {ids});
            if (spec.encoderMask()) {
                in.put(encoder.component().inputName("attention_mask"), new long[][] {mask});
            }
            out = encoder.run(Map.of(), in, null);
        } catch (OrtException e) {
            throw new PackException("text encoder failed on a prompt of " + n + " tokens: " + e.getMessage(), e);
        }
        String name = encoder.component().outputName("hidden_states");
        FloatTensor hidden = out.containsKey(name) ? out.get(name) : out.size() == 1 ? out.values().iterator().next() : null;
        if (hidden == null || hidden.rank() != 3 || hidden.dim(1) != run || hidden.dim(2) != spec.dim()) {
            throw new PackException(encoder.component().file() + ": expected hidden states [1, " + run + ", " + spec.dim() + "], got "
                    + (hidden == null ? "outputs " + out.keySet() : java.util.Arrays.toString(hidden.shape())));
        }
        int dim = spec.dim();
        float[] states = new float[max * dim];
        int rows = spec.zeroPadded() ? n : max;
        System.arraycopy(hidden.data(), 0, states, 0, rows * dim);
        return new TokenStates(FloatTensor.of(states, 1, max, dim), n, t.truncated());
    }

    public void unload() {
        encoder.unload();
    }

    public boolean loaded() {
        return encoder.loaded();
    }

    @Override
    public synchronized void close() {
        encoder.close();
        if (tokenizer != null) {
            tokenizer.close();
            tokenizer = null;
        }
    }
}
