package dev.kinora.app.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinora.app.model.ProjectFolder;
import dev.kinora.app.model.Shot;
import dev.kinora.app.model.Storyboard;
import dev.kinora.app.model.Take;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The storyboard as OpenTimelineIO JSON: one video track, one clip per shot pointing at its active
 * take's film strip (a shot without a take becomes a Gap), the prompt and seed in the clip metadata.
 *
 * <p>Adapter note: the {@code project} branch's OtioExporter is the shared implementation; this one
 * keeps the studio's menu working until that branch is merged here.
 */
public final class OtioWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private OtioWriter() {
    }

    public static void write(Storyboard doc, ProjectFolder folder, Path file) throws IOException {
        double fps = doc.settings().fps() > 0 ? doc.settings().fps() : 8;
        ObjectNode tl = JSON.createObjectNode();
        tl.put("OTIO_SCHEMA", "Timeline.1");
        tl.put("name", doc.title());
        tl.putObject("metadata").putObject("kinora").put("format", ProjectFolder.FORMAT);
        ObjectNode stack = tl.putObject("tracks");
        stack.put("OTIO_SCHEMA", "Stack.1");
        stack.put("name", "tracks");
        ObjectNode track = stack.putArray("children").addObject();
        track.put("OTIO_SCHEMA", "Track.1");
        track.put("name", "Storyboard");
        track.put("kind", "Video");
        ArrayNode children = track.putArray("children");
        int n = 1;
        for (Shot s : doc.shots()) {
            double rate = s.active().map(Take::fps).orElse(fps);
            ObjectNode item = children.addObject();
            if (s.active().isEmpty()) {
                item.put("OTIO_SCHEMA", "Gap.1");
                item.put("name", "Shot " + n);
            } else {
                Take t = s.active().get();
                item.put("OTIO_SCHEMA", "Clip.2");
                item.put("name", "Shot " + n);
                ObjectNode md = item.putObject("metadata").putObject("kinora");
                md.put("prompt", s.prompt());
                md.put("negative_prompt", s.negativePrompt());
                md.put("seed", t.seed());
                md.put("take", t.id());
                md.put("mode", t.mode());
                ObjectNode refs = item.putObject("media_references");
                ObjectNode ref = refs.putObject("DEFAULT_MEDIA");
                ref.put("OTIO_SCHEMA", "ExternalReference.1");
                ref.put("target_url", folder.mediaFile(t).toUri().toString());
                ref.set("available_range", range(0, t.frames(), rate));
                item.put("active_media_reference_key", "DEFAULT_MEDIA");
            }
            item.set("source_range", range(s.trimStart(), s.durationFrames(), rate));
            n++;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), tl);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static ObjectNode range(int start, int frames, double rate) {
        ObjectNode r = JSON.createObjectNode();
        r.put("OTIO_SCHEMA", "TimeRange.1");
        ObjectNode st = r.putObject("start_time");
        st.put("OTIO_SCHEMA", "RationalTime.1");
        st.put("rate", rate);
        st.put("value", (double) start);
        ObjectNode d = r.putObject("duration");
        d.put("OTIO_SCHEMA", "RationalTime.1");
        d.put("rate", rate);
        d.put("value", (double) frames);
        return r;
    }
}
