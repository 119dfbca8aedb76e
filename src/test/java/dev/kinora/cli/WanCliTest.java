package dev.kinora.cli;

import static dev.kinora.cli.CliRun.kinora;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiny Wan 2.1 pack installed as a user would (a folder under models/), driven through `kinora`. */
class WanCliTest {
    @TempDir
    static Path dir;
    static String savedModels;

    @BeforeAll
    static void install() throws Exception {
        savedModels = System.getProperty("kinora.models");
        dev.kinora.testing.TestPacks.wanTiny(dir.resolve("models"));
        System.setProperty("kinora.models", dir.resolve("models").toString());
        System.setProperty("kinora.cache", dir.resolve("cache").toString());
    }

    @AfterAll
    static void restore() {
        if (savedModels != null) {
            System.setProperty("kinora.models", savedModels);
        } else {
            System.clearProperty("kinora.models");
        }
    }

    @Test
    void generatesThenExtendsForwardKeepingTheClipsFrames() throws Exception {
        Path clip = dir.resolve("fox");
        CliRun g = kinora("generate", "-m", "wan-tiny", "-p", "a red fox walks across the snow", "-s", "5", "--steps", "3",
                "--format", "png", "-o", clip.toString(), "--json");
        assertEquals(0, g.code(), g.err());
        assertTrue(g.out().contains("\"frames\":9"), g.out());
        Path ext = dir.resolve("fox-ext");
        CliRun e = kinora("extend", "-m", "wan-tiny", "-c", clip.toString(), "--steps", "3", "--format", "png", "-o", ext.toString(), "--json");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("\"frames\":17"), "9 frames + one window of 9 less its context frame: " + e.out());
        for (int i = 0; i < 9; i++) {
            String name = String.format("frame_%04d.png", i);
            assertArrayEquals(Files.readAllBytes(clip.resolve(name)), Files.readAllBytes(ext.resolve(name)), "source " + name);
        }
        assertTrue(Files.isRegularFile(ext.resolve("frame_0016.png")));
    }

    @Test
    void modelsVerifyAndInfoReadTheFormat2Pack() {
        CliRun v = kinora("models", "verify", "wan-tiny");
        assertEquals(0, v.code(), v.out() + v.err());
        CliRun info = kinora("models", "info", "wan-tiny");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("denoiser") && info.out().contains("vae_decoder"), info.out());
    }

    @Test
    void whatTheFamilyCannotDoIsRefusedWithTheReason() {
        Path clip = dir.resolve("one-step");
        assertEquals(0, kinora("generate", "-m", "wan-tiny", "-p", "a fox", "--steps", "1", "--format", "png", "-o", clip.toString(), "-q").code());
        CliRun back = kinora("extend", "-m", "wan-tiny", "-c", clip.toString(), "--backward", "-q", "-o", dir.resolve("b.mp4").toString());
        assertEquals(ExitCodes.PACK, back.code(), back.err());
        assertTrue(back.err().contains("extends forward only"), back.err());
        CliRun animate = kinora("animate", "-m", "wan-tiny", "-i", clip.resolve("frame_0000.png").toString(), "-p", "x", "-q",
                "-o", dir.resolve("a.mp4").toString());
        assertEquals(ExitCodes.PACK, animate.code(), animate.err());
        assertTrue(animate.err().contains("does not support animate"), animate.err());
    }
}
