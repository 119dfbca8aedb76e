package dev.kinora.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinora.engine.Recipe;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One project folder on disk: {@code name.kinora/} with {@code project.json}, its previous save
 * {@code project.json.bak}, {@code media/} (takes, written before they enter the document),
 * {@code queue.json} and {@code .autosave/journal.json}.
 *
 * <p>The store holds no document: the {@link CommandStack} does. Every write is atomic
 * ({@link AtomicFiles}), so project.json is always either the previous save or the new one.
 */
public final class ProjectStore {
    private static final Logger LOG = LoggerFactory.getLogger(ProjectStore.class);

    public static final String EXTENSION = ".kinora";
    public static final String PROJECT_FILE = "project.json";
    public static final String BACKUP_FILE = "project.json.bak";
    public static final String MEDIA_DIR = "media";
    public static final String QUEUE_FILE = "queue.json";
    public static final String AUTOSAVE_DIR = ".autosave";
    public static final String JOURNAL_FILE = "journal.json";
    public static final String LOCK_FILE = ".lock";

    private final Path dir;
    private final boolean readOnly;
    private final String readOnlyReason;
    private final Clock clock;
    private final RecentProjects recents;

    private ProjectStore(Path dir, boolean readOnly, String readOnlyReason, Clock clock, RecentProjects recents) {
        this.dir = dir.toAbsolutePath().normalize();
        this.readOnly = readOnly;
        this.readOnlyReason = readOnlyReason;
        this.clock = clock;
        this.recents = recents;
    }

    // ---- create / open ----

    public static OpenResult create(Path dir, String name) throws IOException {
        return create(dir, name, Clock.systemUTC(), RecentProjects.user());
    }

    /**
     * Makes a new project folder (".kinora" is appended when the name lacks it) and saves an empty
     * project in it. The folder must not exist or must be empty: a project never takes over other files.
     */
    public static OpenResult create(Path dir, String name, Clock clock, RecentProjects recents) throws IOException {
        ProjectStore store = unwritten(dir, clock, recents);
        Project p = Project.empty(name);
        store.createFolder(p);
        return new OpenResult(store, p, false, "");
    }

    /**
     * The store of a project folder not made yet ({@link #createFolder} makes it), so that a session
     * can exist before anything is on disk and its save thread writes the folder.
     */
    static ProjectStore unwritten(Path dir, Clock clock, RecentProjects recents) {
        return new ProjectStore(withExtension(dir), false, "", clock, recents);
    }

    /** An unwritten store for {@code dir} with this one's clock and recent-projects list. */
    ProjectStore unwrittenAt(Path dir) {
        return unwritten(dir, clock, recents);
    }

    /** Makes this store's folder holding {@code p}, as {@link #create} does; refused when the folder holds anything. */
    void createFolder(Project p) throws IOException {
        requireEmptyOrAbsent(dir);
        Files.createDirectories(mediaDir());
        save(p);
        recents.add(dir, p.name());
    }

    public static OpenResult open(Path dir) throws IOException {
        return open(dir, Clock.systemUTC(), RecentProjects.user());
    }

    /**
     * Opens a project. Only a missing folder or project.json is an exception; a damaged file, a newer
     * format or unknown required features open read-only with a message, so nothing is overwritten by
     * a build that does not fully understand it.
     */
    public static OpenResult open(Path dir, Clock clock, RecentProjects recents) throws IOException {
        Path d = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(d)) {
            throw new NoSuchFileException(d.toString(), null, "no project folder here; choose a " + EXTENSION + " folder");
        }
        Path file = d.resolve(PROJECT_FILE);
        String fallbackName = baseName(d);
        OpenResult r;
        if (!Files.isRegularFile(file)) {
            if (!Files.isRegularFile(d.resolve(BACKUP_FILE))) {
                throw new NoSuchFileException(file.toString(), null,
                        "this folder is not a Kinora project: it has no " + PROJECT_FILE);
            }
            r = fromBackup(d, clock, recents, PROJECT_FILE + " is missing");
        } else {
            r = read(d, file, clock, recents, fallbackName);
        }
        recents.add(d, r.project().name());
        return r;
    }

    private static OpenResult read(Path d, Path file, Clock clock, RecentProjects recents, String fallbackName) throws IOException {
        JsonNode root;
        try {
            root = Json.parse(Files.readAllBytes(file));
        } catch (FormatException e) {
            return fromBackup(d, clock, recents, PROJECT_FILE + " " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            return fromBackup(d, clock, recents, PROJECT_FILE + " is empty or not a JSON object");
        }
        int version = ProjectCodec.formatVersion(root);
        if (version > Project.FORMAT_VERSION) {
            String why = "This project was saved by a newer Kinora (format " + version + "; this build reads up to "
                    + Project.FORMAT_VERSION + "). It is open read-only so nothing in it is lost: update Kinora to edit it,"
                    + " or Save As to keep a copy in this build's format (features it does not know are dropped).";
            return readOnly(d, clock, recents, bestEffort(root, fallbackName), why);
        }
        List<String> unknown = ProjectCodec.unknownRequirements(root);
        if (!unknown.isEmpty()) {
            String why = "This project needs features this build of Kinora does not have (" + String.join(", ", unknown)
                    + "). It is open read-only so they are not lost: update Kinora to edit it.";
            return readOnly(d, clock, recents, bestEffort(root, fallbackName), why);
        }
        try {
            Project p = ProjectCodec.read(root, fallbackName);
            return new OpenResult(new ProjectStore(d, false, "", clock, recents), p, false, "");
        } catch (FormatException e) {
            return fromBackup(d, clock, recents, PROJECT_FILE + " cannot be read: " + e.getMessage());
        }
    }

    private static Project bestEffort(JsonNode root, String fallbackName) {
        try {
            return ProjectCodec.read(root, fallbackName);
        } catch (FormatException e) {
            return Project.empty(fallbackName);
        }
    }

    /** A damaged project.json shows the previous save, read-only, so the artist can look before choosing. */
    private static OpenResult fromBackup(Path d, Clock clock, RecentProjects recents, String problem) {
        Path bak = d.resolve(BACKUP_FILE);
        String nothingChanged = " Nothing was changed on disk.";
        if (Files.isRegularFile(bak)) {
            try {
                JsonNode root = Json.parse(Files.readAllBytes(bak));
                if (ProjectCodec.formatVersion(root) <= Project.FORMAT_VERSION && ProjectCodec.unknownRequirements(root).isEmpty()) {
                    Project p = ProjectCodec.read(root, baseName(d));
                    return readOnly(d, clock, recents, p, problem + ". Showing the previous save (" + BACKUP_FILE
                            + "), read-only: use Save As to keep working from it, or check for an autosave to recover."
                            + nothingChanged);
                }
            } catch (IOException | FormatException | RuntimeException e) {
                LOG.warn("backup {} is not readable either: {}", bak, e.getMessage());
            }
        }
        return readOnly(d, clock, recents, Project.empty(baseName(d)), problem + ", and there is no readable "
                + BACKUP_FILE + ". The project is open read-only and empty; check for an autosave to recover." + nothingChanged);
    }

    private static OpenResult readOnly(Path d, Clock clock, RecentProjects recents, Project p, String why) {
        LOG.warn("opening {} read-only: {}", d, why);
        return new OpenResult(new ProjectStore(d, true, why, clock, recents), p, true, why);
    }

    /** The same folder, refusing writes, for when something outside the file says it must not be changed. */
    ProjectStore asReadOnly(String why) {
        return new ProjectStore(dir, true, why, clock, recents);
    }

    // ---- save ----

    public Path dir() {
        return dir;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** Why the project is read-only; empty when it is not. */
    public String readOnlyReason() {
        return readOnlyReason;
    }

    public Path projectFile() {
        return dir.resolve(PROJECT_FILE);
    }

    public Path mediaDir() {
        return dir.resolve(MEDIA_DIR);
    }

    public Path queueFile() {
        return dir.resolve(QUEUE_FILE);
    }

    public Path journalFile() {
        return dir.resolve(AUTOSAVE_DIR).resolve(JOURNAL_FILE);
    }

    /**
     * Writes project.json atomically, after keeping the current one as project.json.bak. Give it the
     * document from a {@link CommandStack.Snapshot} and then {@code markSaved} that same document.
     */
    public void save(Project p) throws IOException {
        if (readOnly) {
            throw new IllegalStateException("this project is open read-only: " + readOnlyReason + " Use Save As to save a copy.");
        }
        ObjectNode root = ProjectCodec.write(withCurrentFormat(p));
        root.put("savedAt", clock.instant().toString());
        root.put("generator", "Kinora " + version());
        byte[] bytes = Json.MAPPER.writeValueAsBytes(root);
        Files.createDirectories(mediaDir());
        Path file = projectFile();
        if (Files.isRegularFile(file)) {
            try {
                AtomicFiles.copy(file, dir.resolve(BACKUP_FILE));
            } catch (IOException e) {
                // The artist asked to save: a stale backup is a smaller loss than a refused save.
                LOG.warn("could not refresh {} before saving: {}", BACKUP_FILE, e.toString());
            }
        }
        AtomicFiles.write(file, bytes);
    }

    /**
     * Saves a copy in a new folder with all its media and sources inside the old folder, and returns
     * the store of the copy (writable, even when this one is read-only). The render queue and autosave
     * journal stay behind: jobs belong to the project they were queued in, and must not run twice.
     */
    public ProjectStore saveAs(Project p, Path newDir) throws IOException {
        Path d = withExtension(newDir).toAbsolutePath().normalize();
        if (d.equals(dir)) {
            throw new IllegalArgumentException("Save As needs a different folder from " + dir);
        }
        if (d.startsWith(dir)) {
            throw new IllegalArgumentException("Save As cannot put the copy inside the project it copies (" + d + ")");
        }
        requireEmptyOrAbsent(d);
        Files.createDirectories(d.resolve(MEDIA_DIR));
        if (Files.isDirectory(dir)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir)) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            for (Path f : files) {
                Path rel = dir.relativize(f);
                if (skippedBySaveAs(rel)) {
                    continue;
                }
                AtomicFiles.copy(f, d.resolve(rel.toString()));
            }
        }
        ProjectStore copy = new ProjectStore(d, false, "", clock, recents);
        copy.save(p);
        recents.add(d, p.name());
        return copy;
    }

    private static boolean skippedBySaveAs(Path rel) {
        String first = rel.getName(0).toString();
        String name = rel.getFileName().toString();
        return first.equals(AUTOSAVE_DIR) || (rel.getNameCount() == 1 && (name.equals(PROJECT_FILE)
                || name.equals(BACKUP_FILE) || name.equals(QUEUE_FILE) || name.equals(LOCK_FILE))) || name.endsWith(".tmp");
    }

    private static Project withCurrentFormat(Project p) {
        return p.formatVersion() == Project.FORMAT_VERSION ? p
                : new Project(Project.FORMAT_VERSION, p.name(), p.shots(), p.settings());
    }

    // ---- media ----

    /** Where a new take's file goes; write the file completely, then add the take to the document. */
    public record MediaSlot(String takeId, String media, Path file) {
    }

    /** A fresh take id and its file {@code media/<shotId>/<takeId>.<extension>}, folder created. */
    public MediaSlot newTakeSlot(String shotId, String extension) throws IOException {
        String takeId = Ids.newId();
        String safeShot = shotId.replaceAll("[^A-Za-z0-9._-]", "_");
        String ext = extension.startsWith(".") ? extension.substring(1) : extension;
        String media = MEDIA_DIR + "/" + safeShot + "/" + takeId + "." + ext;
        Path file = resolve(media);
        Files.createDirectories(file.getParent());
        return new MediaSlot(takeId, media, file);
    }

    /**
     * The take for a slot whose file the caller has finished writing. The file is fsynced here (media
     * writers rarely do) so that once the take is in the document, and so in the journal, its frames
     * survive a crash or power cut.
     */
    public Take finishTake(MediaSlot slot, Recipe recipe, int frames, double fps, int width, int height, String label)
            throws IOException {
        Path f = slot.file();
        if (!Files.isRegularFile(f) || Files.size(f) == 0) {
            throw new NoSuchFileException(f.toString(), null,
                    "the take's media was not written; write the file completely before adding the take");
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        AtomicFiles.syncDirectory(f.getParent());
        return new Take(slot.takeId(), slot.media(), recipe, clock.instant(), frames, fps, width, height, label);
    }

    /** The file a document reference names: relative references are inside the project folder. */
    public Path resolve(String reference) {
        Path p = Path.of(reference);
        return (p.isAbsolute() ? p : dir.resolve(reference)).normalize();
    }

    /** How the document should name a file: relative (with '/') inside the project folder, absolute outside. */
    public String reference(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (abs.startsWith(dir)) {
            return dir.relativize(abs).toString().replace('\\', '/');
        }
        return abs.toString();
    }

    /** Files the document refers to (take media and shot sources) that are not on disk, in reel order. */
    public List<Path> missingMedia(Project p) {
        Set<Path> missing = new LinkedHashSet<>();
        for (Shot s : p.shots()) {
            for (Take t : s.takes()) {
                Path f = resolve(t.media());
                if (!Files.isRegularFile(f)) {
                    missing.add(f);
                }
            }
            for (SourceRef r : s.sources()) {
                Path f = resolve(r.path());
                if (!Files.isRegularFile(f)) {
                    missing.add(f);
                }
            }
        }
        return List.copyOf(missing);
    }

    /**
     * Points the project at {@code replacement} for a missing file. Take media stays inside the
     * project, so a replacement for it is copied into place now; sources are re-pointed by the
     * returned command (execute it on the stack, so relinking can be undone).
     */
    public Command relink(Project p, Path missing, Path replacement) throws IOException {
        if (!Files.isRegularFile(replacement)) {
            throw new NoSuchFileException(replacement.toString(), null, "the replacement file does not exist");
        }
        Path target = missing.toAbsolutePath().normalize();
        boolean found = false;
        String sourceRef = "";
        for (Shot s : p.shots()) {
            for (Take t : s.takes()) {
                if (resolve(t.media()).equals(target)) {
                    found = true;
                }
            }
            for (SourceRef r : s.sources()) {
                if (resolve(r.path()).equals(target)) {
                    sourceRef = r.path();
                }
            }
        }
        if (!found && sourceRef.isEmpty()) {
            throw new IllegalArgumentException("nothing in project '" + p.name() + "' refers to " + missing);
        }
        if (found) {
            if (readOnly) {
                throw new IllegalStateException("this project is open read-only: " + readOnlyReason);
            }
            AtomicFiles.copy(replacement, target);
        }
        return new Commands.RelinkSource(sourceRef, sourceRef.isEmpty() ? "" : reference(replacement));
    }

    // ---- autosave journal ----

    /** Writes the journal (atomically). Does nothing for read-only projects: they must not change on disk. */
    public void writeJournal(Project p, Instant written) throws IOException {
        if (readOnly) {
            return;
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("formatVersion", Project.FORMAT_VERSION);
        root.put("written", written.toString());
        root.set("project", ProjectCodec.write(withCurrentFormat(p)));
        AtomicFiles.write(journalFile(), Json.MAPPER.writeValueAsBytes(root));
    }

    /**
     * Unsaved edits to offer back: a journal written after the last save whose document differs from
     * project.json. A journal this build cannot read is logged and ignored (and left in place).
     */
    public Optional<RecoveryInfo> recovery() {
        Path jf = journalFile();
        if (!Files.isRegularFile(jf)) {
            return Optional.empty();
        }
        try {
            JsonNode root = Json.parse(Files.readAllBytes(jf));
            Instant written = Json.parseInstant(root.path("written").asText(""), Instant.EPOCH);
            if (fromNewerKinora(root)) {
                // recovering it here would rewrite it in this build's format and drop what the newer one added
                LOG.warn("the autosave journal {} was written by a newer Kinora; it is left as it is for that version", jf);
                return Optional.empty();
            }
            Project journaled = ProjectCodec.read(root.get("project"), baseName(dir));
            Instant saved = Instant.EPOCH;
            Optional<Project> onDisk = Optional.empty();
            Path file = projectFile();
            if (Files.isRegularFile(file)) {
                try {
                    JsonNode pr = Json.parse(Files.readAllBytes(file));
                    saved = Json.parseInstant(pr.path("savedAt").asText(""), Files.getLastModifiedTime(file).toInstant());
                    onDisk = Optional.of(ProjectCodec.read(pr, baseName(dir)));
                } catch (IOException | FormatException e) {
                    // a damaged project.json is exactly when the journal matters most
                }
            }
            if (!written.isAfter(saved) || onDisk.filter(journaled::equals).isPresent()) {
                return Optional.empty();
            }
            return Optional.of(new RecoveryInfo(written, saved, journaled.name(), journaled.shots().size()));
        } catch (IOException | FormatException | RuntimeException e) {
            LOG.warn("the autosave journal {} cannot be read: {}", jf, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The journaled document. Load it into the stack unsaved ({@code reset(p, false)}): the artist
     * saves when satisfied, and until then the journal still holds it if Kinora stops again.
     */
    public Project recover() throws IOException {
        Path jf = journalFile();
        try {
            JsonNode root = Json.parse(Files.readAllBytes(jf));
            if (fromNewerKinora(root)) {
                throw new IOException("the autosave journal " + jf + " was written by a newer Kinora (format "
                        + Math.max(ProjectCodec.formatVersion(root), ProjectCodec.formatVersion(root.path("project"))) + "); open the project with that version to recover it");
            }
            return ProjectCodec.read(root.get("project"), baseName(dir));
        } catch (FormatException e) {
            throw new IOException("the autosave journal " + jf + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The journal (its own header or the document in it) needs a newer Kinora than this one. */
    private static boolean fromNewerKinora(JsonNode journal) {
        JsonNode project = journal.get("project");
        return ProjectCodec.formatVersion(journal) > Project.FORMAT_VERSION || project != null
                && (ProjectCodec.formatVersion(project) > Project.FORMAT_VERSION || !ProjectCodec.unknownRequirements(project).isEmpty());
    }

    /** The artist chose the saved version: the journal is set aside (not deleted) in case they change their mind. */
    public void declineRecovery() throws IOException {
        Path jf = journalFile();
        if (Files.isRegularFile(jf) && !readOnly) {
            Files.move(jf, jf.resolveSibling("declined-" + clock.instant().toEpochMilli() + ".json"));
        }
    }

    /** On a clean close after saving: nothing to recover. */
    public void discardJournal() throws IOException {
        if (!readOnly) {
            Files.deleteIfExists(journalFile());
        }
    }

    // ---- helpers ----

    /** For people reading a project.json: which build wrote it. (Not engine.KinoraVersion: this package uses engine records only.) */
    private static String version() {
        String v = ProjectStore.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    private static Path withExtension(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        String n = abs.getFileName().toString();
        return n.endsWith(EXTENSION) ? abs : abs.resolveSibling(n + EXTENSION);
    }

    private static String baseName(Path d) {
        String n = d.getFileName().toString();
        return n.endsWith(EXTENSION) ? n.substring(0, n.length() - EXTENSION.length()) : n;
    }

    private static void requireEmptyOrAbsent(Path d) throws IOException {
        if (Files.exists(d)) {
            if (!Files.isDirectory(d)) {
                throw new NotDirectoryException(d + " (a file is in the way of the new project folder)");
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                if (ds.iterator().hasNext()) {
                    throw new FileAlreadyExistsException(d.toString(), null,
                            "the folder is not empty; choose a new name so no existing files are overwritten");
                }
            }
        }
    }

    @Override
    public String toString() {
        return "ProjectStore[" + dir + (readOnly ? ", read-only" : "") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProjectStore s && s.dir.equals(dir) && s.readOnly == readOnly;
    }

    @Override
    public int hashCode() {
        return Objects.hash(dir, readOnly);
    }
}
