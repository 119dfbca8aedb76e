package dev.kinora.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The File ▸ Open Recent list, in {@code recent.json} of the user config folder. A broken or
 * unwritable list is only a convenience lost: it is logged, never allowed to stop a project opening.
 */
public final class RecentProjects {
    private static final Logger LOG = LoggerFactory.getLogger(RecentProjects.class);
    public static final int MAX = 20;

    /** One entry; {@code exists()} lets the menu grey out projects that were moved or deleted. */
    public record Entry(Path dir, String name, Instant opened) {
        public boolean exists() {
            return Files.isRegularFile(dir.resolve(ProjectStore.PROJECT_FILE));
        }
    }

    private final Path file;
    private final Clock clock;

    public RecentProjects(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** The user's list: {@code $kinora.config/recent.json}, else {@code $XDG_CONFIG_HOME/kinora}, else {@code ~/.config/kinora}. */
    public static RecentProjects user() {
        return new RecentProjects(configDir().resolve("recent.json"), Clock.systemUTC());
    }

    public static Path configDir() {
        String prop = System.getProperty("kinora.config");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "kinora");
        }
        return Path.of(System.getProperty("user.home"), ".config", "kinora");
    }

    public Path file() {
        return file;
    }

    /** Most recent first. */
    public synchronized List<Entry> list() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        try {
            JsonNode root = Json.MAPPER.readTree(file.toFile());
            JsonNode arr = root == null ? null : root.get("projects");
            if (arr != null && arr.isArray()) {
                for (JsonNode n : arr) {
                    String dir = n.path("dir").asText("");
                    if (dir.isBlank()) {
                        continue;
                    }
                    try {
                        out.add(new Entry(Path.of(dir), n.path("name").asText(""),
                                Json.parseInstant(n.path("opened").asText(""), Instant.EPOCH)));
                    } catch (InvalidPathException e) {
                        LOG.warn("skipping recent project with an invalid path '{}'", dir);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("the recent projects list {} cannot be read ({}); starting a new one", file, e.getMessage());
        }
        return List.copyOf(out);
    }

    /** Moves the project to the top of the list. */
    public synchronized void add(Path dir, String name) {
        Path abs = dir.toAbsolutePath().normalize();
        List<Entry> entries = new ArrayList<>(list());
        entries.removeIf(e -> e.dir().toAbsolutePath().normalize().equals(abs));
        entries.add(0, new Entry(abs, name, clock.instant()));
        write(entries.subList(0, Math.min(MAX, entries.size())));
    }

    public synchronized void remove(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        List<Entry> entries = new ArrayList<>(list());
        if (entries.removeIf(e -> e.dir().toAbsolutePath().normalize().equals(abs))) {
            write(entries);
        }
    }

    private void write(List<Entry> entries) {
        ArrayNode arr = JsonNodeFactory.instance.arrayNode();
        for (Entry e : entries) {
            arr.addObject().put("dir", e.dir().toString()).put("name", e.name()).put("opened", e.opened().toString());
        }
        try {
            byte[] bytes = Json.MAPPER.writeValueAsBytes(JsonNodeFactory.instance.objectNode().set("projects", arr));
            AtomicFiles.write(file, bytes);
        } catch (IOException e) {
            LOG.warn("could not update the recent projects list {}: {}", file, e.getMessage());
        }
    }
}
