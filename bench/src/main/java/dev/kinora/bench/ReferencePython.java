package dev.kinora.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which python runs the PyTorch reference (models/tinyworld/bench/reference.py): the repository's
 * .venv with torch 2.13 (bench/setup-python.sh makes it), else Debian's /usr/bin/python3 and its
 * older python3-torch, labelled as the fallback wherever a result names its python.
 */
public final class ReferencePython {
    public static final String DEBIAN = "/usr/bin/python3";

    private ReferencePython() {
    }

    /** {@code given} when set, else the repository's venv under {@code home}, else Debian's python3. */
    public static String orDefault(String given, Path home) {
        if (given != null && !given.isBlank()) {
            return given;
        }
        Path venv = venv(home);
        return Files.isExecutable(venv) ? venv.toString() : DEBIAN;
    }

    public static Path venv(Path home) {
        return home.resolve(".venv").resolve("bin").resolve("python");
    }

    /** The path, with "(fallback: …)" when it is Debian's python3 rather than the repository's venv. */
    public static String describe(String python) {
        return DEBIAN.equals(python) ? python + " (fallback: Debian's python3-torch, not the venv's torch 2.13; run bench/setup-python.sh)"
                : python;
    }
}
