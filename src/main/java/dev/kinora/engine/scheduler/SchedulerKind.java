package dev.kinora.engine.scheduler;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The registry of samplers; the id is what pack manifests and the UI store. */
public enum SchedulerKind {
    FLOW_EULER("flow-euler", true, FlowEulerScheduler::new, null),
    FLOW_HEUN("flow-heun", true, FlowHeunScheduler::new, null),
    FLOW_DPMPP_2M("flow-dpm++2m", true, FlowDpmSolverMultistepScheduler::new, null),
    FLOW_UNIPC("flow-unipc", true, UniPcMultistepScheduler::new, null),
    DDIM("ddim", false, DdimScheduler::new, null),
    EULER("euler", false, EulerDiscreteScheduler::new, null),
    DPMPP_2M("dpm++2m", false, c -> DpmSolverMultistepScheduler.fromKinora(c, false), c -> DpmSolverMultistepScheduler.overConfig(c, false)),
    DPMPP_2M_KARRAS("dpm++2m-karras", false, c -> DpmSolverMultistepScheduler.fromKinora(c, true),
            c -> DpmSolverMultistepScheduler.overConfig(c, true)),
    LCM("lcm", false, LcmScheduler::fromKinora, LcmScheduler::overConfig),
    EULER_A("euler-a", false, EulerAncestralScheduler::fromKinora, EulerAncestralScheduler::overConfig);

    private final String id;
    private final boolean flow;
    private final Function<SchedulerConfig, Scheduler> factory;
    /** diffusers' {@code from_config} onto another DDPM class's config, for the samplers that are such a class; else null. */
    private final Function<DiffusersConfig, Scheduler> fromConfig;

    SchedulerKind(String id, boolean flow, Function<SchedulerConfig, Scheduler> factory, Function<DiffusersConfig, Scheduler> fromConfig) {
        this.id = id;
        this.flow = flow;
        this.factory = factory;
        this.fromConfig = fromConfig;
    }

    /** Whether this sampler is a diffusers class that a pack's DDPM config can be read into, exactly as {@code from_config}. */
    public boolean readsOtherConfigs() {
        return fromConfig != null;
    }

    /**
     * This sampler on a pack's diffusers config of another class, as {@code from_config} makes it.
     *
     * @throws IllegalArgumentException when the config's noise levels or timesteps cannot be followed (CogVideoX, SVD,
     *                                  flow), or this kind reads no other config
     */
    public Scheduler fromConfig(DiffusersConfig other) {
        if (fromConfig == null) {
            throw new IllegalArgumentException(id + " is Kinora's own sampler, not a diffusers class a config can be read into");
        }
        return fromConfig.apply(other);
    }

    public String id() {
        return id;
    }

    /** Whether this sampler integrates the rectified-flow ODE (sigma in [0,1]) rather than a DDPM noise schedule. */
    public boolean isFlow() {
        return flow;
    }

    /** A fresh scheduler; throws if the config's prediction type does not fit this kind. */
    public Scheduler create(SchedulerConfig config) {
        return factory.apply(config);
    }

    /** The ids of the samplers for DDPM (epsilon/v) packs, for messages: "ddim, euler, … or euler-a". */
    public static String ddpmIds() {
        java.util.List<String> ids = Arrays.stream(values()).filter(k -> !k.flow).map(SchedulerKind::id).toList();
        return String.join(", ", ids.subList(0, ids.size() - 1)) + " or " + ids.get(ids.size() - 1);
    }

    public static SchedulerKind byId(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (SchedulerKind kind : values()) {
            if (kind.id.equals(wanted)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Unknown scheduler \"" + id + "\"; valid ids are: "
                + Arrays.stream(values()).map(SchedulerKind::id).collect(Collectors.joining(", ")));
    }
}
