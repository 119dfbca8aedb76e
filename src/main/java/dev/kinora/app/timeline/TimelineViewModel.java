package dev.kinora.app.timeline;

import dev.kinora.app.StudioModel;
import dev.kinora.engine.Direction;
import dev.kinora.engine.Recipe;
import dev.kinora.engine.RecipeJson;
import dev.kinora.engine.pack.Mode;
import dev.kinora.media.MediaException;
import dev.kinora.media.MediaIO;
import dev.kinora.media.MediaReader;
import dev.kinora.project.Commands;
import dev.kinora.project.Continuity;
import dev.kinora.project.Project;
import dev.kinora.project.Shot;
import dev.kinora.project.SourceRef;
import dev.kinora.project.SourceRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;

/**
 * Storyboard operations, each one project command. Shots are measured in seconds in the document;
 * the timeline shows them in frames at the project's rate, and the playhead is a reel frame shared
 * with the player in reel mode.
 */
public final class TimelineViewModel {
    public static final double MIN_ZOOM = 2;
    public static final double MAX_ZOOM = 48;

    private final StudioModel studio;
    private final DoubleProperty zoom = new SimpleDoubleProperty(12); // pixels per frame
    private final IntegerProperty playhead = new SimpleIntegerProperty();
    /** Asks the artist a yes/no question (the view shows a dialog; tests answer directly). */
    private Predicate<String> confirm = q -> true;

    public TimelineViewModel(StudioModel studio) {
        this.studio = studio;
    }

    public double fps() {
        return studio.doc().settings().fps();
    }

    /** A shot's length in frames on the timeline. */
    public int frames(Shot s) {
        return (int) Math.max(1, Math.round(s.durationSeconds() * fps()));
    }

    public int totalFrames() {
        return studio.doc().shots().stream().mapToInt(this::frames).sum();
    }

    /** The reel frame at which a shot starts. */
    public int startOf(String shotId) {
        int at = 0;
        for (Shot s : studio.doc().shots()) {
            if (s.id().equals(shotId)) {
                return at;
            }
            at += frames(s);
        }
        return at;
    }

    private String selected() {
        return studio.selectedShotProperty().get();
    }

    public void select(String shotId) {
        studio.selectedShotProperty().set(shotId);
    }

    /** How the view asks before an edit that would break a link between two shots. */
    public void setConfirm(Predicate<String> ask) {
        confirm = ask == null ? q -> true : ask;
    }

    /**
     * A new shot right after {@code shotId} would come between it and the shot linked to it: ask
     * first. True to go ahead (nothing linked, or the artist said yes).
     */
    boolean mayInsertAfter(String shotId) {
        Project d = studio.doc();
        Optional<Shot> next = Continuity.linkedNext(d, shotId);
        if (next.isEmpty()) {
            return true;
        }
        int i = d.indexOf(shotId) + 1;
        boolean yes = confirm.test("Shot " + (i + 1) + " continues shot " + i + ". Insert the new shot between them?"
                + " Shot " + (i + 1) + " would then continue from the new shot and need regenerating.");
        if (!yes) {
            studio.statusProperty().set("Not inserted: shot " + (i + 1) + " stays linked to shot " + i);
        }
        return yes;
    }

    public void addShot() {
        Project d = studio.doc();
        int at = d.indexOf(selected()) + 1;
        if (at > 0 && !mayInsertAfter(selected())) {
            return;
        }
        Shot s = Shot.create("", d.settings()).withDuration(16 / fps());
        if (studio.edit(new Commands.AddShot(s, at <= 0 ? Integer.MAX_VALUE : at))) {
            select(s.id());
        }
    }

    /**
     * A new shot after the selected one, from a file. A clip Kinora made (or its recipe .json) is made again: its
     * prompts, mode, pack, sampling, length and locked seed, and those of its sources that are still where the recipe
     * says (or beside the file). Any other clip becomes the source of a shot that extends it, a still the source of one
     * that animates it, for the artist to say what happens. Reading the file runs off the FX thread; the status line
     * says what came in, and why nothing did when the file is neither.
     */
    public void addShotFromFile(Path file) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        studio.exec().background(() -> read(file), read -> add(read, name), e -> studio.statusProperty().set(
                e instanceof MediaException ? name + " is not a clip or still Kinora can read: " + e.getMessage()
                        : name + ": its recipe could not be read (" + e.getMessage() + ")"));
    }

    /** A file's recipe (null when it has none) and the sources found for it, or the file itself as one. */
    private record FileRead(Recipe recipe, List<Path> sources, List<String> missing, boolean still) {
    }

    /** Off the FX thread: the recipe, and where its sources are now (as recorded, else beside the file). */
    private static FileRead read(Path file) throws Exception {
        Optional<String> json = MediaIO.recipeJson(file);
        if (json.isEmpty()) {
            return new FileRead(null, List.of(file), List.of(), MediaReader.probe(file).frameCount() <= 1);
        }
        Recipe r = RecipeJson.fromJson(json.get());
        List<Path> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Path folder = file.toAbsolutePath().getParent();
        for (Recipe.SourceRef src : r.sources()) {
            Path at = Path.of(src.path());
            Path beside = folder == null || at.getFileName() == null ? at : folder.resolve(at.getFileName());
            if (Files.exists(at)) {
                found.add(at);
            } else if (Files.exists(beside)) {
                found.add(beside);
            } else {
                missing.add(src.path());
            }
        }
        return new FileRead(r, found, missing, false);
    }

    private void add(FileRead read, String name) {
        Project d = studio.doc();
        int at = d.indexOf(selected()) + 1;
        if (at > 0 && !mayInsertAfter(selected())) {
            return;
        }
        List<SourceRef> sources = new ArrayList<>();
        for (Path p : read.sources()) {
            sources.add(new SourceRef(studio.session().store().reference(p), sources.isEmpty() ? SourceRole.START : SourceRole.END));
        }
        String title = name.replaceFirst("\\.[^.]+$", "");
        Recipe r = read.recipe();
        Shot s = r != null ? Shot.fromRecipe(r, title, sources)
                : Shot.create("", d.settings()).withTitle(title).withMode(read.still() ? Mode.ANIMATE : Mode.EXTEND).withSources(sources);
        if (!studio.edit(new Commands.AddShot(s, at <= 0 ? Integer.MAX_VALUE : at))) {
            return;
        }
        select(s.id());
        studio.statusProperty().set(r == null
                ? name + " has no Kinora recipe: shot \"" + title + "\" " + (read.still() ? "animates" : "extends") + " it; say in its"
                        + " prompt what happens"
                : "Shot \"" + title + "\" made from " + name + "'s recipe: seed " + r.seed() + " locked"
                        + (studio.pack(r.packId()).isEmpty() ? "; its model '" + r.packId() + "' is not installed" : "")
                        + (read.missing().isEmpty() ? "" : "; sources not found: " + String.join(", ", read.missing())) + perJob(r));
    }

    /** What the recipe set that a shot does not keep: the prompt panel sets it for each job. */
    private static String perJob(Recipe r) {
        List<String> own = new ArrayList<>();
        if (r.mode() == Mode.EXTEND && r.direction() == Direction.BACKWARD) {
            own.add("direction backward");
        }
        if (r.mode() == Mode.REMIX) {
            own.add(String.format(java.util.Locale.ROOT, "strength %.2f", r.strength()));
        }
        return own.isEmpty() ? "" : "; set " + String.join(" and ", own) + " in the prompt panel, as the clip had";
    }

    public void duplicate() {
        String id = selected();
        if (studio.doc().shot(id).isEmpty() || !mayInsertAfter(id)) {
            return;
        }
        Commands.DuplicateShot c = Commands.duplicateShot(id);
        if (studio.edit(c)) {
            select(c.newId());
        }
    }

    public void delete() {
        Project d = studio.doc();
        int i = d.indexOf(selected());
        if (i < 0) {
            return;
        }
        String next = d.shots().size() > 1 ? d.shots().get(i == d.shots().size() - 1 ? i - 1 : i + 1).id() : "";
        if (studio.edit(new Commands.DeleteShot(selected()))) {
            select(next);
        }
    }

    /**
     * Splits the selected shot at the playhead when it falls inside it (else in the middle). The
     * second part continues from the first, as a re-cut then extend would.
     */
    public void split() {
        studio.selected().ifPresent(shot -> {
            int len = frames(shot);
            if (len < 2) {
                studio.statusProperty().set("A one-frame shot cannot be split");
                return;
            }
            int cut = playhead.get() - startOf(shot.id());
            if (cut <= 0 || cut >= len) {
                cut = len / 2;
            }
            studio.edit(Commands.splitShot(shot.id(), cut / fps()));
        });
    }

    public void move(String shotId, int toIndex) {
        if (studio.doc().indexOf(shotId) != toIndex) {
            studio.edit(new Commands.MoveShot(shotId, toIndex));
        }
    }

    public void resize(String shotId, int frames) {
        int f = Math.max(1, Math.min(100_000, frames));
        studio.edit(new Commands.SetDuration(shotId, f / fps()));
        studio.breakCoalescing();
    }

    public void setActiveTake(String shotId, String takeId) {
        studio.edit(new Commands.SetActiveTake(shotId, takeId));
    }

    public void setContinue(String shotId, boolean c) {
        studio.edit(new Commands.SetContinueFromPrevious(shotId, c));
    }

    /** A zoom at which a typical shot card is wide enough to read (small packs make short shots). */
    public void fitZoomToShots() {
        double[] lens = studio.doc().shots().stream().mapToDouble(this::frames).sorted().toArray();
        if (lens.length > 0) {
            double typical = lens[lens.length / 2];
            zoom.set(Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, 200 / typical)));
        }
    }

    /** Why a linked shot no longer joins the take before it ("made from an earlier take of shot 1…"); empty when it does. */
    public Optional<String> stale(String shotId) {
        return Continuity.stale(studio.doc(), shotId);
    }

    public void zoomIn() {
        zoom.set(Math.min(MAX_ZOOM, zoom.get() * 1.5));
    }

    public void zoomOut() {
        zoom.set(Math.max(MIN_ZOOM, zoom.get() / 1.5));
    }

    public DoubleProperty zoomProperty() {
        return zoom;
    }

    public IntegerProperty playheadProperty() {
        return playhead;
    }

    public StudioModel studio() {
        return studio;
    }
}
