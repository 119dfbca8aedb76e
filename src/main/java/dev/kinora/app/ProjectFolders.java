package dev.kinora.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where saved projects go by default: {@code Kinora} in the user's videos folder, as the desktop
 * names it in {@code user-dirs.dirs} (XDG_VIDEOS_DIR, localised on many systems), else
 * {@code ~/Videos/Kinora}. Somewhere people look, not a hidden data folder.
 */
public final class ProjectFolders {
    private ProjectFolders() {
    }

    /** The default folder for this user ({@code -Dkinora.projects} overrides it, for tests and odd setups). */
    public static Path defaultDir() {
        String prop = System.getProperty("kinora.projects");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        return defaultDir(Path.of(System.getProperty("user.home")), System.getenv());
    }

    static Path defaultDir(Path home, Map<String, String> env) {
        String cfg = env.get("XDG_CONFIG_HOME");
        Path config = cfg != null && !cfg.isBlank() ? Path.of(cfg) : home.resolve(".config");
        return videosDir(home, config.resolve("user-dirs.dirs")).resolve("Kinora");
    }

    /** XDG_VIDEOS_DIR from a user-dirs.dirs file ("$HOME/Videos" or an absolute path); ~/Videos without one. */
    static Path videosDir(Path home, Path userDirs) {
        Path fallback = home.resolve("Videos");
        List<String> lines;
        try {
            lines = Files.isRegularFile(userDirs) ? Files.readAllLines(userDirs) : List.of();
        } catch (IOException e) {
            return fallback;
        }
        for (String line : lines) {
            String l = line.strip();
            if (!l.startsWith("XDG_VIDEOS_DIR=")) {
                continue;
            }
            String v = l.substring("XDG_VIDEOS_DIR=".length()).strip();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            // The spec allows only "$HOME/..." or an absolute path; "$HOME/" alone means the desktop
            // has no videos folder (then files would land in home itself, so keep ~/Videos).
            if (v.startsWith("$HOME")) {
                String rest = v.substring("$HOME".length()).replaceFirst("^/+", "");
                return rest.isEmpty() ? fallback : home.resolve(rest);
            }
            if (v.startsWith("/")) {
                return Path.of(v);
            }
            return fallback;
        }
        return fallback;
    }

    /** The default folder, created if missing; the home folder when it cannot be created. */
    public static Path ensureDefaultDir() {
        Path d = defaultDir();
        try {
            Files.createDirectories(d);
            return d;
        } catch (IOException e) {
            return Path.of(System.getProperty("user.home"));
        }
    }
}
