package dev.kinora.engine.scheduler;

import java.util.Objects;

/**
 * Everything a scheduler needs from a model pack. Flow packs use shift, timestepScale and sigmaSchedule;
 * epsilon/v packs use numTrainTimesteps and the beta schedule.
 *
 * @param numTrainTimesteps discrete training steps (1000 for nearly every pack)
 * @param shift             flow time shift (1 = none; Wan uses 3 to 5 by resolution)
 * @param timestepScale     flow only: the model timestep is {@code sigma * timestepScale}
 * @param betaStart         first beta of the training noise schedule
 * @param betaEnd           last beta of the training noise schedule
 * @param betaSchedule      "linear" or "scaled_linear" (betas linear in sqrt, as Stable Diffusion)
 * @param predictionType    what the denoiser returns
 * @param sigmaSchedule     spacing of the noise levels
 */
public record SchedulerConfig(int numTrainTimesteps, float shift, float timestepScale, float betaStart, float betaEnd,
                              String betaSchedule, PredictionType predictionType, SigmaSchedule sigmaSchedule) {

    public SchedulerConfig {
        Objects.requireNonNull(betaSchedule, "betaSchedule");
        Objects.requireNonNull(predictionType, "predictionType");
        Objects.requireNonNull(sigmaSchedule, "sigmaSchedule");
        if (numTrainTimesteps < 1) {
            throw new IllegalArgumentException("numTrainTimesteps must be >= 1, was " + numTrainTimesteps);
        }
        if (!(shift > 0f)) {
            throw new IllegalArgumentException("shift must be > 0 (1 = no shift), was " + shift);
        }
        if (!(timestepScale > 0f)) {
            throw new IllegalArgumentException("timestepScale must be > 0 (1 or 1000 for known packs), was " + timestepScale);
        }
        if (!betaSchedule.equals("linear") && !betaSchedule.equals("scaled_linear")) {
            throw new IllegalArgumentException("betaSchedule must be \"linear\" or \"scaled_linear\", was \"" + betaSchedule + "\"");
        }
    }

    /** A rectified-flow pack; SHIFTED spacing (shift 1 makes it LINEAR). */
    public static SchedulerConfig flow(float shift, PredictionType predictionType) {
        return new SchedulerConfig(1000, shift, 1000f, 0.00085f, 0.012f, "scaled_linear", predictionType, SigmaSchedule.SHIFTED);
    }

    /** A DDPM-trained pack with Stable Diffusion's beta schedule. */
    public static SchedulerConfig ddpm(PredictionType predictionType) {
        return new SchedulerConfig(1000, 1f, 1f, 0.00085f, 0.012f, "scaled_linear", predictionType, SigmaSchedule.LINEAR);
    }

    public SchedulerConfig withTimestepScale(float scale) {
        return new SchedulerConfig(numTrainTimesteps, shift, scale, betaStart, betaEnd, betaSchedule, predictionType, sigmaSchedule);
    }

    public SchedulerConfig withSigmaSchedule(SigmaSchedule schedule) {
        return new SchedulerConfig(numTrainTimesteps, shift, timestepScale, betaStart, betaEnd, betaSchedule, predictionType, schedule);
    }

    public SchedulerConfig withBetas(int trainSteps, float start, float end, String schedule) {
        return new SchedulerConfig(trainSteps, shift, timestepScale, start, end, schedule, predictionType, sigmaSchedule);
    }
}
