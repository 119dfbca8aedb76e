package dev.kinora.engine.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hash cache answers only for files it can prove unchanged; anything else is read again. */
class HashCacheTest {
    @TempDir
    Path dir;
    Path store;
    Path weights;

    @BeforeEach
    void setUp() throws IOException {
        store = dir.resolve("cache/sha256.properties");
        byte[] b = new byte[4 << 20]; // large enough that the sampled blocks leave gaps between them
        new Random(7).nextBytes(b);
        weights = Files.write(dir.resolve("weights.bin"), b);
    }

    /** An offset 1 KiB past the end of the second sampled block: a byte no sample reads. */
    static long unsampledOffset(Path file) throws IOException {
        long last = Files.size(file) - HashCache.BLOCK;
        long offset = last / (HashCache.SAMPLES - 1) + HashCache.BLOCK + 1024;
        assertTrue(offset + HashCache.BLOCK < 2 * last / (HashCache.SAMPLES - 1), "the gap between samples holds the change");
        return offset;
    }

    /** Zeroes {@code n} bytes at {@code offset} in place (same size, same inode) and puts the mtime back. */
    static void tamperKeepingMtime(Path file, long offset, int n) throws IOException {
        overwriteKeepingMtime(file, offset, new byte[n]);
    }

    /** Writes {@code bytes} at {@code offset} in place (same size, same inode) and puts the mtime back. */
    static void overwriteKeepingMtime(Path file, long offset, byte[] bytes) throws IOException {
        FileTime mtime = Files.getLastModifiedTime(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), offset);
        }
        Files.setLastModifiedTime(file, mtime);
    }

    @Test
    void anUntouchedFileIsAnsweredFromTheCacheWithoutReadingItAgain() throws Exception {
        HashCache first = new HashCache(store);
        String h = first.sha256(weights, Verification.FULL);
        assertEquals(HashCache.compute(weights), h);
        assertEquals(1, first.fullHashes());

        HashCache later = new HashCache(store); // as a later run reads it from disk
        assertEquals(h, later.sha256(weights, Verification.QUICK));
        assertEquals(0, later.fullHashes(), "the cache answered");
        assertEquals(1, later.cacheHits());
    }

    @Test
    void fullVerificationReadsEveryByteEvenWhenTheCacheCouldAnswer() throws Exception {
        HashCache cache = new HashCache(store);
        cache.sha256(weights, Verification.FULL);
        cache.sha256(weights, Verification.FULL);
        assertEquals(2, cache.fullHashes());
        assertEquals(0, cache.cacheHits());
    }

    @Test
    void aChangeBehindARestoredMtimeIsSeenThroughTheCtimeEvenOutsideTheSamples() throws Exception {
        HashCache cache = new HashCache(store);
        String before = cache.sha256(weights, Verification.FULL);
        HashCache.Stamp stamp = HashCache.Stamp.of(weights.toRealPath());
        // Kernels stamp ctime from a coarse clock (one tick is up to 10 ms); wait so the write lands on a later tick.
        Thread.sleep(30);
        tamperKeepingMtime(weights, unsampledOffset(weights), 4096);
        HashCache.Stamp after = HashCache.Stamp.of(weights.toRealPath());
        assertEquals(stamp.mtime(), after.mtime(), "the mtime was put back");
        assertEquals(stamp.size(), after.size());
        assertNotEquals(stamp.ctime(), after.ctime(), "only the ctime shows the write");

        HashCache later = new HashCache(store);
        String now = later.sha256(weights, Verification.QUICK);
        assertEquals(1, later.fullHashes(), "the cache refused to answer");
        assertEquals(HashCache.compute(weights), now);
        assertNotEquals(before, now);
    }

    @Test
    void aSampledBlockThatDiffersFromTheEntryForcesAFullHash() throws Exception {
        new HashCache(store).sha256(weights, Verification.FULL);
        // Same inode, size, mtime and ctime, but the entry's sample no longer matches the file.
        String forged = Files.readString(store).replaceAll(" [0-9a-f]{64} ([0-9a-f]{64})", " " + "0".repeat(64) + " $1");
        Files.writeString(store, forged);
        HashCache later = new HashCache(store);
        later.sha256(weights, Verification.QUICK);
        assertEquals(1, later.fullHashes());
        assertEquals(0, later.cacheHits());
    }

    @Test
    void aSizeAndMtimeOnlyEntryFromAnOlderBuildIsNotTrusted() throws Exception {
        // The old format: path=size:mtime:sha256. It is exactly what a tampered file with its mtime put back matches.
        String key = weights.toRealPath().toString().replace("\\", "\\\\").replace(":", "\\:");
        Files.createDirectories(store.getParent());
        Files.writeString(store, key + "=" + Files.size(weights) + ":" + Files.getLastModifiedTime(weights).toMillis() + ":"
                + "ab".repeat(32) + "\n");
        HashCache cache = new HashCache(store);
        assertEquals(HashCache.compute(weights), cache.sha256(weights, Verification.QUICK));
        assertEquals(1, cache.fullHashes());
    }
}
