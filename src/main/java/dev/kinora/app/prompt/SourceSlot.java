package dev.kinora.app.prompt;

import dev.kinora.app.model.SourceRef;
import dev.kinora.engine.Frames;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** One conditioning input of the prompt editor: what was dropped, its preview frames and a one-line description. */
public final class SourceSlot {
    private final String name;
    private final ObjectProperty<SourceRef> ref = new SimpleObjectProperty<>();
    private final ObjectProperty<Frames> frames = new SimpleObjectProperty<>();
    private final StringProperty info = new SimpleStringProperty("");

    public SourceSlot(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public ObjectProperty<SourceRef> refProperty() {
        return ref;
    }

    public ObjectProperty<Frames> framesProperty() {
        return frames;
    }

    public StringProperty infoProperty() {
        return info;
    }

    public boolean filled() {
        return ref.get() != null;
    }

    public void set(SourceRef r, Frames f, String label) {
        ref.set(r);
        frames.set(f);
        info.set(label + " · " + f.width() + "×" + f.height() + (f.count() > 1
                ? " · " + f.count() + " frames · " + String.format("%.1f s", f.durationSeconds()) : " · still"));
    }

    public void clear() {
        ref.set(null);
        frames.set(null);
        info.set("");
    }
}
