package dev.kinora.engine.scheduler;

/** A diffusers {@code scheduler_config.json} that Kinora cannot run exactly: an unknown class, key or value. */
public final class SchedulerConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SchedulerConfigException(String message) {
        super(message);
    }
}
