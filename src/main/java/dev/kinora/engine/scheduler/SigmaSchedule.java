package dev.kinora.engine.scheduler;

/** How noise levels are spaced between the start and 0; see {@link SigmaSchedules}. */
public enum SigmaSchedule {
    /** Evenly spaced (flow: sigma = 1 - i/n; epsilon: "trailing" timesteps). */
    LINEAR,
    /** Flow only: linear, then the time shift {@code shift*s / (1 + (shift-1)*s)}. */
    SHIFTED,
    /** Karras et al. (2022) rho = 7 spacing between the largest and smallest trained noise level. */
    KARRAS
}
