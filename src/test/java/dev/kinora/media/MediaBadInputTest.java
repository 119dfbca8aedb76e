package dev.kinora.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad files give BAD_INPUT naming the file, quickly and without decoding; failed writes leave nothing. */
class MediaBadInputTest {

    @TempDir
    Path dir;

    private MediaException readFails(Path p) {
        MediaException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
                MediaException.class, () -> MediaReader.readClip(p, 64, 64, 0, ResizePolicy.FIT, 100)));
        assertEquals(MediaException.Kind.BAD_INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(p.getFileName().toString()), "message names the file: " + e.getMessage());
        return e;
    }

    @Test
    void emptyFileIsBadInput() throws Exception {
        Path p = Files.write(dir.resolve("empty.png"), new byte[0]);
        assertTrue(readFails(p).getMessage().contains("empty"));
        Path v = Files.write(dir.resolve("empty.mp4"), new byte[0]);
        readFails(v);
        assertThrows(MediaException.class, () -> MediaReader.readImage(p, 0, 0, ResizePolicy.FIT));
        assertThrows(MediaException.class, () -> MediaReader.probe(v));
    }

    @Test
    void missingFileIsBadInput() {
        readFails(dir.resolve("nope.mp4"));
    }

    @Test
    void textNamedLikeAnImageIsBadInput() throws Exception {
        Path p = Files.writeString(dir.resolve("notes.png"), "just some notes, not a picture");
        MediaException e = readFails(p);
        assertTrue(e.getMessage().contains("not a PNG, JPEG"), e.getMessage());
        assertTrue(e.getMessage().contains("looks like text"), "says what was found: " + e.getMessage());
        assertTrue(!e.getMessage().contains("just") && !e.getMessage().contains("6A 75"), "but never quotes it: " + e.getMessage());
    }

    @Test
    void textNamedLikeAVideoIsBadInput() throws Exception {
        readFails(Files.writeString(dir.resolve("clip.mp4"), "this is not a video file at all, just text\n".repeat(50)));
    }

    @Test
    void truncatedPngAndMp4AreBadInput() throws Exception {
        Path png = MediaWriter.write(Synthetic.movingSquare(32, 32, 1, 1), dir.resolve("seq"),
                OutputFormat.PNG_SEQUENCE, ExportOptions.defaults()).resolve("frame_0000.png");
        byte[] full = Files.readAllBytes(png);
        readFails(Files.write(dir.resolve("cut.png"), java.util.Arrays.copyOf(full, 60)));
        readFails(Files.write(dir.resolve("stub.png"), java.util.Arrays.copyOf(full, 20)));
        Path mp4 = MediaWriter.write(Synthetic.movingSquare(32, 32, 4, 8), dir.resolve("ok.mp4"), OutputFormat.MP4,
                ExportOptions.defaults());
        readFails(Files.write(dir.resolve("cut.mp4"), java.util.Arrays.copyOf(Files.readAllBytes(mp4), 200)));
    }

    @Test
    void hugePngHeaderIsRefusedBeforeDecoding() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(25).order(ByteOrder.BIG_ENDIAN);
        ihdr.putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(100_000).putInt(100_000)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).putInt(0);
        b.write(ihdr.array());
        Path p = Files.write(dir.resolve("bomb.png"), b.toByteArray());
        MediaException e = readFails(p);
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
        assertThrows(MediaException.class, () -> MediaReader.probe(p));
    }

    @Test
    void hugeJpegGifBmpWebpTiffHeadersAreRefused() throws Exception {
        // JPEG: SOI, an APP0 segment, then SOF0 declaring 60000x60000.
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 4, 0, 0,
                (byte) 0xFF, (byte) 0xC0, 0, 17, 8, (byte) 0xEA, 0x60, (byte) 0xEA, 0x60, 3, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0};
        assertTrue(readFails(Files.write(dir.resolve("bomb.jpg"), jpeg)).getMessage().contains("60000x60000"));
        ByteBuffer gif = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        gif.put("GIF89a".getBytes(StandardCharsets.US_ASCII)).putShort((short) 20000).putShort((short) 20000);
        readFails(Files.write(dir.resolve("bomb.gif"), gif.array()));
        ByteBuffer bmp = ByteBuffer.allocate(54).order(ByteOrder.LITTLE_ENDIAN);
        bmp.put((byte) 'B').put((byte) 'M').putInt(54).putInt(0).putInt(54).putInt(40).putInt(50_000).putInt(-50_000);
        readFails(Files.write(dir.resolve("bomb.bmp"), bmp.array()));
        ByteBuffer webp = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        webp.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(32).put("WEBPVP8X".getBytes(StandardCharsets.US_ASCII))
                .putInt(10).putInt(0).put(new byte[] {(byte) 0xFF, (byte) 0xFF, 0, (byte) 0xFF, (byte) 0xFF, 0});
        readFails(Files.write(dir.resolve("bomb.webp"), webp.array()));
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 24 + 4).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) 2)
                .putShort((short) 256).putShort((short) 4).putInt(1).putInt(70_000)
                .putShort((short) 257).putShort((short) 4).putInt(1).putInt(70_000).putInt(0);
        readFails(Files.write(dir.resolve("bomb.tiff"), tiff.array()));
    }

    @Test
    void playlistsPosingAsVideosAreRefused() throws Exception {
        Path real = MediaWriter.write(Synthetic.movingSquare(32, 32, 2, 8), dir.resolve("real.mp4"),
                OutputFormat.MP4, ExportOptions.defaults());
        Path hls = Files.writeString(dir.resolve("hls.mp4"), "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n"
                + real.toAbsolutePath() + "\n#EXT-X-ENDLIST\n");
        Path concat = Files.writeString(dir.resolve("concat.mkv"), "ffconcat version 1.0\nfile '"
                + real.toAbsolutePath() + "'\n");
        // FFmpeg 8 itself refuses these two (HLS under a video extension, absolute concat paths)...
        for (Path p : List.of(hls, concat)) {
            readFails(p);
            assertThrows(MediaException.class, () -> MediaReader.probe(p));
            assertThrows(MediaException.class, () -> MediaWriter.readMetadata(p));
        }
        // ...but opens these, which our own check then refuses.
        Path m3u8 = Files.writeString(dir.resolve("list.m3u8"), Files.readString(hls));
        Path relative = Files.writeString(dir.resolve("relative.mkv"), "ffconcat version 1.0\nfile 'real.mp4'\n");
        for (Path p : List.of(m3u8, relative)) {
            assertTrue(readFails(p).getMessage().contains("playlist"), p.toString());
            MediaException e = assertThrows(MediaException.class, () -> MediaReader.probe(p));
            assertTrue(e.getMessage().contains("playlist"), e.getMessage());
        }
    }

    @Test
    void hugeVideoDimensionsAreRefusedFromTheContainerHeader() throws Exception {
        // A valid MP4 whose track header and sample description are patched to claim 40000x40000.
        Path ok = MediaWriter.write(Synthetic.movingSquare(32, 32, 2, 8), dir.resolve("ok.mp4"), OutputFormat.MP4,
                ExportOptions.defaults());
        byte[] b = Files.readAllBytes(ok);
        int avc1 = indexOf(b, "avc1".getBytes(StandardCharsets.US_ASCII), indexOf(b, "stsd".getBytes(
                StandardCharsets.US_ASCII), 0));
        assertTrue(avc1 > 0);
        // VisualSampleEntry: 6 reserved + 2 index + 16 predefined, then 16-bit width and height.
        int w = avc1 + 4 + 24;
        b[w] = (byte) (40000 >> 8);
        b[w + 1] = (byte) (40000 & 0xFF);
        b[w + 2] = (byte) (40000 >> 8);
        b[w + 3] = (byte) (40000 & 0xFF);
        Path bomb = Files.write(dir.resolve("bomb.mp4"), b);
        MediaException e = readFails(bomb);
        // "video stream 0" is the header check's wording: refused before any frame was decoded.
        assertTrue(e.getMessage().contains("video stream 0 is 40000x40000"), e.getMessage());
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void audioOnlyFileHasNoVideoStream() throws Exception {
        // A valid 0.1 s mono 16-bit WAV of silence.
        int samples = 4410;
        ByteBuffer wav = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples * 2)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(44100).putInt(88200).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples * 2);
        Path p = Files.write(dir.resolve("voice.wav"), wav.array());
        assertTrue(readFails(p).getMessage().contains("no video stream"));
        assertFalse(MediaReader.probe(p).hasVideo());
    }

    @Test
    void videoWithZeroFramesIsBadInput() throws Exception {
        Path p = dir.resolve("zero.mp4");
        try (var r = new org.bytedeco.javacv.FFmpegFrameRecorder(p.toFile(), 32, 32, 0)) {
            r.setFormat("mp4");
            r.setVideoCodecName("libopenh264");
            r.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
            r.start();
            r.stop();
        }
        readFails(p);
    }

    @Test
    void folderWithoutPngFramesIsBadInput() throws Exception {
        Path d = Files.createDirectory(dir.resolve("nothing"));
        Files.writeString(d.resolve("readme.txt"), "hi");
        readFails(d);
    }

    @Test
    void unwritableOutputThrowsIoAndLeavesNoFile() throws Exception {
        Clip clip = Synthetic.movingSquare(32, 32, 2, 8);
        Path blocker = Files.writeString(dir.resolve("blocker"), "a file where a folder should be");
        for (OutputFormat f : OutputFormat.values()) {
            Path out = blocker.resolve("out." + f.extension());
            MediaException e = assertThrows(MediaException.class,
                    () -> MediaWriter.write(clip, out, f, ExportOptions.defaults()));
            assertEquals(MediaException.Kind.IO, e.kind());
            assertTrue(e.getMessage().contains(out.toString()), e.getMessage());
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("blocker"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void failedRenameDeletesTheTemporaryFile() throws Exception {
        // The final name is a non-empty folder: encoding succeeds, the rename cannot.
        Path out = Files.createDirectory(dir.resolve("taken.mp4"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        Clip clip = Synthetic.movingSquare(32, 32, 2, 8);
        assertThrows(MediaException.class, () -> MediaWriter.write(clip, out, OutputFormat.MP4,
                ExportOptions.defaults()));
        Path gifOut = Files.createDirectory(dir.resolve("taken2.gif"));
        Files.writeString(gifOut.resolve("keep.txt"), "mine");
        assertThrows(MediaException.class, () -> MediaWriter.write(clip, gifOut, OutputFormat.GIF,
                ExportOptions.defaults()));
        Path seq = Files.createDirectory(dir.resolve("mine"));
        Files.writeString(seq.resolve("notes.txt"), "keep me");
        MediaException e = assertThrows(MediaException.class, () -> MediaWriter.write(clip, seq,
                OutputFormat.PNG_SEQUENCE, ExportOptions.defaults()));
        assertTrue(e.getMessage().contains("other files"), e.getMessage());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("mine", "taken.mp4", "taken2.gif"), s.map(p -> p.getFileName().toString()).sorted()
                    .toList(), "no temporaries left");
        }
        assertEquals("keep me", Files.readString(seq.resolve("notes.txt")));
    }

    @Test
    void optionsAndFormatsValidateWithClearMessages() {
        assertEquals(OutputFormat.MP4, OutputFormat.fromPath(Path.of("a/b.MP4")));
        assertEquals(OutputFormat.WEBM, OutputFormat.fromPath(Path.of("b.webm")));
        assertEquals(OutputFormat.GIF, OutputFormat.fromPath(Path.of("b.gif")));
        assertEquals(OutputFormat.PNG_SEQUENCE, OutputFormat.fromPath(Path.of("out/frames")));
        assertEquals(OutputFormat.PNG_SEQUENCE, OutputFormat.fromPath(Path.of("out/frames/")));
        assertEquals(OutputFormat.PNG_SEQUENCE, OutputFormat.fromPath("out/clip.mp4/"));
        assertEquals(OutputFormat.GIF, OutputFormat.fromPath("out/loop.GIF"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutputFormat.fromPath(Path.of("x.avi")));
        assertTrue(e.getMessage().contains(".mp4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ExportOptions(0, UpscaleFilter.NEAREST, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new ExportOptions(1, UpscaleFilter.NEAREST, Map.of("Title", "x")));
        assertThrows(IllegalArgumentException.class, () -> MediaReader.readClip(dir, 64, 0, 0, ResizePolicy.FIT, 1));
        assertThrows(IllegalArgumentException.class, () -> new Clip(2, 2, 8, List.of(new byte[11])));
    }
}
