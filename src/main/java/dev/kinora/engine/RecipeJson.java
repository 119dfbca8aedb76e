package dev.kinora.engine;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.util.List;

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
     * @throws IOException when the text is not JSON, is not an object (a bare {@code null} included),
     *                     lacks {@code mode} or {@code packId}, or names a mode or direction this build
     *                     does not know
     */
    public static Recipe fromJson(String json) throws IOException {
        Recipe r;
        try {
            r = JSON.readValue(json, Recipe.class);
        } catch (ValueInstantiationException e) {
            // Recipe.fromDisk refused it; its own sentence says why, without Jackson's preamble.
            throw e.getCause() instanceof IllegalArgumentException why ? new IOException(why.getMessage(), e) : e;
        }
        if (r == null) { // Jackson maps the JSON literal null to a null value rather than failing
            throw new IOException("not a Kinora recipe: expected a JSON object, found null");
        }
        return r;
    }

    /**
     * The request that regenerates a recipe's clip; sources must be given again (read from the recorded paths).
     *
     * @throws InvalidRequestException not any more: an unknown mode or direction is refused when the recipe is
     *                                 read; declared still so callers that handle it keep compiling
     */
    public static GenerationRequest toRequest(Recipe r, List<Source> sources) throws InvalidRequestException {
        return new GenerationRequest(r.resolved(), sources);
    }
}
