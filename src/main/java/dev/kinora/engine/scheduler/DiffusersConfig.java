package dev.kinora.engine.scheduler;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A diffusers {@code scheduler_config.json}, read verbatim: the class's own defaults (diffusers' constructor
 * signature) overlaid with the file's values, every value checked. The JSON itself is parsed by the caller
 * (this package stays free of JSON libraries) and handed over as plain maps, lists, strings, numbers and booleans.
 *
 * <p>Rules, so a config never runs with a silent default:
 * <ul>
 *   <li>An unknown {@code _class_name}, or an unknown value of a key the class reads (a beta schedule, prediction
 *       type, solver type, timestep spacing ...), is a {@link SchedulerConfigException} naming key and value.</li>
 *   <li>A setting diffusers has but Kinora does not run ({@code use_beta_sigmas}, {@code thresholding},
 *       {@code stochastic_sampling}, {@code solver_p}) is an error when it is switched on.</li>
 *   <li>Keys the class does not take are ignored, as diffusers' {@code from_config} ignores them, when they are in
 *       {@link #IGNORED_KEYS} or start with {@code _} (metadata such as {@code _diffusers_version}); any other key
 *       is an error, so a misspelt key is caught rather than dropped.</li>
 * </ul>
 */
public final class DiffusersConfig {

    /** The diffusers scheduler classes Kinora reproduces exactly. */
    public enum SchedulerClass {
        FLOW_MATCH_EULER("FlowMatchEulerDiscreteScheduler"),
        FLOW_MATCH_HEUN("FlowMatchHeunDiscreteScheduler"),
        UNIPC_MULTISTEP("UniPCMultistepScheduler"),
        DDIM("DDIMScheduler"),
        COGVIDEOX_DDIM("CogVideoXDDIMScheduler"),
        EULER_DISCRETE("EulerDiscreteScheduler"),
        DPM_SOLVER_MULTISTEP("DPMSolverMultistepScheduler"),
        LCM("LCMScheduler"),
        EULER_ANCESTRAL("EulerAncestralDiscreteScheduler");

        private final String diffusersName;

        SchedulerClass(String diffusersName) {
            this.diffusersName = diffusersName;
        }

        /** The {@code _class_name} diffusers writes. */
        public String diffusersName() {
            return diffusersName;
        }
    }

    /** The longest training schedule a config may declare: a hundred times any family's 1000. */
    public static final int MAX_TRAIN_TIMESTEPS = 100_000;

    private enum Type { INT, NUMBER, BOOL, TEXT, TEXT_OR_NULL, NUMBER_OR_NULL, NUMBER_OR_MINUS_INFINITY, NUMBERS_OR_NULL, INTS, NULL }

    private record Key(Type type, List<String> choices) {
        static Key of(Type type, String... choices) {
            return new Key(type, List.of(choices));
        }
    }

    private static final List<String> PREDICTIONS_UNIPC = List.of("epsilon", "sample", "v_prediction", "flow_prediction");
    private static final List<String> PREDICTIONS_DDIM = List.of("epsilon", "sample", "v_prediction");
    private static final List<String> PREDICTIONS_EULER = List.of("epsilon", "v_prediction", "sample", "original_sample");

    /** Every key any supported class reads, with its type and, for strings, its values. */
    private static final Map<String, Key> KEYS = Map.ofEntries(
            Map.entry("num_train_timesteps", Key.of(Type.INT)),
            Map.entry("beta_start", Key.of(Type.NUMBER)),
            Map.entry("beta_end", Key.of(Type.NUMBER)),
            Map.entry("beta_schedule", Key.of(Type.TEXT, "linear", "scaled_linear", "squaredcos_cap_v2")),
            Map.entry("trained_betas", Key.of(Type.NUMBERS_OR_NULL)),
            Map.entry("prediction_type", Key.of(Type.TEXT)),
            Map.entry("clip_sample", Key.of(Type.BOOL)),
            Map.entry("clip_sample_range", Key.of(Type.NUMBER)),
            Map.entry("set_alpha_to_one", Key.of(Type.BOOL)),
            Map.entry("steps_offset", Key.of(Type.INT)),
            Map.entry("thresholding", Key.of(Type.BOOL)),
            Map.entry("dynamic_thresholding_ratio", Key.of(Type.NUMBER)),
            Map.entry("sample_max_value", Key.of(Type.NUMBER)),
            Map.entry("timestep_spacing", Key.of(Type.TEXT, "linspace", "leading", "trailing")),
            Map.entry("rescale_betas_zero_snr", Key.of(Type.BOOL)),
            Map.entry("snr_shift_scale", Key.of(Type.NUMBER)),
            Map.entry("shift", Key.of(Type.NUMBER)),
            Map.entry("flow_shift", Key.of(Type.NUMBER)),
            Map.entry("use_dynamic_shifting", Key.of(Type.BOOL)),
            Map.entry("base_shift", Key.of(Type.NUMBER_OR_NULL)),
            Map.entry("max_shift", Key.of(Type.NUMBER_OR_NULL)),
            Map.entry("base_image_seq_len", Key.of(Type.INT)),
            Map.entry("max_image_seq_len", Key.of(Type.INT)),
            Map.entry("invert_sigmas", Key.of(Type.BOOL)),
            Map.entry("shift_terminal", Key.of(Type.NUMBER_OR_NULL)),
            Map.entry("use_karras_sigmas", Key.of(Type.BOOL)),
            Map.entry("use_exponential_sigmas", Key.of(Type.BOOL)),
            Map.entry("use_beta_sigmas", Key.of(Type.BOOL)),
            Map.entry("time_shift_type", Key.of(Type.TEXT, "exponential", "linear")),
            Map.entry("stochastic_sampling", Key.of(Type.BOOL)),
            Map.entry("sigma_min", Key.of(Type.NUMBER_OR_NULL)),
            Map.entry("sigma_max", Key.of(Type.NUMBER_OR_NULL)),
            Map.entry("timestep_type", Key.of(Type.TEXT, "discrete", "continuous")),
            Map.entry("interpolation_type", Key.of(Type.TEXT, "linear", "log_linear")),
            Map.entry("final_sigmas_type", Key.of(Type.TEXT, "zero", "sigma_min")),
            Map.entry("solver_order", Key.of(Type.INT)),
            // diffusers' UniPC rewrites the DPM-Solver names midpoint/heun/logrho to bh2.
            Map.entry("solver_type", Key.of(Type.TEXT, "bh1", "bh2", "midpoint", "heun", "logrho")),
            Map.entry("predict_x0", Key.of(Type.BOOL)),
            Map.entry("lower_order_final", Key.of(Type.BOOL)),
            Map.entry("disable_corrector", Key.of(Type.INTS)),
            Map.entry("solver_p", Key.of(Type.NULL)),
            Map.entry("use_flow_sigmas", Key.of(Type.BOOL)),
            // DPM-Solver; "deis" is rewritten to dpmsolver++ by diffusers, as here.
            Map.entry("algorithm_type", Key.of(Type.TEXT, "dpmsolver++", "dpmsolver", "sde-dpmsolver++", "sde-dpmsolver", "deis")),
            Map.entry("euler_at_final", Key.of(Type.BOOL)),
            Map.entry("use_lu_lambdas", Key.of(Type.BOOL)),
            Map.entry("lambda_min_clipped", Key.of(Type.NUMBER_OR_MINUS_INFINITY)),
            Map.entry("variance_type", Key.of(Type.TEXT_OR_NULL, "learned", "learned_range")),
            // LCM: the distillation schedule's length, and the boundary condition's time scale
            Map.entry("original_inference_steps", Key.of(Type.INT)),
            Map.entry("timestep_scaling", Key.of(Type.NUMBER)));

    /**
     * Keys that appear in shipped scheduler configs but that a class does not take: diffusers drops them in
     * {@code from_config}, so they cannot change its numbers. Besides these, a class ignores the keys of the other
     * supported classes (SVD's EulerDiscrete config carries DDIM's {@code clip_sample} and {@code set_alpha_to_one}).
     */
    public static final Set<String> IGNORED_KEYS = Collections.unmodifiableSet(new TreeSet<>(List.of(
            "skip_prk_steps", // PNDM (Stable Diffusion 1.x ships PNDMScheduler configs that DDIM/Euler load)
            "gamma", // TCD
            "rho", "sigma_data", "precondition_type"))); // EDM

    private static final Map<SchedulerClass, Map<String, Object>> DEFAULTS = Map.of(
            SchedulerClass.FLOW_MATCH_HEUN, defaults("num_train_timesteps", 1000, "shift", 1.0),
            SchedulerClass.FLOW_MATCH_EULER, defaults(
                    "num_train_timesteps", 1000, "shift", 1.0, "use_dynamic_shifting", false, "base_shift", 0.5,
                    "max_shift", 1.15, "base_image_seq_len", 256, "max_image_seq_len", 4096, "invert_sigmas", false,
                    "shift_terminal", null, "use_karras_sigmas", false, "use_exponential_sigmas", false,
                    "use_beta_sigmas", false, "time_shift_type", "exponential", "stochastic_sampling", false),
            SchedulerClass.UNIPC_MULTISTEP, defaults(
                    "num_train_timesteps", 1000, "beta_start", 0.0001, "beta_end", 0.02, "beta_schedule", "linear",
                    "trained_betas", null, "solver_order", 2, "prediction_type", "epsilon", "thresholding", false,
                    "dynamic_thresholding_ratio", 0.995, "sample_max_value", 1.0, "predict_x0", true, "solver_type", "bh2",
                    "lower_order_final", true, "disable_corrector", List.of(), "solver_p", null, "use_karras_sigmas", false,
                    "use_exponential_sigmas", false, "use_beta_sigmas", false, "use_flow_sigmas", false, "flow_shift", 1.0,
                    "timestep_spacing", "linspace", "steps_offset", 0, "final_sigmas_type", "zero",
                    "rescale_betas_zero_snr", false, "use_dynamic_shifting", false, "time_shift_type", "exponential",
                    "sigma_min", null, "sigma_max", null, "shift_terminal", null),
            SchedulerClass.DDIM, defaults(
                    "num_train_timesteps", 1000, "beta_start", 0.0001, "beta_end", 0.02, "beta_schedule", "linear",
                    "trained_betas", null, "clip_sample", true, "set_alpha_to_one", true, "steps_offset", 0,
                    "prediction_type", "epsilon", "thresholding", false, "dynamic_thresholding_ratio", 0.995,
                    "clip_sample_range", 1.0, "sample_max_value", 1.0, "timestep_spacing", "leading",
                    "rescale_betas_zero_snr", false),
            SchedulerClass.COGVIDEOX_DDIM, defaults(
                    "num_train_timesteps", 1000, "beta_start", 0.00085, "beta_end", 0.012, "beta_schedule", "scaled_linear",
                    "trained_betas", null, "clip_sample", true, "set_alpha_to_one", true, "steps_offset", 0,
                    "prediction_type", "epsilon", "clip_sample_range", 1.0, "sample_max_value", 1.0,
                    "timestep_spacing", "leading", "rescale_betas_zero_snr", false, "snr_shift_scale", 3.0),
            SchedulerClass.EULER_DISCRETE, defaults(
                    "num_train_timesteps", 1000, "beta_start", 0.0001, "beta_end", 0.02, "beta_schedule", "linear",
                    "trained_betas", null, "prediction_type", "epsilon", "interpolation_type", "linear",
                    "use_karras_sigmas", false, "use_exponential_sigmas", false, "use_beta_sigmas", false,
                    "sigma_min", null, "sigma_max", null, "timestep_spacing", "linspace", "timestep_type", "discrete",
                    "steps_offset", 0, "rescale_betas_zero_snr", false, "final_sigmas_type", "zero"),
            SchedulerClass.DPM_SOLVER_MULTISTEP, defaults(
                    "num_train_timesteps", 1000, "beta_start", 0.0001, "beta_end", 0.02, "beta_schedule", "linear",
                    "trained_betas", null, "solver_order", 2, "prediction_type", "epsilon", "thresholding", false,
                    "dynamic_thresholding_ratio", 0.995, "sample_max_value", 1.0, "algorithm_type", "dpmsolver++",
                    "solver_type", "midpoint", "lower_order_final", true, "euler_at_final", false, "use_karras_sigmas", false,
                    "use_exponential_sigmas", false, "use_beta_sigmas", false, "use_lu_lambdas", false, "use_flow_sigmas", false,
                    "flow_shift", 1.0, "final_sigmas_type", "zero", "lambda_min_clipped", Double.NEGATIVE_INFINITY,
                    "variance_type", null, "timestep_spacing", "linspace", "steps_offset", 0, "rescale_betas_zero_snr", false,
                    "use_dynamic_shifting", false, "time_shift_type", "exponential"),
            SchedulerClass.LCM, defaults(
                    "num_train_timesteps", 1000, "beta_start", 0.00085, "beta_end", 0.012, "beta_schedule", "scaled_linear",
                    "trained_betas", null, "original_inference_steps", 50, "clip_sample", false, "clip_sample_range", 1.0,
                    "set_alpha_to_one", true, "steps_offset", 0, "prediction_type", "epsilon", "thresholding", false,
                    "dynamic_thresholding_ratio", 0.995, "sample_max_value", 1.0, "timestep_spacing", "leading",
                    "timestep_scaling", 10.0, "rescale_betas_zero_snr", false),
            SchedulerClass.EULER_ANCESTRAL, defaults(
                    "num_train_timesteps", 1000, "beta_start", 0.0001, "beta_end", 0.02, "beta_schedule", "linear",
                    "trained_betas", null, "prediction_type", "epsilon", "timestep_spacing", "linspace", "steps_offset", 0,
                    "rescale_betas_zero_snr", false));

    private final String source;
    private final SchedulerClass schedulerClass;
    private final Map<String, Object> values;
    /** The file's own keys and values, for {@link #with}. */
    private final Map<String, Object> file;

    private DiffusersConfig(String source, SchedulerClass schedulerClass, Map<String, Object> values, Map<String, Object> file) {
        this.source = source;
        this.schedulerClass = schedulerClass;
        this.values = values;
        this.file = file;
    }

    /**
     * Reads a parsed {@code scheduler_config.json}.
     *
     * @param json   the JSON object as plain Java values (Jackson's {@code readValue(file, Map.class)} gives this)
     * @param source where it came from, for error messages (usually the file path)
     * @throws SchedulerConfigException naming the key and value that Kinora cannot run exactly
     */
    public static DiffusersConfig parse(Map<String, ?> json, String source) {
        Object name = json.get("_class_name");
        if (!(name instanceof String className)) {
            throw new SchedulerConfigException(source + ": _class_name is " + describe(name) + "; expected one of " + classNames());
        }
        SchedulerClass cls = Arrays.stream(SchedulerClass.values()).filter(c -> c.diffusersName.equals(className)).findFirst()
                .orElseThrow(() -> new SchedulerConfigException(source + ": _class_name \"" + className
                        + "\" is not a scheduler Kinora runs exactly; supported: " + classNames()));
        Map<String, Object> defaults = DEFAULTS.get(cls);
        Map<String, Object> values = new LinkedHashMap<>(defaults);
        for (Map.Entry<String, ?> e : json.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("_")) {
                continue;
            }
            if (defaults.containsKey(key)) {
                values.put(key, check(source, className, key, e.getValue()));
            } else if (!IGNORED_KEYS.contains(key) && !KEYS.containsKey(key)) {
                throw new SchedulerConfigException(source + ": unknown key \"" + key + "\" for " + className
                        + "; its keys are " + String.join(", ", new TreeSet<>(defaults.keySet()))
                        + " (remove the key if it is not meant for this scheduler)");
            }
        }
        DiffusersConfig config = new DiffusersConfig(source, cls, Collections.unmodifiableMap(values),
                Collections.unmodifiableMap(new LinkedHashMap<>(json)));
        config.checkCombinations();
        return config;
    }

    /**
     * The file with some keys replaced, checked as the file itself is: how a user's override (a time shift, say)
     * reaches a scheduler that is otherwise run verbatim.
     *
     * @param why what the override is, for error messages (e.g. "--shift 3")
     * @throws SchedulerConfigException when the result is not a config Kinora runs
     */
    public DiffusersConfig with(Map<String, ?> overrides, String why) {
        Map<String, Object> changed = new LinkedHashMap<>(file);
        changed.putAll(overrides);
        return parse(changed, source + " with " + why);
    }

    public SchedulerClass schedulerClass() {
        return schedulerClass;
    }

    /** Where the config came from, as given to {@link #parse}. */
    public String source() {
        return source;
    }

    public int numTrainTimesteps() {
        return integer("num_train_timesteps");
    }

    /** What the denoiser returns; FlowMatchEuler has no key for it and always takes a flow velocity. */
    public PredictionType predictionType() {
        if (schedulerClass == SchedulerClass.FLOW_MATCH_EULER || schedulerClass == SchedulerClass.FLOW_MATCH_HEUN) {
            return PredictionType.FLOW_VELOCITY;
        }
        return switch (text("prediction_type")) {
            case "epsilon" -> PredictionType.EPSILON;
            case "v_prediction" -> PredictionType.V_PREDICTION;
            case "flow_prediction" -> PredictionType.FLOW_VELOCITY;
            default -> PredictionType.SAMPLE; // "sample", and Euler's alias "original_sample"
        };
    }

    /** Whether the class integrates a rectified flow (sigma in [0, 1]) rather than a DDPM noise schedule. */
    public boolean isFlow() {
        return schedulerClass == SchedulerClass.FLOW_MATCH_EULER || schedulerClass == SchedulerClass.FLOW_MATCH_HEUN
                || (schedulerClass == SchedulerClass.UNIPC_MULTISTEP || schedulerClass == SchedulerClass.DPM_SOLVER_MULTISTEP)
                && flag("use_flow_sigmas");
    }

    /** The effective value of a key (the file's, else diffusers' default for this class), as read from JSON. */
    public Object value(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException(schedulerClass.diffusersName + " has no key \"" + key + "\"");
        }
        return values.get(key);
    }

    /** Whether the class has the key (it has a value then, maybe its default). */
    boolean has(String key) {
        return values.containsKey(key);
    }

    /** A number, or the fallback when the class has no such key or it is null (pipelines' {@code config.get(key, default)}). */
    double numberOr(String key, double fallback) {
        return values.get(key) instanceof Number n ? n.doubleValue() : fallback;
    }

    int integer(String key) {
        return ((Number) value(key)).intValue();
    }

    double number(String key) {
        return ((Number) value(key)).doubleValue();
    }

    /** A nullable number; null (None in diffusers) reads as NaN. */
    double numberOrNaN(String key) {
        Object v = value(key);
        return v == null ? Double.NaN : ((Number) v).doubleValue();
    }

    boolean flag(String key) {
        return (Boolean) value(key);
    }

    String text(String key) {
        return (String) value(key);
    }

    /** A nullable list of numbers; null reads as an empty array. */
    double[] numbers(String key) {
        Object v = value(key);
        if (v == null) {
            return new double[0];
        }
        return ((List<?>) v).stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
    }

    int[] integers(String key) {
        return ((List<?>) value(key)).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    private static Object check(String source, String className, String key, Object v) {
        Key spec = KEYS.get(key);
        List<String> choices = key.equals("prediction_type") ? switch (className) {
            case "UniPCMultistepScheduler", "DPMSolverMultistepScheduler" -> PREDICTIONS_UNIPC;
            case "EulerDiscreteScheduler" -> PREDICTIONS_EULER;
            case "EulerAncestralDiscreteScheduler" -> List.of("epsilon", "v_prediction"); // diffusers has no "sample" there
            default -> PREDICTIONS_DDIM;
        } : spec.choices();
        String where = source + ": " + key + " ";
        switch (spec.type()) {
            case INT -> {
                if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || Double.isInfinite(n.doubleValue())) {
                    throw new SchedulerConfigException(where + describe(v) + " is not an integer");
                }
                return n.intValue();
            }
            case NUMBER -> {
                if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                    throw new SchedulerConfigException(where + describe(v) + " is not a number");
                }
                return n.doubleValue();
            }
            case NUMBER_OR_MINUS_INFINITY -> {
                // diffusers writes its default, -inf, as the JSON extension -Infinity
                if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() == Double.POSITIVE_INFINITY) {
                    throw new SchedulerConfigException(where + describe(v) + " is not a number or -Infinity");
                }
                return n.doubleValue();
            }
            case TEXT_OR_NULL -> {
                if (v != null && (!(v instanceof String t) || !choices.contains(t))) {
                    throw new SchedulerConfigException(where + describe(v) + " is not supported by " + className
                            + "; expected null or one of " + String.join(", ", choices));
                }
                return v;
            }
            case NUMBER_OR_NULL -> {
                if (v != null && (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()))) {
                    throw new SchedulerConfigException(where + describe(v) + " is neither a number nor null");
                }
                return v == null ? null : ((Number) v).doubleValue();
            }
            case BOOL -> {
                if (!(v instanceof Boolean)) {
                    throw new SchedulerConfigException(where + describe(v) + " is not true or false");
                }
                return v;
            }
            case TEXT -> {
                if (!(v instanceof String s) || !choices.contains(s)) {
                    throw new SchedulerConfigException(where + describe(v) + " is not supported by " + className
                            + "; expected one of " + String.join(", ", choices));
                }
                return v;
            }
            case NUMBERS_OR_NULL, INTS -> {
                if (v == null && spec.type() == Type.NUMBERS_OR_NULL) {
                    return null;
                }
                if (!(v instanceof List<?> list) || list.stream().anyMatch(o -> !(o instanceof Number n) || !Double.isFinite(n.doubleValue())
                        || spec.type() == Type.INTS && n.doubleValue() != Math.rint(n.doubleValue()))) {
                    throw new SchedulerConfigException(where + describe(v) + " is not a list of "
                            + (spec.type() == Type.INTS ? "integers" : "numbers"));
                }
                return List.copyOf(list);
            }
            case NULL -> {
                if (v != null) {
                    throw new SchedulerConfigException(where + describe(v) + " is not supported: Kinora has no second solver to plug in; use null");
                }
                return null;
            }
            default -> throw new IllegalStateException(spec.type().toString());
        }
    }

    /** Settings diffusers accepts but Kinora does not run, and the combinations diffusers itself rejects. */
    private void checkCombinations() {
        String name = schedulerClass.diffusersName;
        int sigmaKinds = 0;
        for (String key : List.of("use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas")) {
            if (values.containsKey(key) && flag(key)) {
                sigmaKinds++;
            }
        }
        if (sigmaKinds > 1) {
            throw new SchedulerConfigException(source + ": only one of use_karras_sigmas, use_exponential_sigmas and use_beta_sigmas may be true (" + name + ")");
        }
        requireOff("use_beta_sigmas", "beta sigmas need scipy's beta quantile function, which Kinora does not reproduce; use use_karras_sigmas or use_exponential_sigmas");
        requireOff("thresholding", "dynamic thresholding takes a per-image quantile and Kinora's samplers see flat latents; it suits pixel-space models, not latent video");
        if (values.containsKey("interpolation_type") && text("interpolation_type").equals("log_linear")) {
            throw new SchedulerConfigException(source + ": interpolation_type \"log_linear\" is not supported (" + schedulerClass.diffusersName
                    + "): diffusers' own log_linear schedule has one sigma too many for its timesteps; use \"linear\"");
        }
        requireOff("stochastic_sampling", "stochastic sampling draws fresh noise inside step(); Kinora's samplers are deterministic");
        for (String key : List.of("beta_start", "beta_end")) {
            if (values.containsKey(key) && !(number(key) > 0 && number(key) < 1)) {
                // a beta is the noise variance one training step adds: outside (0, 1) the noise levels are NaN
                throw new SchedulerConfigException(source + ": " + key + " " + number(key) + " must be between 0 and 1 (exclusive); "
                        + "Stable Diffusion's are 0.00085 and 0.012");
            }
        }
        if (values.containsKey("trained_betas") && Arrays.stream(numbers("trained_betas")).anyMatch(b -> !(b > 0 && b <= 1))) {
            throw new SchedulerConfigException(source + ": trained_betas must all be above 0 and at most 1");
        }
        if (values.containsKey("shift_terminal") && !Double.isNaN(numberOrNaN("shift_terminal"))
                && !(numberOrNaN("shift_terminal") >= 0 && numberOrNaN("shift_terminal") < 1)) {
            throw new SchedulerConfigException(source + ": shift_terminal " + numberOrNaN("shift_terminal") + " is the last noise level"
                    + " the schedule is stretched to, so it must be at least 0 and below 1 (LTX-Video's is 0.1; null or 0: off)");
        }
        if (values.containsKey("sigma_min")) {
            double lo = numberOrNaN("sigma_min");
            double hi = numberOrNaN("sigma_max");
            if (!Double.isNaN(lo) && !(lo > 0) || !Double.isNaN(hi) && !(hi > 0) || !Double.isNaN(lo) && !Double.isNaN(hi) && !(hi > lo)) {
                // Karras and exponential levels run from sigma_max down to sigma_min: a level of 0 before the end is a step
                // that divides by 0
                throw new SchedulerConfigException(source + ": sigma_min " + value("sigma_min") + " and sigma_max " + value("sigma_max")
                        + " must be above 0 with sigma_max the larger (SVD's are 0.002 and 700; null: the training schedule's)");
            }
        }
        boolean exactZero = schedulerClass == SchedulerClass.DDIM || schedulerClass == SchedulerClass.COGVIDEOX_DDIM
                || schedulerClass == SchedulerClass.LCM;
        if (exactZero && values.containsKey("rescale_betas_zero_snr") && flag("rescale_betas_zero_snr")
                && text("prediction_type").equals("epsilon")) {
            // at zero terminal SNR the first step has no signal, and x0 = (x - eps) / sqrt(alphas_cumprod) divides by 0
            throw new SchedulerConfigException(source + ": rescale_betas_zero_snr true needs prediction_type \"v_prediction\" (or"
                    + " \"sample\") in " + name + ": from pure noise a noise prediction says nothing of the clean sample");
        }
        if (integer("num_train_timesteps") < 2 || integer("num_train_timesteps") > MAX_TRAIN_TIMESTEPS) {
            // every schedule allocates per training timestep; the families Kinora runs train on 1000
            throw new SchedulerConfigException(source + ": num_train_timesteps " + value("num_train_timesteps") + " must be 2 to "
                    + MAX_TRAIN_TIMESTEPS);
        }
        switch (schedulerClass) {
            case UNIPC_MULTISTEP -> {
                if (integer("solver_order") < 1 || integer("solver_order") > 3) {
                    throw new SchedulerConfigException(source + ": solver_order " + integer("solver_order")
                            + " is not supported; UniPC runs orders 1 to 3 (2 for guided sampling, 3 unconditional)");
                }
                if (!Double.isNaN(numberOrNaN("shift_terminal")) && !flag("use_flow_sigmas")) {
                    throw new SchedulerConfigException(source + ": shift_terminal is only supported with use_flow_sigmas true (as in diffusers)");
                }
                if (flag("use_flow_sigmas") && !(number("flow_shift") > 0)) {
                    throw new SchedulerConfigException(source + ": flow_shift " + number("flow_shift") + " must be > 0 (1 = no shift; Wan's is 3 to 5)");
                }
                if (text("solver_type").equals("bh1") && text("final_sigmas_type").equals("zero")) {
                    // the last UniP step to sigma 0 multiplies B(h) = h = -infinity by a zero residual: NaN, in diffusers too
                    throw new SchedulerConfigException(source + ": solver_type \"bh1\" with final_sigmas_type \"zero\" ends in NaN"
                            + " (diffusers' own last step multiplies an infinite B(h) by 0); use \"bh2\" or \"sigma_min\"");
                }
                if (!flag("predict_x0") && text("prediction_type").equals("flow_prediction")) {
                    throw new SchedulerConfigException(source + ": predict_x0 false with prediction_type \"flow_prediction\" is not defined (diffusers rejects it too)");
                }
            }
            case DPM_SOLVER_MULTISTEP -> {
                if (integer("solver_order") < 1 || integer("solver_order") > 3) {
                    throw new SchedulerConfigException(source + ": solver_order " + integer("solver_order")
                            + " is not supported; DPM-Solver runs orders 1 to 3 (2 for guided sampling, 3 unconditional)");
                }
                if (text("algorithm_type").equals("sde-dpmsolver") && integer("solver_order") == 3) {
                    throw new SchedulerConfigException(source + ": algorithm_type \"sde-dpmsolver\" has no third-order update in"
                            + " diffusers; use solver_order 2 or \"sde-dpmsolver++\"");
                }
                if (text("algorithm_type").equals("sde-dpmsolver") && text("final_sigmas_type").equals("zero")) {
                    throw new SchedulerConfigException(source + ": final_sigmas_type \"zero\" is not supported with algorithm_type"
                            + " \"sde-dpmsolver\" (diffusers rejects it too); use \"sigma_min\" or \"sde-dpmsolver++\"");
                }
                if (text("algorithm_type").equals("dpmsolver") && text("final_sigmas_type").equals("zero")) {
                    throw new SchedulerConfigException(source + ": final_sigmas_type \"zero\" is not supported with algorithm_type"
                            + " \"dpmsolver\" (diffusers rejects it too); use \"sigma_min\" or algorithm_type \"dpmsolver++\"");
                }
                if (!text("algorithm_type").endsWith("dpmsolver++") && !text("algorithm_type").equals("deis")
                        && text("prediction_type").equals("flow_prediction")) {
                    throw new SchedulerConfigException(source + ": prediction_type \"flow_prediction\" needs algorithm_type \"dpmsolver++\""
                            + " (diffusers' dpmsolver has no flow conversion)");
                }
                if (value("variance_type") != null) {
                    throw new SchedulerConfigException(source + ": variance_type \"" + value("variance_type") + "\" is not supported ("
                            + name + "): a denoiser that also predicts its variance returns twice the latent channels; export one"
                            + " that returns the noise alone (variance_type null)");
                }
                if (flag("use_dynamic_shifting") && (!flag("use_flow_sigmas") || !text("time_shift_type").equals("exponential"))) {
                    throw new SchedulerConfigException(source + ": use_dynamic_shifting needs use_flow_sigmas true and time_shift_type"
                            + " \"exponential\" (" + name + " sets flow_shift = exp(mu))");
                }
                if (flag("use_flow_sigmas") && !(number("flow_shift") > 0)) {
                    throw new SchedulerConfigException(source + ": flow_shift " + number("flow_shift") + " must be > 0 (1 = no shift)");
                }
            }
            case LCM -> {
                int original = integer("original_inference_steps");
                if (original < 1 || original > integer("num_train_timesteps")) {
                    throw new SchedulerConfigException(source + ": original_inference_steps " + original + " must be 1 to num_train_timesteps ("
                            + integer("num_train_timesteps") + ")");
                }
            }
            case FLOW_MATCH_EULER, FLOW_MATCH_HEUN -> {
                if (!(number("shift") > 0)) {
                    throw new SchedulerConfigException(source + ": shift " + number("shift") + " must be > 0 (1 = no shift)");
                }
                if (values.containsKey("use_dynamic_shifting") && flag("use_dynamic_shifting") && (Double.isNaN(numberOrNaN("base_shift")) || Double.isNaN(numberOrNaN("max_shift")))) {
                    throw new SchedulerConfigException(source + ": use_dynamic_shifting needs base_shift and max_shift, found null");
                }
            }
            default -> {
            }
        }
    }

    private void requireOff(String key, String why) {
        if (values.containsKey(key) && flag(key)) {
            throw new SchedulerConfigException(source + ": " + key + " true is not supported (" + schedulerClass.diffusersName + "): " + why);
        }
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }

    private static String classNames() {
        return Arrays.stream(SchedulerClass.values()).map(SchedulerClass::diffusersName).collect(Collectors.joining(", "));
    }

    private static Map<String, Object> defaults(Object... keyValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            String key = (String) keyValues[i];
            if (!KEYS.containsKey(key)) {
                throw new IllegalStateException("no type for key " + key);
            }
            Object v = keyValues[i + 1];
            out.put(key, v instanceof Integer n && KEYS.get(key).type() != Type.INT ? n.doubleValue() : v);
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        return schedulerClass.diffusersName + values.entrySet().stream()
                .map(e -> e.getKey() + "=" + describe(e.getValue())).collect(Collectors.joining(", ", "{", "}"));
    }
}
