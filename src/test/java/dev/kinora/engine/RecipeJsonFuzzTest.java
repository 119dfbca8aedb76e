package dev.kinora.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Recipes come from files anyone can edit (sidecars, container metadata, {@code --recipe}): reading
 * one gives a recipe or an {@link IOException}; turning an accepted recipe into a request gives a
 * request or an {@link InvalidRequestException}. Nothing unchecked escapes, and a recipe written
 * back reads the same.
 *
 * <p>{@code mvn test} replays {@code RecipeJsonFuzzTestInputs/recipeJson/}; fuzz with
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=RecipeJsonFuzzTest}.
 */
class RecipeJsonFuzzTest {
    @FuzzTest
    void recipeJson(byte[] input) throws IOException {
        Recipe r;
        try {
            r = RecipeJson.fromJson(new String(input, StandardCharsets.UTF_8));
        } catch (IOException expected) {
            return;
        }
        assertNotNull(r.mode());
        assertNotNull(r.packId());
        assertEquals(r, RecipeJson.fromJson(RecipeJson.toJson(r)), "a recipe written back reads the same");
        try {
            RecipeJson.toRequest(r, List.of());
        } catch (InvalidRequestException expected) {
            // an unknown mode or direction: the CLI says so with exit code 2
        }
    }
}
