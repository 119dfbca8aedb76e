package dev.kinora.project;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every file of a project is replaced, never rewritten in place: write a sibling temp file, fsync it,
 * rename it over the target, fsync the folder. A crash or a full disk at any point leaves either the
 * old file or the new one, whole.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** The temp name is fixed, so a crash leaves at most one stale temp per file (overwritten next time). */
    static Path tempFor(Path target) {
        return target.resolveSibling(target.getFileName() + ".tmp");
    }

    // One writer per file at a time: the UI's save and the autosaver may race for the same target and temp.
    private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private static Object lockFor(Path target) {
        return LOCKS.computeIfAbsent(target.toAbsolutePath().normalize(), k -> new Object());
    }

    public static void write(Path target, byte[] data) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        synchronized (lockFor(target)) {
            Path tmp = tempFor(target);
            try {
                Files.deleteIfExists(tmp);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer buf = ByteBuffer.wrap(data);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    ch.force(true);
                }
                move(tmp, target);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(tmp);
                throw e;
            }
            syncDirectory(dir);
        }
    }

    /** Copies {@code source} to {@code target} with the same guarantees as {@link #write}. */
    public static void copy(Path source, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        synchronized (lockFor(target)) {
            Path tmp = tempFor(target);
            try {
                Files.deleteIfExists(tmp);
                try (InputStream in = Files.newInputStream(source);
                     FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    byte[] b = new byte[1 << 16];
                    int n;
                    while ((n = in.read(b)) > 0) {
                        ByteBuffer buf = ByteBuffer.wrap(b, 0, n);
                        while (buf.hasRemaining()) {
                            ch.write(buf);
                        }
                    }
                    ch.force(true);
                }
                move(tmp, target);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(tmp);
                throw e;
            }
            syncDirectory(dir);
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + target.getParent()
                    + " cannot replace files atomically; keep projects on a local disk", e);
        }
    }

    /** Makes the rename itself durable. Not every OS lets a folder be opened for fsync; then the rename is as durable as the OS makes it. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows: directories cannot be opened; NTFS journals the rename.
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a stale temp is harmless: it is replaced on the next write
        }
    }
}
