package dev.kinora.engine.pack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sha256 of pack files, remembered by path + size + mtime so a 2 GB transformer is hashed once,
 * not at every start. The cache is advisory: if it cannot be written, files are simply hashed again.
 */
public final class HashCache {
    private static final Logger LOG = LoggerFactory.getLogger(HashCache.class);
    private final Path store;
    private final Properties entries = new Properties();

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

    public synchronized String sha256(Path file) throws IOException {
        Path real = file.toRealPath();
        long size = Files.size(real);
        long mtime = Files.getLastModifiedTime(real).toMillis();
        String key = real.toString();
        String stamp = size + ":" + mtime + ":";
        String cached = entries.getProperty(key);
        if (cached != null && cached.startsWith(stamp)) {
            return cached.substring(stamp.length());
        }
        String hash = compute(real);
        entries.setProperty(key, stamp + hash);
        save();
        return hash;
    }

    public static String compute(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private void save() {
        try {
            Files.createDirectories(store.getParent());
            Path tmp = Files.createTempFile(store.getParent(), "sha256", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                entries.store(out, "Kinora: sha256 of model files by size:mtime");
            }
            Files.move(tmp, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.debug("hash cache not saved: {}", e.getMessage());
        }
    }
}
