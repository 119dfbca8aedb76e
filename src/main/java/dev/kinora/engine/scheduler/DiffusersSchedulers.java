package dev.kinora.engine.scheduler;

import java.util.HashMap;
import java.util.Map;

/**
 * Schedulers exact to diffusers: the sampler for a {@code scheduler_config.json}'s class, computing the timesteps,
 * sigmas and steps diffusers computes for it (to float32 rounding; see {@code SchedulerGoldenTest}).
 *
 * <table>
 *   <caption>diffusers class to Kinora sampler</caption>
 *   <tr><th>{@code _class_name}</th><th>sampler</th></tr>
 *   <tr><td>FlowMatchEulerDiscreteScheduler</td><td>{@link FlowEulerScheduler}</td></tr>
 *   <tr><td>FlowMatchHeunDiscreteScheduler</td><td>{@link FlowHeunScheduler}</td></tr>
 *   <tr><td>UniPCMultistepScheduler</td><td>{@link UniPcMultistepScheduler}</td></tr>
 *   <tr><td>DDIMScheduler, CogVideoXDDIMScheduler</td><td>{@link DdimScheduler}</td></tr>
 *   <tr><td>EulerDiscreteScheduler</td><td>{@link EulerDiscreteScheduler}</td></tr>
 *   <tr><td>DPMSolverMultistepScheduler</td><td>{@link DpmSolverMultistepScheduler}</td></tr>
 *   <tr><td>LCMScheduler</td><td>{@link LcmScheduler}</td></tr>
 *   <tr><td>EulerAncestralDiscreteScheduler</td><td>{@link EulerAncestralScheduler}</td></tr>
 * </table>
 */
public final class DiffusersSchedulers {

    private DiffusersSchedulers() {
    }

    /**
     * A fresh scheduler for the config (one per run, as every {@link Scheduler}).
     *
     * @param inputs what the family's pipeline passes besides the step count (image sequence length for dynamic
     *               shifting, pipeline sigmas)
     * @throws IllegalArgumentException when the config needs an input that is missing (dynamic shifting without a
     *                                  sequence length) or pipeline sigmas are asked of a DDPM scheduler
     */
    public static Scheduler create(DiffusersConfig config, TimestepInputs inputs) {
        if (inputs.pipelineSigmas() && !config.isFlow()) {
            throw new IllegalArgumentException(config.schedulerClass().diffusersName()
                    + " takes no pipeline sigmas; they belong to flow schedulers (LTX-Video and Flux pass linspace(1, 1/n, n))");
        }
        boolean dynamic = config.isFlow() && config.has("use_dynamic_shifting") && config.flag("use_dynamic_shifting");
        if (dynamic) {
            DiffusersSchedules.mu(config, inputs); // fails now, naming what is missing, rather than at setTimesteps
        }
        return switch (config.schedulerClass()) {
            case FLOW_MATCH_EULER -> FlowEulerScheduler.fromDiffusers(config, inputs);
            case FLOW_MATCH_HEUN -> FlowHeunScheduler.fromDiffusers(config, inputs);
            case UNIPC_MULTISTEP -> UniPcMultistepScheduler.fromDiffusers(config, inputs);
            case DDIM, COGVIDEOX_DDIM -> DdimScheduler.fromDiffusers(config);
            case EULER_DISCRETE -> EulerDiscreteScheduler.fromDiffusers(config);
            case DPM_SOLVER_MULTISTEP -> DpmSolverMultistepScheduler.fromDiffusers(config, inputs);
            case LCM -> LcmScheduler.fromDiffusers(config);
            case EULER_ANCESTRAL -> EulerAncestralScheduler.fromDiffusers(config);
        };
    }

    /**
     * Another DDPM scheduler's config read by a different class, as {@code Target.from_config(config, **overrides)} does in
     * diffusers (how users swap samplers on a pipeline): the training schedule's keys carry over, the other class's own
     * are dropped.
     *
     * @param samplerId the Kinora sampler asked for, for messages
     * @throws IllegalArgumentException when the config's noise levels or timesteps mean something the target cannot
     *                                  reproduce: CogVideoX's SNR shift, SVD's continuous timesteps, flow sigmas
     */
    static DiffusersConfig fromConfig(DiffusersConfig other, DiffusersConfig.SchedulerClass target, Map<String, ?> overrides,
                                      String samplerId) {
        String why = switch (other.schedulerClass()) {
            case COGVIDEOX_DDIM -> "its SNR shift (snr_shift_scale) changes the noise levels, which " + target.diffusersName() + " does not read";
            case EULER_DISCRETE -> other.text("timestep_type").equals("continuous")
                    ? "its model takes continuous timesteps (0.25 log sigma), and " + samplerId + "'s are discrete" : null;
            default -> other.isFlow() ? "it is a flow schedule, and " + samplerId + " follows a DDPM noise schedule; use flow-euler,"
                    + " flow-heun, flow-dpm++2m or flow-unipc" : null;
        };
        if (why != null) {
            throw new IllegalArgumentException(samplerId + " cannot run over " + other.source() + " (" + other.schedulerClass().diffusersName()
                    + "): " + why);
        }
        Map<String, Object> all = new HashMap<>(overrides);
        all.put("_class_name", target.diffusersName());
        return other.with(all, samplerId);
    }

    /** pack.json's training schedule (a pack without a diffusers config) as a config of the target class, diffusers' defaults otherwise. */
    static DiffusersConfig fromKinora(SchedulerConfig config, DiffusersConfig.SchedulerClass target, Map<String, ?> extra, String samplerId) {
        String prediction = switch (config.predictionType()) {
            case EPSILON -> "epsilon";
            case V_PREDICTION -> "v_prediction";
            case SAMPLE -> "sample";
            case FLOW_VELOCITY -> throw new IllegalArgumentException(samplerId + " follows a DDPM noise schedule; a flow pack samples with"
                    + " flow-euler, flow-heun, flow-dpm++2m or flow-unipc");
        };
        Map<String, Object> json = new HashMap<>(extra);
        json.put("_class_name", target.diffusersName());
        json.put("num_train_timesteps", config.numTrainTimesteps());
        json.put("beta_start", (double) config.betaStart());
        json.put("beta_end", (double) config.betaEnd());
        json.put("beta_schedule", config.betaSchedule());
        json.put("prediction_type", prediction);
        return DiffusersConfig.parse(json, "pack.json's schedule");
    }

    /** The config's key for the flow time shift: FlowMatch configs call it "shift", UniPC ones "flow_shift". */
    public static String shiftKey(DiffusersConfig config) {
        if (!config.isFlow()) {
            throw new IllegalArgumentException(config.schedulerClass().diffusersName() + " without flow sigmas has no time shift");
        }
        return config.schedulerClass() == DiffusersConfig.SchedulerClass.FLOW_MATCH_EULER
                || config.schedulerClass() == DiffusersConfig.SchedulerClass.FLOW_MATCH_HEUN ? "shift" : "flow_shift";
    }

    /** The value of the config's static shift key (1 when the file leaves it out, diffusers' default). */
    public static double configShift(DiffusersConfig config) {
        return config.number(shiftKey(config));
    }

    /** Whether the flow config shifts by the image sequence length (then its static shift key is not used). */
    public static boolean dynamicShift(DiffusersConfig config) {
        return config.isFlow() && config.has("use_dynamic_shifting") && config.flag("use_dynamic_shifting");
    }

    /**
     * The static shift {@code s} whose {@code s·σ / (1 + (s−1)·σ)} equals the config's shift of the levels for these
     * inputs: the shift key itself, or for dynamic shifting {@code exp(µ)} (exponential) or {@code µ} (linear)
     * — both of diffusers' time shifts are that same map with {@code s} in place of {@code exp(µ)} or {@code µ}.
     * Lets one of Kinora's own samplers walk the levels a flow pack was trained on.
     */
    public static double equivalentShift(DiffusersConfig config, TimestepInputs inputs) {
        if (!dynamicShift(config)) {
            return configShift(config);
        }
        double mu = DiffusersSchedules.mu(config, inputs);
        return config.text("time_shift_type").equals("exponential") ? Math.exp(mu) : mu;
    }
}
