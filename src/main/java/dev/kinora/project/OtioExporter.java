package dev.kinora.project;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The storyboard as an OpenTimelineIO timeline, so the cut can continue in an editor (Resolve,
 * Premiere via adapters, otioview). One video track; each shot's active take is a clip over the
 * whole take at the take's own rate; a shot without a take is a gap as long as the shot is planned,
 * so the timing of the board survives into the edit.
 */
public final class OtioExporter {
    private OtioExporter() {
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The .otio JSON text; {@code projectDir} makes media paths absolute file URLs. */
    public static String toJson(Project p, Path projectDir) {
        try {
            return Json.MAPPER.writeValueAsString(timeline(p, projectDir.toAbsolutePath().normalize()));
        } catch (IOException e) {
            throw new IllegalStateException("OTIO serialisation failed", e);
        }
    }

    /** Writes the .otio file atomically. */
    public static void export(Project p, Path projectDir, Path otioFile) throws IOException {
        AtomicFiles.write(otioFile, toJson(p, projectDir).getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode timeline(Project p, Path dir) {
        ObjectNode track = item("Track.1", "Video 1");
        track.putNull("source_range");
        track.put("kind", "Video");
        ArrayNode children = track.putArray("children");
        for (Shot s : p.shots()) {
            children.add(s.activeTake().map(t -> clip(s, t, dir)).orElseGet(() -> gap(s, p.settings().fps())));
        }

        ObjectNode stack = item("Stack.1", "tracks");
        stack.putNull("source_range");
        stack.putArray("children").add(track);

        ObjectNode tl = F.objectNode();
        tl.put("OTIO_SCHEMA", "Timeline.1");
        tl.set("metadata", F.objectNode().set("kinora", F.objectNode().put("formatVersion", p.formatVersion())));
        tl.put("name", p.name());
        tl.putNull("global_start_time");
        tl.set("tracks", stack);
        return tl;
    }

    private static ObjectNode clip(Shot s, Take t, Path dir) {
        ObjectNode clip = item("Clip.2", s.displayName());
        clip.set("source_range", range(0, t.frames(), t.fps()));
        ObjectNode ref = F.objectNode();
        ref.put("OTIO_SCHEMA", "ExternalReference.1");
        ref.set("metadata", F.objectNode());
        ref.put("name", Path.of(t.media()).getFileName().toString());
        ref.set("available_range", range(0, t.frames(), t.fps()));
        ref.putNull("available_image_bounds");
        ref.put("target_url", dir.resolve(t.media()).normalize().toUri().toString());
        clip.set("media_references", F.objectNode().set("DEFAULT_MEDIA", ref));
        clip.put("active_media_reference_key", "DEFAULT_MEDIA");
        // Enough to find the card and remake the take from the edit.
        ObjectNode k = F.objectNode();
        k.put("shotId", s.id());
        k.put("takeId", t.id());
        k.put("prompt", s.prompt());
        k.put("seed", t.recipe().seed());
        k.put("pack", t.recipe().packId());
        clip.set("metadata", F.objectNode().set("kinora", k));
        return clip;
    }

    private static ObjectNode gap(Shot s, double fps) {
        ObjectNode gap = item("Gap.1", s.displayName());
        gap.set("source_range", range(0, Math.round(s.durationSeconds() * fps), fps));
        gap.set("metadata", F.objectNode().set("kinora", F.objectNode().put("shotId", s.id())));
        return gap;
    }

    /** The fields every OTIO item carries, in the order OTIO writes them. */
    private static ObjectNode item(String schema, String name) {
        ObjectNode o = F.objectNode();
        o.put("OTIO_SCHEMA", schema);
        o.set("metadata", F.objectNode());
        o.put("name", name);
        o.putArray("effects");
        o.putArray("markers");
        o.put("enabled", true);
        return o;
    }

    static ObjectNode range(double start, double duration, double rate) {
        ObjectNode r = F.objectNode();
        r.put("OTIO_SCHEMA", "TimeRange.1");
        r.set("duration", time(duration, rate));
        r.set("start_time", time(start, rate));
        return r;
    }

    static ObjectNode time(double value, double rate) {
        ObjectNode t = F.objectNode();
        t.put("OTIO_SCHEMA", "RationalTime.1");
        t.put("rate", rate);
        t.put("value", value);
        return t;
    }
}
