package dev.kinora.project;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The storyboard document. Immutable: every edit makes a new one, so undo is keeping the old one
 * and the autosaver can serialise a snapshot on its own thread without locking the UI.
 */
public record Project(int formatVersion, String name, List<Shot> shots, ProjectSettings settings) {
    /** The format this build writes. Files with a larger number open read-only. */
    public static final int FORMAT_VERSION = 1;

    public Project {
        name = name == null ? "" : name;
        shots = shots == null ? List.of() : List.copyOf(shots);
        settings = settings == null ? ProjectSettings.DEFAULTS : settings;
        Set<String> ids = new HashSet<>();
        for (Shot s : shots) {
            if (!ids.add(s.id())) {
                throw new IllegalArgumentException("two shots share the id " + s.id());
            }
        }
    }

    public static Project empty(String name) {
        return new Project(FORMAT_VERSION, name, List.of(), ProjectSettings.DEFAULTS);
    }

    public Optional<Shot> shot(String shotId) {
        return shots.stream().filter(s -> s.id().equals(shotId)).findFirst();
    }

    /** The shot with this id, or an exception naming it: for commands, where a missing shot is a bug. */
    public Shot requireShot(String shotId) {
        return shot(shotId).orElseThrow(() -> new IllegalArgumentException("no shot with id " + shotId + " in project '" + name + "'"));
    }

    /** Position in the reel, or -1. */
    public int indexOf(String shotId) {
        for (int i = 0; i < shots.size(); i++) {
            if (shots.get(i).id().equals(shotId)) {
                return i;
            }
        }
        return -1;
    }

    public Optional<Take> activeTake(String shotId) {
        return shot(shotId).flatMap(Shot::activeTake);
    }

    /** The shot before this one in the reel: the one a "continue from previous" shot starts from. */
    public Optional<Shot> previous(String shotId) {
        int i = indexOf(shotId);
        return i > 0 ? Optional.of(shots.get(i - 1)) : Optional.empty();
    }

    /** A shot and the take that plays for it. */
    public record ReelClip(Shot shot, Take take) {
    }

    /** The active takes in storyboard order; shots without a take are skipped. */
    public List<ReelClip> reel() {
        List<ReelClip> out = new ArrayList<>();
        for (Shot s : shots) {
            s.activeTake().ifPresent(t -> out.add(new ReelClip(s, t)));
        }
        return List.copyOf(out);
    }

    /** Sum of the shots' planned durations. */
    public double durationSeconds() {
        return shots.stream().mapToDouble(Shot::durationSeconds).sum();
    }

    public Project withName(String v) {
        return new Project(formatVersion, v, shots, settings);
    }

    public Project withShots(List<Shot> v) {
        return new Project(formatVersion, name, v, settings);
    }

    public Project withSettings(ProjectSettings v) {
        return new Project(formatVersion, name, shots, v);
    }

    /** Replaces the shot with the same id. */
    public Project withShot(Shot replacement) {
        int i = indexOf(replacement.id());
        if (i < 0) {
            throw new IllegalArgumentException("no shot with id " + replacement.id() + " to replace");
        }
        List<Shot> list = new ArrayList<>(shots);
        list.set(i, replacement);
        return withShots(list);
    }

    public Project updateShot(String shotId, UnaryOperator<Shot> edit) {
        return withShot(edit.apply(requireShot(shotId)));
    }
}
