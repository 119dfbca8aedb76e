package dev.kinora.media;

import static dev.kinora.media.Synthetic.maxDiff;
import static dev.kinora.media.Synthetic.meanColor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes synthetic clips in every format and reads them back: real files, real numbers. */
class MediaRoundTripTest {

    private static final Clip SQUARE = Synthetic.movingSquare(64, 64, 16, 16);
    private static final Clip ODD = Synthetic.movingSquare(63, 35, 16, 16);
    private static final Map<String, String> META = Map.of(
            "comment", "made by kinora",
            "kinora.recipe", "{\"prompt\":\"a red fox, ünïcode\",\n \"seed\":42}",
            "kinora.seed", "42",
            // Longer than one 255-byte GIF sub-block and than MP4's short-string limits.
            "kinora.notes", "line of notes; ".repeat(200).strip());

    @TempDir
    static Path shared;
    private static Path mp4;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeSharedMp4() throws Exception {
        mp4 = MediaWriter.write(SQUARE, shared.resolve("square.mp4"), OutputFormat.MP4,
                ExportOptions.defaults().withMetadata(META));
    }

    @Test
    void mp4KeepsFrameCountSizeRateAndColours() throws Exception {
        Clip back = MediaReader.readClip(mp4, 0, 0, 0, ResizePolicy.FIT, 100);
        assertEquals(16, back.frameCount());
        assertEquals(64, back.width());
        assertEquals(64, back.height());
        assertEquals(16.0, back.fps(), 1e-6);
        for (int i = 0; i < 16; i++) {
            double d = maxDiff(SQUARE.meanColor(i), back.meanColor(i));
            assertTrue(d < 3.0, "frame " + i + " mean colour off by " + d);
        }
    }

    @Test
    void exportsGetDefaultPermissionsAndOddNamesWork() throws Exception {
        Path out = MediaWriter.write(SQUARE.subClip(0, 2), dir.resolve("take:2 ünï.mp4"), ExportOptions.defaults());
        // Same permissions as any new file here (the umask's), not a temp file's 0600.
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out));
        Path rel = Path.of("").toAbsolutePath().relativize(out);
        assertEquals(2, MediaReader.readClip(rel, 0, 0, 0, ResizePolicy.FIT, 10).frameCount());
        assertEquals(2, MediaReader.probe(rel).frameCount());
    }

    @Test
    void mp4IsH264Yuv420pWithMoovBeforeMdat() throws Exception {
        List<String> atoms = topLevelAtoms(mp4);
        assertTrue(atoms.indexOf("moov") >= 0 && atoms.indexOf("moov") < atoms.indexOf("mdat"),
                "faststart puts moov before mdat, got " + atoms);
        MediaInfo info = MediaReader.probe(mp4);
        assertEquals("h264", info.codec());
        assertEquals(16, info.frameCount());
        assertEquals(1.0, info.durationSeconds(), 0.01);
        assumeTrue(Synthetic.hasTool("ffprobe"), "ffprobe not installed");
        String out = Synthetic.run(dir, "ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=codec_name,pix_fmt,width,height,nb_frames,color_space,color_range", "-of", "default=nw=1",
                mp4.toString());
        assertTrue(out.contains("codec_name=h264"), out);
        assertTrue(out.contains("pix_fmt=yuv420p"), out);
        assertTrue(out.contains("width=64") && out.contains("height=64"), out);
        assertTrue(out.contains("nb_frames=16"), out);
        assertTrue(out.contains("color_space=smpte170m") && out.contains("color_range=tv"), out);
    }

    @Test
    void metadataSurvivesMp4WebmGifAndPngFolder() throws Exception {
        assertEquals(META, MediaWriter.readMetadata(mp4));
        ExportOptions opts = ExportOptions.defaults().withMetadata(META);
        Clip small = SQUARE.subClip(0, 3);
        Path webm = MediaWriter.write(small, dir.resolve("m.webm"), opts); // format from the extension
        assertEquals(META, MediaWriter.readMetadata(webm));
        Path gif = MediaWriter.write(small, dir.resolve("m.gif"), OutputFormat.GIF, opts);
        assertEquals(META, MediaWriter.readMetadata(gif));
        assertEquals(META, MediaReader.probe(gif).metadata());
        assertEquals(META, MediaReader.probe(webm).metadata());
        Path png = MediaWriter.write(small, dir.resolve("frames"), OutputFormat.PNG_SEQUENCE, opts);
        Map<String, String> expected = new java.util.TreeMap<>(META);
        expected.put("fps", "16");
        assertEquals(expected, MediaWriter.readMetadata(png));
        assertEquals(META, MediaReader.probe(mp4).metadata());
    }

    @Test
    void oddSizeIsPaddedToEvenForMp4AndWebmWithoutMovingPixels() throws Exception {
        for (OutputFormat f : List.of(OutputFormat.MP4, OutputFormat.WEBM)) {
            Path out = MediaWriter.write(ODD, dir.resolve("odd." + f.extension()), f, ExportOptions.defaults());
            Clip back = MediaReader.readClip(out, 0, 0, 0, ResizePolicy.FIT, 100);
            assertEquals(64, back.width(), f.name());
            assertEquals(36, back.height(), f.name());
            assertEquals(16, back.frameCount(), f.name());
            for (int i = 0; i < 16; i++) {
                double d = maxDiff(meanColor(ODD, i, 63, 35), meanColor(back, i, 63, 35));
                assertTrue(d < 3.0, f + " frame " + i + " mean colour off by " + d);
            }
            // The square's top-left corner is where it was: padding added at the right/bottom only.
            int[] p = back.pixel(5, 15 + 2, 10 + 2);
            assertTrue(p[0] > 220 && p[1] > 170 && p[2] < 60, f + " square pixel " + java.util.Arrays.toString(p));
        }
    }

    @Test
    void webmIsVp9AndKeepsColours() throws Exception {
        Path out = MediaWriter.write(SQUARE, dir.resolve("sq.webm"), OutputFormat.WEBM, ExportOptions.defaults());
        MediaInfo info = MediaReader.probe(out);
        assertEquals("vp9", info.codec());
        Clip back = MediaReader.readClip(out, 0, 0, 16, ResizePolicy.FIT, 100);
        assertEquals(16, back.frameCount());
        for (int i = 0; i < 16; i++) {
            assertTrue(maxDiff(SQUARE.meanColor(i), back.meanColor(i)) < 3.0, "frame " + i);
        }
    }

    @Test
    void gifKeepsFlatColoursExactAndTheFrameCount() throws Exception {
        int[][] colours = {{255, 0, 0}, {0, 128, 255}, {17, 34, 51}, {250, 250, 250}};
        Clip flat = Synthetic.flatColours(40, 30, colours, 10);
        Path gif = MediaWriter.write(flat, dir.resolve("flat.gif"), OutputFormat.GIF, ExportOptions.defaults());
        Clip back = MediaReader.readClip(gif, 0, 0, 0, ResizePolicy.FIT, 100);
        assertEquals(4, back.frameCount());
        assertEquals(10.0, back.fps(), 0.01);
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(flat.frame(i), back.frame(i), "frame " + i + " must be exact");
        }
    }

    @Test
    void gifOfAGradientStaysCloseAndResamplesToTheRightCount() throws Exception {
        Path gif = MediaWriter.write(SQUARE, dir.resolve("sq.gif"), OutputFormat.GIF, ExportOptions.defaults());
        // 16 fps is 6.25 cs per frame: delays alternate 6/7 cs, and resampling by time recovers 16.
        Clip back = MediaReader.readClip(gif, 0, 0, 16, ResizePolicy.FIT, 100);
        assertEquals(16, back.frameCount());
        assertEquals(64, back.width());
        for (int i = 0; i < 16; i++) {
            double d = maxDiff(SQUARE.meanColor(i), back.meanColor(i));
            assertTrue(d < 2.0, "frame " + i + " mean colour off by " + d);
        }
        // The gradient has more than 256 colours, so this is the median-cut path: close, not exact.
        assertClose(new int[] {250, 200, 20}, back.pixel(3, 9 + 4, 6 + 4), 4, "square");
    }

    @Test
    void gifDecodesIdenticallyInJavasOwnGifReaderAndInDebianFfmpeg() throws Exception {
        // An independent decoder guards the hand-written LZW encoder (code widths, table resets).
        Clip big = Synthetic.movingSquare(96, 80, 3, 10); // >256 colours: median cut
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < big.frame(2).length; i++) { // noise: >4096 LZW codes, so table resets
            big.frame(2)[i] = (byte) rnd.nextInt(256);
        }
        Path gif = MediaWriter.write(big, dir.resolve("big.gif"), OutputFormat.GIF, ExportOptions.defaults());
        Clip ours = MediaReader.readClip(gif, 0, 0, 0, ResizePolicy.FIT, 10);
        javax.imageio.ImageReader reader = javax.imageio.ImageIO.getImageReadersByFormatName("gif").next();
        try (var in = javax.imageio.ImageIO.createImageInputStream(gif.toFile())) {
            reader.setInput(in);
            assertEquals(3, reader.getNumImages(true));
            for (int i = 0; i < 3; i++) {
                java.awt.image.BufferedImage img = reader.read(i);
                for (int y = 0; y < 80; y += 7) {
                    for (int x = 0; x < 96; x += 5) {
                        int rgb = img.getRGB(x, y);
                        assertArrayEquals(new int[] {rgb >> 16 & 255, rgb >> 8 & 255, rgb & 255},
                                ours.pixel(i, x, y), "frame " + i + " at " + x + "," + y);
                    }
                }
            }
        } finally {
            reader.dispose();
        }
        assumeTrue(Synthetic.hasTool("ffmpeg"), "Debian ffmpeg not installed");
        for (Path p : List.of(gif, MediaWriter.write(big, dir.resolve("big.webm"), OutputFormat.WEBM,
                ExportOptions.defaults()))) {
            String log = Synthetic.run(dir, "ffmpeg", "-v", "error", "-i", p.toString(), "-f", "null", "-");
            assertEquals("", log.strip(), p + " decodes without errors");
        }
    }

    @Test
    void pngFolderIsExactAndHoldsOnlyFramesAndRecipe() throws Exception {
        Path out = MediaWriter.write(ODD, dir.resolve("seq"), OutputFormat.PNG_SEQUENCE,
                ExportOptions.defaults().withMetadata(Map.of("kinora.seed", "7")));
        List<String> names;
        try (Stream<Path> s = Files.list(out)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(17, names.size(), names.toString());
        assertEquals("frame_0000.png", names.get(0));
        assertEquals("frame_0015.png", names.get(15));
        assertEquals("recipe.json", names.get(16));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("seq"), s.map(p -> p.getFileName().toString()).toList(), "no temp left");
        }
        Clip back = MediaReader.readClip(out, 0, 0, 0, ResizePolicy.FIT, 100);
        assertEquals(ODD, back); // sizes, fps from recipe.json, every pixel
        // Writing again replaces the earlier sequence.
        MediaWriter.write(SQUARE.subClip(0, 2), out, OutputFormat.PNG_SEQUENCE, ExportOptions.defaults());
        assertEquals(2, MediaReader.readClip(out, 0, 0, 0, ResizePolicy.FIT, 100).frameCount());
    }

    @Test
    void nearestUpscaleByFourKeepsExactPixelBlocks() throws Exception {
        Path out = MediaWriter.write(ODD.subClip(0, 2), dir.resolve("x4"), OutputFormat.PNG_SEQUENCE,
                new ExportOptions(4, UpscaleFilter.NEAREST, Map.of()));
        Clip back = MediaReader.readClip(out, 0, 0, 0, ResizePolicy.FIT, 10);
        assertEquals(63 * 4, back.width());
        assertEquals(35 * 4, back.height());
        for (int i = 0; i < 2; i++) {
            for (int y = 0; y < back.height(); y++) {
                for (int x = 0; x < back.width(); x++) {
                    assertArrayEquals(ODD.pixel(i, x / 4, y / 4), back.pixel(i, x, y), "pixel " + x + "," + y);
                }
            }
        }
    }

    @Test
    void lanczosUpscaleKeepsMeanColour() throws Exception {
        Path out = MediaWriter.write(SQUARE.subClip(0, 1), dir.resolve("lz"), OutputFormat.PNG_SEQUENCE,
                new ExportOptions(2, UpscaleFilter.LANCZOS, Map.of()));
        Clip back = MediaReader.readClip(out, 0, 0, 0, ResizePolicy.FIT, 10);
        assertEquals(128, back.width());
        assertTrue(maxDiff(SQUARE.meanColor(0), back.meanColor(0)) < 1.0);
    }

    @Test
    void variableFrameRateIsResampledToNearestFrameByTime() throws Exception {
        // Frames on a 30 fps grid with gaps: 13 frames spread over exactly 1 s.
        int[] slots = {0, 1, 2, 3, 6, 7, 8, 12, 13, 14, 20, 21, 29};
        Path vfr = dir.resolve("vfr.mp4");
        try (var r = new org.bytedeco.javacv.FFmpegFrameRecorder(vfr.toFile(), 32, 32, 0);
             var frame = new org.bytedeco.javacv.Frame(32, 32, org.bytedeco.javacv.Frame.DEPTH_UBYTE, 3)) {
            r.setFormat("mp4");
            r.setVideoCodecName("libopenh264");
            r.setVideoBitrate(2_000_000);
            r.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
            r.setFrameRate(30);
            r.start();
            java.nio.ByteBuffer buf = (java.nio.ByteBuffer) frame.image[0];
            for (int i = 0; i < slots.length; i++) {
                for (int o = 0; o < 32 * 32 * 3; o += 3) { // frame i is grey level 15 * i
                    buf.put(o, (byte) (15 * i)).put(o + 1, (byte) (15 * i)).put(o + 2, (byte) (15 * i));
                }
                r.setFrameNumber(slots[i]);
                r.record(frame, org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24);
            }
            r.stop();
        }
        Clip every = MediaReader.readClip(vfr, 0, 0, 0, ResizePolicy.FIT, 100);
        assertEquals(13, every.frameCount());
        Clip tenFps = MediaReader.readClip(vfr, 0, 0, 10, ResizePolicy.FIT, 100);
        assertEquals(10, tenFps.frameCount());
        assertEquals(10.0, tenFps.fps());
        for (int k = 0; k < 10; k++) {
            int nearest = 0;
            for (int i = 0; i < slots.length; i++) {
                if (Math.abs(slots[i] / 30.0 - k / 10.0) < Math.abs(slots[nearest] / 30.0 - k / 10.0) - 1e-9) {
                    nearest = i;
                }
            }
            assertEquals(15 * nearest, tenFps.meanColor(k)[1], 3.0, "output " + k + " shows source " + nearest);
        }
        Clip capped = MediaReader.readClip(vfr, 0, 0, 30, ResizePolicy.FIT, 7);
        assertEquals(7, capped.frameCount(), "maxFrames caps the result");
    }

    @Test
    void resizePoliciesLetterboxCropAndStretch() throws Exception {
        // 64x32: left half red, right half blue.
        byte[] f = new byte[64 * 32 * 3];
        Synthetic.fillRect(f, 64, 0, 0, 32, 32, 255, 0, 0);
        Synthetic.fillRect(f, 64, 32, 0, 32, 32, 0, 0, 255);
        Path png = MediaWriter.write(Clip.still(64, 32, f), dir.resolve("rb"), OutputFormat.PNG_SEQUENCE,
                ExportOptions.defaults()).resolve("frame_0000.png");

        Clip fit = MediaReader.readImage(png, 32, 32, ResizePolicy.FIT);
        assertEquals(32, fit.width());
        assertArrayEquals(new int[] {0, 0, 0}, fit.pixel(0, 16, 2), "letterbox bar is black");
        assertArrayEquals(new int[] {255, 0, 0}, fit.pixel(0, 4, 16));
        assertArrayEquals(new int[] {0, 0, 255}, fit.pixel(0, 28, 16));

        Clip fill = MediaReader.readImage(png, 32, 32, ResizePolicy.FILL); // centre crop 32x32 of the source
        assertArrayEquals(new int[] {255, 0, 0}, fill.pixel(0, 2, 0));
        assertArrayEquals(new int[] {0, 0, 255}, fill.pixel(0, 30, 31));
        assertEquals(127.5, fill.meanColor(0)[0], 2.0);

        Clip stretch = MediaReader.readImage(png, 16, 16, ResizePolicy.STRETCH);
        assertEquals(16, stretch.height());
        assertArrayEquals(new int[] {255, 0, 0}, stretch.pixel(0, 2, 0));
        assertArrayEquals(new int[] {0, 0, 255}, stretch.pixel(0, 13, 15));

        Clip down = MediaReader.readClip(mp4, 16, 16, 0, ResizePolicy.FILL, 1);
        assertTrue(maxDiff(SQUARE.meanColor(0), down.meanColor(0)) < 4.0, "area-like downscale keeps the mean");
    }

    @Test
    void stillsOfEveryFormatDecodeToTheirColours() throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(24, 16,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                img.setRGB(x, y, x < 12 ? 0xC83C1E : 0x1E78C8);
            }
        }
        for (String fmt : List.of("png", "jpeg", "bmp", "tiff", "gif")) {
            Path p = dir.resolve("still." + fmt);
            assertTrue(javax.imageio.ImageIO.write(img, fmt, p.toFile()), fmt);
            Clip c = MediaReader.readImage(p, 0, 0, ResizePolicy.FIT);
            assertEquals(24, c.width(), fmt);
            assertEquals(16, c.height(), fmt);
            if (fmt.equals("jpeg")) {
                // Lossy: compare with Java's own decoder away from the red/blue edge, where chroma
                // upsampling differs between decoders (this catches a wrong colour range or matrix,
                // which shifts every value by 10+).
                java.awt.image.BufferedImage ref = javax.imageio.ImageIO.read(p.toFile());
                for (int[] xy : new int[][] {{3, 8}, {20, 8}, {5, 12}, {18, 3}}) {
                    int rgb = ref.getRGB(xy[0], xy[1]);
                    assertClose(new int[] {rgb >> 16 & 255, rgb >> 8 & 255, rgb & 255}, c.pixel(0, xy[0], xy[1]), 4,
                            "jpeg at " + xy[0] + "," + xy[1]);
                }
            } else {
                assertClose(new int[] {200, 60, 30}, c.pixel(0, 3, 8), 0, fmt);
                assertClose(new int[] {30, 120, 200}, c.pixel(0, 20, 8), 0, fmt);
            }
            assertEquals(1, MediaReader.readClip(p, 0, 0, 0, ResizePolicy.FIT, 10).frameCount(), fmt);
            MediaInfo info = MediaReader.probe(p);
            assertEquals(24, info.width(), fmt);
            assertEquals(16, info.height(), fmt);
        }
        // WebP: the build's libwebp encoder makes one; lossy, so a looser tolerance.
        Path webp = dir.resolve("still.webp");
        try (var r = new org.bytedeco.javacv.FFmpegFrameRecorder(webp.toFile(), 24, 16, 0);
             var frame = new org.bytedeco.javacv.Frame(24, 16, org.bytedeco.javacv.Frame.DEPTH_UBYTE, 3)) {
            java.nio.ByteBuffer buf = (java.nio.ByteBuffer) frame.image[0];
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 24; x++) {
                    int rgb = img.getRGB(x, y);
                    int o = y * frame.imageStride + x * 3;
                    buf.put(o, (byte) (rgb >> 16)).put(o + 1, (byte) (rgb >> 8)).put(o + 2, (byte) rgb);
                }
            }
            r.setFormat("webp");
            r.setVideoCodecName("libwebp");
            r.setVideoQuality(100);
            r.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
            r.start();
            r.record(frame, org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24);
            r.stop();
        }
        Clip c = MediaReader.readImage(webp, 0, 0, ResizePolicy.FIT);
        assertEquals(24, c.width());
        assertEquals(16, MediaReader.probe(webp).height());
        assertClose(new int[] {200, 60, 30}, c.pixel(0, 3, 8), 12, "webp");
    }

    @Test
    void jpegExifOrientationTurnsPortraitPhotosUpright() throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(24, 16,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                img.setRGB(x, y, x < 12 ? 0xFF0000 : (y < 8 ? 0x0000FF : 0x00FF00)); // red | blue over green
            }
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "jpeg", jpeg);
        byte[] plain = jpeg.toByteArray();
        // expected top-left / top-right / bottom-left colour for each EXIF orientation
        Map<Integer, int[][]> corners = Map.of(
                1, new int[][] {{255, 0, 0}, {0, 0, 255}, {255, 0, 0}},
                2, new int[][] {{0, 0, 255}, {255, 0, 0}, {0, 255, 0}},
                3, new int[][] {{0, 255, 0}, {255, 0, 0}, {0, 0, 255}},
                6, new int[][] {{255, 0, 0}, {255, 0, 0}, {0, 255, 0}},
                8, new int[][] {{0, 0, 255}, {0, 255, 0}, {255, 0, 0}});
        for (var e : corners.entrySet()) {
            int orientation = e.getKey();
            // APP1 "Exif": big-endian TIFF header, one IFD entry 0x0112 SHORT = orientation.
            byte[] app1 = {(byte) 0xFF, (byte) 0xE1, 0, 34, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,
                    0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, 0, 0, 0, 0};
            ByteArrayOutputStream withExif = new ByteArrayOutputStream();
            withExif.write(plain, 0, 2);
            withExif.write(app1);
            withExif.write(plain, 2, plain.length - 2);
            Path p = Files.write(dir.resolve("photo" + orientation + ".jpg"), withExif.toByteArray());
            Clip c = MediaReader.readImage(p, 0, 0, ResizePolicy.FIT);
            boolean turned = orientation >= 5;
            assertEquals(turned ? 16 : 24, c.width(), "orientation " + orientation);
            assertEquals(turned ? 24 : 16, c.height(), "orientation " + orientation);
            MediaInfo info = MediaReader.probe(p);
            assertEquals(c.width(), info.width());
            int[][] want = e.getValue();
            assertClose(want[0], c.pixel(0, 1, 1), 40, orientation + " top-left");
            assertClose(want[1], c.pixel(0, c.width() - 2, 1), 40, orientation + " top-right");
            assertClose(want[2], c.pixel(0, 1, c.height() - 2), 40, orientation + " bottom-left");
        }
    }

    @Test
    void transparentPixelsAreCompositedOverBlack() throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(8, 4,
                java.awt.image.BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, x < 4 ? 0xFFFF0000 : 0x00FFFFFF); // opaque red | transparent white
            }
        }
        img.setRGB(7, 3, 0x800000FF); // half-transparent blue
        Path p = dir.resolve("alpha.png");
        javax.imageio.ImageIO.write(img, "png", p.toFile());
        Clip c = MediaReader.readImage(p, 0, 0, ResizePolicy.FIT);
        assertArrayEquals(new int[] {255, 0, 0}, c.pixel(0, 1, 1));
        assertArrayEquals(new int[] {0, 0, 0}, c.pixel(0, 5, 1));
        assertClose(new int[] {0, 0, 128}, c.pixel(0, 7, 3), 1, "half alpha");
    }

    @Test
    void fillOfAThinStripCropsBeforeScaling() throws Exception {
        // 400x2: would be a 1600x8 intermediate if scaled whole; the Java path crops first.
        byte[] f = new byte[400 * 2 * 3];
        Synthetic.fillRect(f, 400, 0, 0, 400, 2, 0, 0, 255);
        Synthetic.fillRect(f, 400, 199, 0, 2, 2, 0, 255, 0); // green in the middle
        Path png = MediaWriter.write(Clip.still(400, 2, f), dir.resolve("strip"), OutputFormat.PNG_SEQUENCE,
                ExportOptions.defaults()).resolve("frame_0000.png");
        Clip c = MediaReader.readImage(png, 8, 8, ResizePolicy.FILL);
        assertEquals(8, c.width());
        assertEquals(8, c.height());
        assertTrue(c.meanColor(0)[1] > 200, "the centre of the strip fills the frame: " + java.util.Arrays.toString(
                c.meanColor(0)));
    }

    @Test
    void aVideoIsAlsoAnImageAndAStillIsAOneFrameClip() throws Exception {
        Clip first = MediaReader.readImage(mp4, 0, 0, ResizePolicy.FIT);
        assertEquals(1, first.frameCount());
        assertTrue(maxDiff(SQUARE.meanColor(0), first.meanColor(0)) < 3.0);
    }

    @Test
    void rotationMetadataIsHonoured() throws Exception {
        byte[] f = new byte[64 * 32 * 3]; // left half red, right half blue
        Synthetic.fillRect(f, 64, 0, 0, 32, 32, 255, 0, 0);
        Synthetic.fillRect(f, 64, 32, 0, 32, 32, 0, 0, 255);
        boolean ffmpeg = Synthetic.hasTool("ffmpeg");
        for (int matrix : new int[] {90, 180, 270}) {
            // A display matrix as cameras write it; FFmpeg's angle is counter-clockwise.
            Path rotated = dir.resolve("rot" + matrix + ".mp4");
            int m = matrix;
            writeOneFrame(rotated, f, 64, 32, r -> r.setDisplayRotation(m));
            int clockwise = (360 - matrix) % 360;
            MediaInfo info = MediaReader.probe(rotated);
            assertEquals(clockwise, info.rotation(), "matrix " + matrix);
            assertEquals(clockwise == 180 ? 64 : 32, info.width());
            Clip c = MediaReader.readClip(rotated, 0, 0, 0, ResizePolicy.FIT, 10);
            assertEquals(info.width(), c.width());
            assertEquals(info.height(), c.height());
            int[] red = {255, 0, 0};
            int[] blue = {0, 0, 255};
            int[] topLeft = c.pixel(0, 2, 2);
            int[] bottomRight = c.pixel(0, c.width() - 3, c.height() - 3);
            // Turning the frame clockwise by 90 brings its left (red) edge to the top.
            assertClose(clockwise == 90 ? red : blue, topLeft, 12, clockwise + "° top-left");
            assertClose(clockwise == 90 ? blue : red, bottomRight, 12, clockwise + "° bottom-right");
            if (ffmpeg) {
                // Ground truth: Debian ffmpeg's own autorotated decode of the same file.
                Path ref = dir.resolve("ref" + matrix + ".png");
                Synthetic.run(dir, "ffmpeg", "-v", "error", "-y", "-i", rotated.toString(), "-frames:v", "1",
                        ref.toString());
                Clip expected = MediaReader.readImage(ref, 0, 0, ResizePolicy.FIT);
                assertEquals(expected.width(), c.width(), "ffmpeg agrees on the width");
                assertClose(expected.pixel(0, 2, 2), topLeft, 12, "ffmpeg agrees at top-left");
                assertClose(expected.pixel(0, c.width() - 3, c.height() - 3), bottomRight, 12, "ffmpeg, bottom-right");
            }
        }
    }

    @Test
    void nonSquarePixelsAreShownAsPlayersShowThem() throws Exception {
        // Stored 32x32 in four 8-px bands (red, green, blue, white) with 2:1 pixels, as anamorphic DV or HDV is:
        // players show it 64x32, bands 16 px wide.
        byte[] f = new byte[32 * 32 * 3];
        int[][] bands = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};
        for (int i = 0; i < 4; i++) {
            Synthetic.fillRect(f, 32, 8 * i, 0, 8, 32, bands[i][0], bands[i][1], bands[i][2]);
        }
        Path wide = dir.resolve("anamorphic.mp4");
        writeOneFrame(wide, f, 32, 32, r -> r.setAspectRatio(2.0));
        MediaInfo info = MediaReader.probe(wide);
        assertEquals(64, info.width());
        assertEquals(32, info.height());
        assertEquals(2.0, info.pixelAspect(), 1e-9);
        assertTrue(info.describe().contains("64x32") && info.describe().contains("pixels 2.00:1"), info.describe());

        Clip shown = MediaReader.readClip(wide, 0, 0, 0, ResizePolicy.FIT, 1);
        assertEquals(64, shown.width());
        assertEquals(32, shown.height());
        for (int i = 0; i < 4; i++) {
            assertClose(bands[i], shown.pixel(0, 16 * i + 8, 16), 16, "band " + i + " at its shown place");
        }
        // Filled into a square: the centre of the shown frame is green then blue (stored pixels would give all four).
        Clip square = MediaReader.readClip(wide, 32, 32, 0, ResizePolicy.FILL, 1);
        assertClose(bands[1], square.pixel(0, 8, 16), 16, "left half of the crop");
        assertClose(bands[2], square.pixel(0, 24, 16), 16, "right half of the crop");
        // Fitted: letterboxed 32x16, all four bands.
        Clip fitted = MediaReader.readClip(wide, 32, 32, 0, ResizePolicy.FIT, 1);
        assertClose(new int[] {0, 0, 0}, fitted.pixel(0, 16, 3), 4, "letterbox above");
        assertClose(bands[0], fitted.pixel(0, 4, 16), 16, "first band, fitted");
        assertClose(bands[3], fitted.pixel(0, 28, 16), 16, "last band, fitted");
    }

    @Test
    void aPictureInAnImagePipeIsAStill() throws Exception {
        // PPM is not a format Kinora sniffs: FFmpeg opens it as a one-picture stream, which is a still, not a clip.
        Path ppm = dir.resolve("picture.ppm");
        byte[] head = "P6\n6 4\n255\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] body = new byte[6 * 4 * 3];
        Synthetic.fillRect(body, 6, 0, 0, 6, 4, 10, 200, 30);
        Files.write(ppm, java.nio.ByteBuffer.allocate(head.length + body.length).put(head).put(body).array());
        MediaInfo info = MediaReader.probe(ppm);
        assertEquals("ppm", info.container());
        assertEquals(1, info.frameCount());
        assertEquals(0, info.fps());
        assertEquals("ppm, 6x4, still", info.describe());
        Clip c = MediaReader.readClip(ppm, 0, 0, 0, ResizePolicy.FIT, 10);
        assertEquals(1, c.frameCount());
        assertClose(new int[] {10, 200, 30}, c.pixel(0, 3, 2), 2, "the picture's colour");
        // Named a still, it is read as one (the studio then suggests animating it, not extending it).
        assertTrue(MediaIO.isStill(ppm) && MediaIO.isStill(Path.of("IMG_0001.HEIC")) && MediaIO.isStill(Path.of("a.avif")));
        assertTrue(!MediaIO.isStill(Path.of("clip.mov")) && !MediaIO.isStill(Path.of("heic")));
        Clip still = MediaReader.readImage(ppm, 12, 8, ResizePolicy.FILL);
        assertEquals(12, still.width());
        assertClose(new int[] {10, 200, 30}, still.pixel(0, 6, 4), 2, "read as a still");
    }

    /** A one-frame H.264 MP4 of packed RGB at 8 fps, with whatever else {@code setup} sets on the recorder (rotation, SAR). */
    private static void writeOneFrame(Path p, byte[] rgb, int w, int h,
                                      java.util.function.Consumer<org.bytedeco.javacv.FFmpegFrameRecorder> setup) throws Exception {
        try (var r = new org.bytedeco.javacv.FFmpegFrameRecorder(p.toFile(), w, h, 0);
             var frame = new org.bytedeco.javacv.Frame(w, h, org.bytedeco.javacv.Frame.DEPTH_UBYTE, 3)) {
            r.setFormat("mp4");
            r.setVideoCodecName("libopenh264");
            r.setVideoBitrate(2_000_000);
            r.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
            r.setFrameRate(8);
            setup.accept(r);
            r.start();
            java.nio.ByteBuffer buf = (java.nio.ByteBuffer) frame.image[0];
            for (int y = 0; y < h; y++) {
                buf.put(y * frame.imageStride, rgb, y * w * 3, w * 3);
            }
            r.record(frame, org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24);
            r.stop();
        }
    }

    @Test
    void eachVideosColourMatrixIsHonoured() throws Exception {
        assumeTrue(Synthetic.hasTool("ffmpeg"), "Debian ffmpeg not installed: cannot make tagged files");
        // Saturated red is where BT.601 and BT.709 differ most (read with the wrong one: 231, 0, 1).
        String[][] cases = {
                {"bt709.mp4", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p", "bt709", "tv", "64x64"},
                {"bt601.mp4", "scale=out_color_matrix=bt601:out_range=tv,format=yuv420p", "smpte170m", "tv", "64x64"},
                {"full.mp4", "scale=out_color_matrix=bt601:out_range=pc,format=yuvj420p", "smpte170m", "pc", "64x64"},
                {"hd-untagged.mp4", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p", "unknown", "tv",
                        "1280x720"}};
        for (String[] c : cases) {
            Path p = dir.resolve(c[0]);
            Synthetic.run(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=0xFF0000:s=" + c[4] + ":d=0.2",
                    "-vf", c[1], "-colorspace", c[2], "-color_range", c[3], "-c:v", "libx264", "-qp", "0", p.toString());
            Clip clip = MediaReader.readClip(p, 32, 32, 0, ResizePolicy.FIT, 1);
            assertClose(new int[] {255, 0, 0}, clip.pixel(0, 16, 16), 3, c[0]);
        }
    }

    @Test
    void tenBitVideoIsConvertedToRgb() throws Exception {
        assumeTrue(Synthetic.hasTool("ffmpeg"), "Debian ffmpeg not installed: cannot make a 10-bit file");
        Path tenBit = dir.resolve("ten.mkv");
        Synthetic.run(dir, "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=0x3366CC:s=32x24:r=10:d=0.5",
                "-pix_fmt", "yuv444p10le", "-c:v", "ffv1", tenBit.toString());
        Clip c = MediaReader.readClip(tenBit, 0, 0, 0, ResizePolicy.FIT, 100);
        assertEquals(5, c.frameCount());
        assertEquals(32, c.width());
        assertClose(new int[] {0x33, 0x66, 0xCC}, c.pixel(2, 10, 10), 4, "10-bit");
    }

    static void assertClose(int[] expected, int[] actual, int tol, String what) {
        for (int k = 0; k < 3; k++) {
            assertTrue(Math.abs(expected[k] - actual[k]) <= tol, what + ": expected " + java.util.Arrays.toString(
                    expected) + " ±" + tol + ", got " + java.util.Arrays.toString(actual));
        }
    }

    static List<String> topLevelAtoms(Path mp4) throws IOException {
        List<String> atoms = new ArrayList<>();
        try (InputStream in = Files.newInputStream(mp4); DataInputStream d = new DataInputStream(in)) {
            long pos = 0;
            long size = Files.size(mp4);
            while (pos + 8 <= size) {
                long len = d.readInt() & 0xFFFFFFFFL;
                byte[] type = d.readNBytes(4);
                long header = 8;
                if (len == 1) {
                    len = d.readLong();
                    header = 16;
                }
                atoms.add(new String(type, java.nio.charset.StandardCharsets.US_ASCII));
                if (len == 0) {
                    break;
                }
                d.skipNBytes(len - header);
                pos += len;
            }
        }
        return atoms;
    }
}
