package dev.kinora.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.testing.TestPacks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The caption form of the shipped Tiny World lexicon ({@link PromptForm}): prompts in sentence forms its captions never
 * had, put into the captions' own. The forms here are the wide and validation vocabularies' (world/captions.py), not the
 * held-out eval's.
 */
class PromptFormTest {
    static PromptLexicon tinyWorld;

    @BeforeAll
    static void load() throws Exception {
        tinyWorld = PromptLexicon.load(TestPacks.tinyWorld().resolve("lexicon.json"));
        assertTrue(tinyWorld.hasForm(), "the shipped lexicon carries the captions' form");
    }

    static String read(String prompt) {
        return tinyWorld.read(prompt).text();
    }

    @Test
    void otherSentenceFormsAreWrittenInTheCaptionsForm() {
        assertEquals("A pink triangle moves right at the beach", read("We see a pink triangle at the beach; it moves to the right"));
        assertEquals("A green square floats up at night", read("Watch a green square as it floats up at night"));
        assertEquals("A white ball slides to the left on the road", read("A video of a white ball that slides to the left on the road"));
        assertEquals("A red ball rolls to the right on the grass", read("A red ball rolling to the right on the grass, cinematic, 4k"),
                "a participle is its verb, and style tags go");
        assertEquals("A golden star shape moves left by the sea", read("Golden star shape travelling leftwards by the sea"),
                "a verb the captions have with a direction they write another way");
    }

    @Test
    void theDocsExamplesReadAsTheySay() {
        // the README's, docs/studio.md's and docs/engine.md's examples
        assertEquals("A red ball rolls right on the grass", read("we see a red ball on the grass; it is rolling right"));
        assertEquals("A red ball rolls to the right", read("there is a scarlet orb and it rolls to the right"));
        assertEquals("A red ball drops on the road", read("A red ball plummets onto the road"));
        assertEquals("A blue box moves left at night", read("a blue box flies to the left at night"));
        assertEquals("A red ball levitates over the dunes", read("A red ball levitates over the dunes"), "no sense of a caption verb");
    }

    @Test
    void theChangeIsReportedWithTheWordsReadBeforeIt() {
        PromptLexicon.Reading r = tinyWorld.read("Watch an ultramarine orb as it drifts to the right");
        assertEquals("A blue ball drifts to the right", r.text());
        assertEquals(List.of(new PromptLexicon.Change("colour", "ultramarine", "blue"), new PromptLexicon.Change("shape", "orb", "ball"),
                new PromptLexicon.Change("form", "Watch a blue ball as it drifts to the right", "A blue ball drifts to the right")), r.changes());
    }

    @Test
    void theSubjectKeepsWhatTheGrammarDoesNotKnow() {
        assertEquals("A small orange box moves up on the street", read("Watch a small orange box as it moves upward on the street"));
        assertEquals("A green ball deflates on the road", read("On the road a ball painted teal deflates"),
                "a colour after the shape goes in front");
        assertEquals("A vantablack ball deflates on the road", read("On the road a ball painted vantablack deflates"),
                "an unknown word after 'painted' is still the subject's colour");
        assertEquals("A red ball rolls right", read("we see red ball rolling right"), "without an article only one word stays");
    }

    @Test
    void scenesTwoSubjectsAndPans() {
        assertEquals("A red ball rolls right on the road", read("Watch a red ball as it rolls right on a paved road"),
                "a scene word of one scene names it");
        assertEquals("A red ball rolls right in a garden", read("Watch a red ball as it rolls right in a garden"),
                "an unknown place stays as typed");
        assertEquals("A lime green ball moves up on grass", read("Lime green ball moving up on green grass, 4k"),
                "a colour inside a place is the place's");
        assertEquals("A red ball and a blue box collide and bounce apart at the beach",
                read("Watch a red ball and a blue box as they collide and bounce apart at the beach"));
        assertEquals("A green ball rolls right, as the camera pans right", read("A green ball rolls right while the camera pans to the right"));
    }

    @Test
    void captionFormsAndUnreadablePromptsStayAsTyped() {
        for (String p : List.of(
                "On the grass, a red ball rolls right",            // caption forms
                "A ball that is red rolls right on the grass",
                "Crimson square on the road, it shrinks",
                "A red ball on the grass",                         // no motion
                "A red ball moves right and then falls",           // two motions
                "Watch a red ball roll right and fly to the left", // two, one of them in other words
                "We see a ball; it is red and rolls right",        // a colour the subject did not take
                "A red ball rolls right on the grass at night",    // two scenes
                "It rolls to the right",                           // no subject: an animate prompt
                "A red ball becomes huge",                         // a verb without its telling word
                "A red ball rolls right next to a blue box",       // two subjects, one motion
                "A red ball falls as the camera pans",             // a pan without a side
                "")) {
            PromptLexicon.Reading r = tinyWorld.read(p);
            assertEquals(p, r.text());
            assertFalse(r.changed(), p);
        }
    }

    @Test
    void aReadingReadsAsItselfAndWordSoupNeverThrows() {
        String[] vocab = {"a", "the", "red", "ball", "rolls", "right", "to", "on", "grass", "there", "is", "and", "it", "coloured",
            "blue", "box", "orb", "falls", ",", ";", ".", "camera", "pans", "left", "we", "see", "rolling", "in", "garden", "star",
            "five-pointed", "collide", "bounce", "apart", "over", "dunes", "moves", "upward", "that", "scarlet", "flies", "at", "night",
            "sea", "teal", "painted", "small", "shiny", "watch", "as", "sand", "behind", "passes", "while", "shrinks"};
        Random r = new Random(7);
        int rewritten = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder();
            for (int k = 1 + r.nextInt(14); k > 0; k--) {
                b.append(vocab[r.nextInt(vocab.length)]).append(' ');
            }
            String typed = b.toString().strip();
            String once = read(typed);
            assertEquals(once, read(once), "read twice: " + typed);
            rewritten += tinyWorld.read(typed).formChanged() ? 1 : 0;
        }
        assertTrue(rewritten > 200, rewritten + " of 20 000 word soups put into caption form");
    }

    @Test
    void aMalformedFormIsThePacksErrorAndSaysWhat(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("lexicon.json");
        for (String form : List.of("[]", "{\"shapes\": [\"ball\"]}", "{\"shapes\": [\"ball\"], \"motions\": [\"falls\"]}",
                "{\"shapes\": [\"ball\"], \"motions\": {\"fall\": []}}",
                "{\"shapes\": [\"ball\"], \"motions\": {\"fall\": [\"falls\"], \"drop\": [\"falling\"]}, \"lemmas\": {\"falling\": \"fall\", \"falls\": \"fall\"}}")) {
            PromptLexiconTest.assertRejected(f, "{\"format\": 1, \"entries\": [], \"form\": " + form + "}");
        }
    }

    @Test
    void aSmallGrammarOfItsOwn(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("lexicon.json");
        Files.writeString(f, "{\"format\": 1, \"entries\": [], \"form\": {\"colours\": [\"red\"], \"shapes\": [\"fox\"],"
                + " \"motions\": {\"run_left\": [\"runs left\"], \"run_right\": [\"runs right\", \"runs from left to right\"]},"
                + " \"scenes\": {\"snow\": [\"in the snow\"]}, \"lemmas\": {\"running\": \"run\", \"runs\": \"run\"}, \"templateWords\": []}}");
        PromptLexicon l = PromptLexicon.load(f);
        assertEquals("A red fox runs right in the snowy woods", l.read("there is a red fox running to the right in the snowy woods").text());
        assertEquals("a red fox runs left", l.read("a red fox runs left").text());
        assertEquals("A red fox runs left", l.read("see: red fox, running left").text());
    }
}
