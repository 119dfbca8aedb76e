package dev.kinora.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kinora.engine.pack.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobSettingsTest {
    @Test
    void absentValuesBecomeTheDefaultsNotNulls() {
        JobSettings s = new JobSettings(null, null, null, null, 1, 0, Float.NaN, null, Float.NaN, 0, 1f, null, 0, true);
        assertEquals(new JobSettings("", Mode.GENERATE, "", "", 1, 0, Float.NaN, "", Float.NaN, 0, 1f, Direction.FORWARD, 0, true), s);
    }

    @Test
    void aRequestReadsAndChangesItsSettings() {
        GenerationRequest r = GenerationRequest.textToVideo("tiny", "a red ball", 5).withSampling(8, 4f, "ddim").withFrames(16)
                .withExtension(Direction.BACKWARD, 2, 0.5f).withSeed(6).withPrompt("a blue ball", "blur");
        assertEquals(new JobSettings("tiny", Mode.GENERATE, "a blue ball", "blur", 6, 8, 4f, "ddim", Float.NaN, 16, 0.5f,
                Direction.BACKWARD, 2, true), r.settings());
        assertEquals(List.of(), r.sources());
        assertEquals(Mode.EXTEND, r.withMode(Mode.EXTEND, List.of()).mode());
        assertEquals(r.settings().prompt(), r.prompt());
        assertEquals(r.settings().direction(), r.direction());
    }
}
