package dev.kinora.project;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * project.json from anywhere (a damaged disk, another build, a hand edit): the codec gives a project
 * or a {@link FormatException}, never a runtime exception that would take the open dialog down, and
 * what it reads it writes back unchanged.
 *
 * <p>{@code mvn test} replays {@code ProjectCodecFuzzTestInputs/projectJson/}; fuzz with
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=ProjectCodecFuzzTest}.
 */
class ProjectCodecFuzzTest {
    @FuzzTest
    void projectJson(byte[] input) throws IOException {
        JsonNode root;
        try {
            root = Json.parse(input);
        } catch (FormatException notJson) {
            return; // ProjectStore reports it and falls back to the backup
        }
        // ProjectStore looks at these before it reads the rest.
        ProjectCodec.formatVersion(root);
        ProjectCodec.unknownRequirements(root);
        Project p;
        try {
            p = ProjectCodec.read(root, "fuzz");
        } catch (FormatException expected) {
            return;
        }
        byte[] saved = Json.MAPPER.writeValueAsBytes(ProjectCodec.write(p));
        try {
            assertEquals(p, ProjectCodec.read(Json.MAPPER.readTree(saved), "fuzz"), "a saved project reads back as it was");
        } catch (FormatException e) {
            throw new AssertionError("a project this build wrote cannot be read back: " + e.getMessage(), e);
        }
    }
}
