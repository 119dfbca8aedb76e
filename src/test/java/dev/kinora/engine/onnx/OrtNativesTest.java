package dev.kinora.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ORT's libraries come from a cache filled once per ORT build, not a temp copy per JVM. */
class OrtNativesTest {
    private static final String DIR = "ai/onnxruntime/native/linux-x64/";

    private static Map<String, byte[]> libs(long seed) {
        Random r = new Random(seed);
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (String name : List.of("libonnxruntime.so", "libonnxruntime4j_jni.so", "libonnxruntime_providers_shared.so")) {
            byte[] b = new byte[1000 + r.nextInt(5000)];
            r.nextBytes(b);
            m.put(name, b);
        }
        return m;
    }

    private static Path jar(Path file, Map<String, byte[]> libs) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : libs.entrySet()) {
                jar.putNextEntry(new JarEntry(DIR + e.getKey()));
                jar.write(e.getValue());
                jar.closeEntry();
            }
            jar.putNextEntry(new JarEntry("ai/onnxruntime/native/win-x64/onnxruntime.dll"));    // another platform: not copied
            jar.write(new byte[] {1, 2, 3});
            jar.closeEntry();
            jar.putNextEntry(new JarEntry(DIR + "lib.dSYM/Contents/Info.plist"));                // a subfolder: not copied
            jar.write(new byte[] {4});
            jar.closeEntry();
        }
        return file;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A jar of libs under tmp, extracted once into tmp/cache, and the folder that made. */
    private record Extracted(Path jar, Path root, Path dir) {
        static Extracted of(Path tmp, Map<String, byte[]> libs) throws IOException {
            Path jar = OrtNativesTest.jar(tmp.resolve("ort.jar"), libs);
            Path root = tmp.resolve("cache");
            return new Extracted(jar, root, OrtNatives.cached(jar, DIR, root).orElseThrow());
        }
    }

    @Test
    void extractsThePlatformsLibrariesOnceAndReusesThem(@TempDir Path tmp) throws IOException {
        Map<String, byte[]> libs = libs(1);
        Extracted x = Extracted.of(tmp, libs);
        Path dir = x.dir();
        assertEquals(x.root(), dir.getParent());
        assertTrue(dir.getFileName().toString().startsWith("linux-x64-"), dir.toString());
        assertEquals(List.of("libonnxruntime.so", "libonnxruntime4j_jni.so", "libonnxruntime_providers_shared.so"), names(dir));
        for (Map.Entry<String, byte[]> e : libs.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(dir.resolve(e.getKey())), e.getKey());
        }
        assertEquals(List.of(dir.getFileName().toString()), names(x.root()), "no extraction folder left behind");

        FileTime old = FileTime.fromMillis(1_000_000_000L);
        Files.setLastModifiedTime(dir.resolve("libonnxruntime.so"), old);
        assertEquals(Optional.of(dir), OrtNatives.cached(x.jar(), DIR, x.root()));
        assertEquals(old, Files.getLastModifiedTime(dir.resolve("libonnxruntime.so")), "a complete copy is used as it is");
    }

    @Test
    void aCopyCutShortIsReplaced(@TempDir Path tmp) throws IOException {
        Map<String, byte[]> libs = libs(2);
        Extracted x = Extracted.of(tmp, libs);
        Path dir = x.dir();
        Files.write(dir.resolve("libonnxruntime.so"), new byte[10]);    // a disk that filled up mid-copy, say
        Files.delete(dir.resolve("libonnxruntime4j_jni.so"));
        assertEquals(Optional.of(dir), OrtNatives.cached(x.jar(), DIR, x.root()));
        assertArrayEquals(libs.get("libonnxruntime.so"), Files.readAllBytes(dir.resolve("libonnxruntime.so")));
        assertArrayEquals(libs.get("libonnxruntime4j_jni.so"), Files.readAllBytes(dir.resolve("libonnxruntime4j_jni.so")));
        assertEquals(1, names(x.root()).size());
    }

    @Test
    void anotherOrtBuildGetsItsOwnFolder(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("cache");
        Path a = OrtNatives.cached(jar(tmp.resolve("a.jar"), libs(3)), DIR, root).orElseThrow();
        Map<String, byte[]> changed = libs(3);
        changed.get("libonnxruntime.so")[17] ^= 1;                           // same size, one bit: the CRC tells
        Path b = OrtNatives.cached(jar(tmp.resolve("b.jar"), changed), DIR, root).orElseThrow();
        assertNotEquals(a, b);
        assertArrayEquals(changed.get("libonnxruntime.so"), Files.readAllBytes(b.resolve("libonnxruntime.so")));
    }

    @Test
    void aJarWithoutTheJniLibraryIsLeftToOrt(@TempDir Path tmp) throws IOException {
        Map<String, byte[]> libs = libs(4);
        libs.remove("libonnxruntime4j_jni.so");
        Path root = tmp.resolve("cache");
        assertEquals(Optional.empty(), OrtNatives.cached(jar(tmp.resolve("ort.jar"), libs), DIR, root));
        assertTrue(Files.notExists(root), "nothing written");
    }

    /** In this JVM every ORT use goes through OrtRuntime, so the library mapped is the cached one (Linux: /proc/self/maps). */
    @Test
    void theEngineLoadsOrtFromTheCache() throws IOException {
        assertNotNull(OrtRuntime.env().getVersion());
        String dir = System.getProperty(OrtNatives.NATIVE_PATH);
        assertNotNull(dir, "onnxruntime.native.path set before ORT loaded");
        assertTrue(Path.of(dir).startsWith(OrtNatives.cacheRoot()), dir + " under " + OrtNatives.cacheRoot());
        assertTrue(Files.size(Path.of(dir, System.mapLibraryName("onnxruntime"))) > 1_000_000);
        Path maps = Path.of("/proc/self/maps");
        assumeTrue(Files.isReadable(maps), "no /proc on this OS");
        String mapped = Files.readString(maps);
        assertTrue(mapped.contains(Path.of(dir, System.mapLibraryName("onnxruntime")).toString()), "ORT mapped from the cache");
        assertTrue(!mapped.contains("/onnxruntime-java"), "no per-JVM temp copy mapped");
    }
}
