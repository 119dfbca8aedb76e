package dev.kinora.engine.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime's native libraries from a cache that outlives the JVM. Left to itself, ORT Java copies
 * its 24 MB library (and, in the CUDA build, the provider libraries, hundreds of MB) into a fresh
 * temp directory on every start and leaves that directory behind at exit; a killed JVM leaves the
 * libraries too. Pointing {@code onnxruntime.native.path} at a directory that already holds them
 * skips the copy. The directory is named by the jar entries' CRCs and sizes, so another ORT build
 * gets its own, and is filled atomically (temp + rename), so two first runs at once cannot load
 * half a file. Anything unexpected leaves ORT's own loading as it was: this is a speed-up, never a
 * new way to fail.
 */
final class OrtNatives {
    private static final Logger LOG = LoggerFactory.getLogger(OrtNatives.class);
    static final String NATIVE_PATH = "onnxruntime.native.path";
    static final String CACHE_DIR = "kinora.ort.cachedir";
    private static final String RESOURCE_ROOT = "ai/onnxruntime/native/";
    private static final String CORE = "onnxruntime";
    private static final String JNI = "onnxruntime4j_jni";
    private static boolean prepared;

    private OrtNatives() {
    }

    /** Sets onnxruntime.native.path to the cached libraries, unless the user set it; once per JVM. */
    static synchronized void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        if (System.getProperty(NATIVE_PATH) != null || System.getProperty("onnxruntime.native." + CORE + ".path") != null) {
            return;
        }
        try {
            String dir = RESOURCE_ROOT + osArch() + "/";
            URL core = OrtNatives.class.getClassLoader().getResource(dir + System.mapLibraryName(CORE));
            if (core == null) {
                return;    // no bundled library for this platform: ORT falls back to java.library.path
            }
            URLConnection c = core.openConnection();
            if (!(c instanceof JarURLConnection jar)) {
                return;
            }
            Path jarFile = Path.of(jar.getJarFileURL().toURI());
            cached(jarFile, dir, cacheRoot()).ifPresent(p -> {
                System.setProperty(NATIVE_PATH, p.toString());
                LOG.debug("ONNX Runtime natives from {}", p);
            });
        } catch (IOException | RuntimeException | java.net.URISyntaxException e) {
            LOG.debug("ONNX Runtime natives: left to ORT's own loader ({})", e.toString());
        }
    }

    static Path cacheRoot() {
        String set = System.getProperty(CACHE_DIR);
        if (set != null && !set.isBlank()) {
            return Path.of(set);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("kinora").resolve("onnxruntime");
    }

    /**
     * The directory under root that holds every file of jar's folder dir (the core and JNI libraries
     * among them), extracting it on first use; empty when the jar lacks them.
     */
    static Optional<Path> cached(Path jarPath, String dir, Path root) throws IOException {
        List<JarEntry> entries = new ArrayList<>();
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            long key = 17;
            for (JarEntry e : Collections.list(jar.entries())) {
                String name = e.getName();
                if (name.startsWith(dir) && !e.isDirectory() && name.indexOf('/', dir.length()) < 0) {
                    entries.add(e);
                }
            }
            entries.sort(Comparator.comparing(JarEntry::getName));
            boolean core = false;
            boolean jni = false;
            for (JarEntry e : entries) {
                String file = e.getName().substring(dir.length());
                core |= file.equals(System.mapLibraryName(CORE));
                jni |= file.equals(System.mapLibraryName(JNI));
                key = key * 31 + file.hashCode();
                key = key * 31 + e.getCrc();
                key = key * 31 + e.getSize();
            }
            if (!core || !jni) {
                return Optional.empty();
            }
            Path target = root.resolve(dir.substring(RESOURCE_ROOT.length()).replace('/', '-') + String.format(Locale.ROOT, "%016x", key));
            if (complete(target, entries, dir)) {
                return Optional.of(target);
            }
            Files.createDirectories(root);
            Path tmp = Files.createTempDirectory(root, ".extract-");
            try {
                for (JarEntry e : entries) {
                    try (InputStream in = jar.getInputStream(e)) {
                        Files.copy(in, tmp.resolve(e.getName().substring(dir.length())));
                    }
                }
                if (Files.isDirectory(target)) {
                    deleteTree(target);    // a damaged copy (a file missing or cut short): replaced whole
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                    // another JVM finished first; its copy is as good as ours
                }
            } finally {
                if (Files.exists(tmp)) {
                    deleteTree(tmp);
                }
            }
            return complete(target, entries, dir) ? Optional.of(target) : Optional.empty();
        }
    }

    private static boolean complete(Path target, List<JarEntry> entries, String dir) throws IOException {
        if (!Files.isDirectory(target)) {
            return false;
        }
        for (JarEntry e : entries) {
            Path f = target.resolve(e.getName().substring(dir.length()));
            if (!Files.isRegularFile(f) || Files.size(f) != e.getSize()) {
                return false;
            }
        }
        return true;
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** ORT's own resource folder name for this machine (linux-x64, osx-aarch64, win-x64, ...). */
    static String osArch() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : "linux";
        String a = arch.startsWith("amd64") || arch.startsWith("x86_64") ? "x64" : arch.startsWith("aarch64") ? "aarch64" : arch;
        return o + "-" + a;
    }
}
