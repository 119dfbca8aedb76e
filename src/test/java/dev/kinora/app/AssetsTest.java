package dev.kinora.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.media.Clip;
import dev.kinora.media.MediaReader;
import dev.kinora.media.ResizePolicy;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** assets/: the icon the jar carries and the example sources the README's commands use, read as the product reads them. */
class AssetsTest {
    private static final Path EXAMPLES = Path.of("assets", "examples");

    /** Centroid x of the pixels within 60 of rgb (each channel), and their count. */
    private static double[] subject(Clip c, int frame, int r, int g, int b) {
        return subject(c, frame, r, g, b, 60);
    }

    private static double[] subject(Clip c, int frame, int r, int g, int b, int tol) {
        byte[] f = c.frame(frame);
        double sx = 0;
        int n = 0;
        for (int i = 0; i < c.width() * c.height(); i++) {
            if (Math.abs((f[3 * i] & 0xff) - r) < tol && Math.abs((f[3 * i + 1] & 0xff) - g) < tol && Math.abs((f[3 * i + 2] & 0xff) - b) < tol) {
                sx += i % c.width();
                n++;
            }
        }
        return new double[] {n == 0 ? Double.NaN : sx / n, n};
    }

    @Test
    void theJarCarriesTheIconAtEverySize() throws Exception {
        for (int n : StudioApp.ICON_SIZES) {
            try (InputStream in = StudioApp.class.getResourceAsStream("icons/kinora-" + n + ".png")) {
                assertNotNull(in, "icons/kinora-" + n + ".png in the jar (pom: assets/icons)");
                BufferedImage img = ImageIO.read(in);
                assertEquals(n, img.getWidth());
                assertEquals(n, img.getHeight());
                assertTrue(img.getRGB(0, 0) >>> 24 < 16, "a rounded corner is transparent");
                int centre = img.getRGB(n / 2, n / 2);
                assertEquals(255, centre >>> 24, "opaque inside");
                assertTrue((centre & 0xff) > 150 && ((centre >> 16) & 0xff) > 150, "the white play mark at the centre: " + Integer.toHexString(centre));
                int edge = img.getRGB(n / 2, n / 10);
                assertTrue((edge & 0xff) > ((edge >> 16) & 0xff) + 60, "the blue-violet ground: " + Integer.toHexString(edge));
            }
        }
    }

    @Test
    void theStillsAreTinyWorldSourcesWithTheirSubjects() throws Exception {
        Clip ball = MediaReader.readImage(EXAMPLES.resolve("red-ball-grass.png"), 64, 64, ResizePolicy.FILL);
        assertEquals(1, ball.frameCount());
        double[] red = subject(ball, 0, 230, 40, 40);
        assertTrue(red[1] > 60 && red[1] < 400 && red[0] < 24, "a red ball on the left, room to roll right: " + red[0] + ", " + red[1] + " px");
        Clip star = MediaReader.readImage(EXAMPLES.resolve("yellow-star-desert.png"), 64, 64, ResizePolicy.FILL);
        assertTrue(subject(star, 0, 245, 215, 40)[1] > 40, "a yellow star");
        Clip painted = MediaReader.readImage(EXAMPLES.resolve("green-triangle-painted.png"), 64, 64, ResizePolicy.FILL);
        assertTrue(subject(painted, 0, 50, 200, 70)[1] > 40, "a green triangle");
        assertEquals(painted.pixel(0, 2, 2)[0], painted.pixel(0, 60, 2)[0], "a flat backdrop band, not one of the renderer's scenes");
    }

    @Test
    void theClipToExtendIsSixteenFramesOfTheBallRollingRight() throws Exception {
        Clip c = MediaReader.readClip(EXAMPLES.resolve("red-ball-grass.mp4"), 64, 64, 0, ResizePolicy.FILL, 1000);
        assertEquals(16, c.frameCount());
        assertEquals(8.0, c.fps(), 1e-6);
        double x0 = subject(c, 0, 230, 40, 40)[0];
        double x15 = subject(c, 15, 230, 40, 40)[0];
        assertTrue(x15 > x0 + 15, "rolls right: x " + x0 + " -> " + x15);
        assertEquals(x0, subject(MediaReader.readImage(EXAMPLES.resolve("red-ball-grass.png"), 64, 64, ResizePolicy.FILL), 0, 230, 40, 40)[0], 1.0,
                "the still is the clip's first frame");
    }

    @Test
    void theFramesToConnectAreOneMotionApart() throws Exception {
        Clip a = MediaReader.readImage(EXAMPLES.resolve("blue-square-start.png"), 64, 64, ResizePolicy.FILL);
        Clip b = MediaReader.readImage(EXAMPLES.resolve("blue-square-end.png"), 64, 64, ResizePolicy.FILL);
        double[] sa = subject(a, 0, 40, 70, 225, 20);    // tight: the sea behind it is blue too
        double[] sb = subject(b, 0, 40, 70, 225, 20);
        assertEquals(sa[1], sb[1], 0.15 * sa[1], "the same square");
        assertTrue(sa[0] > sb[0] + 20, "it slid left between them: x " + sa[0] + " -> " + sb[0]);
    }

    @Test
    void everyAssetTheReadmeNamesExists() throws Exception {
        Matcher m = Pattern.compile("assets/[\\w./-]*\\w").matcher(Files.readString(Path.of("README.md")));
        List<String> named = new ArrayList<>();
        while (m.find()) {
            named.add(m.group());
        }
        assertFalse(named.isEmpty());
        for (String p : named) {
            assertTrue(Files.exists(Path.of(p)), p);
        }
    }
}
