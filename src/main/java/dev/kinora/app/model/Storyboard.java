package dev.kinora.app.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The document the studio edits: settings, prompt history and the shots in reel order. Immutable. */
public record Storyboard(String title, GenSettings settings, List<String> promptHistory, List<Shot> shots) {
    public static final int HISTORY_LIMIT = 50;

    public Storyboard {
        title = title == null || title.isBlank() ? "Untitled" : title;
        settings = settings == null ? GenSettings.defaults() : settings;
        promptHistory = List.copyOf(promptHistory == null ? List.of() : promptHistory);
        shots = List.copyOf(shots == null ? List.of() : shots);
    }

    public static Storyboard blank(String title) {
        return new Storyboard(title, GenSettings.defaults(), List.of(), List.of(Shot.empty("shot-1", 16)));
    }

    public Optional<Shot> shot(String id) {
        return shots.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public int indexOf(String id) {
        for (int i = 0; i < shots.size(); i++) {
            if (shots.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    public Optional<Shot> previous(String id) {
        int i = indexOf(id);
        return i > 0 ? Optional.of(shots.get(i - 1)) : Optional.empty();
    }

    public int totalFrames() {
        return shots.stream().mapToInt(Shot::durationFrames).sum();
    }

    /** The reel frame at which a shot starts. */
    public int startOf(String id) {
        int at = 0;
        for (Shot s : shots) {
            if (s.id().equals(id)) {
                return at;
            }
            at += s.durationFrames();
        }
        return at;
    }

    public Storyboard withSettings(GenSettings s) {
        return new Storyboard(title, s, promptHistory, shots);
    }

    public Storyboard withTitle(String t) {
        return new Storyboard(t, settings, promptHistory, shots);
    }

    public Storyboard withShots(List<Shot> s) {
        return new Storyboard(title, settings, promptHistory, s);
    }

    public Storyboard mapShot(String id, UnaryOperator<Shot> f) {
        List<Shot> out = new ArrayList<>(shots.size());
        for (Shot s : shots) {
            out.add(s.id().equals(id) ? f.apply(s) : s);
        }
        return withShots(out);
    }

    /** Most recent first, without duplicates, bounded so the project file stays small. */
    public Storyboard rememberPrompt(String prompt) {
        if (prompt == null || prompt.isBlank()) {
            return this;
        }
        List<String> h = new ArrayList<>(promptHistory);
        h.remove(prompt);
        h.add(0, prompt);
        while (h.size() > HISTORY_LIMIT) {
            h.remove(h.size() - 1);
        }
        return new Storyboard(title, settings, h, shots);
    }

    /** A shot id not used yet in this storyboard. */
    public String freshShotId() {
        int n = shots.size() + 1;
        while (shot("shot-" + n).isPresent()) {
            n++;
        }
        return "shot-" + n;
    }
}
