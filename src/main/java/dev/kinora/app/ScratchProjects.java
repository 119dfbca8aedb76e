package dev.kinora.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinora.project.ProjectStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an untitled project lives until the artist saves it somewhere: one reused scratch folder,
 * {@code <user data>/untitled/Untitled.kinora} ({@code Untitled-2.kinora}… only while another Kinora
 * window holds the first). The autosave journal works there as anywhere, so crash recovery is the
 * same; what is not kept is litter: a scratch project with no work in it is wiped when reused and
 * removed when the artist saves elsewhere.
 */
public final class ScratchProjects {
    private static final Logger LOG = LoggerFactory.getLogger(ScratchProjects.class);
    private static final Pattern SLOT = Pattern.compile("Untitled(-\\d{1,3})?" + Pattern.quote(ProjectStore.EXTENSION));
    private static final int MAX_SLOTS = 100;

    private final Path root;

    public ScratchProjects(Path userData) {
        this.root = userData.resolve("untitled").toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Whether a project folder is a scratch slot (an untitled project), not one the artist named. */
    public boolean isScratch(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        return root.equals(d.getParent()) && SLOT.matcher(d.getFileName().toString()).matches();
    }

    /** The slot an untitled project should use: the first one no other window holds ({@code current} is ours). */
    public Path freeSlot(Optional<Path> current) {
        for (int i = 1; i <= MAX_SLOTS; i++) {
            Path slot = root.resolve(i == 1 ? "Untitled" + ProjectStore.EXTENSION : "Untitled-" + i + ProjectStore.EXTENSION);
            if (current.map(c -> c.toAbsolutePath().normalize().equals(slot)).orElse(false) || !heldElsewhere(slot)) {
                return slot;
            }
        }
        throw new IllegalStateException("every untitled slot in " + root + " is held by another Kinora window");
    }

    /** Unsaved edits of an untitled project that stopped without saving (a crash): open the slot to recover them. */
    public static boolean hasJournal(Path dir) {
        return Files.isRegularFile(dir.resolve(ProjectStore.AUTOSAVE_DIR).resolve(ProjectStore.JOURNAL_FILE));
    }

    /** Empties a slot so a new project can be created in it. */
    public void wipe(Path slot) throws IOException {
        if (!isScratch(slot)) {
            throw new IllegalArgumentException(slot + " is not an untitled scratch folder; refusing to delete it");
        }
        deleteTree(slot);
    }

    /**
     * Removes what earlier sessions left in the scratch folder and no one will miss: untitled
     * projects (older builds made one per start) that no window holds, with no unsaved journal and
     * no work in them (no take files, no prompt). Ones with work stay, so nothing typed is lost.
     */
    public int sweep(Optional<Path> keep) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int n = 0;
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(Files::isDirectory).filter(d -> d.getFileName().toString().startsWith("Untitled")
                    && d.getFileName().toString().endsWith(ProjectStore.EXTENSION)).toList();
        } catch (IOException e) {
            return 0;
        }
        for (Path d : dirs) {
            if (keep.map(k -> k.toAbsolutePath().normalize().equals(d.toAbsolutePath().normalize())).orElse(false)
                    || hasJournal(d) || heldElsewhere(d) || holdsWork(d)) {
                continue;
            }
            try {
                deleteTree(d);
                n++;
            } catch (IOException e) {
                LOG.debug("could not remove the empty untitled project {}: {}", d, e.getMessage());
            }
        }
        return n;
    }

    /** Whether a project folder holds anything an artist made: a take file, or a shot with a prompt or a take. */
    static boolean holdsWork(Path dir) {
        Path media = dir.resolve(ProjectStore.MEDIA_DIR);
        if (Files.isDirectory(media)) {
            try (Stream<Path> s = Files.walk(media)) {
                if (s.anyMatch(Files::isRegularFile)) {
                    return true;
                }
            } catch (IOException e) {
                return true;
            }
        }
        Path file = dir.resolve(ProjectStore.PROJECT_FILE);
        if (!Files.isRegularFile(file)) {
            return Files.isRegularFile(dir.resolve(ProjectStore.BACKUP_FILE));
        }
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            for (JsonNode shot : root.path("shots")) {
                if (!shot.path("prompt").asText("").isBlank() || shot.path("takes").size() > 0) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return true; // unreadable: not ours to judge, keep it
        }
    }

    /** Whether another Kinora process (or session in this JVM) has the project open: it holds the lock file. */
    static boolean heldElsewhere(Path dir) {
        Path lock = dir.resolve(ProjectStore.LOCK_FILE);
        if (!Files.isRegularFile(lock)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
