package dev.kinora.engine.pipeline;

import dev.kinora.engine.InvalidRequestException;
import dev.kinora.engine.pack.Mode;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.scheduler.DiffusersConfig;
import dev.kinora.engine.scheduler.DiffusersSchedulers;
import dev.kinora.engine.scheduler.Scheduler;
import dev.kinora.engine.scheduler.SchedulerConfig;
import dev.kinora.engine.scheduler.SchedulerKind;
import dev.kinora.engine.scheduler.SigmaSchedule;
import dev.kinora.engine.scheduler.TimestepInputs;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * How a job's windows are scheduled, resolved once per request from the pack and the user's overrides:
 * <ul>
 *   <li>A pack with a diffusers {@code scheduler_config.json} whose class Kinora runs exactly samples with
 *       {@link DiffusersSchedulers#create} on that config verbatim, as the family's diffusers pipeline would;
 *       dynamic shifting gets the window's latent tokens (frames × height × width) as its sequence length.
 *       {@code --shift} replaces the config's static shift (and switches dynamic shifting off); naming another
 *       sampler runs Kinora's sampler over the config's training schedule (betas, or the equivalent static shift).</li>
 *   <li>A pack without one (Tiny World) samples with Kinora's sampler over pack.json's settings.</li>
 * </ul>
 * An override that cannot apply (a flow sampler on an epsilon pack, a shift on a DDPM schedule) is refused.
 */
final class Schedule {
    private final String id;
    private final float shift;
    private final String source;
    private final IntFunction<Scheduler> factory;

    private Schedule(String id, float shift, String source, IntFunction<Scheduler> factory) {
        this.id = id;
        this.shift = shift;
        this.source = source;
        this.factory = factory;
    }

    /** The sampler id recorded in the recipe; giving it back (with {@link #shift()}) reproduces this schedule. */
    String id() {
        return id;
    }

    /** The flow time shift recorded in the recipe: the config's own unless the user replaced it. */
    float shift() {
        return shift;
    }

    /** Whether the sampler's sigmas are flow times (in [0, 1]) rather than VP/VE noise scales. */
    boolean flow() {
        return SchedulerKind.byId(id).isFlow();
    }

    /** Where the schedule comes from, for logs: a config file (exact) or Kinora's sampler. */
    String source() {
        return source;
    }

    /**
     * Whether this many steps (at this remix strength) make a schedule: some samplers take fewer than others (LCM at most
     * its distillation schedule's length), so a request is refused before any work rather than at its first step.
     */
    void checkSteps(int windowFrames, int steps, float strength) throws InvalidRequestException {
        try {
            create(windowFrames).setTimesteps(steps, strength);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("scheduler '" + id + "': " + e.getMessage());
        }
    }

    /** A fresh scheduler for a window of this many (latent) frames. */
    Scheduler create(int windowFrames) {
        return factory.apply(windowFrames);
    }

    /**
     * The schedule of one job: the requested sampler (blank: the pack's) at the requested shift (NaN: the pack's own for
     * this job, {@code defaults.shiftByMode} or {@code scheduler.shift}).
     */
    static Schedule resolve(LoadedPack lp, Mode mode, String requested, float requestedShift) throws InvalidRequestException, PackException {
        ModelPack pack = lp.pack();
        String wanted = requested.isBlank() ? pack.defaults().scheduler() : requested.trim().toLowerCase(Locale.ROOT);
        SchedulerKind kind;
        try {
            kind = SchedulerKind.byId(wanted);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        DiffusersConfig config = lp.schedulerConfig().orElse(null);
        boolean flowPack = config != null ? config.isFlow()
                : pack.prediction().startsWith("flow") || pack.prediction().equals("sample");
        if (kind.isFlow() != flowPack) {
            throw new InvalidRequestException("scheduler '" + kind.id() + "' does not fit model '" + pack.id() + "' (prediction "
                    + pack.prediction() + (config == null ? "" : ", " + config.schedulerClass().diffusersName()) + "); use "
                    + (flowPack ? "flow-euler, flow-heun, flow-dpm++2m or flow-unipc" : SchedulerKind.ddpmIds()));
        }
        if (!Float.isNaN(requestedShift) && !(requestedShift > 0)) {
            throw new InvalidRequestException("shift must be positive, got " + requestedShift);
        }
        // A recipe gives the shift back that it recorded: the pack's own shift for the job is no override.
        float packShift = pack.defaults().shift(mode);
        boolean shiftGiven = !Float.isNaN(requestedShift) && requestedShift != packShift;
        if (shiftGiven && !kind.isFlow()) {
            throw new InvalidRequestException("shift " + requestedShift + " does not apply to model '" + pack.id() + "': its sampler "
                    + kind.id() + " follows a DDPM noise schedule (prediction " + pack.prediction() + "), which has no time shift; leave --shift out");
        }
        int window = pack.frames();
        // a job's own shift (shiftByMode) replaces a config's as a request's would; otherwise the config's stands
        float shift = shiftGiven ? requestedShift : packShift != pack.defaults().shift() ? packShift : Float.NaN;
        Schedule s;
        try {
            if (config != null && kind.id().equals(exactId(config))) {
                s = exact(lp, config, kind, shift);
            } else if (config != null) {
                s = kinoraOverConfig(lp, config, kind, shift);
            } else {
                s = kinora(pack, kind, Float.isNaN(shift) ? pack.defaults().shift() : shift);
            }
            s.create(window); // a config that cannot serve this pack fails now, naming why, not in the first window
        } catch (IllegalArgumentException e) { // SchedulerConfigException too: an override made the config invalid
            throw new InvalidRequestException("scheduler '" + kind.id() + "' cannot sample model '" + pack.id() + "': " + e.getMessage());
        }
        return s;
    }

    /** The Kinora sampler id a diffusers class maps to (PackLoader's mapping): asking for it asks for the class itself. */
    static String exactId(DiffusersConfig c) {
        return switch (c.schedulerClass()) {
            case FLOW_MATCH_EULER -> SchedulerKind.FLOW_EULER.id();
            case FLOW_MATCH_HEUN -> SchedulerKind.FLOW_HEUN.id();
            case UNIPC_MULTISTEP -> c.isFlow() ? SchedulerKind.FLOW_UNIPC.id() : SchedulerKind.DDIM.id();
            case DDIM, COGVIDEOX_DDIM -> SchedulerKind.DDIM.id();
            case EULER_DISCRETE -> SchedulerKind.EULER.id();
            case DPM_SOLVER_MULTISTEP -> c.isFlow() ? SchedulerKind.FLOW_DPMPP_2M.id()
                    : Boolean.TRUE.equals(c.value("use_karras_sigmas")) ? SchedulerKind.DPMPP_2M_KARRAS.id() : SchedulerKind.DPMPP_2M.id();
            case LCM -> SchedulerKind.LCM.id();
            case EULER_ANCESTRAL -> SchedulerKind.EULER_A.id();
        };
    }

    /** Tokens the denoiser sees for a window: latent frames × height × width (no patching is declared by packs yet). */
    static int tokens(ModelPack pack, int windowFrames) {
        return windowFrames * pack.latent().height() * pack.latent().width();
    }

    private static Schedule exact(LoadedPack lp, DiffusersConfig config, SchedulerKind kind, float shift) {
        ModelPack pack = lp.pack();
        DiffusersConfig c = config;
        if (!Float.isNaN(shift)) {
            c = config.with(Map.of(DiffusersSchedulers.shiftKey(config), (double) shift, "use_dynamic_shifting", false), "shift " + shift);
        }
        DiffusersConfig run = c;
        boolean pipelineSigmas = pack.defaults().pipelineSigmas();
        return new Schedule(kind.id(), Float.isNaN(shift) ? pack.defaults().shift() : shift,
                config.source() + " (" + config.schedulerClass().diffusersName() + ", exact)",
                frames -> DiffusersSchedulers.create(run, new TimestepInputs(tokens(pack, frames), pipelineSigmas)));
    }

    /** Kinora's sampler on the noise levels the config defines for the pack's window. */
    private static Schedule kinoraOverConfig(LoadedPack lp, DiffusersConfig c, SchedulerKind kind, float shift) {
        ModelPack pack = lp.pack();
        if (kind.readsOtherConfigs()) {
            // What a diffusers user gets from Target.from_config(pipe.scheduler.config) (AnimateLCM, "DPM++ 2M Karras"): exact too.
            kind.fromConfig(c); // refuses a config it cannot follow, now
            return new Schedule(kind.id(), pack.defaults().shift(), kind.id() + " as from_config(" + c.source() + "), exact",
                    frames -> kind.fromConfig(c));
        }
        float s = !Float.isNaN(shift) ? shift : !c.isFlow() ? pack.defaults().shift()
                : (float) DiffusersSchedulers.equivalentShift(c, new TimestepInputs(tokens(pack, pack.frames()), false));
        float betaStart = 0.00085f;
        float betaEnd = 0.012f;
        String betaSchedule = "scaled_linear";
        if (!c.isFlow()) {
            Object schedule = c.value("beta_schedule");
            if (c.value("trained_betas") != null || !("linear".equals(schedule) || "scaled_linear".equals(schedule))) {
                throw new IllegalArgumentException("Kinora's " + kind.id() + " takes linear or scaled_linear betas, but " + c.source() + " has "
                        + (c.value("trained_betas") != null ? "trained_betas" : "beta_schedule \"" + schedule + "\"")
                        + "; leave the scheduler empty to run the pack's own " + c.schedulerClass().diffusersName());
            }
            betaStart = ((Number) c.value("beta_start")).floatValue();
            betaEnd = ((Number) c.value("beta_end")).floatValue();
            betaSchedule = (String) schedule;
        }
        SchedulerConfig config = new SchedulerConfig(c.numTrainTimesteps(), s, pack.defaults().timestepScale(), betaStart, betaEnd,
                betaSchedule, c.predictionType(), c.isFlow() ? SigmaSchedule.SHIFTED : SigmaSchedule.LINEAR);
        return new Schedule(kind.id(), s, "Kinora's " + kind.id() + " over " + c.source(), frames -> kind.create(config));
    }

    /** A pack without a diffusers config: Kinora's sampler over pack.json's settings, as the engine always did. */
    private static Schedule kinora(ModelPack pack, SchedulerKind kind, float shift) {
        ModelPack.SamplingDefaults d = pack.defaults();
        SchedulerConfig config = new SchedulerConfig(d.numTrainTimesteps(), shift, d.timestepScale(), d.betaStart(), d.betaEnd(),
                d.betaSchedule(), VideoPipeline.predictionType(pack.prediction()), kind.isFlow() ? SigmaSchedule.SHIFTED : SigmaSchedule.LINEAR);
        return new Schedule(kind.id(), shift, "Kinora's " + kind.id() + " over pack.json", frames -> kind.create(config));
    }
}
