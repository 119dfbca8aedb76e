package dev.kinora.app.prompt;

import dev.kinora.engine.Frames;
import dev.kinora.engine.pack.Mode;
import dev.kinora.project.SourceRole;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One conditioning input of the prompt editor, showing the selected shot's source of one role
 * (A = where the shot starts, B = where it must end): the file, its preview frames and a line
 * with size and duration.
 */
public final class SourceSlot {
    private final String name;
    private final SourceRole role;
    private final StringProperty path = new SimpleStringProperty("");
    private final ObjectProperty<Frames> frames = new SimpleObjectProperty<>();
    private final StringProperty info = new SimpleStringProperty("");

    public SourceSlot(String name, SourceRole role) {
        this.name = name;
        this.role = role;
    }

    public String name() {
        return name;
    }

    public SourceRole role() {
        return role;
    }

    public StringProperty pathProperty() {
        return path;
    }

    public ObjectProperty<Frames> framesProperty() {
        return frames;
    }

    public StringProperty infoProperty() {
        return info;
    }

    /**
     * Whether a job in {@code mode} reads this slot: the start (A) for every mode that begins from
     * something (animate, extend, connect, loop, remix), the end (B) only to connect two.
     */
    public boolean usedBy(Mode mode) {
        return switch (mode) {
            case GENERATE -> false;
            case INTERPOLATE -> true;
            case ANIMATE, EXTEND, LOOP, REMIX -> role == SourceRole.START;
        };
    }

    public boolean filled() {
        return !path.get().isEmpty();
    }

    void show(String reference, String label, Frames f) {
        path.set(reference);
        frames.set(f);
        if (f == null) {
            info.set(label + (reference.isEmpty() ? "" : " · missing or unreadable"));
        } else {
            info.set(label + " · " + f.width() + "×" + f.height() + (f.count() > 1
                    ? " · " + f.count() + " frames · " + String.format("%.1f s", f.durationSeconds()) : " · still"));
        }
    }

    void clearView() {
        path.set("");
        frames.set(null);
        info.set("");
    }
}
