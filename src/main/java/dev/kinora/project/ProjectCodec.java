package dev.kinora.project;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kinora.engine.Recipe;
import dev.kinora.engine.pack.Mode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * project.json by hand rather than by record binding: the file format is a promise to artists' old
 * projects, so it must not change when a record gains a component, and a damaged file must produce a
 * message that names the shot, not a Jackson stack trace.
 *
 * <p>Required: {@code formatVersion}, shot and take ids, take media and recipe. Everything else has a
 * default. A file may list {@code "requires": [...]} features; any this build does not know make it
 * read-only, since ignoring them could silently damage the project on save.
 */
final class ProjectCodec {
    private ProjectCodec() {
    }

    /** Features this build understands in a "requires" list (none yet beyond the base format). */
    static final Set<String> KNOWN_FEATURES = Set.of();

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    // ---- writing ----

    static ObjectNode write(Project p) {
        ObjectNode root = F.objectNode();
        root.put("formatVersion", p.formatVersion());
        root.put("name", p.name());
        ObjectNode s = root.putObject("settings");
        s.put("defaultPack", p.settings().defaultPack());
        s.put("width", p.settings().width());
        s.put("height", p.settings().height());
        s.put("fps", p.settings().fps());
        ArrayNode shots = root.putArray("shots");
        for (Shot shot : p.shots()) {
            shots.add(writeShot(shot));
        }
        return root;
    }

    private static ObjectNode writeShot(Shot s) {
        ObjectNode o = F.objectNode();
        o.put("id", s.id());
        o.put("title", s.title());
        o.put("prompt", s.prompt());
        o.put("negativePrompt", s.negativePrompt());
        o.put("mode", s.mode().id());
        o.put("durationSeconds", s.durationSeconds());
        o.put("continueFromPrevious", s.continueFromPrevious());
        ArrayNode sources = o.putArray("sources");
        for (SourceRef r : s.sources()) {
            sources.addObject().put("path", r.path()).put("role", r.role().name().toLowerCase(java.util.Locale.ROOT));
        }
        ShotSettings st = s.settings();
        ObjectNode so = o.putObject("settings");
        so.put("pack", st.pack());
        so.put("seed", st.seed());
        so.put("seedLocked", st.seedLocked());
        so.put("steps", st.steps());
        putFloat(so, "guidance", st.guidance());
        so.put("scheduler", st.scheduler());
        so.put("frames", st.frames());
        so.put("fps", st.fps());
        so.put("variations", st.variations());
        if (st.asTyped()) {
            // only when set: a project saved before the setting existed saves as the same text
            so.put("asTyped", true);
        }
        ArrayNode takes = o.putArray("takes");
        for (Take t : s.takes()) {
            ObjectNode to = takes.addObject();
            to.put("id", t.id());
            to.put("media", t.media());
            to.put("created", t.created().toString());
            to.put("frames", t.frames());
            to.put("fps", t.fps());
            to.put("width", t.width());
            to.put("height", t.height());
            to.put("label", t.label());
            to.set("recipe", Json.MAPPER.valueToTree(t.recipe()));
        }
        o.put("activeTakeId", s.activeTakeId());
        return o;
    }

    /** NaN ("pack default") is written as the string "NaN": plain JSON has no NaN. */
    private static void putFloat(ObjectNode o, String field, float v) {
        if (Float.isNaN(v) || Float.isInfinite(v)) {
            o.put(field, Float.toString(v));
        } else {
            o.put(field, v);
        }
    }

    // ---- reading ----

    /** The format version a file declares, or -1 when it declares none. */
    static int formatVersion(JsonNode root) {
        JsonNode v = root.get("formatVersion");
        return v != null && v.canConvertToInt() && v.isIntegralNumber() ? v.intValue() : -1;
    }

    static List<String> unknownRequirements(JsonNode root) {
        List<String> out = new ArrayList<>();
        JsonNode req = root.get("requires");
        if (req != null && req.isArray()) {
            for (JsonNode r : req) {
                if (!KNOWN_FEATURES.contains(r.asText())) {
                    out.add(r.asText());
                }
            }
        }
        return out;
    }

    static Project read(JsonNode root, String fallbackName) throws FormatException {
        if (root == null || !root.isObject()) {
            throw new FormatException("the file does not hold a JSON object");
        }
        int version = formatVersion(root);
        if (version < 1) {
            throw new FormatException("it has no valid \"formatVersion\" (expected a whole number such as "
                    + Project.FORMAT_VERSION + ")");
        }
        String name = text(root, "name", fallbackName);
        ProjectSettings settings = ProjectSettings.DEFAULTS;
        JsonNode s = root.get("settings");
        if (s != null && s.isObject()) {
            try {
                settings = new ProjectSettings(text(s, "defaultPack", settings.defaultPack()),
                        integer(s, "width", settings.width()), integer(s, "height", settings.height()),
                        number(s, "fps", settings.fps()));
            } catch (IllegalArgumentException e) {
                throw new FormatException("its project settings are invalid: " + e.getMessage(), e);
            }
        }
        List<Shot> shots = new ArrayList<>();
        JsonNode arr = root.get("shots");
        if (arr != null && !arr.isNull()) {
            if (!arr.isArray()) {
                throw new FormatException("\"shots\" should be a list, found " + arr.getNodeType());
            }
            int i = 0;
            for (JsonNode n : arr) {
                i++;
                shots.add(readShot(n, i, settings));
            }
        }
        try {
            return new Project(version, name, shots, settings);
        } catch (IllegalArgumentException e) {
            throw new FormatException(e.getMessage(), e);
        }
    }

    private static Shot readShot(JsonNode n, int index, ProjectSettings project) throws FormatException {
        String where = "shot " + index;
        if (!n.isObject()) {
            throw new FormatException(where + " is not a JSON object");
        }
        String id = text(n, "id", "");
        if (id.isBlank()) {
            throw new FormatException(where + " has no \"id\"");
        }
        where = where + " (" + id + ")";
        try {
            Mode mode = Mode.GENERATE;
            String m = text(n, "mode", "");
            if (!m.isBlank()) {
                mode = Mode.parse(m);
            }
            List<SourceRef> sources = new ArrayList<>();
            for (JsonNode r : array(n, "sources")) {
                String role = text(r, "role", "start");
                sources.add(new SourceRef(text(r, "path", ""), SourceRole.valueOf(role.trim().toUpperCase(java.util.Locale.ROOT))));
            }
            ShotSettings d = ShotSettings.DEFAULTS.withFrames(0, project.fps());
            JsonNode so = n.get("settings");
            ShotSettings settings = d;
            if (so != null && so.isObject()) {
                settings = new ShotSettings(text(so, "pack", d.pack()), longValue(so, "seed", d.seed()),
                        bool(so, "seedLocked", d.seedLocked()), integer(so, "steps", d.steps()),
                        (float) number(so, "guidance", d.guidance()), text(so, "scheduler", d.scheduler()),
                        integer(so, "frames", d.frames()), number(so, "fps", d.fps()),
                        integer(so, "variations", d.variations()), bool(so, "asTyped", d.asTyped()));
            }
            List<Take> takes = new ArrayList<>();
            int t = 0;
            for (JsonNode tn : array(n, "takes")) {
                t++;
                takes.add(readTake(tn, where + ", take " + t));
            }
            return new Shot(id, text(n, "title", ""), text(n, "prompt", ""), text(n, "negativePrompt", ""), mode,
                    number(n, "durationSeconds", Shot.DEFAULT_DURATION), bool(n, "continueFromPrevious", false),
                    sources, settings, takes, text(n, "activeTakeId", ""));
        } catch (IllegalArgumentException e) {
            throw new FormatException(where + ": " + e.getMessage(), e);
        }
    }

    private static Take readTake(JsonNode n, String where) throws FormatException {
        String id = text(n, "id", "");
        if (id.isBlank()) {
            throw new FormatException(where + " has no \"id\"");
        }
        String media = text(n, "media", "");
        if (media.isBlank()) {
            throw new FormatException(where + " (" + id + ") has no \"media\" file");
        }
        JsonNode r = n.get("recipe");
        if (r == null || !r.isObject()) {
            throw new FormatException(where + " (" + id + ") has no \"recipe\"");
        }
        Recipe recipe = readRecipe((ObjectNode) r.deepCopy(), where + " (" + id + ")");
        return new Take(id, media, recipe, Json.parseInstant(text(n, "created", ""), Instant.EPOCH),
                integer(n, "frames", recipe.frames()), number(n, "fps", recipe.fps() > 0 ? recipe.fps() : 16),
                integer(n, "width", 0), integer(n, "height", 0), text(n, "label", ""));
    }

    /**
     * Recipes are engine records bound by Jackson, which refuses a recipe without a mode or pack. A
     * take's recipe is more lenient, as the rest of the file is: absent strings and lists become empty,
     * and an absent or empty mode is generate (older saves wrote an absent one back as "").
     */
    static Recipe readRecipe(ObjectNode r, String where) throws FormatException {
        for (String field : List.of("kinoraVersion", "packId", "packVersion", "packSha256")) {
            if (r.path(field).isMissingNode() || r.path(field).isNull()) {
                r.put(field, "");
            }
        }
        if (r.path("sources").isMissingNode() || r.path("sources").isNull()) {
            r.putArray("sources");
        }
        JsonNode mode = r.get("mode");
        if (mode == null || mode.isNull() || mode.isTextual() && mode.textValue().isBlank()) {
            r.put("mode", Mode.GENERATE.id());
        }
        try {
            return Json.MAPPER.treeToValue(r, Recipe.class);
        } catch (Exception e) {
            // An unknown mode or direction: the recipe's own sentence, not Jackson's wrapping of it.
            Throwable why = e instanceof ValueInstantiationException && e.getCause() != null ? e.getCause() : e;
            throw new FormatException(where + " has a recipe this build cannot read: " + why.getMessage(), e);
        }
    }

    // ---- lenient field access: absent or null means the default, the wrong type is an error ----

    private static Iterable<JsonNode> array(JsonNode n, String field) throws FormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new FormatException("\"" + field + "\" should be a list, found " + v.getNodeType());
        }
        return v;
    }

    private static String text(JsonNode n, String field, String dflt) throws FormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw new FormatException("\"" + field + "\" should be text, found " + v.getNodeType());
        }
        return v.textValue();
    }

    private static boolean bool(JsonNode n, String field, boolean dflt) throws FormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new FormatException("\"" + field + "\" should be true or false, found " + v);
        }
        return v.booleanValue();
    }

    private static double number(JsonNode n, String field, double dflt) throws FormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            switch (v.textValue()) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default: break;
            }
        }
        throw new FormatException("\"" + field + "\" should be a number, found " + v);
    }

    private static int integer(JsonNode n, String field, int dflt) throws FormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new FormatException("\"" + field + "\" should be a whole number, found " + v);
        }
        return v.intValue();
    }

    private static long longValue(JsonNode n, String field, long dflt) throws FormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new FormatException("\"" + field + "\" should be a whole number, found " + v);
        }
        return v.longValue();
    }
}
