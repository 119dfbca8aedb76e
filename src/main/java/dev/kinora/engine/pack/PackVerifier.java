package dev.kinora.engine.pack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a pack before any of its files reaches ONNX Runtime: every declared file present, inside
 * the pack folder (no '..', absolute paths or symlinks leading out, external-data locations
 * included), of the declared size and sha256. Tensor names and shapes are checked against the
 * sessions when they load (see the model layer).
 *
 * <p>Unless told otherwise it reads every byte ({@link Verification#FULL}); {@link Verification#QUICK}
 * lets the {@link HashCache} answer for files it can prove unchanged.
 */
public final class PackVerifier {
    private final HashCache hashes;

    public PackVerifier(HashCache hashes) {
        this.hashes = hashes;
    }

    public record Report(ModelPack pack, List<String> problems, long totalBytes) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Verifies every byte and throws with the problems; packs are used only when this passes. */
    public void verifyOrThrow(ModelPack pack) throws PackException {
        verifyOrThrow(pack, Verification.FULL);
    }

    public void verifyOrThrow(ModelPack pack, Verification depth) throws PackException {
        Report r = verify(pack, depth);
        if (!r.ok()) {
            throw new PackException("model pack '" + pack.id() + "' failed verification: " + String.join("; ", r.problems()));
        }
    }

    /** Verifies every byte of every file. */
    public Report verify(ModelPack pack) {
        return verify(pack, Verification.FULL);
    }

    public Report verify(ModelPack pack, Verification depth) {
        List<String> problems = new ArrayList<>();
        long total = 0;
        Path root;
        try {
            root = pack.root().toRealPath();
        } catch (IOException e) {
            return new Report(pack, List.of(pack.root() + ": cannot be resolved: " + e.getMessage()), 0);
        }
        Set<String> declared = new HashSet<>();
        for (Component c : pack.components().values()) {
            declared.add(normal(c.file()));
        }
        for (Component c : pack.extraFiles()) {
            declared.add(normal(c.file()));
        }
        List<Component> all = new ArrayList<>(pack.components().values());
        all.addAll(pack.extraFiles());
        for (Component c : all) {
            String problem = checkFile(root, c, depth);
            if (problem != null) {
                problems.add(problem);
                continue;
            }
            total += c.size();
            if (c.file().endsWith(".onnx")) {
                problems.addAll(checkExternalData(root, c, declared));
            }
        }
        return new Report(pack, problems, total);
    }

    private String checkFile(Path root, Component c, Verification depth) {
        String containment = containment(root, c.file());
        if (containment != null) {
            return c.file() + ": " + containment;
        }
        Path p = root.resolve(c.file());
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return p + ": missing (component '" + c.key() + "'); reinstall the pack or restore the file";
        }
        try {
            Path real = p.toRealPath();
            if (!real.startsWith(root)) {
                return p + ": is a link to " + real + ", outside the pack folder " + root + "; packs must be self-contained";
            }
            if (!Files.isRegularFile(real)) {
                return p + ": expected a regular file";
            }
            long size = Files.size(real);
            if (size != c.size()) {
                return p + ": expected " + c.size() + " bytes but found " + size + " (truncated or replaced file)";
            }
            String sha = hashes.sha256(real, depth);
            if (!sha.equals(c.sha256())) {
                return p + ": sha256 mismatch (component '" + c.key() + "'): expected " + c.sha256() + " (pack.json), found "
                        + sha + "; the file is corrupt or was tampered with: reinstall the pack";
            }
        } catch (IOException e) {
            return p + ": cannot be read: " + e.getMessage();
        }
        return null;
    }

    private List<String> checkExternalData(Path root, Component c, Set<String> declared) {
        List<String> problems = new ArrayList<>();
        Path model = root.resolve(c.file());
        List<String> locations;
        try {
            locations = OnnxExternalData.locations(model);
        } catch (IOException e) {
            return List.of(e.getMessage());
        }
        Path dir = model.getParent();
        for (String loc : locations) {
            String rel = root.relativize(dir.resolve(loc).normalize()).toString();
            String containment = containment(root, rel);
            if (containment != null || Path.of(loc).isAbsolute() || loc.contains("..")) {
                problems.add(model + ": external data location '" + loc + "' leaves the pack folder; refused");
            } else if (!declared.contains(normal(rel))) {
                problems.add(model + ": external data file '" + loc + "' is not declared with a sha256 in pack.json (extraFiles)");
            }
        }
        return problems;
    }

    /** Returns why a manifest path may not be used, or null when it stays inside the root. */
    static String containment(Path root, String file) {
        if (file.isBlank()) {
            return "empty path";
        }
        Path rel = Path.of(file);
        if (rel.isAbsolute() || file.startsWith("/") || file.startsWith("\\") || file.matches("^[A-Za-z]:.*")) {
            return "absolute paths are not allowed in a pack; use a path relative to the pack folder";
        }
        for (Path part : rel) {
            if (part.toString().equals("..")) {
                return "'..' is not allowed in a pack path; every file must be inside the pack folder";
            }
        }
        if (!root.resolve(rel).normalize().startsWith(root)) {
            return "resolves outside the pack folder";
        }
        return null;
    }

    private static String normal(String file) {
        return Path.of(file).normalize().toString();
    }
}
