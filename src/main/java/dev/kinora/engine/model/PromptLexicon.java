package dev.kinora.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kinora.engine.pack.PackException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pack's table of words its captions never had, each read as the caption word it means ("scarlet" as "red", "orb"
 * as "ball"), applied to a prompt before the text encoder sees it. A small model conditioned on a few caption words
 * reads an unseen word by its sentence context, so "a scarlet orb" comes out orange and square; a user should not have
 * to know the captions' words. Tiny World's table is built by {@code models/tinyworld/train/make_lexicon.py} from
 * WordNet and X11's colour names.
 *
 * <p>Many colour names are also things ("snow", "lemon", "peru"), so a colour entry is read only where it is a colour:
 * within three words before a shape word, or right after a word such as "coloured". Phrases the captions have
 * ("snow white", "cherry red") are left as they are, and so is anything the table does not name. A lexicon may also
 * carry its captions' sentence form ({@link PromptForm}), applied after the words.
 */
public final class PromptLexicon {
    /** A pack without a table: every prompt is read as typed. */
    public static final PromptLexicon NONE = new PromptLexicon(Map.of(), Set.of(), Set.of(), Set.of(), 1, null);

    /** A word of a prompt (letters, marks, apostrophes and hyphens), as the lexicon and the caption form split it. */
    static final Pattern WORD = Pattern.compile("[\\p{L}][\\p{L}\\p{M}'\u2019-]*");
    /** What ends a clause: a colour or subject is read within its own. */
    static final Pattern CLAUSE_BREAK = Pattern.compile("[.;:!?\\n]");
    private static final int COLOUR_REACH = 3;

    private final Map<String, Entry> entries;
    private final Set<String> keep;
    private final Set<String> shapes;
    private final Set<String> colourContext;
    private final int longest;
    private final PromptForm form;

    /** Whether the pack's lexicon also puts prompts into its captions' sentence form. */
    public boolean hasForm() {
        return form != null;
    }

    /** One table row: a word or phrase, the caption word it is read as, and whether it names a colour or a shape. */
    public record Entry(String kind, String from, String to) {
    }

    /** One substitution made in a prompt: kind colour or shape (a word), or form (the whole prompt, put in caption form). */
    public record Change(String kind, String from, String to) {
        public static final String FORM = "form";
    }

    /** A prompt as the model will read it, and what changed. */
    public record Reading(String text, List<Change> changes) {
        public Reading {
            changes = List.copyOf(changes);
        }

        public boolean changed() {
            return !changes.isEmpty();
        }

        /** Whether the sentence was put into the captions' form ({@link Change#FORM}). */
        public boolean formChanged() {
            return changes.stream().anyMatch(c -> c.kind().equals(Change.FORM));
        }

        /** Whether a word was read as another. */
        public boolean wordsChanged() {
            return changes.stream().anyMatch(c -> !c.kind().equals(Change.FORM));
        }
    }

    private PromptLexicon(Map<String, Entry> entries, Set<String> keep, Set<String> shapes, Set<String> colourContext, int longest,
                          PromptForm form) {
        this.form = form;
        this.entries = entries;
        this.keep = keep;
        this.shapes = shapes;
        this.colourContext = colourContext;
        this.longest = longest;
    }

    /** Reads a lexicon file (format 1); a malformed one is the pack's fault and says where. */
    public static PromptLexicon load(Path file) throws PackException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new PackException(file + ": the prompt lexicon cannot be read: " + e.getMessage(), e);
        }
        if (root == null || root.path("format").asInt(0) != 1 || !root.path("entries").isArray()) {
            throw new PackException(file + ": not a prompt lexicon (format 1 with an 'entries' array)");
        }
        Map<String, Entry> entries = new HashMap<>();
        int longest = 1;
        int row = 0;
        for (JsonNode n : root.path("entries")) {
            row++;
            String kind = n.path("kind").asText("");
            String from = normal(n.path("from").asText(""));
            String to = n.path("to").asText("").strip();
            if (!kind.equals("colour") && !kind.equals("shape") || from.isEmpty() || to.isEmpty()) {
                throw new PackException(file + ": entry " + row + " needs kind (colour or shape), from and to; got " + n);
            }
            if (entries.putIfAbsent(from, new Entry(kind, from, to)) != null) {
                throw new PackException(file + ": entry " + row + " repeats '" + from + "'");
            }
            longest = Math.max(longest, from.split(" ").length);
        }
        Set<String> keep = strings(root.path("keep"));
        for (String k : keep) {
            longest = Math.max(longest, k.split(" ").length);
        }
        Set<String> shapes = strings(root.path("shapes"));
        for (Entry e : entries.values()) {
            if (e.kind().equals("shape")) {
                shapes.add(e.from());
            }
        }
        JsonNode formNode = root.path("form");
        if (!formNode.isMissingNode() && !formNode.isObject()) {
            throw new PackException(file + ": the lexicon's 'form' must be an object");
        }
        Set<String> colourContext = strings(root.path("colourContext"));
        PromptForm form = formNode.isObject() ? PromptForm.parse(formNode, file, colourContext) : null;
        return new PromptLexicon(Map.copyOf(entries), Set.copyOf(keep), Set.copyOf(shapes), Set.copyOf(colourContext), longest, form);
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new HashSet<>();
        for (JsonNode n : array) {
            String s = normal(n.asText(""));
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Lower case, one kind of apostrophe, single spaces: how the lexicon and the caption form compare words. */
    static String normal(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replace('\u2019', '\'').replaceAll("\\s+", " ");
    }

    public int size() {
        return entries.size();
    }

    private record Word(int start, int end, String lower) {
    }

    /**
     * The prompt with every entry it contains, where it is used in its sense, read as its caption word; then, if the
     * lexicon has a caption form, put into it ({@link PromptForm}).
     */
    public Reading read(String prompt) {
        Reading words = readWords(prompt);
        for (int pass = 0; pass < 3 && words.changed(); pass++) {
            // a new word can make a phrase with the one before it ("sea teal" reads "sea green", itself a colour name):
            // read again until nothing changes, so that a reading reads as itself
            Reading again = readWords(words.text());
            if (!again.changed()) {
                break;
            }
            List<Change> all = new ArrayList<>(words.changes());
            all.addAll(again.changes());
            words = new Reading(again.text(), all);
        }
        String rewritten = form == null ? null : form.rewrite(words.text());
        if (rewritten == null) {
            return words;
        }
        List<Change> changes = new ArrayList<>(words.changes());
        changes.add(new Change(Change.FORM, words.text(), rewritten));
        return new Reading(rewritten, changes);
    }

    private Reading readWords(String prompt) {
        String text = prompt == null ? "" : prompt;
        if (entries.isEmpty() || text.isBlank()) {
            return new Reading(text, List.of());
        }
        List<Word> words = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            words.add(new Word(m.start(), m.end(), normal(m.group())));
        }
        StringBuilder out = new StringBuilder(text.length());
        List<Change> changes = new ArrayList<>();
        int copied = 0;
        int i = 0;
        while (i < words.size()) {
            int kept = match(words, i, text, keep::contains);
            int len = match(words, i, text, entries::containsKey);
            if (len <= kept) {
                // a caption phrase ("snow white") is read as typed unless a longer entry covers it
                i += Math.max(kept, 1);
                continue;
            }
            Entry e = entries.get(phrase(words, i, len));
            if (e.kind().equals("colour") && !colourHere(words, i, len, text)) {
                i += len;
                continue;
            }
            Word first = words.get(i);
            Word last = words.get(i + len - 1);
            out.append(text, copied, first.start());
            int end = last.end();
            boolean repeats = i + len < words.size() && joined(text, last, words.get(i + len))
                    && words.get(i + len).lower().equals(normal(e.to()));
            if (repeats) {
                // "scarlet red ball": the next word already says it, so the entry's words go rather than doubling it
                end = words.get(i + len).start();
            } else {
                String to = Character.isUpperCase(text.charAt(first.start())) ? capitalised(e.to()) : e.to();
                agreeArticle(out, to);
                out.append(to);
            }
            copied = end;
            changes.add(new Change(e.kind(), text.substring(first.start(), last.end()), e.to()));
            i += len;
        }
        out.append(text, copied, text.length());
        return new Reading(out.toString(), changes);
    }

    /** The longest run of words from i (at most the table's longest phrase, spaces only between) that is in the set. */
    private int match(List<Word> words, int i, String text, java.util.function.Predicate<String> in) {
        int best = 0;
        for (int n = 1; n <= longest && i + n <= words.size(); n++) {
            if (n > 1 && !joined(text, words.get(i + n - 2), words.get(i + n - 1))) {
                break;
            }
            if (in.test(phrase(words, i, n))) {
                best = n;
            }
        }
        return best;
    }

    private static boolean joined(String text, Word a, Word b) {
        return text.substring(a.end(), b.start()).isBlank() && b.start() > a.end();
    }

    private static String phrase(List<Word> words, int i, int n) {
        StringBuilder b = new StringBuilder(words.get(i).lower());
        for (int k = 1; k < n; k++) {
            b.append(' ').append(words.get(i + k).lower());
        }
        return b.toString();
    }

    /** A colour word in colour position: after "coloured" and the like, or a few words before a shape in its clause. */
    private boolean colourHere(List<Word> words, int i, int len, String text) {
        if (i > 0 && colourContext.contains(words.get(i - 1).lower()) && !broken(text, words.get(i - 1), words.get(i))) {
            return true;
        }
        Word prev = words.get(i + len - 1);
        for (int k = i + len; k < Math.min(words.size(), i + len + COLOUR_REACH); k++) {
            Word w = words.get(k);
            if (broken(text, prev, w)) {
                return false;
            }
            if (match(words, k, text, shapes::contains) > 0) {
                return true;
            }
            prev = w;
        }
        return false;
    }

    private static boolean broken(String text, Word a, Word b) {
        return CLAUSE_BREAK.matcher(text.substring(a.end(), b.start())).find();
    }

    private static final Pattern ARTICLE_BEFORE = Pattern.compile("(?i)(?<![\\p{L}'])(an?)(\\s+)$");

    /** "an orb" read as "a ball", "a scarlet" as "a red" but "a navy" as "a blue": the article agrees with the new word. */
    private static void agreeArticle(StringBuilder out, String next) {
        Matcher m = ARTICLE_BEFORE.matcher(out);
        if (!m.find()) {
            return;
        }
        String article = m.group(1);
        boolean an = "aeiou".indexOf(Character.toLowerCase(next.charAt(0))) >= 0;
        String want = an ? "an" : "a";
        if (article.equalsIgnoreCase(want)) {
            return;
        }
        boolean upper = Character.isUpperCase(article.charAt(0));
        out.replace(m.start(1), m.end(1), upper ? capitalised(want) : want);
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
