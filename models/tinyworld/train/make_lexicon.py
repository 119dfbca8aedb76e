"""Builds the pack's prompt lexicon: words a user may type for the world's colours and shapes that no training
caption has, each mapped to a training word, so the engine can read "a scarlet orb" as "a red ball".

Why: the text encoder (MiniLM, a sentence-similarity model) places unseen words by their context, not their meaning
in pixels, and the denoiser has only ever been conditioned on the captions' few words (world/captions.py). A
rewriter is what the field does about the same gap (CogVideoX and Wan rewrite prompts into their captions' style);
this one is a table, built here from two general sources and nothing of the eval's:

  * WordNet 3.0 (Debian's wordnet-base, Princeton's WordNet licence): synonyms of the training words in the sense the
    world means (shape nouns under noun.shape; colour adjectives similar to "chromatic"/"achromatic"; colour nouns
    whose hypernyms reach a training colour).
  * X11's rgb.txt (x11-common): colour names with their RGB, mapped to the world colour nearest in CIELAB when it is
    near and clearly nearer than the next one.

Seeds are the base training vocabulary (captions.py's COLOUR_SYN and SHAPE_SYN) without the held-out words; a word
the sources tie to two targets is left out, and so is a word WordNet knows as a colour the world does not have
("brown", "grey", "tan"), whatever its RGB is near. Motion verbs are not table entries: WordNet's senses of the
training verbs are too mixed to take whole ("shrink" is also "flinch", "grow" is also "turn", "roll" is also
"roam"), and a verb read wrongly changes the whole clip. Instead the file's "form" (caption_form) carries the captions'
grammar, which the engine uses to put a prompt in another sentence form into theirs (engine.model.PromptForm): their
colour, shape, motion, scene and pan phrases, every inflection of their verbs, and the WordNet synonyms of one sense
of each verb chosen by its gloss (VERB_SENSES), each word only where that sense is its most frequent. The held-out
and validation words are never read here: how many of them the table happens to cover is reported (--report), as a
measure of its reach, not used to build it.

  python3 -m train.make_lexicon --out lexicon.json --pack pack.json [--report]
      (from models/tinyworld; needs `apt-get install wordnet-base`; --pack declares the file as the pack's "lexicon"
      component with its sha256 and size)
"""
import argparse
import hashlib
import json
import os
import re

from world.captions import (BG_SYN, COLOUR_SYN, HELDOUT_WORDS, MEET_SYN, MEET_TEMPLATES, MOTION_SYN, PAN_SYN,
                            SHAPE_SYN, TRAIN_TEMPLATES)
from world.render import COLOURS

WORDNET = "/usr/share/wordnet"
RGB_TXT = "/usr/share/X11/rgb.txt"
NOUN_SHAPE, NOUN_ATTRIBUTE = 25, 7


class Synset:
    __slots__ = ("off", "lex", "lemmas", "ptrs")


def load(pos):
    """WordNet's data.<pos> as {offset: Synset}: lemmas (lower case, '_' for space) and (symbol, offset, pos)."""
    out = {}
    with open(os.path.join(WORDNET, "data." + pos), encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            t = line.partition(" | ")[0].split()
            s = Synset()
            s.off, s.lex = t[0], int(t[1])
            n, i = int(t[3], 16), 4
            s.lemmas = []
            for _ in range(n):
                s.lemmas.append(re.sub(r"\(.*\)$", "", t[i]).lower())
                i += 2
            s.ptrs = []
            for _ in range(int(t[i])):
                s.ptrs.append((t[i + 1], t[i + 2], t[i + 3]))
                i += 4
            out[s.off] = s
    return out


def by_lemma(data):
    ix = {}
    for s in data.values():
        for w in s.lemmas:
            ix.setdefault(w, []).append(s)
    return ix


def hypernyms(nouns, s, depth=12):
    """Offsets of a noun synset's hypernyms (instance ones too), up to depth levels."""
    seen, todo = set(), [s.off]
    for _ in range(depth):
        nxt = []
        for off in todo:
            for sym, o, pos in nouns[off].ptrs:
                if sym in ("@", "@i") and pos == "n" and o not in seen:
                    seen.add(o)
                    nxt.append(o)
        todo = nxt
    return seen


def head_word(phrase):
    """The word a seed phrase is about: 'cherry red' -> 'red' is a base word already; 'five-pointed star' -> 'star'."""
    return phrase.split()[-1]


def phrase(lemma):
    return lemma.replace("_", " ")


# ---- colour ---------------------------------------------------------------------------------------------------

def srgb_to_lab(rgb):
    def lin(c):
        c /= 255.0
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(float(c)) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def nearest_colour(rgb, max_delta=35.0, max_delta_white=10.0, margin=1.35):
    """The world colour nearest in CIELAB, if within max_delta (white: max_delta_white, so greys and creams stay out)
    and clearly nearer (margin×) than the second."""
    lab = srgb_to_lab(rgb)
    d = sorted((sum((a - b) ** 2 for a, b in zip(lab, srgb_to_lab(c))) ** 0.5, name) for name, c in COLOURS.items())
    limit = max_delta_white if d[0][1] == "white" else max_delta
    return d[0][1] if d[0][0] <= limit and d[1][0] >= margin * d[0][0] else None


def x11_colours():
    out = {}
    with open(RGB_TXT, encoding="latin-1") as f:
        for line in f:
            if line.startswith("!"):
                continue
            t = line.split()
            name = " ".join(t[3:])
            # the lower-case spaced spellings only; numbered variants (red1..red4) are not words
            if name != name.lower() or re.search(r"\d", name):
                continue
            out[name] = tuple(int(v) for v in t[:3])
    return out


def colour_words(N, A):
    base = {c: set() for c in COLOURS}
    nix = by_lemma(N)
    for c in COLOURS:
        for s in nix.get(c, []):
            if s.lex == NOUN_ATTRIBUTE:
                base[c].add(s.off)
    colour_root = {s.off for s in N.values() if s.lemmas[0] == "color" and s.lex == NOUN_ATTRIBUTE}
    votes, other = {}, set()

    def vote(word, c, why):
        votes.setdefault(word, {}).setdefault(c, set()).add(why)

    # nouns: a colour attribute whose hypernyms reach exactly one world colour
    for s in N.values():
        if s.lex != NOUN_ATTRIBUTE:
            continue
        up = hypernyms(N, s) | {s.off}
        hit = {c for c, offs in base.items() if up & offs}
        if len(hit) == 1:
            for w in s.lemmas:
                vote(phrase(w), next(iter(hit)), "wordnet-noun")
        elif not hit and up & colour_root:
            other.update(phrase(w) for w in s.lemmas)
    # adjectives: satellites of chromatic/achromatic that contain a world colour word, or a word the nouns placed
    heads = {s.off for s in A.values() if s.lemmas[0] in ("chromatic", "achromatic")}
    for s in A.values():
        if not any(sym == "&" and o in heads for sym, o, _ in s.ptrs):
            continue
        hit = {c for c in COLOURS if c in s.lemmas}
        if len(hit) == 1:
            for w in s.lemmas:
                vote(phrase(w), next(iter(hit)), "wordnet-adj")
    for name, rgb in x11_colours().items():
        c = nearest_colour(rgb)
        if c:
            vote(name, c, "x11-rgb")
    # a colour WordNet places outside the world's eight is not one of them, whatever its X11 RGB is near
    return {w: v for w, v in votes.items() if w not in other or any("wordnet" in why for s in v.values() for why in s)}


# ---- shape ----------------------------------------------------------------------------------------------------

def shape_words(N, seeds):
    nix = by_lemma(N)
    votes = {}
    for target, words in seeds.items():
        for w in words:
            for s in nix.get(w.replace(" ", "_"), []):
                if s.lex == NOUN_SHAPE:
                    for lemma in s.lemmas:
                        votes.setdefault(phrase(lemma), {}).setdefault(target, set()).add("wordnet-shape")
    return votes


def plural(noun):
    last = noun.split()[-1]
    if last.endswith(("s", "sh", "ch", "x", "z")):
        p = last + "es"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        p = last[:-1] + "ies"
    else:
        p = last + "s"
    return " ".join(noun.split()[:-1] + [p])


def resolve(votes, known):
    """{word: target} for words with one target, skipping words the training captions already have."""
    out, dropped = {}, {}
    for w, by_target in sorted(votes.items()):
        if w in known or not re.fullmatch(r"[a-z][a-z' -]*[a-z]", w):
            continue
        targets = sorted(by_target)
        if len(targets) == 1:
            out[w] = targets[0]
        else:
            dropped[w] = targets
    return out, dropped


def build():
    """(entries, words left out as ambiguous, caption phrases to keep as typed, caption shape words)."""
    N, A = load("noun"), load("adj")
    colour_seeds = {k: [w for w in v if w not in HELDOUT_WORDS] for k, v in COLOUR_SYN.items()}
    shapes = {k: [w for w in v if w not in HELDOUT_WORDS] for k, v in SHAPE_SYN.items()}
    known_colour = {w for v in colour_seeds.values() for w in v}
    known_shape = {w for v in shapes.values() for w in v} | {head_word(w) for v in shapes.values() for w in v}

    colours, colour_drop = resolve(colour_words(N, A), known_colour | set(COLOURS))
    # many colour names are also things ("snow", "lemon", "tomato"): the engine reads a colour entry only in front of
    # a shape word or after "coloured" (colourContext), which keeps "snow" in "a ball on the snow" a scene
    shape_map, shape_drop = resolve(shape_words(N, shapes), known_shape)
    entries = []
    for w, c in sorted(colours.items()):
        entries.append({"kind": "colour", "from": w, "to": c})
    for w, s in sorted(shape_map.items()):
        entries.append({"kind": "shape", "from": w, "to": s})
        entries.append({"kind": "shape", "from": plural(w), "to": plural(s)})
    # a form two entries read differently (a shape's plural that is also a colour name) is ambiguous: leave it as typed
    seen = {}
    for e in entries:
        seen.setdefault(e["from"], set()).add((e["kind"], e["to"]))
    entries = [e for e in entries if len(seen[e["from"]]) == 1]
    uniq = {(e["kind"], e["from"]): e for e in entries}
    # the captions' own colour and shape phrases are read as typed ("snow white" is not "white white"), and a colour
    # entry is read as a colour in front of one of the captions' shape words
    keep = sorted(known_colour | {w for v in shapes.values() for w in v})
    caption_shapes = sorted({x for v in shapes.values() for w in v for x in (w, plural(w))})
    return (sorted(uniq.values(), key=lambda e: (e["kind"], e["from"])), {"colour": colour_drop, "shape": shape_drop},
            keep, caption_shapes)


# Verb forms English makes irregularly, for the caption verbs that have them (past and participle); "rose" is left out,
# it is also a colour and a flower.
IRREGULAR = {"fall": ["fell", "fallen"], "grow": ["grew", "grown"], "get": ["got", "gotten"], "go": ["went", "gone"],
             "come": ["came"], "become": ["became"], "rise": ["risen"], "shrink": ["shrank", "shrunk"],
             "swell": ["swollen"], "slide": ["slid"], "meet": ["met"]}
# Word forms that say the same direction ("rightwards" is "rightward")
DIRECTION_FORMS = {"rightwards": "rightward", "leftwards": "leftward", "upwards": "upward", "downwards": "downward",
                   "towards": "toward"}


def verb_lemma(word):
    """The base form of a caption verb as the captions write it (third person "rolls", or "collide" after two subjects)."""
    if word.endswith(("sses", "shes", "ches", "xes", "oes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def verb_forms(lemma):
    """Every regular form of a verb: third person, -ing and past (both spellings of a doubled l)."""
    vowels = "aeiou"
    third = lemma + ("es" if lemma.endswith(("ss", "sh", "ch", "x", "o")) else "s")
    if lemma.endswith("y") and lemma[-2] not in vowels:
        return [lemma, lemma[:-1] + "ies", lemma + "ing", lemma[:-1] + "ied"]
    if lemma.endswith("e") and not lemma.endswith("ee"):
        ing, past = [lemma[:-1] + "ing"], [lemma + "d"]
    elif (len(lemma) >= 3 and lemma[-1] not in vowels + "wxy" and lemma[-2] in vowels and lemma[-3] not in vowels
          and sum(ch in vowels for ch in lemma) == 1):
        # one syllable ending consonant-vowel-consonant doubles it: drop, dropping
        ing, past = [lemma + lemma[-1] + "ing"], [lemma + lemma[-1] + "ed"]
    elif lemma.endswith("l") and lemma[-2] in vowels and lemma[-3] not in vowels:
        ing, past = [lemma + "ing", lemma + "ling"], [lemma + "ed", lemma + "led"]
    else:
        ing, past = [lemma + "ing"], [lemma + "ed"]
    return [lemma, third] + ing + IRREGULAR.get(lemma, past)


# One WordNet 3.0 sense of each caption verb, chosen by its gloss (verb.motion and verb.change): the sense the world's
# motion means. Their other lemmas and their direct hyponyms are read as the caption verb ("plummet" is "drop").
VERB_SENSES = {
    "move": ["01835514"],     # travel, go, move, locomote: change location
    "slide": ["02091008"],    # move smoothly along a surface
    "glide": ["01887594"],    # move smoothly and effortlessly
    "drift": ["01902801"],    # float, drift: be in motion due to some air or water current
    "float": ["01838669"],    # move lightly, as if suspended
    "descend": ["01970844"],  # descend, fall, go down: move downward and lower
    "fall": ["01972316"],     # descend in free fall under the influence of gravity
    "drop": ["01976859"],     # to fall vertically
    "rise": ["01968587"],     # rise, lift, arise, move up: move upward
    "grow": ["00230746"],     # become larger, greater, or bigger
    "expand": ["00257269"],   # become larger in size or volume or quantity
    "swell": ["00256507"],    # swell, swell up: expand abnormally
    "inflate": ["00256117"],  # balloon, inflate, billow: become inflated
    "shrink": ["00240571"],   # shrink, contract: become smaller or draw together
    "deflate": ["00264705"],  # become deflated or flaccid, as by losing air
    "roll": ["01866210", "01887038"],  # move by turning over or rotating; move along as if on wheels
}


def verb_synonyms(caption_words):
    """{verb: caption verb} from VERB_SENSES: each sense's other single-word lemmas and its direct hyponyms'. A word two
    senses claim goes to the more specific one (a sense under the other, as "drop" is under "descend"); claimed by two
    unrelated senses for different verbs, it is left out. Words any caption phrase has are never remapped."""
    V = load("verb")

    def ancestors(off):
        seen, todo = set(), [off]
        while todo:
            nxt = []
            for o in todo:
                for sym, p, pos in V[o].ptrs:
                    if sym == "@" and pos == "v" and p not in seen:
                        seen.add(p)
                        nxt.append(p)
            todo = nxt
        return seen

    # a word's most frequent sense comes first in WordNet's index: a word is read as a caption verb only if that sense
    # is the one that makes it one ("sink" is, "light" and "do", whose first senses are not motions, are not)
    first = {}
    with open(os.path.join(WORDNET, "index.verb"), encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            t = line.split()
            n_synsets, n_ptrs = int(t[2]), int(t[3])
            first[t[0]] = t[4 + n_ptrs + 2]
    claims = {}
    for verb, offs in VERB_SENSES.items():
        for off in offs:
            s = V[off]
            words = [(w, off) for w in s.lemmas]
            for sym, o, pos in s.ptrs:
                if sym == "~" and pos == "v":
                    words += [(w, o) for w in V[o].lemmas]
            for w, via in words:
                if "_" not in w and w.isalpha() and w not in caption_words and first.get(w) == via:
                    claims.setdefault(w, set()).add((verb, off))
    out = {}
    for w, cs in sorted(claims.items()):
        # keep the claims no other claim is more specific than
        best = {(v, o) for v, o in cs if not any(o in ancestors(o2) for _, o2 in cs if o2 != o)}
        verbs = {v for v, _ in best}
        if len(verbs) == 1:
            out[w] = verbs.pop()
    return out


def caption_form():
    """The captions' own grammar, for the engine to put a prompt written in another sentence form into theirs
    (engine.model.PromptForm): their colour, shape, motion, two-subject and scene phrases and camera pans, every form
    of their verbs read as one word, and the template words besides the phrases. Base training words only."""
    motion_verbs = set()
    for phrases in list(MOTION_SYN.values()) + [MEET_SYN]:
        for ph in phrases:
            ws = ph.split()
            motion_verbs.add(ws[0])
            motion_verbs.update(ws[i + 1] for i, w in enumerate(ws[:-1]) if w == "and")
    lemmas = dict(DIRECTION_FORMS)
    for v in sorted(motion_verbs):
        base = verb_lemma(v)
        for f in verb_forms(base):
            lemmas.setdefault(f, base)
    caption_words = set(lemmas) | {w for v in motion_verbs for w in verb_forms(verb_lemma(v))}
    for group in (COLOUR_SYN, SHAPE_SYN, BG_SYN, MOTION_SYN, PAN_SYN):
        caption_words |= {w for v in group.values() for ph in v for w in re.findall(r"[a-z]+", ph.lower())}
    caption_words |= {w for ph in MEET_SYN for w in ph.split()}
    for synonym, verb in verb_synonyms(caption_words).items():
        for f in verb_forms(synonym):
            if f not in caption_words:
                lemmas.setdefault(f, verb)
    template_words = sorted(set(re.findall(r"[a-z]+", re.sub(r"\{\w+\}", " ", " ".join(TRAIN_TEMPLATES + MEET_TEMPLATES)))))
    return {
        "colours": sorted({w for v in COLOUR_SYN.values() for w in v if w not in HELDOUT_WORDS}),
        "shapes": sorted({w for v in SHAPE_SYN.values() for w in v if w not in HELDOUT_WORDS}),
        "motions": {k: list(v) for k, v in MOTION_SYN.items()},
        "meet": list(MEET_SYN),
        "scenes": {k: list(v) for k, v in BG_SYN.items()},
        "pans": {("right" if k > 0 else "left"): list(v) for k, v in PAN_SYN.items()},
        "lemmas": dict(sorted((k, v) for k, v in lemmas.items() if k != v)),
        "templateWords": template_words,
    }


def write_json(path, obj, indent):
    """Written to a temporary file beside path, then renamed over it."""
    with open(path + ".tmp", "w") as f:
        json.dump(obj, f, indent=indent)
        f.write("\n")
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--pack", help="pack.json to declare the table in (component 'lexicon', file relative to the pack)")
    ap.add_argument("--report", action="store_true", help="print how many held-out and validation words the table covers")
    a = ap.parse_args()
    entries, dropped, keep, shapes = build()
    doc = {
        "format": 1,
        "about": "Words no training caption has, read as the training word they mean, and the captions' sentence "
                 "form (train/make_lexicon.py). Sources: WordNet 3.0 (Princeton University, WordNet licence) and X11 "
                 "rgb.txt.",
        "colourContext": ["coloured", "colored", "painted", "tinted"],
        "keep": keep,
        "shapes": shapes,
        "entries": entries,
        "form": caption_form(),
    }
    write_json(a.out, doc, 0)
    if a.pack:
        with open(a.pack) as f:
            pack = json.load(f)
        with open(a.out, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        rel = os.path.relpath(os.path.abspath(a.out), os.path.dirname(os.path.abspath(a.pack)))
        pack["components"]["lexicon"] = {"file": rel, "sha256": digest, "size": os.path.getsize(a.out)}
        write_json(a.pack, pack, 2)
    kinds = {}
    for e in entries:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    print(f"{a.out}: {len(entries)} entries {kinds}; ambiguous, left out: "
          + ", ".join(f"{k} {len(v)}" for k, v in dropped.items()))
    if a.report:
        from world.captions import (VALIDATION_COLOUR_SYN, VALIDATION_MOTION_ING, VALIDATION_MOTION_SYN,
                                    VALIDATION_SHAPE_SYN)
        table = {e["from"]: e["to"] for e in entries}
        table.update({w: "verb " + v for w, v in doc["form"]["lemmas"].items() if w not in table})
        for name, syn in (("held-out", {"?": sorted(HELDOUT_WORDS)}), ("validation colour", VALIDATION_COLOUR_SYN),
                          ("validation shape", VALIDATION_SHAPE_SYN), ("validation motion", VALIDATION_MOTION_SYN),
                          ("validation motion -ing", VALIDATION_MOTION_ING)):
            for want, words in sorted(syn.items()):
                for ph in words:
                    hits = [f"{w}->{table[w]}" for w in ph.split() if w in table]
                    print(f"  {name:24s} {ph!r:40s} (means {want}): {', '.join(hits) or '-'}")


if __name__ == "__main__":
    main()
