package dev.kinora.project;

import dev.kinora.engine.pack.Mode;
import java.util.ArrayList;
import java.util.List;

/**
 * The storyboard's edits. Each is a record so two edits compare by value (tests, coalescing) and any
 * random ids are chosen when the command is made, not when it is applied: redo gives the same shot.
 */
public final class Commands {
    private Commands() {
    }

    // ---- factories that choose fresh ids ----

    public static AddShot appendShot(Shot shot) {
        return new AddShot(shot, Integer.MAX_VALUE);
    }

    public static DuplicateShot duplicateShot(String shotId) {
        return new DuplicateShot(shotId, Ids.newId());
    }

    public static SplitShot splitShot(String shotId, double atSeconds) {
        return new SplitShot(shotId, atSeconds, Ids.newId());
    }

    /** Toggling reads the current value so that the command itself stays a plain "set". */
    public static SetContinueFromPrevious toggleContinueFromPrevious(Project p, String shotId) {
        return new SetContinueFromPrevious(shotId, !p.requireShot(shotId).continueFromPrevious());
    }

    // ---- shots ----

    /** Inserts a shot at {@code index}, clamped to the reel (so MAX_VALUE appends). */
    public record AddShot(Shot shot, int index) implements Command {
        public String name() {
            return "Add Shot";
        }

        public Project apply(Project p) {
            if (p.indexOf(shot.id()) >= 0) {
                throw new IllegalArgumentException("the project already has a shot with id " + shot.id());
            }
            List<Shot> list = new ArrayList<>(p.shots());
            list.add(Math.max(0, Math.min(index, list.size())), shot);
            return p.withShots(list);
        }
    }

    /**
     * Copies a shot's prompt and settings next to it, without its takes: a duplicate is a new card to
     * try a variation on, and sharing take ids or media between cards would make deleting one risky.
     */
    public record DuplicateShot(String shotId, String newId) implements Command {
        public String name() {
            return "Duplicate Shot";
        }

        public Project apply(Project p) {
            Shot s = p.requireShot(shotId);
            Shot copy = s.withId(newId).withTakes(List.of(), "");
            return new AddShot(copy, p.indexOf(shotId) + 1).apply(p);
        }
    }

    public record DeleteShot(String shotId) implements Command {
        public String name() {
            return "Delete Shot";
        }

        public Project apply(Project p) {
            p.requireShot(shotId);
            return p.withShots(p.shots().stream().filter(s -> !s.id().equals(shotId)).toList());
        }
    }

    /**
     * Cuts a shot in two at {@code atSeconds}: the first part keeps the id and the takes, the second is
     * a new card with the same prompt that continues from the first, as a re-cut then extend would.
     */
    public record SplitShot(String shotId, double atSeconds, String newId) implements Command {
        public String name() {
            return "Split Shot";
        }

        public Project apply(Project p) {
            Shot s = p.requireShot(shotId);
            if (!(atSeconds > 0 && atSeconds < s.durationSeconds())) {
                throw new IllegalArgumentException("split point " + atSeconds + " s must be inside the shot (0 to "
                        + s.durationSeconds() + " s)");
            }
            ShotSettings st = s.settings();
            ShotSettings firstSettings = st;
            ShotSettings secondSettings = st;
            if (st.frames() > 0) {
                // Explicit frame counts are split in proportion, so the two halves still add up.
                int firstFrames = (int) Math.max(1, Math.min(st.frames() - 1, Math.round(st.frames() * atSeconds / s.durationSeconds())));
                firstSettings = st.withFrames(firstFrames, st.fps());
                secondSettings = st.withFrames(Math.max(1, st.frames() - firstFrames), st.fps());
            }
            Shot first = s.withDuration(atSeconds).withSettings(firstSettings);
            Shot second = s.withId(newId).withDuration(s.durationSeconds() - atSeconds).withSettings(secondSettings)
                    .withTakes(List.of(), "").withContinueFromPrevious(true).withMode(Mode.EXTEND).withSources(List.of());
            Project q = p.withShot(first);
            return new AddShot(second, q.indexOf(shotId) + 1).apply(q);
        }
    }

    /** Moves a shot to {@code toIndex} in the reel (clamped). */
    public record MoveShot(String shotId, int toIndex) implements Command {
        public String name() {
            return "Move Shot";
        }

        public Project apply(Project p) {
            Shot s = p.requireShot(shotId);
            List<Shot> list = new ArrayList<>(p.shots());
            list.remove(p.indexOf(shotId));
            list.add(Math.max(0, Math.min(toIndex, list.size())), s);
            return p.withShots(list);
        }
    }

    public record SetDuration(String shotId, double seconds) implements Command {
        public String name() {
            return "Set Duration";
        }

        public Project apply(Project p) {
            return p.updateShot(shotId, s -> s.withDuration(seconds));
        }

        // Dragging a card's edge sends many durations; one drag is one undo step.
        public boolean coalescesWith(Command next) {
            return next instanceof SetDuration d && d.shotId.equals(shotId);
        }
    }

    public record SetTitle(String shotId, String title) implements Command {
        public String name() {
            return "Rename Shot";
        }

        public Project apply(Project p) {
            return p.updateShot(shotId, s -> s.withTitle(title));
        }

        public boolean coalescesWith(Command next) {
            return next instanceof SetTitle t && t.shotId.equals(shotId);
        }
    }

    public record EditPrompt(String shotId, String prompt) implements Command {
        public String name() {
            return "Edit Prompt";
        }

        public Project apply(Project p) {
            return p.updateShot(shotId, s -> s.withPrompt(prompt));
        }

        public boolean coalescesWith(Command next) {
            return next instanceof EditPrompt e && e.shotId.equals(shotId);
        }
    }

    public record EditNegativePrompt(String shotId, String negativePrompt) implements Command {
        public String name() {
            return "Edit Negative Prompt";
        }

        public Project apply(Project p) {
            return p.updateShot(shotId, s -> s.withNegativePrompt(negativePrompt));
        }

        public boolean coalescesWith(Command next) {
            return next instanceof EditNegativePrompt e && e.shotId.equals(shotId);
        }
    }

    public record SetMode(String shotId, Mode mode) implements Command {
        public String name() {
            return "Set Mode";
        }

        public Project apply(Project p) {
            return p.updateShot(shotId, s -> s.withMode(mode));
        }
    }

    public record SetShotSettings(String shotId, ShotSettings settings) implements Command {
        public String name() {
            return "Change Settings";
        }

        public Project apply(Project p) {
            return p.updateShot(shotId, s -> s.withSettings(settings));
        }
    }

    public record SetSources(String shotId, List<SourceRef> sources) implements Command {
        public SetSources {
            sources = List.copyOf(sources);
        }

        public String name() {
            return "Change Sources";
        }

        public Project apply(Project p) {
            return p.updateShot(shotId, s -> s.withSources(sources));
        }
    }

    public record SetContinueFromPrevious(String shotId, boolean value) implements Command {
        public String name() {
            return value ? "Continue From Previous" : "Don't Continue From Previous";
        }

        public Project apply(Project p) {
            return p.updateShot(shotId, s -> s.withContinueFromPrevious(value));
        }
    }

    // ---- takes ----

    /**
     * Adds a finished take. Call only after its media file is complete on disk: the document must never
     * name a take whose frames could be lost. Undo removes it from the shot, never the file.
     */
    public record AddTake(String shotId, Take take, boolean makeActive) implements Command {
        public String name() {
            return "Add Take";
        }

        public Project apply(Project p) {
            return p.updateShot(shotId, s -> {
                if (s.take(take.id()).isPresent()) {
                    throw new IllegalArgumentException("shot " + shotId + " already has take " + take.id());
                }
                List<Take> takes = new ArrayList<>(s.takes());
                takes.add(take);
                boolean active = makeActive || s.activeTakeId().isEmpty();
                return s.withTakes(takes, active ? take.id() : s.activeTakeId());
            });
        }
    }

    public record SetActiveTake(String shotId, String takeId) implements Command {
        public String name() {
            return "Choose Take";
        }

        public Project apply(Project p) {
            return p.updateShot(shotId, s -> {
                if (s.take(takeId).isEmpty()) {
                    throw new IllegalArgumentException("shot " + shotId + " has no take " + takeId);
                }
                return s.withTakes(s.takes(), takeId);
            });
        }
    }

    /**
     * Removes a take from the shot; the media file stays (undo must be able to bring the take back).
     * When the active take goes, the newest remaining one becomes active.
     */
    public record DeleteTake(String shotId, String takeId) implements Command {
        public String name() {
            return "Delete Take";
        }

        public Project apply(Project p) {
            return p.updateShot(shotId, s -> {
                if (s.take(takeId).isEmpty()) {
                    throw new IllegalArgumentException("shot " + shotId + " has no take " + takeId);
                }
                List<Take> left = s.takes().stream().filter(t -> !t.id().equals(takeId)).toList();
                String active = s.activeTakeId();
                if (active.equals(takeId)) {
                    active = left.isEmpty() ? "" : left.get(left.size() - 1).id();
                }
                return s.withTakes(left, active);
            });
        }
    }

    public record RenameTake(String shotId, String takeId, String label) implements Command {
        public String name() {
            return "Rename Take";
        }

        public Project apply(Project p) {
            return p.updateShot(shotId, s -> s.withTakes(s.takes().stream()
                    .map(t -> t.id().equals(takeId) ? t.withLabel(label) : t).toList(), s.activeTakeId()));
        }
    }

    // ---- project ----

    public record RenameProject(String newName) implements Command {
        public String name() {
            return "Rename Project";
        }

        public Project apply(Project p) {
            return p.withName(newName);
        }
    }

    public record SetProjectSettings(ProjectSettings settings) implements Command {
        public String name() {
            return "Change Project Settings";
        }

        public Project apply(Project p) {
            return p.withSettings(settings);
        }
    }

    /** Points every source that names {@code from} at {@code to} (see {@link ProjectStore#relink}). */
    public record RelinkSource(String from, String to) implements Command {
        public String name() {
            return "Relink Media";
        }

        public Project apply(Project p) {
            return p.withShots(p.shots().stream().map(s -> s.withSources(s.sources().stream()
                    .map(r -> r.path().equals(from) ? new SourceRef(to, r.role()) : r).toList())).toList());
        }
    }
}
