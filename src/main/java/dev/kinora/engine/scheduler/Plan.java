package dev.kinora.engine.scheduler;

import java.util.Arrays;

/**
 * A prepared run: the timestep of every model call, and the noise level of every call followed by the level the
 * last call steps to ({@code sigmas.length == timesteps.length + 1}).
 */
record Plan(double[] timesteps, double[] sigmas) {

    Plan {
        if (sigmas.length != timesteps.length + 1) {
            throw new IllegalArgumentException("a plan needs one more sigma than timesteps, got " + timesteps.length
                    + " timesteps and " + sigmas.length + " sigmas");
        }
    }

    static final Plan EMPTY = new Plan(new double[0], new double[1]);

    int calls() {
        return timesteps.length;
    }

    /** The last {@code ceil(calls*strength)} calls (remix starts part-way, as diffusers' img2img begin index). */
    Plan lastCalls(float strength) {
        int kept = SigmaSchedules.keptSteps(calls(), strength);
        int from = calls() - kept;
        return new Plan(Arrays.copyOfRange(timesteps, from, calls()), Arrays.copyOfRange(sigmas, from, sigmas.length));
    }
}
