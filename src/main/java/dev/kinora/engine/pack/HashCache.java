package dev.kinora.engine.pack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sha256 of pack files, with a cache so a 2 GB transformer need not be read end to end at every
 * re-verification.
 *
 * <p>Size + mtime alone proves nothing: anyone who can write the file can put its mtime back
 * ({@code touch -r}). So an entry is trusted only under {@link Verification#QUICK}, and only when
 * the file still has the same inode, size, mtime <em>and</em> ctime (which user space cannot set;
 * restoring an mtime itself moves the ctime) and the same quick hash of {@value #SAMPLES} sampled
 * 64 KiB blocks. Where the file system reports no ctime the cache cannot prove anything and every
 * file is hashed in full. The cache lives in a user-writable file, so it is never the last word:
 * an engine hashes every byte the first time it loads a pack (see {@code GenerationEngine}).
 *
 * <p>The cache is advisory: if it cannot be written, files are simply hashed again.
 */
public final class HashCache {
    private static final Logger LOG = LoggerFactory.getLogger(HashCache.class);
    /** Sampled blocks: the first, the last, and the rest spread evenly between them. */
    static final int SAMPLES = 18;
    static final int BLOCK = 64 * 1024;
    private static final String FORMAT = "v2";

    private final Path store;
    private final Properties entries = new Properties();
    private long fullHashes;
    private long cacheHits;

    public HashCache(Path store) {
        this.store = store;
        if (Files.isRegularFile(store)) {
            try (InputStream in = Files.newInputStream(store)) {
                entries.load(in);
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("ignoring unreadable hash cache {}: {}", store, e.getMessage());
            }
        }
    }

    public static HashCache defaultCache() {
        String dir = System.getProperty("kinora.cache");
        Path base = dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "kinora");
        return new HashCache(base.resolve("sha256.properties"));
    }

    /**
     * The file's sha256: read in full under {@link Verification#FULL}, or taken from the cache under
     * {@link Verification#QUICK} when the file provably has not changed since it was hashed.
     */
    public synchronized String sha256(Path file, Verification depth) throws IOException {
        Path real = file.toRealPath();
        String key = real.toString();
        Stamp before = Stamp.of(real);
        if (depth == Verification.QUICK && before.provable()) {
            Entry e = Entry.parse(entries.getProperty(key));
            if (e != null && e.stamp().equals(before) && e.sample().equals(sample(real, before.size()))) {
                cacheHits++;
                return e.sha256();
            }
        }
        String hash = compute(real);
        fullHashes++;
        String sample = sample(real, before.size());
        // Only a file that held still while it was read may be remembered.
        if (before.provable() && Stamp.of(real).equals(before)) {
            entries.setProperty(key, new Entry(before, sample, hash).format());
        } else {
            entries.remove(key);
        }
        save();
        return hash;
    }

    /** How many files this cache has read end to end (a QUICK lookup that the cache answered is not one). */
    public synchronized long fullHashes() {
        return fullHashes;
    }

    /** How many QUICK lookups the cache answered without reading the whole file. */
    public synchronized long cacheHits() {
        return cacheHits;
    }

    public static String compute(Path file) throws IOException {
        MessageDigest md = sha256Digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * A sha256 over the size and {@value #SAMPLES} blocks of {@value #BLOCK} bytes (first, last, and
     * evenly spaced between); a file smaller than that is taken whole. It catches a changed block
     * the stamp missed at a tiny fraction of the cost of a full hash, not every change.
     */
    static String sample(Path file, long size) throws IOException {
        MessageDigest md = sha256Digest();
        md.update(ByteBuffer.allocate(Long.BYTES).putLong(0, size));
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (size <= (long) SAMPLES * BLOCK) {
                for (long pos = 0; pos < size; pos += BLOCK) {
                    digestBlock(ch, pos, block, md);
                }
            } else {
                long last = size - BLOCK;
                for (int i = 0; i < SAMPLES; i++) {
                    digestBlock(ch, last * i / (SAMPLES - 1), block, md);
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void digestBlock(FileChannel ch, long pos, ByteBuffer block, MessageDigest md) throws IOException {
        block.clear();
        while (block.hasRemaining()) {
            int n = ch.read(block, pos + block.position());
            if (n <= 0) {
                break;
            }
        }
        block.flip();
        md.update(block);
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private void save() {
        try {
            Files.createDirectories(store.getParent());
            Path tmp = Files.createTempFile(store.getParent(), "sha256", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                entries.store(out, "Kinora: sha256 of model files (" + FORMAT + " file-key size mtime ctime sample sha256)");
            }
            Files.move(tmp, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.debug("hash cache not saved: {}", e.getMessage());
        }
    }

    /**
     * What the file system says about a file: identity (device + inode), size, mtime and ctime in
     * nanoseconds. {@code ctime} is empty where the file system has no unix view.
     */
    record Stamp(String fileKey, long size, long mtime, String ctime) {
        static Stamp of(Path real) throws IOException {
            BasicFileAttributes b = Files.readAttributes(real, BasicFileAttributes.class);
            long mtime = b.lastModifiedTime().to(TimeUnit.NANOSECONDS);
            if (real.getFileSystem().supportedFileAttributeViews().contains("unix")) {
                Map<String, Object> u = Files.readAttributes(real, "unix:dev,ino,ctime");
                long ctime = ((FileTime) u.get("ctime")).to(TimeUnit.NANOSECONDS);
                return new Stamp(u.get("dev") + ":" + u.get("ino"), b.size(), mtime, Long.toString(ctime));
            }
            return new Stamp(b.fileKey() == null ? "" : b.fileKey().toString(), b.size(), mtime, "");
        }

        /** Whether the stamp can show a change that put the mtime back: it needs the file key and the ctime. */
        boolean provable() {
            return !fileKey.isEmpty() && !ctime.isEmpty();
        }
    }

    /** One cache line: {@code v2 <dev:ino> <size> <mtime-ns> <ctime-ns> <sample-sha256> <sha256>}. */
    record Entry(Stamp stamp, String sample, String sha256) {
        String format() {
            return String.join(" ", FORMAT, stamp.fileKey(), Long.toString(stamp.size()), Long.toString(stamp.mtime()),
                    stamp.ctime(), sample, sha256);
        }

        /** Null for a missing, older-format or damaged line: such a file is simply hashed again. */
        static Entry parse(String line) {
            if (line == null) {
                return null;
            }
            String[] f = line.trim().split(" ");
            if (f.length != 7 || !f[0].equals(FORMAT)) {
                return null;
            }
            try {
                return new Entry(new Stamp(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), f[4]), f[5], f[6]);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
