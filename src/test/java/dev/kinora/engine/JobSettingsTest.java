package dev.kinora.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kinora.engine.pack.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobSettingsTest {
    @Test
    void absentValuesBecomeTheDefaultsNotNulls() {
        JobSettings s = new JobSettings(null, null, null, null, 1, 0, Float.NaN, null, Float.NaN, 0, 1f, null, 0, true, false);
        assertEquals(new JobSettings("", Mode.GENERATE, "", "", 1, 0, Float.NaN, "", Float.NaN, 0, 1f, Direction.FORWARD, 0, true, false), s);
    }

    @Test
    void aRequestReadsAndChangesItsSettings() {
        GenerationRequest r = GenerationRequest.textToVideo("tiny", "a red ball", 5).withSampling(8, 4f, "ddim").withFrames(16)
                .withExtension(Direction.BACKWARD, 2, 0.5f).withSeed(6).withPrompt("a blue ball", "blur");
        assertEquals(new JobSettings("tiny", Mode.GENERATE, "a blue ball", "blur", 6, 8, 4f, "ddim", Float.NaN, 16, 0.5f,
                Direction.BACKWARD, 2, true, false), r.settings());
        assertEquals(List.of(), r.sources());
        assertEquals(Mode.EXTEND, r.withMode(Mode.EXTEND, List.of()).mode());
        assertEquals(r.settings().prompt(), r.prompt());
        assertEquals(r.settings().direction(), r.direction());
        JobSettings typed = r.settings().withAsTyped(true);
        assertEquals(new JobSettings("tiny", Mode.GENERATE, "a blue ball", "blur", 6, 8, 4f, "ddim", Float.NaN, 16, 0.5f,
                Direction.BACKWARD, 2, true, true), typed);
        assertEquals(true, typed.withSeed(9).withPrompt("a red box", "").withSampling(4, 2f, "").withFrames(8).withShift(2f)
                .withExtension(Direction.FORWARD, 1, 1f).withMode(Mode.EXTEND).withPack("other").asTyped(), "every wither keeps it");
    }
}
