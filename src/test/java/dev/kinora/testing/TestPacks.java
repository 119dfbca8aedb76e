package dev.kinora.testing;

import dev.kinora.engine.pack.HashCache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Assembles the tiny test pack (graphs from models/testpack/make_testpack.py, committed under
 * src/test/resources/packs/tiny) in a folder, with the real MiniLM tokenizer that the build extracts.
 * 32x32, 8 frames at 8 fps, 4x8x8 latents, 32-d text embedding.
 */
public final class TestPacks {
    public static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

    private TestPacks() {
    }

    public static Path modelsDir() {
        return Path.of(System.getProperty("kinora.models", "models"));
    }

    public static Path tinyWorld() {
        return modelsDir().resolve("tinyworld");
    }

    /** The shipped Tiny World's latent channels, as its pack.json declares them (8 through 2.11.0). */
    public static int tinyWorldLatentChannels() throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(tinyWorld().resolve("pack.json").toFile())
                .path("latent").path("channels").asInt();
    }

    /** Creates {@code <parent>/tiny/} and returns it. */
    public static Path tiny(Path parent) throws IOException {
        return tiny(parent, "tiny");
    }

    public static Path tiny(Path parent, String id) throws IOException {
        Path dir = copyGraphs(parent, id);
        writeManifest(dir, id, "");
        return dir;
    }

    /**
     * The tiny pack with a {@code vae_decoder_ref} that returns its reference unchanged (models/testpack/make_testpack.py),
     * so every frame decoded after a neighbour is that neighbour exactly.
     */
    public static Path tinyWithReferenceDecoder(Path parent, String id) throws IOException {
        Path dir = tiny(parent, id);
        copyGraph("vae_decoder_ref.onnx", dir.resolve("vae_decoder_ref.onnx"));
        Path manifest = dir.resolve("pack.json");
        String json = Files.readString(manifest);
        String lat = "{\"name\": \"%s\", \"shape\": [-1, 4, 8, 8]}";
        String ref = file(dir, "vae_decoder_ref.onnx", "[" + lat.formatted("latent") + ", " + lat.formatted("ref_latent")
                + ", {\"name\": \"reference\", \"shape\": [-1, 3, 32, 32]}]", "[{\"name\": \"sample\", \"shape\": [-1, 3, 32, 32]}]");
        String key = "\"vae_decoder\": ";
        if (!json.contains(key)) {
            throw new IllegalStateException(manifest + " has no vae_decoder component");
        }
        Files.writeString(manifest, json.replace(key, "\"vae_decoder_ref\": " + ref + ",\n    " + key));
        return dir;
    }

    /** Writes {@code lexiconJson} as the pack's {@code lexicon} component (engine.model.PromptLexicon's format). */
    public static void addLexicon(Path packDir, String lexiconJson) throws IOException {
        Files.writeString(packDir.resolve("lexicon.json"), lexiconJson);
        Path manifest = packDir.resolve("pack.json");
        String json = Files.readString(manifest);
        String key = "\"components\": {";
        if (!json.contains(key)) {
            throw new IllegalStateException(manifest + " has no components object");
        }
        Files.writeString(manifest, json.replace(key, key + "\n    \"lexicon\": " + file(packDir, "lexicon.json", null, null) + ","));
    }

    /** The tiny pack's {@code defaults} members, as {@link #writeManifest} writes them. */
    private static final String TINY_DEFAULTS = "\"steps\": 4, \"guidance\": 2.0, \"contextFrames\": 2";

    /**
     * Adds members to a tiny pack's {@code defaults} object, e.g. {@code "\"guidanceInterval\": [0.5, 1.0]"}: how the
     * tests give the tiny pack a default the loader must read or refuse.
     */
    public static void addDefaults(Path packDir, String members) throws IOException {
        Path manifest = packDir.resolve("pack.json");
        String json = Files.readString(manifest);
        String line = "\"defaults\": {" + TINY_DEFAULTS + "}";
        if (!json.contains(line)) {
            throw new IllegalStateException(manifest + " has no tiny-pack defaults line " + line);
        }
        Files.writeString(manifest, json.replace(line, "\"defaults\": {" + TINY_DEFAULTS + ", " + members + "}"));
    }

    /**
     * The tiny pack whose denoiser also takes the prompt's token states ({@code text_tokens}, {@code text_mask}: the
     * {@code denoiser_tokens} graph of models/testpack/make_testpack.py), as Tiny World 2.4's does.
     */
    public static Path tinyTokens(Path parent) throws IOException {
        Path dir = copyGraphs(parent, "tiny-tokens");
        copyGraph("denoiser_tokens.onnx", dir.resolve("denoiser.onnx"));
        writeManifest(dir, "tiny-tokens", "", true, true);
        return dir;
    }

    /**
     * The tiny pack in the diffusers layout with the given {@code scheduler/scheduler_config.json}: prediction and
     * scheduler defaults come from the config, as for an exported pipeline. {@code extra} is spliced into pack.json.
     */
    /** The tiny random-weight Wan 2.1 pack (format 2, src/test/resources/packs/wan-tiny) installed as parent/wan-tiny. */
    public static Path wanTiny(Path parent) throws IOException {
        return format2(parent, "wan-tiny");
    }

    /** The tiny random-weight LTX-Video 0.9.1 pack (src/test/resources/packs/ltx-tiny) installed as parent/ltx-tiny. */
    public static Path ltxTiny(Path parent) throws IOException {
        return format2(parent, "ltx-tiny");
    }

    /** The tiny random-weight CogVideoX-2B pack (src/test/resources/packs/cogvideox-tiny) installed as parent/cogvideox-tiny. */
    public static Path cogvideoxTiny(Path parent) throws IOException {
        return format2(parent, "cogvideox-tiny");
    }

    /** The tiny random-weight Stable Video Diffusion XT pack (src/test/resources/packs/svd-tiny) installed as parent/svd-tiny. */
    public static Path svdTiny(Path parent) throws IOException {
        return format2(parent, "svd-tiny");
    }

    /** The tiny random-weight AnimateDiff SD 1.5 pack (src/test/resources/packs/animatediff-tiny) installed as parent/animatediff-tiny. */
    public static Path animateDiffTiny(Path parent) throws IOException {
        return format2(parent, "animatediff-tiny");
    }

    /** The tiny random-weight Wan 2.1 image-to-video pack (src/test/resources/packs/wan-i2v-tiny) installed as parent/wan-i2v-tiny. */
    public static Path wanI2vTiny(Path parent) throws IOException {
        return format2(parent, "wan-i2v-tiny");
    }

    private static Path format2(Path parent, String name) throws IOException {
        Path from = Path.of("src/test/resources/packs").resolve(name);
        Path to = parent.resolve(name);
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(t);
                } else {
                    java.nio.file.Files.copy(p, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }

    public static Path tinyDiffusers(Path parent, String id, String schedulerConfig, String extra) throws IOException {
        Path dir = copyGraphs(parent, id);
        Files.createDirectories(dir.resolve("scheduler"));
        Files.writeString(dir.resolve("scheduler/scheduler_config.json"), schedulerConfig);
        writeManifest(dir, id, "\"layout\": \"diffusers\"" + (extra.isEmpty() ? "" : ", " + extra), false);
        return dir;
    }

    private static Path copyGraphs(Path parent, String id) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(id));
        for (String f : new String[] {"denoiser.onnx", "vae_encoder.onnx", "vae_decoder.onnx", "text_encoder.onnx"}) {
            copyGraph(f, dir.resolve(f));
        }
        Files.copy(tinyWorld().resolve("text_encoder").resolve(TOKENIZER), dir.resolve("tokenizer.json"),
                StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    /** One of models/testpack/make_testpack.py's graphs (a test resource) to {@code to}. */
    private static void copyGraph(String name, Path to) throws IOException {
        try (InputStream in = TestPacks.class.getResourceAsStream("/packs/tiny/" + name)) {
            if (in == null) {
                throw new IOException("test resource /packs/tiny/" + name + " is missing; run models/testpack/make_testpack.py");
            }
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** (Re)writes pack.json with the current hashes; {@code extra} is spliced into the top-level object. */
    public static void writeManifest(Path dir, String id, String extra) throws IOException {
        writeManifest(dir, id, extra, true);
    }

    /** {@code sampling}: declare prediction and scheduler in pack.json (false: they come from a scheduler config). */
    private static void writeManifest(Path dir, String id, String extra, boolean sampling) throws IOException {
        writeManifest(dir, id, extra, sampling, false);
    }

    /** {@code tokens}: the denoiser declares the token inputs as well. */
    private static void writeManifest(Path dir, String id, String extra, boolean sampling, boolean tokens) throws IOException {
        String lat = "[-1, 4, -1, 8, 8]";
        String json = """
                {
                  "format": 1, "id": "%s", "name": "Tiny test pack", "version": "1.0.0", "license": "Apache-2.0",
                  "modes": ["generate", "animate", "extend", "interpolate", "loop", "remix"],
                  "width": 32, "height": 32, "frames": 8, "fps": 8,
                  "latent": {"channels": 4, "height": 8, "width": 8, "spatialStride": 4, "temporalStride": 1},
                  %s"defaults": {"steps": 4, "guidance": 2.0, "contextFrames": 2},
                  "text": {"maxTokens": 16, "pooling": "mean-normalized", "dim": 32},%s
                  "components": {
                    "text_encoder": %s,
                    "tokenizer": %s,
                    "denoiser": %s,
                    "vae_encoder": %s,
                    "vae_decoder": %s
                  }
                }
                """.formatted(id, sampling ? SAMPLING : "", extra.isEmpty() ? "" : "\n  " + extra + ",",
                file(dir, "text_encoder.onnx", "[{\"name\": \"input_ids\", \"shape\": [-1, -1]}, {\"name\": \"attention_mask\", \"shape\": [-1, -1]}, {\"name\": \"token_type_ids\", \"shape\": [-1, -1]}]",
                        "[{\"name\": \"last_hidden_state\", \"shape\": [-1, -1, 32]}]"),
                file(dir, "tokenizer.json", null, null),
                file(dir, "denoiser.onnx", "[{\"name\": \"sample\", \"shape\": " + lat + "}, {\"name\": \"timestep\", \"shape\": [-1]},"
                        + " {\"name\": \"text_embeds\", \"shape\": [-1, 32]}, {\"name\": \"cond\", \"shape\": " + lat + "},"
                        + " {\"name\": \"mask\", \"shape\": [-1, 1, -1, 8, 8]}"
                        + (tokens ? ", {\"name\": \"text_tokens\", \"shape\": [-1, -1, 32]}, {\"name\": \"text_mask\", \"shape\": [-1, -1]}" : "")
                        + "]", "[{\"name\": \"prediction\", \"shape\": " + lat + "}]"),
                file(dir, "vae_encoder.onnx", "[{\"name\": \"sample\", \"shape\": [-1, 3, 32, 32]}]", "[{\"name\": \"latent\", \"shape\": [-1, 4, 8, 8]}]"),
                file(dir, "vae_decoder.onnx", "[{\"name\": \"latent\", \"shape\": [-1, 4, 8, 8]}]", "[{\"name\": \"sample\", \"shape\": [-1, 3, 32, 32]}]"));
        Files.writeString(dir.resolve("pack.json"), json);
    }

    private static final String SAMPLING = """
            "prediction": "sample",
              "scheduler": {"default": "flow-euler", "shift": 1.0, "timestepScale": 1.0},
              """;

    private static String file(Path dir, String name, String inputs, String outputs) throws IOException {
        Path p = dir.resolve(name);
        String io = inputs == null ? "" : ", \"inputs\": " + inputs + ", \"outputs\": " + outputs;
        return "{\"file\": \"" + name + "\", \"sha256\": \"" + HashCache.compute(p) + "\", \"size\": " + Files.size(p) + io + "}";
    }
}
