package dev.kinora.engine.scheduler;

/** The flow forward process {@code x_t = (1 - sigma)*x0 + sigma*noise} and its inverse, shared by the flow samplers. */
final class FlowNoise {

    private FlowNoise() {
    }

    static float[] addNoise(float[] original, float[] noise, double sigma) {
        Predictions.requireSameLength(original, noise, "addNoise");
        float[] out = new float[original.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) ((1.0 - sigma) * original[j] + sigma * noise[j]);
        }
        return out;
    }

    static float[] predictOriginal(PredictionType type, float[] modelOutput, float[] sample, double sigma) {
        Predictions.requireSameLength(modelOutput, sample, "predictOriginal");
        float[] out = new float[sample.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) Predictions.flowX0(type, modelOutput[j], sample[j], sigma);
        }
        return out;
    }
}
