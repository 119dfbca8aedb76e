package dev.kinora.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Any file a user drops on the studio: the sniffer answers "not a still" (empty), a size within the
 * limits, or a BAD_INPUT {@link MediaException}; never a runtime exception, and never a size that
 * would let a decoder allocate gigabytes.
 *
 * <p>{@code mvn test} replays {@code ImageSnifferFuzzTestInputs/imageHeader/}; fuzz with
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=ImageSnifferFuzzTest}.
 */
class ImageSnifferFuzzTest {
    private static final Path FILE = file();

    private static Path file() {
        try {
            Path f = Files.createTempFile("kinora-sniff-fuzz", ".img");
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void imageHeader(byte[] input) throws IOException {
        Files.write(FILE, input);
        Optional<ImageSniffer.Sniffed> sniffed;
        try {
            sniffed = ImageSniffer.sniff(FILE);
        } catch (MediaException e) {
            assertEquals(MediaException.Kind.BAD_INPUT, e.kind(), e.getMessage());
            return;
        }
        sniffed.ifPresent(s -> {
            assertTrue(s.width() >= 1 && s.height() >= 1, s.toString());
            assertTrue(s.width() <= ImageSniffer.MAX_SIDE && s.height() <= ImageSniffer.MAX_SIDE, s.toString());
            assertTrue((long) s.width() * s.height() <= ImageSniffer.MAX_PIXELS, s.toString());
            assertTrue(s.orientation() >= 1 && s.orientation() <= 8, s.toString());
        });
    }
}
