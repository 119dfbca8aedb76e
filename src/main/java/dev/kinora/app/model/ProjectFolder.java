package dev.kinora.app.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinora.engine.KinoraVersion;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A project is a folder ({@code Name.kinora/}) holding project.json, an autosave beside it,
 * queue.json and media/. Every write goes to a temporary file that is then moved over the old
 * one, so a crash mid-write leaves the previous version intact.
 *
 * <p>Adapter note: the {@code project} branch's ProjectStore is the long-term home of this; the
 * studio keeps the same folder layout so switching is a matter of swapping this class.
 */
public final class ProjectFolder {
    public static final int FORMAT = 1;
    public static final String PROJECT = "project.json";
    public static final String AUTOSAVE = ".autosave.json";
    public static final String QUEUE = "queue.json";
    public static final String MEDIA = "media";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** What opening a folder gave: the document, whether it may be edited, and what to tell the artist. */
    public record Loaded(Storyboard doc, boolean readOnly, String message, boolean recovered) {
    }

    private final Path dir;

    public ProjectFolder(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    public Path media() {
        return dir.resolve(MEDIA);
    }

    public Path mediaFile(Take t) {
        return media().resolve(t.file());
    }

    public String name() {
        String n = dir.getFileName().toString();
        return n.endsWith(".kinora") ? n.substring(0, n.length() - ".kinora".length()) : n;
    }

    /** A fresh untitled project in the user's data folder, so the artist can start typing at once. */
    public static ProjectFolder untitled(Path userData) throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path d = userData.resolve("untitled").resolve("Untitled-" + stamp + ".kinora");
        int n = 2;
        while (Files.exists(d)) {
            d = userData.resolve("untitled").resolve("Untitled-" + stamp + "-" + n++ + ".kinora");
        }
        Files.createDirectories(d.resolve(MEDIA));
        ProjectFolder f = new ProjectFolder(d);
        f.save(Storyboard.blank("Untitled"));
        return f;
    }

    public static ProjectFolder create(Path dir, Storyboard doc) throws IOException {
        Files.createDirectories(dir.resolve(MEDIA));
        ProjectFolder f = new ProjectFolder(dir);
        f.save(doc);
        return f;
    }

    /**
     * Opens the project, preferring a newer autosave (the studio stopped without saving). A file that
     * cannot be read, or was written by a newer Kinora, opens read-only with a message and never throws.
     */
    public Loaded load() {
        Path main = dir.resolve(PROJECT);
        Path auto = dir.resolve(AUTOSAVE);
        boolean recovered = false;
        Path from = main;
        try {
            if (Files.isRegularFile(auto) && (!Files.isRegularFile(main)
                    || Files.getLastModifiedTime(auto).compareTo(Files.getLastModifiedTime(main)) > 0)) {
                from = auto;
                recovered = true;
            }
            if (!Files.isRegularFile(from)) {
                return new Loaded(Storyboard.blank(name()), true, dir + " has no " + PROJECT
                        + "; it is not a Kinora project folder. Opened read-only; use File → New to start one.", false);
            }
            JsonNode root = JSON.readTree(from.toFile());
            if (root == null || !root.isObject()) {
                throw new IOException("expected a JSON object");
            }
            int format = root.path("format").asInt(-1);
            if (format > FORMAT) {
                Storyboard doc = parse(root);
                return new Loaded(doc, true, from.getFileName() + " was written by a newer Kinora ("
                        + root.path("kinora").asText("?") + ", format " + format + "; this one reads format " + FORMAT
                        + "). Opened read-only so nothing is lost; update Kinora to edit it.", recovered);
            }
            if (format < 1) {
                throw new IOException("missing or invalid \"format\" field");
            }
            Storyboard doc = parse(root);
            String msg = recovered ? "Recovered unsaved changes from the autosave of "
                    + Files.getLastModifiedTime(auto) + ". Save to keep them." : "";
            return new Loaded(doc, false, msg, recovered);
        } catch (Exception e) {
            if (recovered && Files.isRegularFile(main)) {
                // A torn autosave must not hide a good project file.
                try {
                    Files.delete(auto);
                } catch (IOException ignored) {
                    // it is retried on the next autosave
                }
                return load();
            }
            return new Loaded(Storyboard.blank(name()), true, from + " could not be read (" + e.getMessage()
                    + "). Opened read-only and nothing was changed on disk; fix or restore the file, or use File → New.", false);
        }
    }

    private static Storyboard parse(JsonNode root) throws IOException {
        JsonNode sb = root.get("storyboard");
        if (sb == null || !sb.isObject()) {
            throw new IOException("missing \"storyboard\" object");
        }
        return JSON.treeToValue(sb, Storyboard.class);
    }

    public void save(Storyboard doc) throws IOException {
        write(dir.resolve(PROJECT), document(doc));
        Files.deleteIfExists(dir.resolve(AUTOSAVE));
    }

    public void autosave(Storyboard doc) throws IOException {
        write(dir.resolve(AUTOSAVE), document(doc));
    }

    public boolean hasAutosave() {
        return Files.isRegularFile(dir.resolve(AUTOSAVE));
    }

    private static ObjectNode document(Storyboard doc) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("kinora", KinoraVersion.get());
        root.set("storyboard", JSON.valueToTree(doc));
        return root;
    }

    public void saveQueue(List<JobRecord> jobs) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.set("jobs", JSON.valueToTree(jobs));
        write(dir.resolve(QUEUE), root);
    }

    /** The persisted queue; a job that was running when the studio stopped comes back as INTERRUPTED. */
    public List<JobRecord> loadQueue() {
        Path q = dir.resolve(QUEUE);
        if (!Files.isRegularFile(q)) {
            return List.of();
        }
        try {
            JsonNode root = JSON.readTree(q.toFile());
            List<JobRecord> jobs = JSON.convertValue(root.path("jobs"), new TypeReference<List<JobRecord>>() { });
            List<JobRecord> out = new ArrayList<>();
            for (JobRecord j : jobs == null ? List.<JobRecord>of() : jobs) {
                out.add(j.state() == JobState.RUNNING
                        ? new JobRecord(j.id(), j.spec(), JobState.INTERRUPTED, j.progress(), "interrupted: the studio stopped while this ran; retry to run it again", j.device(), j.created(), j.takeId())
                        : j);
            }
            return out;
        } catch (Exception e) {
            return List.of();
        }
    }

    /** Takes whose film strip is missing from media/ (moved or deleted outside the studio). */
    public List<Take> missingMedia(Storyboard doc) {
        List<Take> out = new ArrayList<>();
        for (Shot s : doc.shots()) {
            for (Take t : s.takes()) {
                if (!Files.isRegularFile(mediaFile(t))) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** Looks for missing takes' files by name under {@code searchRoot} and copies them back into media/. */
    public int relink(Storyboard doc, Path searchRoot) throws IOException {
        int found = 0;
        List<Take> missing = missingMedia(doc);
        if (missing.isEmpty()) {
            return 0;
        }
        try (var walk = Files.walk(searchRoot, 6)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                for (Take t : missing) {
                    if (p.getFileName().toString().equals(Path.of(t.file()).getFileName().toString())
                            && !Files.isRegularFile(mediaFile(t))) {
                        Files.createDirectories(mediaFile(t).getParent());
                        Files.copy(p, mediaFile(t), StandardCopyOption.REPLACE_EXISTING);
                        found++;
                    }
                }
            }
        }
        return found;
    }

    /** Copies the folder (media included) to a new place for Save As. */
    public ProjectFolder copyTo(Path target, Storyboard doc) throws IOException {
        Files.createDirectories(target.resolve(MEDIA));
        if (Files.isDirectory(media())) {
            try (var files = Files.list(media())) {
                for (Path p : files.toList()) {
                    Files.copy(p, target.resolve(MEDIA).resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        ProjectFolder f = new ProjectFolder(target);
        f.save(doc.withTitle(f.name()));
        return f;
    }

    private static void write(Path file, JsonNode node) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), node);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
