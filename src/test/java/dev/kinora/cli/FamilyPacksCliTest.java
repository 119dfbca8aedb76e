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

/** The tiny Wan 2.1, LTX-Video, CogVideoX, SVD and AnimateDiff packs installed as a user would (folders under models/), driven through `kinora`. */
class FamilyPacksCliTest {
    @TempDir
    static Path dir;
    static String savedModels;

    @BeforeAll
    static void install() throws Exception {
        savedModels = System.getProperty("kinora.models");
        dev.kinora.testing.TestPacks.wanTiny(dir.resolve("models"));
        dev.kinora.testing.TestPacks.ltxTiny(dir.resolve("models"));
        dev.kinora.testing.TestPacks.cogvideoxTiny(dir.resolve("models"));
        dev.kinora.testing.TestPacks.svdTiny(dir.resolve("models"));
        dev.kinora.testing.TestPacks.animateDiffTiny(dir.resolve("models"));
        System.setProperty("kinora.models", dir.resolve("models").toString());
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

    /** LTX-Video 0.9.1 beside it: text-to-video and an animated still (frame 0 kept), through the same commands. */
    @Test
    void theLtxPackGeneratesAndAnimatesAStill() throws Exception {
        Path clip = dir.resolve("ltx");
        CliRun g = kinora("generate", "-m", "ltx-tiny", "-p", "a red fox", "-s", "3", "--steps", "2", "--format", "png", "-o", clip.toString(), "--json");
        assertEquals(0, g.code(), g.err());
        assertTrue(g.out().contains("\"frames\":9"), g.out());
        Path anim = dir.resolve("ltx-anim");
        Path still = clip.resolve("frame_0004.png");
        CliRun a = kinora("animate", "-m", "ltx-tiny", "-i", still.toString(), "-p", "the fox runs", "--steps", "2", "--format", "png",
                "-o", anim.toString(), "--json");
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().contains("\"frames\":9"), a.out());
        var in = javax.imageio.ImageIO.read(still.toFile());
        var out = javax.imageio.ImageIO.read(anim.resolve("frame_0000.png").toFile());
        for (int y = 0; y < in.getHeight(); y += 7) {
            for (int x = 0; x < in.getWidth(); x += 7) {
                assertEquals(in.getRGB(x, y), out.getRGB(x, y), "the still is frame 0 at " + x + "," + y);
            }
        }
        CliRun ext = kinora("extend", "-m", "ltx-tiny", "-c", clip.toString(), "-q", "-o", dir.resolve("ltx-ext.mp4").toString());
        assertEquals(ExitCodes.PACK, ext.code(), ext.err());
        assertTrue(ext.err().contains("does not support extend"), ext.err());
    }

    /** Stable Video Diffusion animates a still with no prompt at all, and text-to-video exits 3 saying why. */
    @Test
    void theSvdPackAnimatesAStillWithoutAPrompt() throws Exception {
        Path clip = dir.resolve("svd-src");
        assertEquals(0, kinora("generate", "-m", "wan-tiny", "-p", "a red fox", "--steps", "2", "--format", "png", "-o", clip.toString(), "-q").code());
        Path still = clip.resolve("frame_0003.png");
        Path anim = dir.resolve("svd-anim");
        CliRun a = kinora("animate", "-m", "svd-tiny", "-i", still.toString(), "--steps", "2", "--format", "png", "-o", anim.toString(), "--json");
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().contains("\"frames\":8"), a.out());
        // the wan-tiny frame is 64x48; the CLI fits it to SVD's 64x64 before the engine sees it
        var first = javax.imageio.ImageIO.read(anim.resolve("frame_0000.png").toFile());
        assertEquals(64, first.getWidth());
        assertEquals(64, first.getHeight());
        assertTrue(Files.isRegularFile(anim.resolve("frame_0007.png")));
        CliRun t2v = kinora("generate", "-m", "svd-tiny", "-p", "a red fox", "-q", "-o", dir.resolve("svd.mp4").toString());
        assertEquals(ExitCodes.PACK, t2v.code(), t2v.err());
        assertTrue(t2v.err().contains("only animates a still") && t2v.err().contains("no text"), t2v.err());
    }

    @Test
    void theCogVideoXPackGeneratesItsWindow() {
        CliRun g = kinora("generate", "-m", "cogvideox-tiny", "-p", "a panda plays a guitar", "--steps", "2", "--format", "png",
                "-o", dir.resolve("panda").toString(), "--json");
        assertEquals(0, g.code(), g.err());
        assertTrue(g.out().contains("\"frames\":17"), g.out());
        CliRun longer = kinora("generate", "-m", "cogvideox-tiny", "-p", "a panda", "--frames", "40", "-q", "-o", dir.resolve("p.mp4").toString());
        assertEquals(ExitCodes.PACK, longer.code(), longer.err());
        assertTrue(longer.err().contains("at most 17 frames"), longer.err());
    }

    /** AnimateDiff makes one window of text-to-video; animate and extend exit 3 saying what it can do instead. */
    @Test
    void theAnimateDiffPackGeneratesItsWindowAndRefusesTheRest() throws Exception {
        Path clip = dir.resolve("corgi");
        CliRun g = kinora("generate", "-m", "animatediff-tiny", "-p", "a corgi walking in the park", "-n", "blurry", "-s", "3", "--steps", "2",
                "--format", "png", "-o", clip.toString(), "--json");
        assertEquals(0, g.code(), g.err());
        assertTrue(g.out().contains("\"frames\":8"), g.out());
        var first = javax.imageio.ImageIO.read(clip.resolve("frame_0000.png").toFile());
        assertEquals(48, first.getWidth());
        assertEquals(32, first.getHeight());
        assertTrue(Files.isRegularFile(clip.resolve("frame_0007.png")));
        CliRun animate = kinora("animate", "-m", "animatediff-tiny", "-i", clip.resolve("frame_0000.png").toString(), "-p", "the corgi runs",
                "-q", "-o", dir.resolve("corgi-anim.mp4").toString());
        assertEquals(ExitCodes.PACK, animate.code(), animate.err());
        assertTrue(animate.err().contains("does not support animate") && animate.err().contains("text-to-video only (generate)"), animate.err());
        CliRun ext = kinora("extend", "-m", "animatediff-tiny", "-c", clip.toString(), "-q", "-o", dir.resolve("corgi-ext.mp4").toString());
        assertEquals(ExitCodes.PACK, ext.code(), ext.err());
        assertTrue(ext.err().contains("does not support extend") && ext.err().contains("text-to-video only (generate)"), ext.err());
        CliRun longer = kinora("generate", "-m", "animatediff-tiny", "-p", "a corgi", "--frames", "24", "-q", "-o", dir.resolve("c.mp4").toString());
        assertEquals(ExitCodes.PACK, longer.code(), longer.err());
        assertTrue(longer.err().contains("at most 8 frames"), longer.err());
        CliRun info = kinora("models", "info", "animatediff-tiny");
        assertEquals(0, info.code(), info.err());
        assertEquals(0, kinora("models", "verify", "animatediff-tiny").code());
    }

    @Test
    void modelsVerifyAndInfoReadTheFormat2Pack() {
        CliRun v = kinora("models", "verify", "wan-tiny");
        assertEquals(0, v.code(), v.out() + v.err());
        CliRun info = kinora("models", "info", "wan-tiny");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("denoiser") && info.out().contains("vae_decoder"), info.out());
        assertEquals(0, kinora("models", "verify", "ltx-tiny").code());
        CliRun ltx = kinora("models", "info", "ltx-tiny");
        assertEquals(0, ltx.code(), ltx.err());
        assertTrue(ltx.out().contains("12 tokens"), ltx.out());
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
