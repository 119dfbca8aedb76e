package dev.kinora.app.packs;

import dev.kinora.app.StudioModel;
import dev.kinora.app.engine.PackInfo;
import dev.kinora.engine.pack.HashCache;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.pack.PackLoader;
import dev.kinora.engine.pack.PackRegistry;
import dev.kinora.engine.pack.PackVerifier;
import dev.kinora.engine.pack.ModelPack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.ObservableMap;

/**
 * Installed packs and their verification state; install from a folder or zip, verify, remove.
 * Installation unpacks into a staging folder inside the user's models folder, refuses zip entries
 * that would land outside it ('..', absolute paths), verifies every file's size and sha256 with
 * {@link PackVerifier}, and only then moves the pack into place: a bad pack never becomes visible.
 */
public final class ModelManagerViewModel {
    private final StudioModel studio;
    private final Path target;
    private final ObservableList<PackInfo> packs = FXCollections.observableArrayList();
    private final ObservableMap<String, String> verification = FXCollections.observableMap(new HashMap<>());
    /** The memory planner's estimate of each pack's default job, filled in off the FX thread. */
    private final ObservableMap<String, String> memory = FXCollections.observableMap(new HashMap<>());
    private final StringProperty message = new SimpleStringProperty("");

    public ModelManagerViewModel(StudioModel studio, Path userModels) {
        this.studio = studio;
        this.target = userModels;
        packs.setAll(studio.packs());
    }

    public ObservableList<PackInfo> packs() {
        return packs;
    }

    public ObservableMap<String, String> memory() {
        return memory;
    }

    /** Plans the pack's default job (its graphs' headers are read, not its weights) and shows the peaks. */
    public void estimate(PackInfo p) {
        if (!p.usable()) {
            return;
        }
        memory.put(p.id(), "estimating…");
        studio.exec().background(() -> dev.kinora.engine.GenerationEngine.memorySummary(PackLoader.load(p.dir())),
                s -> memory.put(p.id(), s), e -> memory.put(p.id(), "unknown: " + e.getMessage()));
    }

    public ObservableMap<String, String> verification() {
        return verification;
    }

    public StringProperty messageProperty() {
        return message;
    }

    public void refresh() {
        studio.exec().background(() -> studio.engine().packs(), l -> {
            packs.setAll(l);
            studio.packs().setAll(l);
        }, e -> message.set(e.getMessage()));
    }

    public void verify(PackInfo p) {
        if (!p.usable()) {
            verification.put(p.id(), "broken: " + p.error());
            return;
        }
        verification.put(p.id(), "verifying…");
        studio.exec().background(() -> {
            ModelPack mp = PackLoader.load(p.dir());
            PackVerifier.Report r = new PackVerifier(HashCache.defaultCache()).verify(mp);
            return r.ok() ? "verified · " + r.totalBytes() / 1024 + " KiB" : "FAILED: " + String.join("; ", r.problems());
        }, s -> verification.put(p.id(), s), e -> verification.put(p.id(), "FAILED: " + e.getMessage()));
    }

    public void install(Path source) {
        message.set("installing " + source.getFileName() + "…");
        studio.exec().background(() -> installBlocking(source, target), p -> {
            message.set("installed " + p.id() + " (" + p.name() + ") into " + p.root());
            refresh();
        }, e -> message.set("not installed: " + e.getMessage()));
    }

    /** Returns the installed pack; throws with the reason when the source is not a valid, verified pack. */
    public static ModelPack installBlocking(Path source, Path modelsDir) throws IOException, PackException {
        Files.createDirectories(modelsDir);
        Path staging = Files.createTempDirectory(modelsDir, ".install-");
        try {
            if (Files.isDirectory(source)) {
                copyTree(source, staging);
            } else {
                unzip(source, staging);
            }
            Path root = staging;
            if (!Files.isRegularFile(root.resolve(PackLoader.MANIFEST))) {
                // A zip that holds one top-level folder with the pack inside it.
                try (var list = Files.list(staging)) {
                    var dirs = list.filter(Files::isDirectory).toList();
                    if (dirs.size() == 1 && Files.isRegularFile(dirs.get(0).resolve(PackLoader.MANIFEST))) {
                        root = dirs.get(0);
                    }
                }
            }
            ModelPack pack = PackLoader.load(root);
            new PackVerifier(HashCache.defaultCache()).verifyOrThrow(pack);
            Path dest = modelsDir.resolve(pack.id());
            if (Files.exists(dest)) {
                throw new IOException("a pack named '" + pack.id() + "' is already installed at " + dest + "; remove it first");
            }
            Files.move(root, dest, StandardCopyOption.ATOMIC_MOVE);
            return PackLoader.load(dest);
        } finally {
            deleteTree(staging);
        }
    }

    static void unzip(Path zip, Path into) throws IOException {
        Path base = into.toRealPath();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                String name = e.getName();
                if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")) {
                    throw new IOException(zip.getFileName() + ": entry '" + name + "' has an absolute path; refused (packs must be self-contained)");
                }
                for (String part : name.split("[/\\\\]")) {
                    if (part.equals("..")) {
                        throw new IOException(zip.getFileName() + ": entry '" + name + "' contains '..'; refused (it would write outside the pack folder)");
                    }
                }
                Path out = base.resolve(name).normalize();
                if (!out.startsWith(base)) {
                    throw new IOException(zip.getFileName() + ": entry '" + name + "' resolves outside the pack folder; refused");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                if (Files.isSymbolicLink(p)) {
                    throw new IOException(p + " is a symbolic link; packs must be self-contained");
                }
                Path d = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(d);
                } else {
                    Files.copy(p, d, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Removes a pack installed in the user's models folder; packs shipped with Kinora stay. */
    public void remove(PackInfo p) {
        Path dir = p.dir().toAbsolutePath().normalize();
        if (!dir.startsWith(target.toAbsolutePath().normalize())) {
            message.set(p.id() + " ships with Kinora (" + dir + ") and is not removed here");
            return;
        }
        studio.exec().background(() -> {
            deleteTree(dir);
            return null;
        }, v -> {
            message.set("removed " + p.id());
            refresh();
        }, e -> message.set("cannot remove " + p.id() + ": " + e.getMessage()));
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public static Path defaultTarget() {
        return PackRegistry.userModels();
    }
}
