package dev.kinora.engine.pipeline;

import dev.kinora.engine.model.CausalVae;
import dev.kinora.engine.model.LtxVae;
import dev.kinora.engine.model.OnnxModel;
import dev.kinora.engine.model.TokenTextEncoder;
import dev.kinora.engine.model.Denoiser;
import dev.kinora.engine.model.PromptLexicon;
import dev.kinora.engine.model.TextEncoder;
import dev.kinora.engine.model.Vae;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.onnx.RuntimeOptions;
import dev.kinora.engine.pack.ModelPack;
import dev.kinora.engine.pack.PackException;
import dev.kinora.engine.scheduler.DiffusersConfig;
import dev.kinora.engine.scheduler.DiffusersSchedulers;
import dev.kinora.engine.scheduler.PredictionType;
import dev.kinora.engine.scheduler.SchedulerConfigException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** A verified pack with its component wrappers; their sessions load lazily on first use. */
public final class LoadedPack implements AutoCloseable {
    /** Frames the VAE encodes or decodes per call. */
    static final int VAE_CHUNK = 16;
    private final ModelPack pack;
    private final TextEncoder text;
    private final Denoiser denoiser;
    private final Vae vae;
    private PromptLexicon lexicon;
    private final DiffusersConfig schedulerConfig;
    private final String schedulerNote;
    private final MemoryPlanner memory;
    /** Format 2: the family's adapter and its parts. */
    private final FamilyAdapter family;
    private final FamilyAdapter.Parts parts;

    public LoadedPack(ModelPack pack, RuntimeOptions options, Device device) throws PackException {
        this.pack = pack;
        this.family = Families.find(pack).orElse(null);
        if (family != null) {
            this.text = null;
            this.denoiser = null;
            this.vae = null;
            this.parts = family.load(pack, options, device);
        } else {
            this.text = new TextEncoder(pack, options, device);
            this.denoiser = pack.component(ModelPack.DENOISER).isPresent() ? new Denoiser(pack, options, device) : null;
            this.vae = pack.component(ModelPack.VAE_DECODER).isPresent() ? new Vae(pack, options, device, VAE_CHUNK) : null;
            this.parts = null;
        }
        this.memory = new MemoryPlanner(pack, device);
        String file = pack.root().resolve(ModelPack.SCHEDULER_CONFIG).toString();
        Object cls = pack.schedulerConfig().get("_class_name");
        if (pack.hasSchedulerConfig() && !EXACT_CLASSES.contains(String.valueOf(cls))) {
            // PackLoader maps these onto the nearest Kinora sampler; say so rather than claim exactness.
            this.schedulerConfig = null;
            this.schedulerNote = file + ": " + cls + " is not one of the schedulers Kinora runs exactly; the pack samples with Kinora's "
                    + pack.defaults().scheduler();
        } else {
            this.schedulerConfig = pack.hasSchedulerConfig() ? parse(pack, file) : null;
            this.schedulerNote = "";
        }
    }

    private static final Set<String> EXACT_CLASSES = Arrays.stream(DiffusersConfig.SchedulerClass.values())
            .map(DiffusersConfig.SchedulerClass::diffusersName).collect(Collectors.toSet());

    /** The config verbatim, and consistent with what pack.json says about the same things. */
    private static DiffusersConfig parse(ModelPack pack, String file) throws PackException {
        DiffusersConfig c;
        try {
            c = DiffusersConfig.parse(pack.schedulerConfig(), file);
        } catch (SchedulerConfigException e) {
            throw new PackException(e.getMessage(), e);
        }
        PredictionType declared = VideoPipeline.predictionType(pack.prediction());
        if (declared != c.predictionType()) {
            throw new PackException(pack.root().resolve("pack.json") + ": prediction '" + pack.prediction() + "' contradicts " + file
                    + ", whose " + c.schedulerClass().diffusersName() + " takes " + c.predictionType().name().toLowerCase(Locale.ROOT)
                    + "; the scheduler config defines it: drop 'prediction' from pack.json (or fix prediction_type in the config)");
        }
        if (c.isFlow()) {
            double configShift = DiffusersSchedulers.configShift(c);
            if ((float) configShift != pack.defaults().shift()) {
                throw new PackException(pack.root().resolve("pack.json") + ": scheduler.shift " + pack.defaults().shift() + " contradicts "
                        + file + "'s " + DiffusersSchedulers.shiftKey(c) + " " + configShift
                        + "; the scheduler config defines it: drop scheduler.shift from pack.json");
            }
        }
        return c;
    }

    public ModelPack pack() {
        return pack;
    }

    /** The pack's diffusers scheduler config when Kinora runs its class exactly. */
    public Optional<DiffusersConfig> schedulerConfig() {
        return Optional.ofNullable(schedulerConfig);
    }

    /** The pack's memory planner (its graphs are read once, on the first estimate). */
    public MemoryPlanner memory() {
        return memory;
    }

    /** The components whose sessions are in memory now. */
    public Set<String> loadedComponents() {
        if (parts != null) {
            return parts.loadedComponents();
        }
        Set<String> out = new TreeSet<>();
        if (text.loaded()) {
            out.add(ModelPack.TEXT_ENCODER);
        }
        if (denoiser != null && denoiser.loaded()) {
            out.add(ModelPack.DENOISER);
        }
        if (vae != null && vae.encoderLoaded()) {
            out.add(ModelPack.VAE_ENCODER);
        }
        if (vae != null && vae.decoderLoaded()) {
            out.add(ModelPack.VAE_DECODER);
        }
        if (vae != null && vae.referenceDecoderLoaded()) {
            out.add(ModelPack.VAE_DECODER_REF);
        }
        return out;
    }

    /** Why a pack's scheduler config is approximated rather than run exactly; empty when it is not. */
    public String schedulerNote() {
        return schedulerNote;
    }

    /**
     * The pack's prompt lexicon ({@link ModelPack#LEXICON}), read on first use; {@link PromptLexicon#NONE} for a pack
     * without one.
     */
    public synchronized PromptLexicon lexicon() throws PackException {
        if (lexicon == null) {
            Optional<dev.kinora.engine.pack.Component> c = pack.component(ModelPack.LEXICON);
            lexicon = c.isPresent() ? PromptLexicon.load(c.get().path(pack.root())) : PromptLexicon.NONE;
        }
        return lexicon;
    }

    /** Format 1's pooled text encoder. */
    public TextEncoder text() throws PackException {
        if (text == null) {
            throw new PackException("model pack '" + pack.id() + "' takes per-token text (format 2), not pooled prompt vectors");
        }
        return text;
    }

    /** Token count for the editor, whichever text the pack takes. */
    public int countTokens(String prompt) throws PackException {
        return parts != null ? parts.countTokens(prompt) : text.countTokens(prompt);
    }

    /** Format 2's adapter; empty for format 1. */
    public java.util.Optional<FamilyAdapter> family() {
        return java.util.Optional.ofNullable(family);
    }

    /** Format 2's parts as the family's adapter made them. */
    public <P extends FamilyAdapter.Parts> P parts(Class<P> type) throws PackException {
        if (!type.isInstance(parts)) {
            throw new PackException("model pack '" + pack.id() + "' " + (parts == null ? "is a format-1 pack" : "is driven by another family's adapter")
                    + "; it has no " + type.getName().replaceAll(".*\\.", "").replace('$', '.'));
        }
        return type.cast(parts);
    }

    /** Format 2's per-token text encoder (the families with text). */
    public TokenTextEncoder tokenText() throws PackException {
        return parts(FamilyAdapter.TextParts.class).text();
    }

    /** Format 2's denoiser graph (the families with text). */
    public OnnxModel transformer() throws PackException {
        return parts(FamilyAdapter.TextParts.class).transformer();
    }

    public CausalVae causalVae() throws PackException {
        return parts(WanFamily.Parts.class).vae();
    }

    public LtxVae ltxVae() throws PackException {
        return parts(LtxFamily.Parts.class).vae();
    }

    public Denoiser denoiser() throws PackException {
        if (denoiser == null) {
            throw new PackException("model pack '" + pack.id() + "' has no denoiser component; it cannot generate video");
        }
        return denoiser;
    }

    public Vae vae() throws PackException {
        if (vae == null) {
            throw new PackException("model pack '" + pack.id() + "' has no vae_encoder/vae_decoder components");
        }
        return vae;
    }

    @Override
    public void close() {
        if (parts != null) {
            parts.close();
            return;
        }
        text.close();
        if (denoiser != null) {
            denoiser.close();
        }
        if (vae != null) {
            vae.close();
        }
    }
}
