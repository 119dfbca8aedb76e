package dev.kinora.app.prompt;

import dev.kinora.app.StudioModel;
import dev.kinora.app.engine.PackInfo;
import dev.kinora.engine.Direction;
import dev.kinora.engine.Frames;
import dev.kinora.engine.JobSettings;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.pack.Mode;
import dev.kinora.media.FilmStrip;
import dev.kinora.media.MediaIO;
import dev.kinora.project.Commands;
import dev.kinora.project.Continuity;
import dev.kinora.project.JobSpec;
import dev.kinora.project.Project;
import dev.kinora.project.Shot;
import dev.kinora.project.ShotSettings;
import dev.kinora.project.SourceRef;
import dev.kinora.project.SourceRole;
import dev.kinora.project.Take;
import dev.kinora.project.render.SourceLoader;
import dev.kinora.project.render.Submission;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The prompt editor's state: the selected shot's prompt, mode, sources and settings, and the token
 * count. Every change is a project command on the selected shot (typing coalesces into one undo
 * step per phrase); the view model re-reads the shot on every revision. Device, direction and remix
 * strength are per machine / per job, not part of the document.
 */
public final class PromptViewModel {
    /** The engine's limits, which the settings allow in full (and say). */
    public static final int MAX_STEPS = dev.kinora.engine.RequestLimits.MAX_STEPS;
    public static final int MAX_FRAMES = dev.kinora.engine.RequestLimits.MAX_FRAMES;

    private final StudioModel studio;
    private final StringProperty prompt = new SimpleStringProperty("");
    private final StringProperty negative = new SimpleStringProperty("");
    private final IntegerProperty tokens = new SimpleIntegerProperty();
    private final IntegerProperty tokenLimit = new SimpleIntegerProperty(64);
    private final StringProperty tokenText = new SimpleStringProperty("");
    /**
     * "Reads as: …" when the pack's lexicon reads the prompt with other words; when the shot is sent as typed, what
     * the lexicon would have read; empty otherwise.
     */
    private final StringProperty readsAs = new SimpleStringProperty("");
    /** The shot's prompt goes to the model as typed (ShotSettings.asTyped). */
    private final BooleanProperty asTyped = new SimpleBooleanProperty();
    private final BooleanProperty overLimit = new SimpleBooleanProperty();
    private final ObjectProperty<PackInfo> pack = new SimpleObjectProperty<>();
    /** "" (the pack's own) and the samplers that fit the pack: flow ones for a flow pack, DDPM ones otherwise. */
    private final ObservableList<String> schedulers = FXCollections.observableArrayList(schedulersFor(null));
    private final ObjectProperty<Device> device = new SimpleObjectProperty<>(Device.AUTO);
    private final ObjectProperty<Mode> mode = new SimpleObjectProperty<>(Mode.GENERATE);
    private final ObjectProperty<Direction> direction = new SimpleObjectProperty<>(Direction.FORWARD);
    private final ObjectProperty<Long> seed = new SimpleObjectProperty<>(0L);
    private final BooleanProperty seedLocked = new SimpleBooleanProperty();
    private final IntegerProperty steps = new SimpleIntegerProperty();
    private final DoubleProperty guidance = new SimpleDoubleProperty();
    private final StringProperty scheduler = new SimpleStringProperty("");
    private final IntegerProperty frames = new SimpleIntegerProperty();
    private final DoubleProperty fps = new SimpleDoubleProperty(8);
    private final IntegerProperty variations = new SimpleIntegerProperty(1);
    private final DoubleProperty strength = new SimpleDoubleProperty(0.6);
    private final StringProperty shotLabel = new SimpleStringProperty("");
    private final StringProperty modeHint = new SimpleStringProperty("");
    private final ObservableList<String> history = FXCollections.observableArrayList();
    private final SourceSlot sourceA = new SourceSlot("A", SourceRole.START);
    private final SourceSlot sourceB = new SourceSlot("B", SourceRole.END);
    private final Random seeds = new Random();
    private boolean syncing;
    private String boundShot = "";
    private String syncedPrompt = "";
    private String syncedNegative = "";

    public PromptViewModel(StudioModel studio) {
        this.studio = studio;
        history.setAll(studio.prefs().history());
        device.set(studio.prefs().device());
        studio.setDevice(device.get());
        studio.revisionProperty().addListener((o, a, b) -> sync());
        studio.selectedShotProperty().addListener((o, a, b) -> {
            commitPrompt(a);
            sync();
        });
        studio.packs().addListener((javafx.collections.ListChangeListener<PackInfo>) c -> sync());
        pack.addListener((o, a, b) -> {
            if (b != null) {
                settings(s -> s.withPack(b.id()));
            }
            schedulers.setAll(schedulersFor(b));
        });
        device.addListener((o, a, b) -> {
            // Where jobs run is a property of this machine, not of the project. The render service
            // switches between jobs: a running job is not stopped and this returns at once.
            studio.prefs().setDevice(b);
            studio.setDevice(b);
        });
        mode.addListener((o, a, b) -> {
            modeHint.set(hint(b));
            if (!syncing) {
                shotEdit(id -> new Commands.SetMode(id, b));
            }
        });
        seed.addListener((o, a, b) -> settings(s -> s.withSeed(b == null ? 0 : b, s.seedLocked())));
        seedLocked.addListener((o, a, b) -> settings(s -> s.withSeed(s.seed(), b)));
        asTyped.addListener((o, a, b) -> settings(s -> s.withAsTyped(b)));
        steps.addListener((o, a, b) -> settings(s -> s.withSampling(b.intValue(), s.guidance(), s.scheduler())));
        guidance.addListener((o, a, b) -> settings(s -> s.withSampling(s.steps(), b.floatValue(), s.scheduler())));
        scheduler.addListener((o, a, b) -> settings(s -> s.withSampling(s.steps(), s.guidance(), b == null ? "" : b)));
        // Length is the shot's duration (frames at its fps), so the card on the timeline follows the spinner.
        frames.addListener((o, a, b) -> shotEdit(id -> new Commands.SetDuration(id, b.intValue() / fps.get())));
        fps.addListener((o, a, b) -> {
            if (b.doubleValue() > 0) {
                settings(s -> s.withFrames(s.frames(), b.doubleValue()));
            }
        });
        variations.addListener((o, a, b) -> settings(s -> s.withVariations(Math.max(1, b.intValue()))));
        modeHint.set(hint(Mode.GENERATE));
        sync();
    }

    private void shotEdit(java.util.function.Function<String, dev.kinora.project.Command> f) {
        String id = studio.selectedShotProperty().get();
        if (!syncing && id != null && !id.isEmpty() && studio.doc().shot(id).isPresent()) {
            studio.edit(f.apply(id));
        }
    }

    private void settings(UnaryOperator<ShotSettings> f) {
        if (syncing) {
            return;
        }
        studio.selected().ifPresent(s -> {
            try {
                ShotSettings next = f.apply(s.settings());
                if (!next.equals(s.settings())) {
                    studio.edit(new Commands.SetShotSettings(s.id(), next));
                }
            } catch (IllegalArgumentException e) {
                studio.statusProperty().set(e.getMessage());
            }
        });
    }

    /** Re-reads the selected shot into the properties; guarded so the writes do not turn into commands. */
    void sync() {
        syncing = true;
        try {
            Project d = studio.doc();
            Optional<Shot> shot = studio.selected();
            ShotSettings s = shot.map(Shot::settings).orElse(ShotSettings.DEFAULTS);
            PackInfo p = studio.pack(s.pack().isEmpty() ? d.settings().defaultPack() : s.pack()).orElse(null);
            pack.set(p);
            tokenLimit.set(p == null ? 0 : p.maxTokens());
            mode.set(shot.map(Shot::mode).orElse(Mode.GENERATE));
            boolean continues = shot.map(x -> x.continueFromPrevious() && x.sources().isEmpty()
                    && d.previous(x.id()).flatMap(Shot::activeTake).isPresent()).orElse(false);
            modeHint.set(continues ? "Continues the previous shot: Generate extends its active take forward, so the reel runs on without a cut."
                    : hint(mode.get()));
            seed.set(s.seed());
            seedLocked.set(s.seedLocked());
            asTyped.set(s.asTyped());
            steps.set(s.steps() > 0 ? s.steps() : p == null ? 8 : p.steps());
            // A shot that continues the previous one runs as an extension, so it shows extension's default.
            Mode runsAs = continues && mode.get() == Mode.GENERATE ? Mode.EXTEND : mode.get();
            guidance.set(Float.isNaN(s.guidance()) ? (p == null ? 3 : p.guidance(runsAs)) : s.guidance());
            scheduler.set(s.scheduler());
            fps.set(s.fps());
            frames.set(shot.map(Shot::targetFrames).orElse(16));
            variations.set(s.variations());
            String id = shot.map(Shot::id).orElse("");
            // Replace the text only when the document's prompt itself changed (undo/redo, another shot):
            // an unrelated edit (a setting) must not wipe words typed since the last commit.
            String docPrompt = shot.map(Shot::prompt).orElse("");
            String docNeg = shot.map(Shot::negativePrompt).orElse("");
            boolean otherShot = !id.equals(boundShot);
            if (otherShot || !docPrompt.equals(syncedPrompt)) {
                prompt.set(docPrompt);
            }
            if (otherShot || !docNeg.equals(syncedNegative)) {
                negative.set(docNeg);
            }
            syncedPrompt = docPrompt;
            syncedNegative = docNeg;
            boundShot = id;
            showSources(shot.map(Shot::sources).orElse(List.of()));
            int index = d.indexOf(id);
            shotLabel.set(index < 0 ? "No shot" : "Shot " + (index + 1) + " of " + d.shots().size()
                    + shot.filter(Shot::continueFromPrevious).map(x -> " · continues previous").orElse(""));
        } finally {
            syncing = false;
        }
    }

    private void showSources(List<SourceRef> refs) {
        for (SourceSlot slot : List.of(sourceA, sourceB)) {
            Optional<SourceRef> r = refs.stream().filter(x -> x.role() == slot.role()).findFirst();
            if (r.isEmpty()) {
                slot.clearView();
                continue;
            }
            if (r.get().path().equals(slot.pathProperty().get()) && slot.framesProperty().get() != null) {
                continue;
            }
            String ref = r.get().path();
            Optional<Take> take = studio.takeByMedia(ref);
            if (take.isPresent()) {
                Shot owner = studio.doc().shots().stream().filter(s -> s.take(take.get().id()).isPresent()).findFirst().orElse(null);
                String label = owner == null ? "take" : "Shot " + (studio.doc().indexOf(owner.id()) + 1) + " take";
                slot.show(ref, label, studio.cachedFrames(take.get()).orElse(null));
                studio.loadFrames(take.get(), f -> {
                    if (ref.equals(slot.pathProperty().get())) {
                        slot.show(ref, label, f.orElse(null));
                    }
                });
            } else {
                // What the engine will get: the file read through the media layer at the pack's size and fit.
                Path file = studio.resolve(ref);
                SourceRef source = r.get();
                var store = studio.session().store();
                Project d = studio.doc();
                String packId = pack.get() == null ? d.settings().defaultPack() : pack.get().id();
                slot.show(ref, file.getFileName().toString(), null);
                studio.exec().background(() -> SourceLoader.load(source, store, d, studio.engine().pack(packId)).frames(), f -> {
                    if (ref.equals(slot.pathProperty().get())) {
                        slot.show(ref, file.getFileName().toString(), f);
                    }
                }, e -> slot.infoProperty().set(file.getFileName() + " · " + e.getMessage()));
            }
        }
    }

    /** Writes the typed prompt into the selected shot (called after a pause in typing and on focus loss). */
    public void commitPrompt() {
        commitPrompt(boundShot);
    }

    private void commitPrompt(String shotId) {
        if (shotId == null || shotId.isEmpty() || syncing) {
            return;
        }
        String p = prompt.get();
        String n = negative.get();
        studio.doc().shot(shotId).ifPresent(s -> {
            if (!s.prompt().equals(p)) {
                studio.edit(new Commands.EditPrompt(shotId, p));
            }
            if (!s.negativePrompt().equals(n)) {
                studio.edit(new Commands.EditNegativePrompt(shotId, n));
            }
        });
    }

    /** Updates the token count off the FX thread; the view debounces calls while typing. */
    public void countTokens() {
        PackInfo p = pack.get();
        if (p == null) {
            tokenText.set("no model pack installed (Tools → Model Manager)");
            return;
        }
        String text = prompt.get();
        boolean typed = asTyped.get();
        int limit = p.maxTokens();
        record Counted(int tokens, String read) {
        }
        studio.exec().background(() -> {
            String read = studio.engine().readPrompt(p.id(), text);
            // the count is of what the model is given: the reading, or the prompt itself when sent as typed
            return new Counted(studio.engine().countTokens(p.id(), typed ? text : read), read);
        }, c -> {
            int n = c.tokens();
            tokens.set(n);
            overLimit.set(limit > 0 && n > limit);
            tokenText.set(n + " / " + limit + " tokens" + (overLimit.get() ? " — the rest is cut off" : ""));
            readsAs.set(c.read().equals(text) ? "" : typed ? "Sent as typed; the lexicon would read: " + c.read()
                    : "Reads as: " + c.read());
        }, e -> {
            tokenText.set("tokens: " + e.getMessage());
            readsAs.set("");
        });
    }

    public void useHistory(String h) {
        prompt.set(h);
        studio.breakCoalescing();
        commitPrompt();
        studio.breakCoalescing();
    }

    public void randomSeed() {
        seed.set(Math.abs(seeds.nextLong() % 1_000_000_000L));
    }

    /** Takes the seed of the selected shot's active take and locks it, to vary the prompt on the same noise. */
    public void reuseSeedFromTake() {
        studio.selected().ifPresent(s -> s.activeTake().ifPresent(t ->
                studio.edit(new Commands.SetShotSettings(s.id(), s.settings().withSeed(t.recipe().seed(), true)))));
    }

    private void setSource(SourceRole role, String reference) {
        studio.selected().ifPresent(s -> {
            List<SourceRef> refs = new ArrayList<>(s.sources().stream().filter(r -> r.role() != role).toList());
            if (reference != null) {
                refs.add(new SourceRef(reference, role));
            }
            studio.edit(new Commands.SetSources(s.id(), refs));
        });
    }

    /** A dropped file becomes the slot's source (inside the project it is referenced relatively). */
    public void dropFile(SourceSlot slot, Path file) {
        setSource(slot.role(), studio.session().store().reference(file));
        suggestModeForSources();
    }

    /** A take dragged from the timeline becomes the slot's source. */
    public void dropTake(SourceSlot slot, String shotId, String takeId) {
        studio.doc().shot(shotId).flatMap(s -> s.take(takeId)).ifPresent(t -> {
            setSource(slot.role(), t.media());
            suggestModeForSources();
        });
    }

    public void clearSource(SourceSlot slot) {
        setSource(slot.role(), null);
    }

    private void suggestModeForSources() {
        if (mode.get() != Mode.GENERATE) {
            return;
        }
        Optional<Shot> s = studio.selected();
        if (s.isEmpty() || s.get().sources().isEmpty()) {
            return;
        }
        boolean hasEnd = s.get().sources().stream().anyMatch(r -> r.role() == SourceRole.END);
        boolean still = s.get().sources().stream().anyMatch(r -> MediaIO.isStill(Path.of(r.path()))
                && studio.takeByMedia(r.path()).isEmpty());
        mode.set(hasEnd ? Mode.INTERPOLATE : still ? Mode.ANIMATE : Mode.EXTEND);
    }

    /**
     * "Use last frame": the previous shot's active take's last frame is written as a still into the
     * project's media folder and becomes this shot's start; the shot animates from it (an exact cut).
     * The take is decoded and the still written on the background thread; false at once when there
     * is no take to use.
     */
    public boolean useLastFrameOfPrevious() {
        return useLastFrameOfPrevious(() -> { });
    }

    /** As {@link #useLastFrameOfPrevious()}, then {@code then} on the FX thread once the shot starts from the still. */
    public boolean useLastFrameOfPrevious(Runnable then) {
        Optional<Shot> cur = studio.selected();
        Optional<Shot> prev = cur.flatMap(c -> studio.doc().previous(c.id()));
        Optional<Take> t = prev.flatMap(Shot::activeTake);
        if (t.isEmpty()) {
            studio.statusProperty().set("The previous shot has no take to continue from yet");
            return false;
        }
        var store = studio.session().store();
        Take take = t.get();
        String id = cur.get().id();
        studio.exec().background(() -> {
            Frames f = FilmStrip.read(store.resolve(take.media()), take.height(), take.fps());
            Path still = store.resolve(Continuity.lastFrameStill(take));
            FilmStrip.write(f.slice(f.count() - 1, f.count()), still);
            return store.reference(still);
        }, ref -> {
            Optional<Shot> now = studio.doc().shot(id);
            if (now.isEmpty()) {
                return;
            }
            List<SourceRef> refs = new ArrayList<>(now.get().sources().stream().filter(r -> r.role() != SourceRole.START).toList());
            refs.add(0, new SourceRef(ref, SourceRole.START));
            studio.edit(new Commands.SetSources(id, refs));
            studio.edit(new Commands.SetMode(id, Mode.ANIMATE));
            then.run();
        }, e -> studio.statusProperty().set("Cannot use the last frame of " + take.media() + ": " + e.getMessage()));
        return true;
    }

    /**
     * Queues the generation(s) of the selected shot. Seeds are resolved now (random unless locked) so
     * the queue file holds exactly what will run and a retry repeats it.
     */
    public List<JobSpec> generate() {
        commitPrompt();
        studio.breakCoalescing();
        Optional<Shot> shot = studio.selected();
        if (shot.isEmpty()) {
            studio.statusProperty().set("Add a shot first");
            return List.of();
        }
        Shot s = shot.get();
        Project d = studio.doc();
        Mode m = s.mode();
        List<SourceRef> sources = s.sources();
        Direction dir = direction.get();
        Optional<Take> prevTake = d.previous(s.id()).flatMap(Shot::activeTake);
        if (s.continueFromPrevious() && prevTake.isPresent() && s.sources().isEmpty()) {
            // Continue from previous shot: extend its active take forward, so the reel plays on without a cut.
            m = Mode.EXTEND;
            sources = List.of(new SourceRef(prevTake.get().media(), SourceRole.START));
            dir = Direction.FORWARD;
        } else {
            // A source the mode does not read stays with the shot (switching back brings it back), but the job
            // gets only the slots the editor shows for this mode.
            Mode mode = m;
            sources = sources.stream().filter(r -> slot(r.role()).usedBy(mode)).toList();
            if (m == Mode.EXTEND && dir == Direction.BACKWARD) {
                sources = sources.stream().map(r -> new SourceRef(r.path(), SourceRole.END)).toList();
            }
        }
        ShotSettings st = s.settings();
        String packId = st.pack().isEmpty() ? pack.get() == null ? d.settings().defaultPack() : pack.get().id() : st.pack();
        long base = st.seedLocked() ? st.seed() : Math.abs(seeds.nextLong() % 1_000_000_000L);
        float str = m == Mode.REMIX ? (float) strength.get() : 1f;
        JobSettings job = s.jobSettings(base).withPack(packId).withMode(m).withExtension(dir, 0, str);
        PackInfo info = pack.get();
        String capped = "";
        if (info != null && info.id().equals(packId) && job.frames() > info.maxFrames()) {
            // a pack that cannot continue a clip (LTX-Video 0.9.1) makes one window: the shot gets that, and is told so
            capped = "; " + info.name() + " makes at most " + info.maxFrames() + " frames a shot, so " + job.frames() + " became " + info.maxFrames();
            job = job.withFrames(info.maxFrames());
        }
        List<JobSpec> specs = new ArrayList<>();
        for (int v = 0; v < st.variations(); v++) {
            JobSpec spec = new JobSpec(job.withSeed(base + v), sources);
            // Refused before any work (an empty prompt, a missing source): the studio says why on the
            // status bar and on the shot's card.
            if (studio.submit(s.id(), spec) instanceof Submission.Refused) {
                return specs;
            }
            specs.add(spec);
        }
        remember(s.prompt());
        studio.statusProperty().set("Queued " + specs.size() + " job" + (specs.size() == 1 ? "" : "s") + capped);
        return specs;
    }

    private void remember(String p) {
        if (p.isBlank()) {
            return;
        }
        history.remove(p);
        history.add(0, p);
        while (history.size() > 50) {
            history.remove(history.size() - 1);
        }
        studio.prefs().setHistory(history);
    }

    static String hint(Mode m) {
        return switch (m) {
            case GENERATE -> "Text → video: describe the shot.";
            case ANIMATE -> "Animate a still: drop an image on A.";
            case EXTEND -> "Extend a clip forward or backward: clip on A.";
            case INTERPOLATE -> "Connect: start on A, end on B; Kinora fills the frames between.";
            case LOOP -> "Loop: makes A's end run seamlessly into its start.";
            case REMIX -> "Remix: re-imagine clip A; strength sets how far it changes.";
        };
    }

    public ObservableList<PackInfo> studioPacks() {
        return studio.packs();
    }

    public StringProperty deviceUsedProperty() {
        return studio.deviceUsedProperty();
    }

    public StringProperty promptProperty() {
        return prompt;
    }

    public StringProperty negativeProperty() {
        return negative;
    }

    public IntegerProperty tokensProperty() {
        return tokens;
    }

    public IntegerProperty tokenLimitProperty() {
        return tokenLimit;
    }

    public StringProperty readsAsProperty() {
        return readsAs;
    }

    public StringProperty tokenTextProperty() {
        return tokenText;
    }

    public BooleanProperty overLimitProperty() {
        return overLimit;
    }

    public ObjectProperty<PackInfo> packProperty() {
        return pack;
    }

    /** The scheduler choices for the selected pack; a shot's own choice that does not fit stays visible in the box. */
    public ObservableList<String> schedulers() {
        return schedulers;
    }

    static List<String> schedulersFor(PackInfo p) {
        List<String> out = new ArrayList<>(List.of(""));
        Boolean flow = null;
        if (p != null && !p.scheduler().isBlank()) {
            try {
                flow = dev.kinora.engine.scheduler.SchedulerKind.byId(p.scheduler()).isFlow();
            } catch (IllegalArgumentException e) {
                flow = null; // a pack naming a sampler this build lacks: offer them all, the engine says what fits
            }
        }
        for (dev.kinora.engine.scheduler.SchedulerKind k : dev.kinora.engine.scheduler.SchedulerKind.values()) {
            if (flow == null || k.isFlow() == flow) {
                out.add(k.id());
            }
        }
        return out;
    }

    /** False for a pack whose jobs read no prompt (Stable Video Diffusion animates a still from the image alone). */
    public javafx.beans.value.ObservableValue<Boolean> takesTextProperty() {
        return pack.map(PackInfo::takesText).orElse(true);
    }

    public ObjectProperty<Device> deviceProperty() {
        return device;
    }

    public ObjectProperty<Mode> modeProperty() {
        return mode;
    }

    public ObjectProperty<Direction> directionProperty() {
        return direction;
    }

    public ObjectProperty<Long> seedProperty() {
        return seed;
    }

    public BooleanProperty asTypedProperty() {
        return asTyped;
    }

    public BooleanProperty seedLockedProperty() {
        return seedLocked;
    }

    public IntegerProperty stepsProperty() {
        return steps;
    }

    public DoubleProperty guidanceProperty() {
        return guidance;
    }

    public StringProperty schedulerProperty() {
        return scheduler;
    }

    public IntegerProperty framesProperty() {
        return frames;
    }

    public DoubleProperty fpsProperty() {
        return fps;
    }

    public IntegerProperty variationsProperty() {
        return variations;
    }

    public DoubleProperty strengthProperty() {
        return strength;
    }

    public StringProperty shotLabelProperty() {
        return shotLabel;
    }

    public StringProperty modeHintProperty() {
        return modeHint;
    }

    public ObservableList<String> history() {
        return history;
    }

    /** Whether the editor shows {@code slot} for the current mode (see {@link SourceSlot#usedBy}). */
    public javafx.beans.binding.BooleanBinding showsSlot(SourceSlot slot) {
        return javafx.beans.binding.Bindings.createBooleanBinding(() -> slot.usedBy(mode.get()), mode);
    }

    private SourceSlot slot(SourceRole role) {
        return role == sourceB.role() ? sourceB : sourceA;
    }

    public SourceSlot sourceA() {
        return sourceA;
    }

    public SourceSlot sourceB() {
        return sourceB;
    }
}
