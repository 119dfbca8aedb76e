package dev.kinora.app.queue;

import dev.kinora.project.JobSpec;
import dev.kinora.project.JobState;
import dev.kinora.project.QueuedJob;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * A row of the render queue: the persistent {@link QueuedJob} mirrored into properties (so the cell
 * updates in place), plus what only the running session knows (step text, ETA).
 */
public final class JobItem {
    private final String id;
    private final String shotId;
    private final ObjectProperty<JobSpec> spec = new SimpleObjectProperty<>();
    private final ObjectProperty<JobState> state = new SimpleObjectProperty<>();
    private final DoubleProperty progress = new SimpleDoubleProperty();
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty step = new SimpleStringProperty("");
    private final StringProperty eta = new SimpleStringProperty("");
    private final StringProperty device = new SimpleStringProperty("");
    private final StringProperty takeId = new SimpleStringProperty("");

    JobItem(QueuedJob j) {
        this.id = j.id();
        this.shotId = j.shotId();
        update(j);
    }

    void update(QueuedJob j) {
        spec.set(j.request());
        state.set(j.state());
        progress.set(j.progress());
        message.set(j.message());
        device.set(j.device());
        takeId.set(j.takeId());
        if (j.state() != JobState.RUNNING) {
            eta.set("");
            step.set("");
        }
    }

    public String id() {
        return id;
    }

    public String shotId() {
        return shotId;
    }

    public JobSpec spec() {
        return spec.get();
    }

    public String label() {
        String p = spec().prompt().isBlank() ? "(no prompt)" : spec().prompt();
        return spec().mode().id() + " · " + (p.length() > 48 ? p.substring(0, 47) + "…" : p);
    }

    public JobState state() {
        return state.get();
    }

    public ObjectProperty<JobState> stateProperty() {
        return state;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public StringProperty messageProperty() {
        return message;
    }

    public StringProperty stepProperty() {
        return step;
    }

    public StringProperty etaProperty() {
        return eta;
    }

    public StringProperty deviceProperty() {
        return device;
    }

    public StringProperty takeIdProperty() {
        return takeId;
    }
}
