package dev.kinora.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Recipes read from files anyone can edit fail with checked exceptions that say what is wrong. */
class RecipeJsonTest {
    static Recipe recipe(String mode, String direction) {
        return new Recipe("0.1.0", "tiny", "1.0", "ab".repeat(32), mode, "a red ball", "", 7, 4, Float.NaN, "flow-euler",
                Float.NaN, 8, 8.0, 1f, direction, 0, true, List.of());
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
        Recipe r = recipe("extend", "BACKWARD");
        assertEquals(r, RecipeJson.fromJson(RecipeJson.toJson(r)));
        assertEquals(r, RecipeJson.fromJson(RecipeJson.toCompactJson(r)));
    }

    @Test
    void anUnknownModeOrDirectionIsAnInvalidRequestNamingTheValue() throws Exception {
        InvalidRequestException mode = assertThrows(InvalidRequestException.class,
                () -> RecipeJson.toRequest(recipe("dance", "FORWARD"), List.of()));
        assertTrue(mode.getMessage().contains("'dance'"), mode.getMessage());
        InvalidRequestException dir = assertThrows(InvalidRequestException.class,
                () -> RecipeJson.toRequest(recipe("extend", "sideways"), List.of()));
        assertTrue(dir.getMessage().contains("'sideways'") && dir.getMessage().contains("forward or backward"), dir.getMessage());
        assertEquals(Direction.BACKWARD, RecipeJson.toRequest(recipe("extend", "backward"), List.of()).direction());
        assertEquals(Direction.FORWARD, RecipeJson.toRequest(recipe("generate", null), List.of()).direction());
    }
}
