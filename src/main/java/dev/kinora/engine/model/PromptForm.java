package dev.kinora.engine.model;

import static dev.kinora.engine.model.PromptLexicon.normal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kinora.engine.pack.PackException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pack's caption grammar, used to put a prompt written in another sentence form into the one its captions use. A
 * small model conditioned on a pooled sentence vector reads "There is a red ball on the grass and it rolls to the
 * right" as a different sentence from "A red ball rolls to the right on the grass", and follows it worse, though it
 * names the same things. The grammar lists the captions' colour, shape, motion, two-subject, scene and camera-pan
 * phrases, and every form of their verbs as one word ("rolling" is "rolls"); a prompt whose subject and motion are
 * found is rewritten as {@code a <colour> <shape> <motion> <scene>[, <pan>]}, the captions' own first form.
 *
 * <p>It is conservative: a prompt is left as typed when it is already made of caption phrases, when its subject or
 * motion cannot be found, or when it names two motions, two scenes or a subject count its motion does not fit. A motion
 * typed in words the captions do not use is found by its verb and the words after it ("moves to the right" has the
 * verb of "moves right" and its direction); a scene the grammar does not know is kept as typed. Everything else in the
 * prompt that is not a caption phrase is dropped, which the studio shows in its "Reads as" line.
 */
final class PromptForm {
    private static final Pattern WORD = PromptLexicon.WORD;
    private static final Pattern CLAUSE_BREAK = PromptLexicon.CLAUSE_BREAK;
    private static final Pattern PUNCTUATION = Pattern.compile("[,.;:!?\\n()\"]");
    private static final Set<String> ARTICLES = Set.of("a", "an", "the");
    /** Words after a motion verb that say nothing about which motion it is ("rolls to the right"). */
    private static final Set<String> FILLER = Set.of("a", "an", "the", "to", "and", "of", "it", "its", "itself", "slowly",
            "quickly", "gently", "then", "all", "way");
    /** Words that begin a place ("in a garden"): a scene the grammar does not know is kept from one of these on. */
    private static final Set<String> PLACE = Set.of("in", "on", "at", "over", "under", "by", "along", "near", "across",
            "through", "against", "among", "amid", "beside", "inside", "above", "below", "beneath", "around", "within",
            "outside", "onto", "atop", "upon");
    private static final Set<String> DETERMINERS = Set.of("a", "an", "the", "one", "this", "another");
    private static final Set<String> CAMERA = Set.of("camera", "pan", "pans", "panning", "panned");
    private static final int COLOUR_REACH = 3;
    private static final int MOTION_REACH = 6;

    enum Kind { COLOUR, SHAPE, MOTION, MEET, SCENE, PAN }

    private record Phrase(Kind kind, String group, String text) {
    }

    /** A motion phrase under its verb: the motion it names and its other words that are not filler. */
    private record HeadPhrase(String group, Set<String> content) {
    }

    private final Map<String, Phrase> phrases;
    private final Map<String, String> lemmas;
    private final Set<String> templateWords;
    private final Set<String> colourContext;
    private final Set<String> grammarWords;
    private final Map<String, String> motionCanonical;
    private final Map<String, List<HeadPhrase>> headPhrases;
    private final Map<String, Set<String>> groupWords;
    private final Map<String, String> sceneKeywords;
    private final Map<String, String> sceneCanonical;
    private final Map<String, String> panCanonical;
    private final int longest;

    private PromptForm(Map<String, Phrase> phrases, Map<String, String> lemmas, Set<String> templateWords, Set<String> colourContext,
                       Map<String, String> motionCanonical, Map<String, List<HeadPhrase>> headPhrases,
                       Map<String, Set<String>> groupWords, Map<String, String> sceneKeywords,
                       Map<String, String> sceneCanonical, Map<String, String> panCanonical, int longest) {
        this.phrases = phrases;
        this.lemmas = lemmas;
        this.templateWords = templateWords;
        this.colourContext = colourContext;
        Set<String> grammar = new HashSet<>(lemmas.keySet());
        grammar.addAll(lemmas.values());
        for (String key : phrases.keySet()) {
            grammar.addAll(List.of(key.split(" ")));
        }
        grammar.addAll(templateWords);
        grammar.addAll(PLACE);
        grammar.addAll(DETERMINERS);
        grammar.addAll(colourContext);
        this.grammarWords = Set.copyOf(grammar);
        this.motionCanonical = motionCanonical;
        this.headPhrases = headPhrases;
        this.groupWords = groupWords;
        this.sceneKeywords = sceneKeywords;
        this.sceneCanonical = sceneCanonical;
        this.panCanonical = panCanonical;
        this.longest = longest;
    }

    /** The lexicon's "form" object; a malformed one is the pack's fault and says what is wrong. */
    static PromptForm parse(JsonNode form, Path file, Set<String> colourContext) throws PackException {
        Map<String, String> lemmas = new HashMap<>();
        form.path("lemmas").fields().forEachRemaining(e -> lemmas.put(normal(e.getKey()), normal(e.getValue().asText(""))));
        Map<String, Phrase> phrases = new HashMap<>();
        Builder b = new Builder(file, lemmas, phrases);
        b.list(form.path("colours"), Kind.COLOUR, "colour");
        b.list(form.path("shapes"), Kind.SHAPE, "shape");
        b.list(form.path("meet"), Kind.MEET, "meet");
        Map<String, List<String>> motions = b.groups(form.path("motions"), Kind.MOTION, "motions");
        Map<String, List<String>> scenes = b.groups(form.path("scenes"), Kind.SCENE, "scenes");
        Map<String, List<String>> pans = b.groups(form.path("pans"), Kind.PAN, "pans");
        if (motions.isEmpty() || b.count(Kind.SHAPE) == 0) {
            throw new PackException(file + ": the lexicon's form needs 'shapes' and 'motions'");
        }
        Set<String> colourAndShapeWords = new HashSet<>();
        for (Phrase p : phrases.values()) {
            if (p.kind() == Kind.COLOUR || p.kind() == Kind.SHAPE) {
                colourAndShapeWords.addAll(List.of(p.text().split(" ")));
            }
        }
        Map<String, String> motionCanonical = new LinkedHashMap<>();
        Map<String, List<HeadPhrase>> headPhrases = new HashMap<>();
        Map<String, Set<String>> groupWords = new HashMap<>();
        for (Map.Entry<String, List<String>> g : motions.entrySet()) {
            motionCanonical.put(g.getKey(), g.getValue().get(0));
            for (String text : g.getValue()) {
                String[] ws = b.lemmaWords(text);
                Set<String> content = new LinkedHashSet<>();
                for (int k = 1; k < ws.length; k++) {
                    if (!FILLER.contains(ws[k])) {
                        content.add(ws[k]);
                    }
                }
                headPhrases.computeIfAbsent(ws[0], k -> new ArrayList<>()).add(new HeadPhrase(g.getKey(), Set.copyOf(content)));
                groupWords.computeIfAbsent(g.getKey(), x -> new HashSet<>()).addAll(content);
            }
        }
        // a scene word that belongs to one scene alone ("road", "dunes") names it in a place the grammar lacks
        Map<String, Set<String>> sceneOf = new HashMap<>();
        Map<String, String> sceneCanonical = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> g : scenes.entrySet()) {
            sceneCanonical.put(g.getKey(), g.getValue().get(0));
            for (String text : g.getValue()) {
                for (String w : b.lemmaWords(text)) {
                    if (!PLACE.contains(w) && !ARTICLES.contains(w) && !FILLER.contains(w) && !colourAndShapeWords.contains(w)) {
                        sceneOf.computeIfAbsent(w, k -> new HashSet<>()).add(g.getKey());
                    }
                }
            }
        }
        Map<String, String> sceneKeywords = new HashMap<>();
        sceneOf.forEach((w, gs) -> {
            if (gs.size() == 1) {
                sceneKeywords.put(w, gs.iterator().next());
            }
        });
        Map<String, String> panCanonical = new LinkedHashMap<>();
        pans.forEach((k, v) -> panCanonical.put(k, v.get(0)));
        Set<String> templateWords = new HashSet<>(ARTICLES);
        for (JsonNode n : form.path("templateWords")) {
            templateWords.add(normal(n.asText("")));
        }
        return new PromptForm(Map.copyOf(phrases), Map.copyOf(lemmas), Set.copyOf(templateWords), Set.copyOf(colourContext), motionCanonical,
                headPhrases, groupWords, sceneKeywords, sceneCanonical, panCanonical,
                phrases.keySet().stream().mapToInt(k -> k.split(" ").length).max().orElse(1));
    }

    /** Collects phrases by their lemmatised words, refusing one that two groups claim. */
    private record Builder(Path file, Map<String, String> lemmas, Map<String, Phrase> phrases) {
        String[] lemmaWords(String text) {
            String[] ws = normal(text).split(" ");
            for (int i = 0; i < ws.length; i++) {
                ws[i] = lemmas.getOrDefault(ws[i], ws[i]);
            }
            return ws;
        }

        void add(Kind kind, String group, String text) throws PackException {
            String t = normal(text);
            if (t.isEmpty()) {
                throw new PackException(file + ": the lexicon's form has an empty " + kind.name().toLowerCase(Locale.ROOT) + " phrase");
            }
            String key = String.join(" ", lemmaWords(t));
            Phrase old = phrases.putIfAbsent(key, new Phrase(kind, group, t));
            if (old != null && !(old.kind() == kind && old.group().equals(group))) {
                throw new PackException(file + ": the lexicon's form reads '" + t + "' two ways (" + old.group() + ", " + group + ")");
            }
        }

        void list(JsonNode array, Kind kind, String group) throws PackException {
            for (JsonNode n : array) {
                add(kind, group, n.asText(""));
            }
        }

        Map<String, List<String>> groups(JsonNode object, Kind kind, String name) throws PackException {
            Map<String, List<String>> out = new LinkedHashMap<>();
            if (object.isMissingNode()) {
                return out;
            }
            if (!object.isObject()) {
                throw new PackException(file + ": the lexicon's form '" + name + "' must map a name to its phrases");
            }
            var it = object.fields();
            while (it.hasNext()) {
                var e = it.next();
                List<String> texts = new ArrayList<>();
                for (JsonNode n : e.getValue()) {
                    add(kind, e.getKey(), n.asText(""));
                    texts.add(normal(n.asText("")));
                }
                if (texts.isEmpty()) {
                    throw new PackException(file + ": the lexicon's form '" + name + "." + e.getKey() + "' has no phrases");
                }
                out.put(e.getKey(), texts);
            }
            return out;
        }

        int count(Kind kind) {
            return (int) phrases.values().stream().filter(p -> p.kind() == kind).count();
        }
    }

    private record Word(int start, int end, String lower, String lemma, int clause) {
    }

    /** A run of words read as one thing: a phrase of the grammar (exact: typed in the caption's own words). */
    private record Span(Kind kind, String group, String text, int from, int to, boolean exact) {
    }

    /** The prompt in the captions' form, or null to leave it as it is. */
    String rewrite(String text) {
        List<Word> words = words(text);
        if (words.isEmpty()) {
            return null;
        }
        boolean[] covered = new boolean[words.size()];
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < words.size(); ) {
            int n = longestPhrase(words, i, text);
            if (n == 0) {
                i++;
                continue;
            }
            Phrase p = phrases.get(key(words, i, n));
            spans.add(new Span(p.kind(), p.group(), p.text(), i, i + n, p.text().equals(surface(words, i, n))));
            mark(covered, i, i + n);
            i += n;
        }
        List<Span> shapes = of(spans, Kind.SHAPE);
        if (shapes.isEmpty() || shapes.size() > 2) {
            return null;
        }
        List<Span> motion = new ArrayList<>(of(spans, Kind.MOTION));
        motion.addAll(of(spans, Kind.MEET));
        // a motion in other words is looked for even beside a caption phrase: "rolls right and flies left" is two
        Span byVerb = motionByVerb(words, text, covered);
        boolean found = motion.isEmpty() && byVerb != null;
        if (found) {
            motion.add(byVerb);
            mark(covered, byVerb.from(), byVerb.to());
        } else if (motion.isEmpty() || byVerb != null && !byVerb.group().equals(motion.get(0).group())) {
            return null;
        }
        if (motion.stream().map(Span::group).distinct().count() != 1) {
            return null;
        }
        Span mot = motion.get(0);
        if ((mot.kind() == Kind.MEET) != (shapes.size() == 2)) {
            return null;
        }
        List<String> subjects = new ArrayList<>();
        boolean[] reordered = {false};
        Set<Span> used = new HashSet<>();
        for (Span s : shapes) {
            subjects.add(subject(s, colourOf(s, spans, words, text, used), words, text, covered, reordered));
        }
        if (used.size() < subjects.size() && used.size() < of(spans, Kind.COLOUR).size()) {
            // a colour the subject did not take ("we see a ball; it is red"): reading it wrongly would repaint the clip
            return null;
        }
        String scene = null;
        boolean sceneNamed = false;
        List<Span> sceneSpans = of(spans, Kind.SCENE);
        if (sceneSpans.stream().map(Span::group).distinct().count() > 1) {
            return null;
        }
        if (!sceneSpans.isEmpty()) {
            scene = sceneSpans.get(0).text();
        } else {
            boolean[] taken = covered.clone();
            boolean[] free = new boolean[words.size()];
            for (Span c : of(spans, Kind.COLOUR)) {
                if (!used.contains(c)) {
                    for (int k = c.from(); k < c.to(); k++) {
                        taken[k] = false;
                        free[k] = true;
                    }
                }
            }
            int[] run = placeRun(words, text, taken, free);
            if (run != null) {
                String known = null;
                for (int k = run[0]; k < run[1]; k++) {
                    String g = sceneKeywords.get(words.get(k).lemma());
                    if (g != null && known != null && !g.equals(known)) {
                        known = null;
                        break;
                    }
                    known = g != null ? g : known;
                }
                sceneNamed = known != null;
                // a place begins with a preposition, which is lower case inside the sentence ("At midnight, ..." moves back)
                scene = known != null ? sceneCanonical.get(known)
                        : words.get(run[0]).lower() + text.substring(words.get(run[0]).end(), words.get(run[1] - 1).end());
                mark(covered, run[0], run[1]);
            }
        }
        String pan = pan(words, covered, spans);
        if (pan == null) {
            return null;
        }
        boolean leftover = false;
        for (int k = 0; k < words.size(); k++) {
            leftover |= !covered[k] && !templateWords.contains(words.get(k).lemma());
        }
        if (!leftover && !found && !sceneNamed && !reordered[0] && spans.stream().allMatch(Span::exact)) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        out.append(article(subjects.get(0))).append(' ').append(subjects.get(0));
        if (subjects.size() == 2) {
            out.append(" and ").append(article(subjects.get(1))).append(' ').append(subjects.get(1));
        }
        out.append(' ').append(found ? motionCanonical.get(mot.group()) : mot.text());
        if (scene != null) {
            out.append(' ').append(scene);
        }
        if (!pan.isEmpty()) {
            out.append(", ").append(pan);
        }
        String result = Character.toUpperCase(out.charAt(0)) + out.substring(1);
        return normal(result).equals(normal(text).replaceAll("[.!]+$", "").strip()) ? null : result;
    }

    private List<Word> words(String text) {
        List<Word> out = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        int clause = 0;
        int last = 0;
        while (m.find()) {
            if (CLAUSE_BREAK.matcher(text.substring(last, m.start())).find()) {
                clause++;
            }
            String lower = normal(m.group());
            out.add(new Word(m.start(), m.end(), lower, lemmas.getOrDefault(lower, lower), clause));
            last = m.end();
        }
        return out;
    }

    private int longestPhrase(List<Word> words, int i, String text) {
        int best = 0;
        for (int n = 1; n <= longest && i + n <= words.size(); n++) {
            if (n > 1 && !text.substring(words.get(i + n - 2).end(), words.get(i + n - 1).start()).isBlank()) {
                break;
            }
            if (phrases.containsKey(key(words, i, n))) {
                best = n;
            }
        }
        return best;
    }

    private static String key(List<Word> words, int i, int n) {
        StringBuilder b = new StringBuilder(words.get(i).lemma());
        for (int k = 1; k < n; k++) {
            b.append(' ').append(words.get(i + k).lemma());
        }
        return b.toString();
    }

    private static String surface(List<Word> words, int i, int n) {
        StringBuilder b = new StringBuilder(words.get(i).lower());
        for (int k = 1; k < n; k++) {
            b.append(' ').append(words.get(i + k).lower());
        }
        return b.toString();
    }

    private static void mark(boolean[] covered, int from, int to) {
        for (int k = from; k < to; k++) {
            covered[k] = true;
        }
    }

    private static List<Span> of(List<Span> spans, Kind kind) {
        return spans.stream().filter(s -> s.kind() == kind).toList();
    }

    /**
     * A motion typed in other words: a caption verb ("moves", "rolling") and, in the words after it, those that tell
     * its motions apart. First the caption phrases with that verb, by the share of their words that follow it ("moves
     * to the right" holds all of "moves right" and a third of "moves from left to right"); then, if none, the words of
     * every phrase of each motion the verb has ("moves upward" is the upward motion, as in "slides upward"). A verb that
     * is a whole motion on its own ("falls", "grows") needs nothing after it; any other verb without a telling word, or
     * with words that fit two motions equally, is not read.
     */
    private Span motionByVerb(List<Word> words, String text, boolean[] covered) {
        Span found = null;
        for (int i = 0; i < words.size(); i++) {
            List<HeadPhrase> heads = covered[i] ? null : headPhrases.get(words.get(i).lemma());
            if (heads == null) {
                continue;
            }
            Map<String, Integer> following = new LinkedHashMap<>();
            for (int k = i + 1; k < Math.min(words.size(), i + 1 + MOTION_REACH); k++) {
                if (covered[k] || words.get(k).clause() != words.get(i).clause()
                        || PUNCTUATION.matcher(text.substring(words.get(k - 1).end(), words.get(k).start())).find()) {
                    break;
                }
                following.putIfAbsent(words.get(k).lemma(), k);
            }
            Span s = byPhrase(heads, following, i);
            if (s == null) {
                s = byGroupWords(heads, following, i);
            }
            if (s == null && following.keySet().stream().noneMatch(w -> heads.stream().anyMatch(h -> h.content().contains(w)))) {
                Set<String> groups = new HashSet<>();
                boolean whole = false;
                for (HeadPhrase h : heads) {
                    groups.add(h.group());
                    whole |= h.content().isEmpty();
                }
                if (whole && groups.size() == 1) {
                    String g = groups.iterator().next();
                    s = new Span(Kind.MOTION, g, motionCanonical.get(g), i, i + 1, false);
                }
            }
            if (s != null) {
                if (found != null && !found.group().equals(s.group())) {
                    return null;
                }
                found = found == null ? s : found;
            }
        }
        return found;
    }

    private Span byPhrase(List<HeadPhrase> heads, Map<String, Integer> following, int at) {
        String best = null;
        double bestShare = 0;
        int bestCount = 0;
        int bestEnd = 0;
        boolean tie = false;
        for (HeadPhrase h : heads) {
            int count = 0;
            int end = at + 1;
            for (String w : h.content()) {
                Integer k = following.get(w);
                if (k != null) {
                    count++;
                    end = Math.max(end, k + 1);
                }
            }
            if (count == 0) {
                continue;
            }
            double share = count / (double) h.content().size();
            if (share > bestShare || share == bestShare && count > bestCount) {
                best = h.group();
                bestShare = share;
                bestCount = count;
                bestEnd = end;
                tie = false;
            } else if (share == bestShare && count == bestCount && !h.group().equals(best)) {
                tie = true;
            }
        }
        return best == null || tie ? null : new Span(Kind.MOTION, best, motionCanonical.get(best), at, bestEnd, false);
    }

    private Span byGroupWords(List<HeadPhrase> heads, Map<String, Integer> following, int at) {
        Set<String> groups = new LinkedHashSet<>();
        heads.forEach(h -> groups.add(h.group()));
        Set<String> common = null;
        for (String g : groups) {
            Set<String> ws = groupWords.getOrDefault(g, Set.of());
            if (common == null) {
                common = new HashSet<>(ws);
            } else {
                common.retainAll(ws);
            }
        }
        String best = null;
        int top = 0;
        int bestEnd = 0;
        boolean tie = false;
        for (String g : groups) {
            int count = 0;
            int end = at + 1;
            for (Map.Entry<String, Integer> f : following.entrySet()) {
                if (!common.contains(f.getKey()) && groupWords.getOrDefault(g, Set.of()).contains(f.getKey())) {
                    count++;
                    end = Math.max(end, f.getValue() + 1);
                }
            }
            if (count > top) {
                best = g;
                top = count;
                bestEnd = end;
                tie = false;
            } else if (count == top && count > 0) {
                tie = true;
            }
        }
        return best == null || tie ? null : new Span(Kind.MOTION, best, motionCanonical.get(best), at, bestEnd, false);
    }

    /** The colour of a shape: within a few words before it, else after it ("an orb coloured ivory"), in its clause. */
    private Span colourOf(Span shape, List<Span> spans, List<Word> words, String text, Set<Span> used) {
        Span best = null;
        for (Span c : spans) {
            if (c.kind() != Kind.COLOUR || used.contains(c)
                    || words.get(c.from()).clause() != words.get(shape.from()).clause()) {
                continue;
            }
            boolean before = c.to() <= shape.from() && shape.from() - c.to() < COLOUR_REACH;
            // after the shape only across words that still describe it ("coloured", "that is", an adjective): not
            // across a motion or a place ("a box falls in red" is not a red box)
            boolean after = c.from() >= shape.to() && telling(words, shape.to(), c.from()) < COLOUR_REACH
                    && spans.stream().noneMatch(o -> o.from() < c.from() && o.to() > shape.to() && o != c && o != shape)
                    && words.subList(shape.to(), c.from()).stream().noneMatch(w -> PLACE.contains(w.lower()));
            if (!before && !after || between(spans, c, shape)) {
                continue;
            }
            if (best == null || before && best.from() > shape.from()) {
                best = c;
            }
        }
        if (best != null) {
            used.add(best);
        }
        return best;
    }

    /**
     * A subject as typed: words between its article and its shape that the grammar does not know stay ("a cobalt orb",
     * "a small red box"), and so does an unknown word after "coloured"; a colour typed after the shape goes in front.
     */
    private String subject(Span shape, Span colour, List<Word> words, String text, boolean[] covered, boolean[] reordered) {
        int clause = words.get(shape.from()).clause();
        int start = -1;
        int steps = 0;
        int unknown = 0;
        for (int k = shape.from() - 1; k >= -1 && steps <= COLOUR_REACH; k--, steps++) {
            if (k < 0 || words.get(k).clause() != clause
                    || PUNCTUATION.matcher(text.substring(words.get(k).end(), words.get(k + 1).start())).find()) {
                // no article: a bare noun phrase at the start of its phrase ("amethyst star shape, ...") keeps one word
                start = unknown <= 1 ? k + 1 : -1;
                break;
            }
            Word w = words.get(k);
            if (colour != null && k >= colour.from() && k < colour.to()) {
                k = colour.from();
                continue;
            }
            if (DETERMINERS.contains(w.lower())) {
                start = k + 1;
                break;
            }
            if (covered[k] || grammarWords.contains(w.lemma())) {
                // a word of the grammar ("it", "rolling", "on") is not part of the subject: no article, no modifiers
                start = -1;
                break;
            }
            unknown++;
        }
        StringBuilder b = new StringBuilder();
        boolean placed = false;
        for (int j = Math.max(start, 0); start >= 0 && j < shape.from(); j++) {
            if (colour != null && j >= colour.from() && j < colour.to()) {
                if (j == colour.from()) {
                    b.append(colour.text()).append(' ');
                    placed = true;
                }
                continue;
            }
            b.append(words.get(j).lower()).append(' ');
            covered[j] = true;
        }
        int j = shape.to();
        if (colour == null && j + 1 < words.size() && colourContext.contains(words.get(j).lower()) && !covered[j + 1]
                && !grammarWords.contains(words.get(j + 1).lemma())
                && words.get(j + 1).clause() == clause
                && text.substring(words.get(j).end(), words.get(j + 1).start()).isBlank()) {
            b.append(words.get(j + 1).lower()).append(' ');
            covered[j] = covered[j + 1] = true;
            reordered[0] = true;
        }
        if (colour != null && !placed) {
            b.insert(0, colour.text() + " ");
            reordered[0] |= colour.from() > shape.from() && telling(words, shape.to(), colour.from()) > 0;
        }
        return b.append(shape.text()).toString();
    }

    private static boolean between(List<Span> spans, Span a, Span b) {
        int lo = Math.min(a.to(), b.to());
        int hi = Math.max(a.from(), b.from());
        return spans.stream().anyMatch(s -> s.kind() == Kind.SHAPE && s != b && s.from() >= lo && s.to() <= hi);
    }

    /** Words in [from, to) other than the captions' template words and words such as "coloured". */
    private int telling(List<Word> words, int from, int to) {
        int n = 0;
        for (int k = from; k < to; k++) {
            n += templateWords.contains(words.get(k).lower()) || colourContext.contains(words.get(k).lower()) ? 0 : 1;
        }
        return n;
    }

    /** The first run of uncovered words that begins with a place word, to the end of its phrase, naming something. */
    private static int[] placeRun(List<Word> words, String text, boolean[] covered, boolean[] colour) {
        for (int i = 0; i < words.size(); i++) {
            if (covered[i] || !PLACE.contains(words.get(i).lower())) {
                continue;
            }
            int j = i + 1;
            boolean named = false;
            while (j < words.size() && !covered[j]
                    && !PUNCTUATION.matcher(text.substring(words.get(j - 1).end(), words.get(j).start())).find()) {
                // a colour and an article do not make a place ("in blue" is a colour without its shape)
                named |= !colour[j] && !ARTICLES.contains(words.get(j).lower());
                j++;
            }
            if (named) {
                return new int[] {i, j};
            }
        }
        return null;
    }

    /** The camera pan: "" for none, its caption phrase, or null when the prompt speaks of the camera unreadably. */
    private String pan(List<Word> words, boolean[] covered, List<Span> spans) {
        List<Span> pans = of(spans, Kind.PAN);
        if (pans.stream().map(Span::group).distinct().count() > 1) {
            return null;
        }
        if (!pans.isEmpty()) {
            return pans.get(0).text();
        }
        Set<Integer> clauses = new LinkedHashSet<>();
        for (int k = 0; k < words.size(); k++) {
            String w = words.get(k).lower();
            if (!covered[k] && CAMERA.contains(w)) {
                clauses.add(words.get(k).clause());
                covered[k] = true;
            }
        }
        if (clauses.isEmpty()) {
            return "";
        }
        String side = null;
        for (int k = 0; k < words.size(); k++) {
            String w = words.get(k).lemma();
            if (!covered[k] && clauses.contains(words.get(k).clause()) && panCanonical.containsKey(w)) {
                if (side != null && !side.equals(w)) {
                    return null;
                }
                side = w;
                covered[k] = true;
            }
        }
        return side == null ? null : panCanonical.get(side);
    }

    private static String article(String next) {
        return "aeiou".indexOf(next.charAt(0)) >= 0 ? "an" : "a";
    }
}
