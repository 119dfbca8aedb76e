package dev.kinora.app.prompt;

import dev.kinora.app.StudioModel;
import dev.kinora.app.engine.PackInfo;
import dev.kinora.app.model.GenSettings;
import dev.kinora.app.model.JobSpec;
import dev.kinora.app.model.Shot;
import dev.kinora.app.model.SourceRef;
import dev.kinora.app.model.Storyboard;
import dev.kinora.app.model.Take;
import dev.kinora.app.queue.SourceFiles;
import dev.kinora.engine.Direction;
import dev.kinora.engine.Frames;
import dev.kinora.engine.onnx.Device;
import dev.kinora.engine.pack.Mode;
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
 * The prompt editor's state: the selected shot's prompt, the generation settings, the source slots
 * and the token count. Text is committed to the document as one "Edit prompt" command per pause in
 * typing (the view calls {@link #commitPrompt()}), not per keystroke, so undo steps are phrases.
 * Settings changes are commands too; the view model re-reads the document on every revision.
 */
public final class PromptViewModel {
    private final StudioModel studio;
    private final StringProperty prompt = new SimpleStringProperty("");
    private final StringProperty negative = new SimpleStringProperty("");
    private final IntegerProperty tokens = new SimpleIntegerProperty();
    private final IntegerProperty tokenLimit = new SimpleIntegerProperty(64);
    private final StringProperty tokenText = new SimpleStringProperty("");
    private final BooleanProperty overLimit = new SimpleBooleanProperty();
    private final ObjectProperty<PackInfo> pack = new SimpleObjectProperty<>();
    private final ObjectProperty<Device> device = new SimpleObjectProperty<>(Device.AUTO);
    private final ObjectProperty<Mode> mode = new SimpleObjectProperty<>(Mode.GENERATE);
    private final ObjectProperty<Direction> direction = new SimpleObjectProperty<>(Direction.FORWARD);
    private final ObjectProperty<Long> seed = new SimpleObjectProperty<>(42L);
    private final BooleanProperty seedLocked = new SimpleBooleanProperty();
    private final IntegerProperty steps = new SimpleIntegerProperty();
    private final DoubleProperty guidance = new SimpleDoubleProperty();
    private final StringProperty scheduler = new SimpleStringProperty("");
    private final IntegerProperty frames = new SimpleIntegerProperty();
    private final DoubleProperty fps = new SimpleDoubleProperty();
    private final IntegerProperty variations = new SimpleIntegerProperty(1);
    private final DoubleProperty strength = new SimpleDoubleProperty(0.6);
    private final StringProperty shotLabel = new SimpleStringProperty("");
    private final StringProperty modeHint = new SimpleStringProperty("");
    private final ObservableList<String> history = FXCollections.observableArrayList();
    private final SourceSlot sourceA = new SourceSlot("A");
    private final SourceSlot sourceB = new SourceSlot("B");
    private final Random seeds = new Random();
    private boolean syncing;
    private String boundShot = "";
    private String syncedPrompt = "";
    private String syncedNegative = "";

    public PromptViewModel(StudioModel studio) {
        this.studio = studio;
        studio.revisionProperty().addListener((o, a, b) -> sync());
        studio.selectedShotProperty().addListener((o, a, b) -> {
            commitPrompt(a);
            sync();
        });
        studio.packs().addListener((javafx.collections.ListChangeListener<PackInfo>) c -> sync());
        // Settings widgets write to properties; each change becomes one command.
        pack.addListener((o, a, b) -> {
            if (b != null) {
                setting("Change model pack", s -> s.withPack(b.id()));
            }
        });
        device.addListener((o, a, b) -> setting("Change device", s -> s.withDevice(b)));
        mode.addListener((o, a, b) -> setting("Change mode", s -> s.withMode(b)));
        direction.addListener((o, a, b) -> setting("Change direction", s -> s.withDirection(b)));
        seed.addListener((o, a, b) -> setting("Change seed", s -> s.withSeed(b == null ? 0 : b, seedLocked.get())));
        seedLocked.addListener((o, a, b) -> setting(b ? "Lock seed" : "Unlock seed", s -> s.withSeed(s.seed(), b)));
        steps.addListener((o, a, b) -> setting("Change steps", s -> s.withSampling(b.intValue(), s.guidance(), s.scheduler())));
        guidance.addListener((o, a, b) -> setting("Change guidance", s -> s.withSampling(s.steps(), b.floatValue(), s.scheduler())));
        scheduler.addListener((o, a, b) -> setting("Change scheduler", s -> s.withSampling(s.steps(), s.guidance(), b)));
        frames.addListener((o, a, b) -> setting("Change length", s -> s.withLength(b.intValue(), s.fps())));
        fps.addListener((o, a, b) -> setting("Change fps", s -> s.withLength(s.frames(), b.doubleValue())));
        variations.addListener((o, a, b) -> setting("Change variations", s -> s.withVariations(b.intValue())));
        strength.addListener((o, a, b) -> setting("Change strength", s -> s.withStrength(b.floatValue())));
        mode.addListener((o, a, b) -> modeHint.set(hint(b)));
        modeHint.set(hint(Mode.GENERATE));
        sync();
    }

    private void setting(String label, UnaryOperator<GenSettings> f) {
        if (syncing) {
            return;
        }
        studio.edit(label, d -> d.withSettings(f.apply(d.settings())));
    }

    /** Re-reads the document into the properties; guarded so the writes do not turn into commands. */
    void sync() {
        syncing = true;
        try {
            Storyboard d = studio.doc();
            GenSettings s = d.settings();
            PackInfo p = studio.pack(s.pack()).orElse(null);
            pack.set(p);
            tokenLimit.set(p == null ? 0 : p.maxTokens());
            device.set(s.device());
            mode.set(s.mode());
            direction.set(s.direction());
            seed.set(s.seed());
            seedLocked.set(s.seedLocked());
            steps.set(s.steps() > 0 ? s.steps() : p == null ? 8 : p.steps());
            guidance.set(Float.isNaN(s.guidance()) ? (p == null ? 3 : p.guidance()) : s.guidance());
            scheduler.set(s.scheduler());
            frames.set(s.frames() > 0 ? s.frames() : p == null ? 16 : p.frames());
            fps.set(s.fps() > 0 ? s.fps() : p == null ? 8 : p.fps());
            variations.set(s.variations());
            strength.set(s.strength());
            history.setAll(d.promptHistory());
            Optional<Shot> shot = studio.selected();
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
            int index = d.indexOf(id);
            shotLabel.set(index < 0 ? "No shot" : "Shot " + (index + 1) + " of " + d.shots().size()
                    + shot.filter(Shot::continueFromPrevious).map(x -> " · continues previous").orElse(""));
        } finally {
            syncing = false;
        }
    }

    /** Writes the typed prompt into the selected shot as one command (called after a pause in typing). */
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
            if (!s.prompt().equals(p) || !s.negativePrompt().equals(n)) {
                studio.edit("Edit prompt", d -> d.mapShot(shotId, x -> x.withPrompt(p, n)));
            }
        });
    }

    /** Updates the token count off the FX thread; the view debounces calls while typing. */
    public void countTokens() {
        PackInfo p = pack.get();
        if (p == null) {
            tokenText.set("no model pack");
            return;
        }
        String text = prompt.get();
        int limit = p.maxTokens();
        studio.exec().background(() -> studio.engine().countTokens(p.id(), text), n -> {
            tokens.set(n);
            overLimit.set(limit > 0 && n > limit);
            tokenText.set(n + " / " + limit + " tokens" + (overLimit.get() ? " — the rest is cut off" : ""));
        }, e -> tokenText.set("tokens: " + e.getMessage()));
    }

    public void useHistory(String h) {
        prompt.set(h);
        commitPrompt();
    }

    public void randomSeed() {
        seed.set(Math.abs(seeds.nextLong() % 1_000_000_000L));
    }

    /** Takes the seed of the selected shot's active take and locks it, to vary the prompt on the same noise. */
    public void reuseSeedFromTake() {
        studio.selected().flatMap(Shot::active).ifPresent(t -> {
            studio.edit("Reuse seed " + t.seed(), d -> d.withSettings(d.settings().withSeed(t.seed(), true)));
        });
    }

    /** Loads a dropped file into a slot; the decoding happens off the FX thread. */
    public void dropFile(SourceSlot slot, Path file) {
        studio.exec().background(() -> SourceFiles.read(file), f -> {
            slot.set(SourceRef.file(file.toString()), f, file.getFileName().toString());
            suggestModeForSources();
        }, e -> studio.statusProperty().set(e.getMessage()));
    }

    /** Puts a take (dragged from the timeline) in a slot. */
    public void dropTake(SourceSlot slot, String shotId, String takeId, boolean lastFrameOnly) {
        Optional<Take> t = studio.doc().shot(shotId).flatMap(s -> s.take(takeId));
        if (t.isEmpty()) {
            return;
        }
        Optional<Frames> f = studio.frames(t.get());
        if (f.isEmpty()) {
            studio.statusProperty().set("The take's file is missing; relink media first");
            return;
        }
        Frames fr = lastFrameOnly ? f.get().slice(f.get().count() - 1, f.get().count()) : f.get();
        int idx = studio.doc().indexOf(shotId) + 1;
        slot.set(SourceRef.take(shotId, takeId, lastFrameOnly), fr, "Shot " + idx + (lastFrameOnly ? " last frame" : " take"));
        suggestModeForSources();
    }

    private void suggestModeForSources() {
        if (mode.get() != Mode.GENERATE) {
            return;
        }
        Frames a = sourceA.framesProperty().get();
        if (a != null) {
            mode.set(sourceB.filled() ? Mode.INTERPOLATE : a.count() == 1 ? Mode.ANIMATE : Mode.EXTEND);
        }
    }

    /** "Use last frame": the previous shot's active take's last frame becomes the still to animate. */
    public boolean useLastFrameOfPrevious() {
        Optional<Shot> prev = studio.doc().previous(studio.selectedShotProperty().get());
        Optional<Take> t = prev.flatMap(Shot::active);
        if (t.isEmpty()) {
            studio.statusProperty().set("The previous shot has no take yet");
            return false;
        }
        dropTake(sourceA, prev.get().id(), t.get().id(), true);
        mode.set(Mode.ANIMATE);
        return true;
    }

    /**
     * Queues the generation(s). The seed is resolved now (random unless locked) so the queue file
     * holds exactly what will run and a retry repeats it.
     */
    public List<JobSpec> generate() {
        commitPrompt();
        Storyboard d = studio.doc();
        Optional<Shot> shot = studio.selected();
        if (shot.isEmpty()) {
            studio.statusProperty().set("Add a shot first");
            return List.of();
        }
        GenSettings s = d.settings();
        List<SourceRef> sources = new ArrayList<>();
        Mode m = s.mode();
        Optional<Take> prevTake = d.previous(shot.get().id()).flatMap(Shot::active);
        if (shot.get().continueFromPrevious() && prevTake.isPresent() && !sourceA.filled()) {
            // Continue from previous shot: extend its active take forward, so the reel is continuous.
            m = Mode.EXTEND;
            sources.add(SourceRef.take(d.previous(shot.get().id()).get().id(), prevTake.get().id(), false));
            s = s.withDirection(Direction.FORWARD);
        } else {
            if (sourceA.filled()) {
                sources.add(sourceA.refProperty().get());
            }
            if (sourceB.filled()) {
                sources.add(sourceB.refProperty().get());
            }
        }
        String problem = check(m, sources.size());
        if (problem != null) {
            studio.statusProperty().set(problem);
            return List.of();
        }
        long base = s.seedLocked() ? s.seed() : Math.abs(seeds.nextLong() % 1_000_000_000L);
        if (!s.seedLocked()) {
            long b = base;
            studio.edit("Generate", x -> x.rememberPrompt(prompt.get()).withSettings(x.settings().withSeed(b, false)));
        } else {
            studio.edit("Generate", x -> x.rememberPrompt(prompt.get()));
        }
        List<JobSpec> specs = new ArrayList<>();
        for (int v = 0; v < s.variations(); v++) {
            JobSpec spec = new JobSpec(shot.get().id(), prompt.get(), negative.get(), s.withMode(m), base + v, sources);
            studio.queue().enqueue(spec);
            specs.add(spec);
        }
        studio.statusProperty().set("Queued " + specs.size() + " job" + (specs.size() == 1 ? "" : "s"));
        return specs;
    }

    /** Why a mode cannot run with the sources at hand, or null when it can. */
    static String check(Mode m, int sources) {
        return switch (m) {
            case GENERATE -> null;
            case ANIMATE, EXTEND, LOOP, REMIX -> sources >= 1 ? null
                    : m.id() + " needs a source: drop a still or clip on slot A, or drag a take from the timeline";
            case INTERPOLATE -> sources >= 2 ? null : "connect needs two sources: the start in slot A and the end in slot B";
        };
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

    public StringProperty tokenTextProperty() {
        return tokenText;
    }

    public BooleanProperty overLimitProperty() {
        return overLimit;
    }

    public ObjectProperty<PackInfo> packProperty() {
        return pack;
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

    public SourceSlot sourceA() {
        return sourceA;
    }

    public SourceSlot sourceB() {
        return sourceB;
    }
}
