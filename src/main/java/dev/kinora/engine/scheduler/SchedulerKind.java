package dev.kinora.engine.scheduler;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The registry of samplers; the id is what pack manifests and the UI store. */
public enum SchedulerKind {
    FLOW_EULER("flow-euler", true, FlowEulerScheduler::new),
    FLOW_HEUN("flow-heun", true, FlowHeunScheduler::new),
    FLOW_DPMPP_2M("flow-dpm++2m", true, FlowDpmSolverMultistepScheduler::new),
    FLOW_UNIPC("flow-unipc", true, UniPcMultistepScheduler::new),
    DDIM("ddim", false, DdimScheduler::new),
    EULER("euler", false, EulerDiscreteScheduler::new),
    DPMPP_2M("dpm++2m", false, c -> DpmSolverMultistepScheduler.fromKinora(c, false)),
    DPMPP_2M_KARRAS("dpm++2m-karras", false, c -> DpmSolverMultistepScheduler.fromKinora(c, true)),
    LCM("lcm", false, LcmScheduler::fromKinora),
    EULER_A("euler-a", false, EulerAncestralScheduler::fromKinora);

    private final String id;
    private final boolean flow;
    private final Function<SchedulerConfig, Scheduler> factory;

    SchedulerKind(String id, boolean flow, Function<SchedulerConfig, Scheduler> factory) {
        this.id = id;
        this.flow = flow;
        this.factory = factory;
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
