package dev.kinora.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kinora.engine.pack.Mode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Recipes read from files anyone can edit fail with checked exceptions that say what is wrong. */
class RecipeJsonTest {
    static Recipe recipe(Mode mode, Direction direction) {
        return new Recipe("0.1.0", "1.0", "ab".repeat(32), new JobSettings("tiny", mode, "a red ball", "", 7, 4, Float.NaN,
                "flow-euler", Float.NaN, 8, 1f, direction, 0, true, false), 8.0, List.of());
    }

    /** A recipe as files hold it, with the mode and direction given. */
    static String json(String mode, String direction) {
        return "{\"mode\": \"" + mode + "\", \"packId\": \"tiny\", \"prompt\": \"a red ball\", \"seed\": 7, \"steps\": 4,"
                + (direction == null ? "" : " \"direction\": \"" + direction + "\",") + " \"sources\": []}";
    }

    @Test
    void aBareJsonNullIsNotARecipe() {
        // Found by RecipeJsonFuzzTest (crash-json-null): Jackson reads the literal null as a null Recipe,
        // and fromJson then threw a NullPointerException instead of saying what was wrong.
        IOException e = assertThrows(IOException.class, () -> RecipeJson.fromJson("null"));
        assertTrue(e.getMessage().contains("not a Kinora recipe") && e.getMessage().contains("null"), e.getMessage());
    }

    @Test
    void aRecipeWrittenOutReadsBackEqual() throws IOException {
        Recipe r = recipe(Mode.EXTEND, Direction.BACKWARD);
        assertEquals(r, RecipeJson.fromJson(RecipeJson.toJson(r)));
        assertEquals(r, RecipeJson.fromJson(RecipeJson.toCompactJson(r)));
    }

    @Test
    void aRecipeSentAsTypedSaysSoAndOneReadThroughTheLexiconWritesNoSuchField() throws IOException {
        Recipe read = recipe(Mode.GENERATE, Direction.FORWARD);
        Recipe typed = new Recipe(read.kinoraVersion(), read.packVersion(), read.packSha256(), read.resolved().withAsTyped(true),
                read.fps(), read.sources());
        String json = RecipeJson.toCompactJson(typed);
        assertTrue(json.contains("\"anchorColour\":true,\"asTyped\":true,\"sources\""), json);
        assertEquals(typed, RecipeJson.fromJson(json));
        assertTrue(RecipeJson.fromJson(json).asTyped());
        assertFalse(RecipeJson.toCompactJson(read).contains("asTyped"), "false is what every earlier recipe meant");
        assertFalse(RecipeJson.fromJson(json("generate", null)).asTyped());
    }

    @Test
    void aRecipeWithoutModeOrPackIsNotARecipe() {
        IOException e = assertThrows(IOException.class, () -> RecipeJson.fromJson("{\"packId\": \"tiny\", \"sources\": []}"));
        assertTrue(e.getMessage().contains("'mode' and 'packId' are required"), e.getMessage());
        e = assertThrows(IOException.class, () -> RecipeJson.fromJson("{\"mode\": \"generate\", \"sources\": []}"));
        assertTrue(e.getMessage().contains("'mode' and 'packId' are required"), e.getMessage());
    }

    @Test
    void anUnknownModeOrDirectionIsRefusedWhenReadNamingTheValue() throws Exception {
        IOException mode = assertThrows(IOException.class, () -> RecipeJson.fromJson(json("dance", "forward")));
        assertTrue(mode.getMessage().startsWith("the recipe's unknown mode 'dance'"), mode.getMessage());
        IOException dir = assertThrows(IOException.class, () -> RecipeJson.fromJson(json("extend", "sideways")));
        assertTrue(dir.getMessage().contains("'sideways'") && dir.getMessage().contains("forward or backward"), dir.getMessage());
        assertEquals(Direction.BACKWARD, RecipeJson.fromJson(json("extend", "backward")).direction());
        assertEquals(Direction.BACKWARD, RecipeJson.fromJson(json("EXTEND", "BACKWARD")).direction(), "case does not matter");
        assertEquals(Direction.FORWARD, RecipeJson.fromJson(json("generate", null)).direction(), "no direction: forward");
        assertEquals(Direction.FORWARD, RecipeJson.toRequest(RecipeJson.fromJson(json("generate", null)), List.of()).direction());
    }

    @Test
    void aRecipeWrittenBeforeTheSettingsRecordReadsTypedAndWritesBackTheSameText() throws Exception {
        // The committed full and compact recipes were written by the string-typed Recipe, with an upper-case
        // direction as an early build wrote it; everything but that spelling must come back byte for byte.
        String full = corpus("full-recipe");
        String compact = corpus("compact-recipe");
        Recipe r = RecipeJson.fromJson(full);
        assertEquals(new Recipe("0.1.0-test", "1.0", "ab".repeat(32),
                new JobSettings("tinyworld", Mode.GENERATE, "a red ball rolls", "blurry", 7, 8, Float.NaN, "flow-euler", 3.0f,
                        33, 1f, Direction.FORWARD, 0, true, false),
                16.0, List.of(new Recipe.SourceRef("media/in/start.png", "cd".repeat(32)))), r);
        assertEquals("tinyworld", r.packId());
        assertEquals(r, RecipeJson.fromJson(compact));
        assertEquals(full.replace("\"FORWARD\"", "\"forward\""), RecipeJson.toJson(r));
        assertEquals(compact.replace("\"FORWARD\"", "\"forward\""), RecipeJson.toCompactJson(r));
    }

    private String corpus(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("RecipeJsonFuzzTestInputs/recipeJson/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
