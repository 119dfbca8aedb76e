package dev.kinora.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtioExporterTest {
    @TempDir
    Path tmp;

    private static double seconds(JsonNode rationalTime) {
        assertEquals("RationalTime.1", rationalTime.get("OTIO_SCHEMA").asText());
        return rationalTime.get("value").asDouble() / rationalTime.get("rate").asDouble();
    }

    @Test
    void theStoryboardBecomesOneVideoTrackOfActiveTakesAndGaps() throws IOException {
        Project p = Fixtures.rich();
        Path dir = tmp.resolve("film.kinora");
        Path out = tmp.resolve("film.otio");
        OtioExporter.export(p, dir, out);

        JsonNode tl = new ObjectMapper().readTree(Files.readString(out));
        assertEquals("Timeline.1", tl.get("OTIO_SCHEMA").asText());
        assertEquals("Lighthouse", tl.get("name").asText());
        JsonNode stack = tl.get("tracks");
        assertEquals("Stack.1", stack.get("OTIO_SCHEMA").asText());
        assertEquals(1, stack.get("children").size());
        JsonNode track = stack.get("children").get(0);
        assertEquals("Track.1", track.get("OTIO_SCHEMA").asText());
        assertEquals("Video", track.get("kind").asText());

        JsonNode items = track.get("children");
        assertEquals(3, items.size());
        List<String> schemas = List.of(items.get(0).get("OTIO_SCHEMA").asText(), items.get(1).get("OTIO_SCHEMA").asText(),
                items.get(2).get("OTIO_SCHEMA").asText());
        assertEquals(List.of("Clip.2", "Gap.1", "Clip.2"), schemas, "the shot without a take keeps its place as a gap");

        JsonNode clip = items.get(0);
        Take active = p.shots().get(0).activeTake().orElseThrow();
        assertEquals("Opening", clip.get("name").asText());
        JsonNode range = clip.get("source_range");
        assertEquals("TimeRange.1", range.get("OTIO_SCHEMA").asText());
        assertEquals(16.0, range.get("duration").get("rate").asDouble());
        assertEquals(active.frames(), range.get("duration").get("value").asInt());
        assertEquals(active.durationSeconds(), seconds(range.get("duration")), 1e-9);
        assertEquals(0, seconds(range.get("start_time")));

        assertEquals("DEFAULT_MEDIA", clip.get("active_media_reference_key").asText());
        JsonNode ref = clip.get("media_references").get("DEFAULT_MEDIA");
        assertEquals("ExternalReference.1", ref.get("OTIO_SCHEMA").asText());
        URI url = URI.create(ref.get("target_url").asText());
        assertEquals("file", url.getScheme());
        assertEquals(dir.toAbsolutePath().resolve(active.media()), Path.of(url));
        assertEquals(active.durationSeconds(), seconds(ref.get("available_range").get("duration")), 1e-9);
        assertEquals(active.id(), clip.get("metadata").get("kinora").get("takeId").asText());

        JsonNode gap = items.get(1);
        assertEquals(2.5, seconds(gap.get("source_range").get("duration")), 1e-9);

        double total = 0;
        for (JsonNode it : items) {
            total += seconds(it.get("source_range").get("duration"));
        }
        assertEquals(active.durationSeconds() + 2.5 + p.shots().get(2).activeTake().orElseThrow().durationSeconds(), total, 1e-9);
    }

    @Test
    void clipNamesFallBackToThePromptAndUrlsEscapeSpaces() throws IOException {
        Project p = Fixtures.rich();
        Path dir = tmp.resolve("my film.kinora");
        JsonNode tl = new ObjectMapper().readTree(OtioExporter.toJson(p, dir));
        JsonNode clip = tl.get("tracks").get("children").get(0).get("children").get(2);
        assertEquals("Gulls take off", clip.get("name").asText());
        String url = clip.get("media_references").get("DEFAULT_MEDIA").get("target_url").asText();
        assertTrue(url.startsWith("file:///") && url.contains("my%20film.kinora/media/"), url);
    }

    @Test
    void anEmptyStoryboardIsAnEmptyTrack() throws IOException {
        JsonNode tl = new ObjectMapper().readTree(OtioExporter.toJson(Project.empty("none"), tmp));
        assertEquals(0, tl.get("tracks").get("children").get(0).get("children").size());
    }
}
