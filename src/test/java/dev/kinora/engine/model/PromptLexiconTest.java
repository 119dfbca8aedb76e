package dev.kinora.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.pack.PackException;
import dev.kinora.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped Tiny World lexicon (models/tinyworld/lexicon.json) and the reading rules, on prompts. */
class PromptLexiconTest {
    static PromptLexicon tinyWorld;

    @BeforeAll
    static void load() throws Exception {
        tinyWorld = PromptLexicon.load(TestPacks.tinyWorld().resolve("lexicon.json"));
    }

    static String read(String prompt) {
        return tinyWorld.read(prompt).text();
    }

    @Test
    void unseenColourAndShapeWordsAreReadAsTheCaptionWords() {
        assertTrue(tinyWorld.size() > 100, "the table has " + tinyWorld.size() + " entries");
        assertEquals("a red ball over the dunes drifts to the right", read("a scarlet orb over the dunes drifts to the right"));
        assertEquals("a blue star falls", read("a cobalt blue star falls"));
        assertEquals("Red balls on the beach", read("Scarlet orbs on the beach"));
        assertEquals("a green square slides down", read("a jade block slides down"));
        PromptLexicon.Reading r = tinyWorld.read("an ultramarine orb");
        assertEquals("a blue ball", r.text());
        assertEquals(List.of(new PromptLexicon.Change("colour", "ultramarine", "blue"), new PromptLexicon.Change("shape", "orb", "ball")),
                r.changes());
    }

    @Test
    void aColourIsReadOnlyWhereItIsAColour() {
        assertEquals("a red ball rolls over the snow", read("a scarlet ball rolls over the snow"));
        assertEquals("a ball coloured red", read("an orb coloured scarlet"), "after 'coloured'");
        assertEquals("the lemon is sour; a yellow ball rolls", read("the lemon is sour; a lemon ball rolls"));
        assertEquals("a tomato. A ball", read("a tomato. A ball"), "a clause break ends a colour's reach");
        assertEquals("a red shiny little ball", read("a scarlet shiny little ball"), "three words ahead reach the shape");
        assertEquals("a scarlet, very shiny, little ball", read("a scarlet, very shiny, little ball"), "four do not");
    }

    @Test
    void captionPhrasesAndKnownWordsStayAsTyped() {
        for (String p : List.of("a snow white ball falls", "a cherry red star", "an orange triangle", "a red ball bounces",
                "a five-pointed star grows", "a dog runs in the park", "")) {
            PromptLexicon.Reading r = tinyWorld.read(p);
            assertEquals(p, r.text());
            assertFalse(r.changed(), p);
        }
        assertEquals("a red ball", read("a scarlet red ball"), "the next word already says it");
    }

    @Test
    void noneReadsEveryPromptAsTyped() {
        assertEquals("a scarlet orb", PromptLexicon.NONE.read("a scarlet orb").text());
        assertEquals("", PromptLexicon.NONE.read(null).text());
    }

    @Test
    void aMalformedTableIsThePacksErrorAndSaysWhere(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("lexicon.json");
        for (String bad : List.of("not json", "{\"format\": 2, \"entries\": []}", "{\"format\": 1}",
                "{\"format\": 1, \"entries\": [{\"kind\": \"motion\", \"from\": \"scoots\", \"to\": \"moves\"}]}",
                "{\"format\": 1, \"entries\": [{\"kind\": \"shape\", \"from\": \"orb\", \"to\": \"ball\"}, {\"kind\": \"shape\", \"from\": \"Orb\", \"to\": \"star\"}]}")) {
            assertRejected(f, bad);
        }
    }

    /** Writes content to f and asserts that loading it is the pack's error, naming the file. */
    static void assertRejected(Path f, String content) throws Exception {
        Files.writeString(f, content);
        PackException e = assertThrows(PackException.class, () -> PromptLexicon.load(f), content);
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }
}
