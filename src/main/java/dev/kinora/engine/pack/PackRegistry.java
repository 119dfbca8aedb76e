package dev.kinora.engine.pack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds packs in the install's models/ folder and the user's models folder. A folder that fails to
 * load is listed with its error rather than hidden, so a broken download is visible in the UI.
 */
public final class PackRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PackRegistry.class);
    public static final String DEFAULT_PACK = "tinyworld";

    public record Entry(Path dir, ModelPack pack, String error) {
        public boolean loaded() {
            return pack != null;
        }
    }

    private final List<Path> roots;

    public PackRegistry(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /** The install's models/ (system property kinora.models or kinora.home/models) then the user's folder. */
    public static PackRegistry standard() {
        List<Path> roots = new ArrayList<>();
        String models = System.getProperty("kinora.models");
        if (models != null) {
            roots.add(Path.of(models));
        } else {
            roots.add(Path.of(System.getProperty("kinora.home", ".")).resolve("models"));
        }
        roots.add(userModels());
        return new PackRegistry(roots);
    }

    public static Path userModels() {
        String env = System.getenv("KINORA_MODELS");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("kinora").resolve("models");
    }

    public List<Path> roots() {
        return roots;
    }

    public List<Entry> list() {
        Map<String, Entry> found = new LinkedHashMap<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path dir : dirs.sorted().toList()) {
                    if (!Files.isRegularFile(dir.resolve(PackLoader.MANIFEST))) {
                        continue;
                    }
                    try {
                        ModelPack p = PackLoader.load(dir);
                        found.putIfAbsent(p.id(), new Entry(dir, p, null));
                    } catch (PackException e) {
                        found.putIfAbsent(dir.toString(), new Entry(dir, null, e.getMessage()));
                    }
                }
            } catch (IOException e) {
                LOG.warn("cannot list {}: {}", root, e.getMessage());
            }
        }
        return new ArrayList<>(found.values());
    }

    /** A pack by id, or by folder path when the argument names an existing folder. */
    public ModelPack find(String idOrPath) throws PackException {
        Path asPath = Path.of(idOrPath);
        if (idOrPath.contains("/") && Files.isDirectory(asPath)) {
            return PackLoader.load(asPath);
        }
        List<String> known = new ArrayList<>();
        for (Entry e : list()) {
            if (e.loaded() && e.pack().id().equals(idOrPath)) {
                return e.pack();
            }
            if (!e.loaded() && e.dir().getFileName().toString().equals(idOrPath)) {
                throw new PackException(e.error());
            }
            if (e.loaded()) {
                known.add(e.pack().id());
            }
        }
        throw new PackException("unknown model pack '" + idOrPath + "'; installed: "
                + (known.isEmpty() ? "none" : String.join(", ", known)) + " (searched " + roots + ")");
    }
}
