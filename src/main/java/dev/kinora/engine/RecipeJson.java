package dev.kinora.engine;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kinora.engine.pack.Mode;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** Recipes as JSON, and back into the request that makes the same clip. */
public final class RecipeJson {
    /** The container metadata key (MP4/WebM/GIF comment) that carries the recipe. */
    public static final String METADATA_KEY = "kinora_recipe";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectMapper COMPACT = new ObjectMapper();

    private RecipeJson() {
    }

    public static String toJson(Recipe r) {
        try {
            return JSON.writeValueAsString(r);
        } catch (IOException e) {
            throw new IllegalStateException("a recipe is plain data and always serialises", e);
        }
    }

    public static String toCompactJson(Recipe r) {
        try {
            return COMPACT.writeValueAsString(r);
        } catch (IOException e) {
            throw new IllegalStateException("a recipe is plain data and always serialises", e);
        }
    }

    /**
     * A recipe from JSON text.
     *
     * @throws IOException when the text is not JSON, is not an object (a bare {@code null} included), or
     *                     lacks {@code mode} or {@code packId}
     */
    public static Recipe fromJson(String json) throws IOException {
        Recipe r = JSON.readValue(json, Recipe.class);
        if (r == null) { // Jackson maps the JSON literal null to a null value rather than failing
            throw new IOException("not a Kinora recipe: expected a JSON object, found null");
        }
        if (r.mode() == null || r.packId() == null) {
            throw new IOException("not a Kinora recipe: 'mode' and 'packId' are required");
        }
        return r;
    }

    /**
     * The request that regenerates a recipe's clip; sources must be given again (read from the recorded paths).
     *
     * @throws InvalidRequestException when the recipe names a mode or direction this build does not know
     */
    public static GenerationRequest toRequest(Recipe r, List<Source> sources) throws InvalidRequestException {
        Mode mode;
        try {
            mode = Mode.parse(r.mode());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("the recipe's " + e.getMessage());
        }
        Direction direction;
        String d = r.direction() == null || r.direction().isBlank() ? "forward" : r.direction();
        try {
            direction = Direction.valueOf(d.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("the recipe's direction '" + d + "' is unknown: use forward or backward");
        }
        return new GenerationRequest(new JobSettings(r.packId(), mode, r.prompt(), r.negativePrompt(), r.seed(), r.steps(),
                r.guidance(), r.scheduler(), r.shift(), r.frames(), r.strength(), direction,
                r.context(), r.anchorColour()), sources);
    }
}
