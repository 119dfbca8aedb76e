package dev.kinora.app.queue;

import dev.kinora.app.model.JobRecord;
import dev.kinora.app.model.JobSpec;
import dev.kinora.app.model.JobState;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** A row of the render queue, observable so the list cell updates as the job runs. */
public final class JobItem {
    private final String id;
    private final JobSpec spec;
    private final String created;
    private final ObjectProperty<JobState> state = new SimpleObjectProperty<>();
    private final DoubleProperty progress = new SimpleDoubleProperty();
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty eta = new SimpleStringProperty("");
    private final StringProperty device = new SimpleStringProperty("");
    private final StringProperty takeId = new SimpleStringProperty("");

    public JobItem(String id, JobSpec spec, String created, JobState state) {
        this.id = id;
        this.spec = spec;
        this.created = created;
        this.state.set(state);
    }

    public static JobItem of(JobRecord r) {
        JobItem j = new JobItem(r.id(), r.spec(), r.created(), r.state());
        j.progress.set(r.progress());
        j.message.set(r.message());
        j.device.set(r.device());
        j.takeId.set(r.takeId());
        return j;
    }

    public JobRecord record() {
        return new JobRecord(id, spec, state.get(), progress.get(), message.get(), device.get(), created, takeId.get());
    }

    public String id() {
        return id;
    }

    public JobSpec spec() {
        return spec;
    }

    public ObjectProperty<JobState> stateProperty() {
        return state;
    }

    public JobState state() {
        return state.get();
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public StringProperty messageProperty() {
        return message;
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
