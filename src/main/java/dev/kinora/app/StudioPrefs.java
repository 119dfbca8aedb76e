package dev.kinora.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The studio's own settings (window layout, theme, prompt history, device, last project), in a properties file in the user's
 * data folder rather than java.util.prefs, so tests can point it at a temp folder
 * (-Dkinora.userdata) and users can see and delete it.
 */
public final class StudioPrefs {
    private final Path file;
    private final Properties props = new Properties();

    public StudioPrefs(Path userData) {
        this.file = userData.resolve("studio.properties");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                props.load(in);
            } catch (IOException ignored) {
                // a broken prefs file only loses layout, never work
            }
        }
    }

    public static Path userData() {
        String p = System.getProperty("kinora.userdata");
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("kinora");
    }

    public double getDouble(String key, double def) {
        try {
            return Double.parseDouble(props.getProperty(key, Double.toString(def)));
        } catch (NumberFormatException e) {
            return def;
        }
    }

    public void putDouble(String key, double v) {
        props.setProperty(key, Double.toString(v));
    }

    public boolean getBoolean(String key, boolean def) {
        return Boolean.parseBoolean(props.getProperty(key, Boolean.toString(def)));
    }

    public void putBoolean(String key, boolean v) {
        props.setProperty(key, Boolean.toString(v));
    }

    /** Prompt history is the artist's, across projects. */
    public List<String> history() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String h = props.getProperty("history." + i);
            if (h == null) {
                break;
            }
            out.add(h);
        }
        return out;
    }

    public void setHistory(List<String> h) {
        for (int i = 0; i < 50; i++) {
            if (i < h.size()) {
                props.setProperty("history." + i, h.get(i));
            } else {
                props.remove("history." + i);
            }
        }
        save();
    }

    public dev.kinora.engine.onnx.Device device() {
        try {
            return dev.kinora.engine.onnx.Device.parse(props.getProperty("device", "auto"));
        } catch (IllegalArgumentException e) {
            return dev.kinora.engine.onnx.Device.AUTO;
        }
    }

    public void setDevice(dev.kinora.engine.onnx.Device d) {
        props.setProperty("device", d.id());
        save();
    }

    /** The studio's theme (View ▸ Theme); dark unless the artist picked another. */
    public Theme theme() {
        return Theme.parse(props.getProperty("theme", Theme.DARK.id()));
    }

    public void setTheme(Theme t) {
        props.setProperty("theme", t.id());
        save();
    }

    /** The project open when the studio last ran (untitled ones included), for crash recovery. */
    public String lastProject() {
        return props.getProperty("last.project");
    }

    public void setLastProject(Path dir) {
        props.setProperty("last.project", dir.toString());
        save();
    }

    public void save() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                props.store(out, "Kinora studio layout and recent projects");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
            // layout is a convenience; failing to store it must not disturb the artist
        }
    }
}
