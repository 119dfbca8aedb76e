package dev.kinora.engine.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtException;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.tensor.FloatTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tokenizer + sentence encoder. Mean pooling over the attention mask followed by L2 normalisation is
 * what sentence-transformers does for all-MiniLM-L6-v2; Tiny World was trained on exactly these
 * vectors (through `kinora embed`). Embeddings are cached per prompt because a storyboard re-renders
 * the same prompts many times.
 */
public final class TextEncoder implements AutoCloseable {
    private static final int CACHE_SIZE = 512;

    private final ModelPack pack;
    private final OnnxModel encoder;
    private HuggingFaceTokenizer tokenizer;
    private final Map<String, TextEmbedding> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TextEmbedding> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    public TextEncoder(ModelPack pack, RuntimeOptions options, Device device) throws PackException {
        this.pack = pack;
        this.encoder = new OnnxModel(pack.root(), pack.require(ModelPack.TEXT_ENCODER), options, device);
        pack.require(ModelPack.TOKENIZER);
    }

    private synchronized HuggingFaceTokenizer tokenizer() throws PackException {
        if (tokenizer == null) {
            Path file = pack.require(ModelPack.TOKENIZER).path(pack.root());
            try {
                tokenizer = HuggingFaceTokenizer.builder()
                        .optTokenizerPath(file)
                        .optMaxLength(pack.text().maxTokens())
                        .optTruncation(true)
                        .optPadding(false)
                        .build();
            } catch (IOException | RuntimeException e) {
                throw new PackException(file + ": cannot be loaded as a Hugging Face tokenizer.json: " + e.getMessage(), e);
            }
        }
        return tokenizer;
    }

    /**
     * Token count the prompt would use, for the editor's counter (includes [CLS]/[SEP]). Holds the
     * lock {@link #close} takes, so a count in flight never runs on a freed tokenizer.
     */
    public synchronized int countTokens(String prompt) throws PackException {
        Encoding enc = tokenizer().encode(prompt == null ? "" : prompt);
        return enc.getIds().length + (enc.exceedMaxLength() ? 1 : 0);
    }

    public int maxTokens() {
        return pack.text().maxTokens();
    }

    public TextEmbedding encode(String prompt) throws PackException {
        String key = prompt == null ? "" : prompt;
        synchronized (cache) {
            TextEmbedding hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        TextEmbedding e = compute(key);
        synchronized (cache) {
            cache.put(key, e);
        }
        return e;
    }

    private TextEmbedding compute(String prompt) throws PackException {
        Encoding enc = tokenizer().encode(prompt);
        long[] ids = enc.getIds();
        long[] mask = enc.getAttentionMask();
        long[] types = enc.getTypeIds();
        Map<String, FloatTensor> out;
        try {
            out = encoder.run(Map.of(), Map.of(
                    encoder.component().inputName("input_ids"), new long[][] {ids},
                    encoder.component().inputName("attention_mask"), new long[][] {mask},
                    encoder.component().inputName("token_type_ids"), new long[][] {types}), null);
        } catch (OrtException e) {
            throw new PackException("text encoder failed on a prompt of " + ids.length + " tokens: " + e.getMessage(), e);
        }
        FloatTensor hidden = out.get(encoder.component().outputName("last_hidden_state"));
        if (hidden == null) {
            throw new PackException(encoder.component().file() + ": no 'last_hidden_state' output; outputs were " + out.keySet());
        }
        int dim = (int) hidden.dim(2);
        float[] pooled = new float[dim];
        float[] h = hidden.data();
        int count = 0;
        float[] states = new float[ids.length * dim];
        for (int t = 0; t < ids.length; t++) {
            if (mask[t] == 0) {
                continue;
            }
            System.arraycopy(h, t * dim, states, count * dim, dim);
            count++;
            for (int d = 0; d < dim; d++) {
                pooled[d] += h[t * dim + d];
            }
        }
        double norm = 0;
        for (int d = 0; d < dim; d++) {
            pooled[d] /= Math.max(count, 1);
            norm += pooled[d] * (double) pooled[d];
        }
        if (pack.text().pooling().endsWith("normalized")) {
            float inv = (float) (1.0 / Math.max(Math.sqrt(norm), 1e-12));
            for (int d = 0; d < dim; d++) {
                pooled[d] *= inv;
            }
        }
        return new TextEmbedding(pooled, count, enc.exceedMaxLength(), java.util.Arrays.copyOf(states, count * dim));
    }

    public void unload() {
        encoder.unload();
    }

    /** Whether the encoder's session is in memory. */
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
