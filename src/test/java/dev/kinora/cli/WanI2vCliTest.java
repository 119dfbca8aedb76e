package dev.kinora.cli;

import static dev.kinora.cli.CliRun.kinora;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiny Wan 2.1 image-to-video pack installed as a user would, driven through `kinora` (as FamilyPacksCliTest does the others). */
class WanI2vCliTest {
    @TempDir
    static Path dir;
    static String savedModels;
    static Path still;

    @BeforeAll
    static void install() throws Exception {
        savedModels = System.getProperty("kinora.models");
        dev.kinora.testing.TestPacks.wanI2vTiny(dir.resolve("models"));
        System.setProperty("kinora.models", dir.resolve("models").toString());
        // the reference's still (uint8 [48, 64, 3]) as the PNG a user would give
        byte[] npy = Files.readAllBytes(Path.of("src/test/resources/packs/wan-i2v-tiny-reference/i2v/still.npy"));
        int start = (npy[6] == 1 ? 10 : 12) + ((npy[8] & 0xff) | (npy[9] & 0xff) << 8); // numpy format 1.0 header, |u1 data
        byte[] rgb = java.util.Arrays.copyOfRange(npy, start, start + 64 * 48 * 3);
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                int p = (y * 64 + x) * 3;
                img.setRGB(x, y, (rgb[p] & 0xFF) << 16 | (rgb[p + 1] & 0xFF) << 8 | rgb[p + 2] & 0xFF);
            }
        }
        still = dir.resolve("still.png");
        ImageIO.write(img, "png", still.toFile());
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
    void animatesAStillWithAPromptKeepingItAsFrameZero() throws Exception {
        Path anim = dir.resolve("anim");
        CliRun a = kinora("animate", "-m", "wan-i2v-tiny", "-i", still.toString(), "-p", "a red ball rolls down the hill", "--steps", "2",
                "--format", "png", "-o", anim.toString(), "--json");
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().contains("\"frames\":9"), a.out());
        BufferedImage in = ImageIO.read(still.toFile());
        BufferedImage first = ImageIO.read(anim.resolve("frame_0000.png").toFile());
        for (int y = 0; y < in.getHeight(); y++) {
            for (int x = 0; x < in.getWidth(); x++) {
                assertEquals(in.getRGB(x, y), first.getRGB(x, y), "the still is frame 0 at " + x + "," + y);
            }
        }
        assertTrue(Files.isRegularFile(anim.resolve("frame_0008.png")));
    }

    @Test
    void textToVideoExits3NamingAnimate() {
        CliRun g = kinora("generate", "-m", "wan-i2v-tiny", "-p", "a red ball", "-q", "-o", dir.resolve("t2v.mp4").toString());
        assertEquals(ExitCodes.PACK, g.code(), g.err());
        assertTrue(g.err().contains("only animates a still") && g.err().contains("animate --image"), g.err());
    }

    @Test
    void modelsVerifyAndInfoReadThePack() {
        CliRun v = kinora("models", "verify", "wan-i2v-tiny");
        assertEquals(0, v.code(), v.out() + v.err());
        CliRun info = kinora("models", "info", "wan-i2v-tiny");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("image_encoder"), info.out());
    }
}
