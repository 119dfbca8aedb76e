package dev.kinora.engine.scheduler;

/**
 * Schedulers exact to diffusers: the sampler for a {@code scheduler_config.json}'s class, computing the timesteps,
 * sigmas and steps diffusers computes for it (to float32 rounding; see {@code SchedulerGoldenTest}).
 *
 * <table>
 *   <caption>diffusers class to Kinora sampler</caption>
 *   <tr><th>{@code _class_name}</th><th>sampler</th></tr>
 *   <tr><td>FlowMatchEulerDiscreteScheduler</td><td>{@link FlowEulerScheduler}</td></tr>
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
        boolean dynamic = config.isFlow() && config.flag("use_dynamic_shifting");
        if (dynamic) {
            DiffusersSchedules.mu(config, inputs); // fails now, naming what is missing, rather than at setTimesteps
        }
        return switch (config.schedulerClass()) {
            case FLOW_MATCH_EULER -> FlowEulerScheduler.fromDiffusers(config, inputs);
            case UNIPC_MULTISTEP -> UniPcMultistepScheduler.fromDiffusers(config, inputs);
            case DDIM, COGVIDEOX_DDIM -> DdimScheduler.fromDiffusers(config);
            case EULER_DISCRETE -> EulerDiscreteScheduler.fromDiffusers(config);
            case DPM_SOLVER_MULTISTEP -> DpmSolverMultistepScheduler.fromDiffusers(config, inputs);
            case LCM -> LcmScheduler.fromDiffusers(config);
            case EULER_ANCESTRAL -> EulerAncestralScheduler.fromDiffusers(config);
        };
    }

    /** The config's key for the flow time shift: FlowMatch configs call it "shift", UniPC ones "flow_shift". */
    public static String shiftKey(DiffusersConfig config) {
        if (!config.isFlow()) {
            throw new IllegalArgumentException(config.schedulerClass().diffusersName() + " without flow sigmas has no time shift");
        }
        return config.schedulerClass() == DiffusersConfig.SchedulerClass.FLOW_MATCH_EULER ? "shift" : "flow_shift";
    }

    /** The value of the config's static shift key (1 when the file leaves it out, diffusers' default). */
    public static double configShift(DiffusersConfig config) {
        return config.number(shiftKey(config));
    }

    /** Whether the flow config shifts by the image sequence length (then its static shift key is not used). */
    public static boolean dynamicShift(DiffusersConfig config) {
        return config.isFlow() && config.flag("use_dynamic_shifting");
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
