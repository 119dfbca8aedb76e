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
("brown", "grey", "tan"), whatever its RGB is near. Motion verbs are not in the table: WordNet's senses of the
training verbs are too mixed to take whole ("shrink" is also "flinch", "grow" is also "turn", "roll" is also
"roam"), and a verb read wrongly changes the whole clip. The held-out and validation words are never read here: how
many of them the table happens to cover is reported (--report), as a measure of its reach, not used to build it.

  python3 -m train.make_lexicon --out lexicon.json --pack pack.json [--report]
      (from models/tinyworld; needs `apt-get install wordnet-base`; --pack declares the file as the pack's "lexicon"
      component with its sha256 and size)
"""
import argparse
import hashlib
import json
import os
import re

from world.captions import COLOUR_SYN, HELDOUT_WORDS, SHAPE_SYN
from world.render import COLOURS

WORDNET = "/usr/share/wordnet"
RGB_TXT = "/usr/share/X11/rgb.txt"
NOUN_SHAPE, NOUN_ATTRIBUTE, VERB_CHANGE, VERB_MOTION = 25, 7, 30, 38


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
        "about": "Words no training caption has, read as the training word they mean (train/make_lexicon.py). "
                 "Sources: WordNet 3.0 (Princeton University, WordNet licence) and X11 rgb.txt.",
        "colourContext": ["coloured", "colored", "painted", "tinted"],
        "keep": keep,
        "shapes": shapes,
        "entries": entries,
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
        for name, syn in (("held-out", {"?": sorted(HELDOUT_WORDS)}), ("validation colour", VALIDATION_COLOUR_SYN),
                          ("validation shape", VALIDATION_SHAPE_SYN), ("validation motion", VALIDATION_MOTION_SYN),
                          ("validation motion -ing", VALIDATION_MOTION_ING)):
            for want, words in sorted(syn.items()):
                for ph in words:
                    hits = [f"{w}->{table[w]}" for w in ph.split() if w in table]
                    print(f"  {name:24s} {ph!r:40s} (means {want}): {', '.join(hits) or '-'}")


if __name__ == "__main__":
    main()
