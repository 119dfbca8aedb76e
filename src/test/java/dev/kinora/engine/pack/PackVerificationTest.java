package dev.kinora.engine.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.CancelToken;
import dev.kinora.engine.GenerationEngine;
import dev.kinora.engine.GenerationRequest;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.testing.TestPacks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken or tampered pack is refused with one message that names the file and the expectation. */
class PackVerificationTest {
    @TempDir
    Path models;
    Path pack;
    PackVerifier verifier;

    @BeforeEach
    void setUp() throws IOException {
        pack = TestPacks.tiny(models);
        verifier = new PackVerifier(new HashCache(models.resolve("hashes.properties")));
    }

    List<String> problems() throws PackException {
        return verifier.verify(PackLoader.load(pack)).problems();
    }

    @Test
    void anIntactPackVerifies() throws Exception {
        PackVerifier.Report r = verifier.verify(PackLoader.load(pack));
        assertTrue(r.ok(), r.problems().toString());
        assertEquals(Files.size(pack.resolve("denoiser.onnx")) + Files.size(pack.resolve("vae_encoder.onnx"))
                + Files.size(pack.resolve("vae_decoder.onnx")) + Files.size(pack.resolve("text_encoder.onnx"))
                + Files.size(pack.resolve("tokenizer.json")), r.totalBytes());
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        Files.delete(pack.resolve("vae_decoder.onnx"));
        List<String> p = problems();
        assertEquals(1, p.size());
        assertTrue(p.get(0).contains("vae_decoder.onnx") && p.get(0).contains("missing"), p.get(0));
    }

    @Test
    void aTamperedFileFailsItsHash() throws Exception {
        byte[] b = Files.readAllBytes(pack.resolve("denoiser.onnx"));
        b[b.length - 5] ^= 1;
        Files.write(pack.resolve("denoiser.onnx"), b);
        List<String> p = problems();
        assertEquals(1, p.size());
        assertTrue(p.get(0).contains("denoiser.onnx") && p.get(0).contains("sha256") && p.get(0).contains("tampered"), p.get(0));
    }

    @Test
    void aTruncatedFileFailsItsSize() throws Exception {
        byte[] b = Files.readAllBytes(pack.resolve("text_encoder.onnx"));
        Files.write(pack.resolve("text_encoder.onnx"), java.util.Arrays.copyOf(b, b.length / 2));
        String p = problems().get(0);
        assertTrue(p.contains("text_encoder.onnx") && p.contains("expected " + b.length + " bytes"), p);
    }

    @Test
    void pathsLeavingThePackAreRefused() throws Exception {
        Path outside = Files.writeString(models.resolve("secret.txt"), "x");
        String sha = HashCache.compute(outside);
        for (String bad : new String[] {"../secret.txt", outside.toAbsolutePath().toString(), "sub/../../secret.txt"}) {
            TestPacks.writeManifest(pack, "tiny", "\"extraFiles\": [{\"file\": \"" + bad + "\", \"sha256\": \"" + sha + "\", \"size\": 1}]");
            List<String> p = problems();
            assertEquals(1, p.size(), bad);
            assertTrue(p.get(0).contains("not allowed") || p.get(0).contains("outside"), p.get(0));
        }
    }

    @Test
    void aSymlinkOutOfThePackIsRefused() throws Exception {
        Path outside = Files.copy(pack.resolve("vae_decoder.onnx"), models.resolve("elsewhere.onnx"));
        Files.delete(pack.resolve("vae_decoder.onnx"));
        Files.createSymbolicLink(pack.resolve("vae_decoder.onnx"), outside);
        String p = problems().get(0);
        assertTrue(p.contains("outside the pack folder"), p);
    }

    @Test
    void externalDataOutsideThePackIsRefusedBeforeOrtOpensIt() throws Exception {
        // An ONNX initializer whose external_data location climbs out of the pack (CVE-2024-27318's shape).
        byte[] model = OnnxBytes.modelWithExternalData("../../etc/passwd");
        Files.write(pack.resolve("denoiser.onnx"), model);
        TestPacks.writeManifest(pack, "tiny", "");
        String p = problems().get(0);
        assertTrue(p.contains("external data location '../../etc/passwd' leaves the pack folder"), p);
        assertEquals(List.of("../../etc/passwd"), OnnxExternalData.locations(pack.resolve("denoiser.onnx")));
    }

    @Test
    void aWrongTensorShapeIsReportedWhenTheSessionLoads() throws Exception {
        String json = Files.readString(pack.resolve("pack.json")).replace("\"text_embeds\", \"shape\": [-1, 32]", "\"text_embeds\", \"shape\": [-1, 64]");
        Files.writeString(pack.resolve("pack.json"), json);
        try (GenerationEngine engine = new GenerationEngine(new PackRegistry(List.of(models)), RuntimeOptions.defaults().withDevice(Device.CPU))) {
            PackException e = assertThrows(PackException.class, () ->
                    engine.generate(GenerationRequest.textToVideo("tiny", "x", 1), p -> { }, new CancelToken()));
            assertTrue(e.getMessage().contains("text_embeds") && e.getMessage().contains("[?,32]") && e.getMessage().contains("[?,64]"),
                    e.getMessage());
        }
    }

    @Test
    void malformedManifestsSayWhatIsWrong() throws Exception {
        Files.writeString(pack.resolve("pack.json"), "{ \"id\": \"tiny\", ");
        PackException e = assertThrows(PackException.class, () -> PackLoader.load(pack));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        Files.writeString(pack.resolve("pack.json"), "{\"id\": \"Bad Id!\"}");
        e = assertThrows(PackException.class, () -> PackLoader.load(pack));
        assertTrue(e.getMessage().contains("id 'Bad Id!'"), e.getMessage());
        TestPacks.writeManifest(pack, "tiny", "");
        String noHash = Files.readString(pack.resolve("pack.json")).replaceFirst("\"sha256\": \"[0-9a-f]{64}\"", "\"sha256\": \"abc\"");
        Files.writeString(pack.resolve("pack.json"), noHash);
        e = assertThrows(PackException.class, () -> PackLoader.load(pack));
        assertTrue(e.getMessage().contains("64-hex-digit"), e.getMessage());
    }

    @Test
    void examplePromptsAreReadAsListedAndABadOneIsNamedByItsItem() throws Exception {
        assertEquals(List.of(), PackLoader.load(pack).examples(), "optional");
        TestPacks.writeManifest(pack, "tiny", "\"examples\": [\"a red ball rolls\", \"  a blue box \"]");
        assertEquals(List.of("a red ball rolls", "a blue box"), PackLoader.load(pack).examples());
        String[][] bad = {
            {"[\"\"]", "item 0 of 'examples' must be a prompt of 1 to 300 printable characters"},
            {"[\"fine\", 3]", "item 1 of 'examples'"},
            {"[\"a\\u0007b\"]", "item 0 of 'examples'"},
            {"[\"" + "x".repeat(301) + "\"]", "item 0 of 'examples'"},
            {"\"one\"", "'examples' of the manifest must be a list"},
            {"[" + "\"x\", ".repeat(16) + "\"x\"]", "'examples' lists 17 prompts; at most 16"},
        };
        for (String[] b : bad) {
            TestPacks.writeManifest(pack, "tiny", "\"examples\": " + b[0]);
            PackException e = assertThrows(PackException.class, () -> PackLoader.load(pack), b[0]);
            assertTrue(e.getMessage().contains(b[1]) && e.getMessage().contains("pack.json"), e.getMessage());
        }
    }

    @Test
    void aTensorShapeThatIsNotAListIsAPackErrorNamingTheTensor() throws Exception {
        // Spotted while writing PackManifestFuzzTest and kept in its corpus (packJson/crash-shape-object): an
        // object has a size() but no get(i), so the loader threw a NullPointerException.
        String json = Files.readString(pack.resolve("pack.json")).replace("\"text_embeds\", \"shape\": [-1, 32]",
                "\"text_embeds\", \"shape\": {\"batch\": -1, \"dim\": 32}");
        Files.writeString(pack.resolve("pack.json"), json);
        PackException e = assertThrows(PackException.class, () -> PackLoader.load(pack));
        assertTrue(e.getMessage().contains("'shape' of tensor 'text_embeds' of component 'denoiser' must be a list, found object"),
                e.getMessage());
        Files.writeString(pack.resolve("pack.json"), Files.readString(pack.resolve("pack.json"))
                .replaceFirst("\"inputs\": \\[", "\"inputs\": \"none\", \"was\": ["));
        e = assertThrows(PackException.class, () -> PackLoader.load(pack));
        assertTrue(e.getMessage().contains("'inputs' of component 'text_encoder' must be a list, found string"), e.getMessage());
    }

    @Test
    void aManifestWhoseBytesLookLikeUtf32IsNotValidJsonRatherThanUnreadable() throws Exception {
        Files.write(pack.resolve("pack.json"), new byte[] {0x0e, 0, 0, 0, 0, 0, 0, 0, ']', ']', ']', ']', '\n', '}'});
        PackException e = assertThrows(PackException.class, () -> PackLoader.load(pack));
        assertTrue(e.getMessage().contains("pack.json: not valid JSON") && e.getMessage().contains("UTF-32"), e.getMessage());
    }

    @Test
    void unknownPacksListWhatIsInstalled() {
        PackException e = assertThrows(PackException.class, () -> new PackRegistry(List.of(models)).find("nope"));
        assertTrue(e.getMessage().contains("unknown model pack 'nope'") && e.getMessage().contains("installed: tiny"), e.getMessage());
    }

    @Test
    void aSameSizeTamperWithItsMtimePutBackIsReportedWithBothHashes() throws Exception {
        assertTrue(verifier.verify(PackLoader.load(pack), Verification.FULL).ok()); // the cache now holds every file
        Path f = pack.resolve("denoiser.onnx");
        String expected = HashCache.compute(f);
        // One byte in the middle of the weights: the graph still parses, so only the hash can tell.
        long at = Files.size(f) / 2;
        HashCacheTest.overwriteKeepingMtime(f, at, new byte[] {(byte) (Files.readAllBytes(f)[(int) at] ^ 1)});
        String actual = HashCache.compute(f);
        for (Verification depth : Verification.values()) {
            List<String> p = verifier.verify(PackLoader.load(pack), depth).problems();
            assertEquals(1, p.size(), depth + ": " + p);
            assertTrue(p.get(0).contains("denoiser.onnx") && p.get(0).contains("expected " + expected)
                    && p.get(0).contains("found " + actual), p.get(0));
        }
    }

    @Test
    void anEngineReadsEveryByteOnFirstLoadSoAForgedCacheEntryCannotHideATamperedFile() throws Exception {
        Path weights = addLargeExtraFile();
        String good = HashCache.compute(weights);
        HashCacheTest.tamperKeepingMtime(weights, HashCacheTest.unsampledOffset(weights), 4096);
        // Whoever can write the pack can write the user's cache: record the altered file's stamp and samples
        // under the hash the manifest expects.
        Path store = models.resolve("forged.properties");
        new HashCache(store).sha256(weights, Verification.FULL);
        Files.writeString(store, Files.readString(store).replace(HashCache.compute(weights), good));
        assertTrue(new PackVerifier(new HashCache(store)).verify(PackLoader.load(pack), Verification.QUICK).ok(),
                "the quick path trusts an entry whose stamp and samples match");

        HashCache hashes = new HashCache(store);
        try (GenerationEngine engine = new GenerationEngine(new PackRegistry(List.of(models)), cpu(), hashes)) {
            PackException e = assertThrows(PackException.class, () -> engine.pack("tiny"));
            assertTrue(e.getMessage().contains("weights.bin") && e.getMessage().contains("expected " + good), e.getMessage());
        }
    }

    @Test
    void anEngineReloadingAPackItHashedTakesTheCachedFastPath() throws Exception {
        HashCache hashes = new HashCache(models.resolve("engine.properties"));
        int files = PackLoader.load(pack).components().size();
        try (GenerationEngine engine = new GenerationEngine(new PackRegistry(List.of(models)), cpu(), hashes)) {
            engine.pack("tiny");
            assertEquals(files, hashes.fullHashes(), "the first load reads every file");
            engine.unload("tiny");
            engine.pack("tiny");
            assertEquals(files, hashes.fullHashes(), "the reload reads no file in full");
            assertEquals(files, hashes.cacheHits());
        }
        try (GenerationEngine fresh = new GenerationEngine(new PackRegistry(List.of(models)), cpu(), hashes)) {
            fresh.pack("tiny");
            assertEquals(2L * files, hashes.fullHashes(), "a new engine reads every file again");
        }
    }

    private static RuntimeOptions cpu() {
        return RuntimeOptions.defaults().withDevice(Device.CPU);
    }

    /** A 4 MiB extra file, large enough that the cache's sampled blocks leave most of it unread. */
    private Path addLargeExtraFile() throws IOException {
        byte[] b = new byte[4 << 20];
        new java.util.Random(3).nextBytes(b);
        Path weights = Files.write(pack.resolve("weights.bin"), b);
        TestPacks.writeManifest(pack, "tiny", "\"extraFiles\": [{\"file\": \"weights.bin\", \"sha256\": \""
                + HashCache.compute(weights) + "\", \"size\": " + b.length + "}]");
        return weights;
    }

    @Test
    void diffusersLayoutNeedsOnlyAThinManifest() throws Exception {
        ModelPack p = PackLoader.load(exported("exported",
                "{\"_class_name\": \"FlowMatchEulerDiscreteScheduler\", \"shift\": 5.0, \"num_train_timesteps\": 1000}"));
        assertEquals("transformer/model.onnx", p.components().get("denoiser").file());
        assertEquals(5.0f, p.defaults().shift());
        assertEquals(1000f, p.defaults().timestepScale());
        assertEquals("flow-euler", p.defaults().scheduler());
        assertEquals("flow_velocity", p.prediction());
        assertTrue(verifier.verify(p).ok());
    }

    @Test
    void wansUniPcConfigGivesFlowUniPcWithItsFlowShift() throws Exception {
        ModelPack p = PackLoader.load(exported("wan", "{\"_class_name\": \"UniPCMultistepScheduler\", \"flow_shift\": 5.0,"
                + " \"use_flow_sigmas\": true, \"prediction_type\": \"flow_prediction\"}"));
        assertEquals("flow-unipc", p.defaults().scheduler());
        assertEquals(5.0f, p.defaults().shift());
        assertEquals("flow_prediction", p.prediction());
    }

    @Test
    void aDdpmConfigWithoutPredictionTypeTakesDiffusersDefaultEpsilon() throws Exception {
        ModelPack p = PackLoader.load(exported("sd", "{\"_class_name\": \"DDIMScheduler\", \"steps_offset\": 1}"));
        assertEquals("ddim", p.defaults().scheduler());
        assertEquals("epsilon", p.prediction());
    }

    @Test
    void anUnknownSchedulerClassOrPredictionIsAPackErrorNotAFlowDefault() throws Exception {
        PackException cls = assertThrows(PackException.class,
                () -> PackLoader.load(exported("lms", "{\"_class_name\": \"LMSDiscreteScheduler\"}")));
        assertTrue(cls.getMessage().contains("LMSDiscreteScheduler") && cls.getMessage().contains("scheduler_config.json"), cls.getMessage());
        PackException prediction = assertThrows(PackException.class, () -> PackLoader.load(exported("eps",
                "{\"_class_name\": \"DDIMScheduler\", \"prediction_type\": \"noise\"}")));
        assertTrue(prediction.getMessage().contains("'noise'") && prediction.getMessage().contains("epsilon"), prediction.getMessage());
    }

    /** A pack folder in the diffusers layout with the given scheduler_config.json and a thin manifest. */
    private Path exported(String id, String schedulerConfig) throws Exception {
        Path d = Files.createDirectories(models.resolve(id));
        Files.createDirectories(d.resolve("scheduler"));
        Files.writeString(d.resolve("scheduler/scheduler_config.json"), schedulerConfig);
        Files.createDirectories(d.resolve("transformer"));
        Path t = Files.copy(pack.resolve("denoiser.onnx"), d.resolve("transformer/model.onnx"));
        Files.writeString(d.resolve("pack.json"), """
                {"id": "%s", "name": "Exported", "version": "1", "license": "x", "layout": "diffusers",
                 "modes": ["generate"], "width": 32, "height": 32, "frames": 8, "fps": 8,
                 "latent": {"channels": 4, "height": 8, "width": 8},
                 "components": {"denoiser": {"sha256": "%s", "size": %d}}}
                """.formatted(id, HashCache.compute(t), Files.size(t)));
        return d;
    }
}
