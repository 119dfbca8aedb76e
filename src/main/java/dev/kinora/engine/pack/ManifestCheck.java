package dev.kinora.engine.pack;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * Typed getters over a family's own manifest keys (SvdSpec, AnimateDiffSpec, WanI2vSpec) whose refusals name the
 * manifest, the key and the value accepted.
 *
 * @param parts what the family runs, for the message about a missing component
 */
record ManifestCheck(Path manifest, String parts) {
    PackException unsupported(String key, String value, String expected, String why) {
        return new PackException(manifest + ": " + key + " '" + value + "' is not supported (\"" + expected + "\")"
                + (why == null ? "" : "; " + why));
    }

    /** The text at the last segment of {@code key}; equal to {@code expected} unless that is null; absent only when not required. */
    String is(JsonNode n, String key, String expected, boolean required) throws PackException {
        String field = key.substring(key.lastIndexOf('.') + 1);
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                if (expected == null) {
                    throw new PackException(manifest + ": " + key + " is missing");
                }
                throw unsupported(key, "", expected, null);
            }
            return expected;
        }
        if (!v.isTextual() || v.asText().isBlank() || expected != null && !v.asText().equals(expected)) {
            throw unsupported(key, v.isTextual() ? v.asText() : v.toString(), expected == null ? "a non-empty string" : expected, null);
        }
        return v.asText();
    }

    void flag(JsonNode n, String key, boolean expected) throws PackException {
        JsonNode v = n.get(key.substring(key.lastIndexOf('.') + 1));
        if (v != null && !(v.isBoolean() && v.asBoolean() == expected)) {
            throw unsupported(key, v.isTextual() ? v.asText() : v.toString(), String.valueOf(expected), null);
        }
    }

    int positiveInt(JsonNode n, String field, String key) throws PackException {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new PackException(manifest + ": " + key + " must be a positive integer, found " + v);
        }
        return v.asInt();
    }

    int nonNegativeInt(JsonNode n, String field, String key) throws PackException {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw new PackException(manifest + ": " + key + " must be a non-negative integer, found " + v);
        }
        return v.asInt();
    }

    double positiveNumber(JsonNode n, String field, String key) throws PackException {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble())) {
            throw new PackException(manifest + ": " + key + " must be a positive number, found " + v);
        }
        return v.asDouble();
    }

    float finite(JsonNode n, String field, String key, double fallback) throws PackException {
        JsonNode v = n.get(field);
        if (v == null) {
            return (float) fallback;
        }
        if (!v.isNumber() || !Float.isFinite((float) v.asDouble())) {
            throw new PackException(manifest + ": " + key + " must be a number, found " + v);
        }
        return (float) v.asDouble();
    }

    float nonNegative(JsonNode n, String field, String key, double fallback) throws PackException {
        float f = finite(n, field, key, fallback);
        if (f < 0) {
            throw new PackException(manifest + ": " + key + " must not be negative, found " + n.get(field));
        }
        return f;
    }

    float[] three(JsonNode img, String field) throws PackException {
        JsonNode v = img.get(field);
        if (v == null || !v.isArray() || v.size() != 3) {
            throw new PackException(manifest + ": image." + field + " must list 3 numbers (R, G, B), found " + v);
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!v.get(i).isNumber() || !Float.isFinite((float) v.get(i).asDouble())) {
                throw new PackException(manifest + ": image." + field + "[" + i + "] must be a number, found " + v.get(i));
            }
            out[i] = (float) v.get(i).asDouble();
        }
        return out;
    }

    JsonNode component(JsonNode comps, String key) throws PackException {
        JsonNode c = comps.get(key);
        if (c == null || !c.isObject()) {
            throw new PackException(manifest + ": component '" + key + "' is missing; " + parts);
        }
        return c;
    }

    /** The declared shape of the tensor with this role (or name) in {@code inputs}/{@code outputs}; null when not declared. */
    long[] shape(JsonNode comp, String list, String role) {
        for (JsonNode t : comp.path(list)) {
            if (role.equals(t.path("role").asText(t.path("name").asText())) || role.equals(t.path("name").asText())) {
                JsonNode s = t.path("shape");
                long[] dims = new long[s.size()];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = s.get(i).isNumber() ? s.get(i).asLong() : -1;
                }
                return dims;
            }
        }
        return null;
    }
}
