package dev.kinora.engine.scheduler;

/** What the denoiser returns. */
public enum PredictionType {
    /** Rectified-flow velocity {@code v = noise - x0}. */
    FLOW_VELOCITY,
    /** The added noise. */
    EPSILON,
    /** {@code v = sqrt(alphaBar)*noise - sqrt(1-alphaBar)*x0} (Salimans & Ho). */
    V_PREDICTION,
    /** The clean sample x0 itself. */
    SAMPLE
}
