package dev.kinora.app;

import dev.kinora.project.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The studio's own settings (window layout, theme, prompt history, device, last project), in a properties file in the user's
 * data folder rather than java.util.prefs, so tests can point it at a temp folder
 * (-Dkinora.userdata) and users can see and delete it.
 *
 * <p>The file is written on a background writer, never on the caller's (FX) thread: a divider drag or
 * a theme switch must not wait for an fsync. Writes coalesce: a write still waiting to run carries
 * every change made before it runs, so a burst of changes costs one or two writes and the file ends
 * with the last values. {@link #flush} waits (bounded) for the writes asked for, so a clean exit loses nothing.
 */
public final class StudioPrefs {
    private static final Logger LOG = LoggerFactory.getLogger(StudioPrefs.class);

    /** How long {@link #flush()} waits on quit: the file is a few hundred bytes, so only a stuck disk gets near it. */
    public static final Duration FLUSH_WAIT = Duration.ofSeconds(5);

    private final Path file;
    private final Properties props = new Properties();
    private final Executor writer;
    /** A write is asked for and has not read the settings yet: later changes ride on it. Guarded by this. */
    private boolean queued;
    /** The write asked for last; each starts after the one before has ended. Guarded by this. */
    private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);
    private volatile int writes;
    private String lastError = "";

    public StudioPrefs(Path userData) {
        this(userData, ownWriter());
    }

    /** Tests pass an executor that holds writes back or records where they run. */
    StudioPrefs(Path userData, Executor writer) {
        this.writer = writer;
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

    /**
     * Asks for the settings to be written; returns at once. The write runs on the background writer
     * and stores the settings as they are when it runs.
     */
    public void save() {
        synchronized (this) {
            if (queued) {
                return; // the write waiting will read this change too
            }
            queued = true;
            lastWrite = lastWrite.thenRunAsync(this::write, writer);
        }
    }

    /** On the writer. */
    private void write() {
        byte[] bytes;
        synchronized (this) {
            queued = false; // from here on a change asks for a write of its own
            bytes = serialized();
        }
        try {
            AtomicFiles.write(file, bytes);
            writes++;
            lastError = "";
        } catch (IOException | RuntimeException e) {
            // layout is a convenience; failing to store it must not disturb the artist (said once, not per drag)
            if (!lastError.equals(e.toString())) {
                LOG.warn("could not store the studio settings in {}: {}", file, e.toString());
            }
            lastError = e.toString();
        }
    }

    private byte[] serialized() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            props.store(out, "Kinora studio layout and recent projects");
        } catch (IOException e) {
            throw new IllegalStateException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /** {@link #flush(Duration)} for up to {@link #FLUSH_WAIT}: what the studio does when it closes. */
    public boolean flush() {
        return flush(FLUSH_WAIT);
    }

    /**
     * Waits up to {@code max} for every write asked for so far to end. Returns false when one is still
     * running (it goes on); the caller does not hang on a stuck disk.
     */
    public boolean flush(Duration max) {
        CompletableFuture<Void> last;
        synchronized (this) {
            last = lastWrite;
        }
        try {
            last.get(max.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            LOG.warn("the studio settings were still being written after {} ms; not waiting longer", max.toMillis());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true; // write() keeps its failures
        }
    }

    /** How many times the file was written; tests count coalesced writes. */
    int writes() {
        return writes;
    }

    /**
     * One thread, started when there is something to write and gone when idle, so a prefs object
     * never keeps a thread (or the JVM) alive.
     */
    private static Executor ownWriter() {
        ThreadPoolExecutor e = new ThreadPoolExecutor(1, 1, 2, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "kinora-prefs");
            t.setDaemon(true);
            return t;
        });
        e.allowCoreThreadTimeOut(true);
        return e;
    }
}
