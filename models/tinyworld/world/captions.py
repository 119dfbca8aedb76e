"""Scene specs and template captions for Tiny World, with held-out combinations and phrasings.

Held out of training entirely (used only by eval/):
  * HELDOUT_COMBOS: (colour, shape, motion) triples never rendered for training.
  * HELDOUT_TEMPLATES: sentence forms never used for training captions.
  * HELDOUT_WORDS: synonyms that never occur in a training caption.

The base vocabulary (two to four words a colour, shape or scene, five or six a motion, six sentence forms) is what
every pack up to 2.9.0 trained on; a model that has seen three words for red learns those three tokens, not red, and
paints a held-out "scarlet" orange. `caption(..., vocab="wide")` adds the WIDE_* words and forms to the base ones for
training, and `vocab="validation"` draws only VALIDATION_* words and forms, which no training caption contains either:
a trial of the wide vocabulary is judged on them, so the held-out words stay unspent. With `vocab=None` every caption
is drawn exactly as before (same words, same random stream), so the eval's and validation's prompts do not move.
"""
import json
import numpy as np

from .render import COLOUR_NAMES, SHAPES, BACKGROUNDS, MOTIONS

COLOUR_SYN = {
    "red": ["red", "crimson", "cherry red", "scarlet"],
    "orange": ["orange", "tangerine", "amber"],
    "yellow": ["yellow", "golden", "lemon yellow"],
    "green": ["green", "emerald", "lime green"],
    "blue": ["blue", "azure", "deep blue", "cobalt"],
    "purple": ["purple", "violet", "plum"],
    "pink": ["pink", "rosy", "hot pink"],
    "white": ["white", "snow white", "ivory"],
}
SHAPE_SYN = {
    "ball": ["ball", "sphere", "circle", "orb"],
    "square": ["square", "cube", "box", "block"],
    "triangle": ["triangle", "pyramid", "wedge"],
    "star": ["star", "star shape", "five-pointed star"],
}
BG_SYN = {
    "grass": ["on grass", "on the grass", "on the lawn", "in a meadow", "over a green field", "in a grassy park"],
    "desert": ["in the desert", "over the dunes", "on the desert sand", "in a dry desert"],
    "night": ["at night", "under the night sky", "against a starry sky", "in the dark night"],
    "road": ["on the road", "on the street", "along the highway", "on an asphalt road"],
    "beach": ["at the beach", "by the sea", "on the shore", "on a beach by the water"],
}
MOTION_SYN = {
    "slide_right": ["moves right", "slides to the right", "glides rightward", "travels to the right",
                    "moves from left to right", "drifts to the right"],
    "slide_left": ["moves left", "slides to the left", "glides leftward", "travels to the left",
                   "moves from right to left", "drifts to the left"],
    "slide_up": ["moves up", "slides upward", "glides up", "travels upward", "moves straight up"],
    "slide_down": ["moves down", "slides down", "glides downward", "travels downward", "descends"],
    "fall": ["falls", "drops", "falls and bounces", "drops and bounces", "tumbles down and bounces",
             "falls to the ground"],
    "float_up": ["floats up", "floats upward", "drifts up", "rises slowly", "floats away upward",
                 "rises like a balloon"],
    "grow": ["grows", "gets bigger", "expands", "grows larger", "swells up", "inflates"],
    "shrink": ["shrinks", "gets smaller", "contracts", "shrinks away", "becomes tiny", "deflates"],
    "roll_right": ["rolls right", "rolls to the right", "rolls along to the right", "rolls rightward"],
    "roll_left": ["rolls left", "rolls to the left", "rolls along to the left", "rolls leftward"],
    "occlude": ["passes behind a pillar", "goes behind a post and reappears",
                "moves behind a tree trunk and comes out the other side",
                "slides behind a wall and reappears", "passes behind an obstacle"],
}
MEET_SYN = ["collide and bounce apart", "meet in the middle and bounce back", "bump into each other",
            "roll toward each other and bounce off", "crash together and separate"]
PAN_SYN = {1: ["as the camera pans right", "while the camera slowly pans to the right"],
           -1: ["as the camera pans left", "while the camera slowly pans to the left"]}

TRAIN_TEMPLATES = [
    "{a} {col} {shp} {mot} {bg}",
    "{col} {shp} {mot} {bg}",
    "{Bg}, {a} {col} {shp} {mot}",
    "{ash} {shp} that is {col} {mot} {bg}",
    "{a} {col} {shp} {bg} {mot}",
    "{col} {shp} {bg}, it {mot}",
]
HELDOUT_TEMPLATES = [
    "there is {a} {col} {shp} {bg} and it {mot}",
    "{Bg} {ash} {shp} coloured {col} {mot}",
]
MEET_TEMPLATES = [
    "{a} {col} {shp} and {a2} {col2} {shp2} {mot} {bg}",
    "{col} {shp} and {col2} {shp2} {mot} {bg}",
    "{Bg}, {a} {col} {shp} and {a2} {col2} {shp2} {mot}",
]
HELDOUT_MEET_TEMPLATES = ["there are {a} {col} {shp} and {a2} {col2} {shp2} {bg} that {mot}"]
HELDOUT_WORDS = {"scarlet", "cobalt", "orb", "block"}

HELDOUT_COMBOS = {
    ("blue", "star", "fall"), ("red", "triangle", "slide_left"), ("yellow", "square", "float_up"),
    ("green", "ball", "slide_right"), ("pink", "star", "grow"), ("purple", "ball", "shrink"),
    ("orange", "square", "slide_down"), ("white", "triangle", "slide_up"), ("red", "ball", "roll_left"),
    ("blue", "square", "occlude"),
}


# Training-only extras for the wide vocabulary: common words a user types for the renderer's eight colours (its RGB
# in world/render.py: no word that a reader might put on another colour, such as turquoise, magenta or cream), four
# shapes as drawn in 2-D, the five scenes and each motion's direction and manner.
WIDE_COLOUR_SYN = {
    "red": ["ruby", "bright red", "tomato red", "blood red", "fire engine red"],
    "orange": ["pumpkin orange", "bright orange", "burnt orange", "apricot"],
    "yellow": ["gold", "canary yellow", "bright yellow", "mustard", "butter yellow"],
    "green": ["jade", "grass green", "bright green", "mint green", "forest green"],
    "blue": ["navy", "royal blue", "bright blue", "ultramarine", "cornflower blue"],
    "purple": ["lavender", "grape", "amethyst", "bright purple", "deep purple"],
    "pink": ["bubblegum pink", "bright pink", "candy pink", "flamingo pink", "blush pink"],
    "white": ["pure white", "milk white", "chalk white", "bright white"],
}
WIDE_SHAPE_SYN = {
    "ball": ["disc", "round ball", "bubble", "marble"],
    "square": ["crate", "brick", "square box", "boxy shape"],
    "triangle": ["cone", "triangular shape", "three-sided shape"],
    "star": ["five-point star", "spiky star", "shining star"],
}
WIDE_BG_SYN = {
    "grass": ["in a field", "on green grass", "on a lawn"],
    "desert": ["on sand dunes", "in the sandy desert", "among the dunes"],
    "night": ["at midnight", "in the dark", "under the stars"],
    "road": ["on a street", "on the tarmac", "on a city road"],
    "beach": ["at the seaside", "near the waves", "on the sand by the ocean"],
}
WIDE_MOTION_SYN = {
    "slide_right": ["heads right", "goes to the right", "moves rightwards", "shifts to the right"],
    "slide_left": ["heads left", "goes to the left", "moves leftwards", "shifts to the left"],
    "slide_up": ["goes up", "climbs", "ascends", "moves upward"],
    "slide_down": ["goes down", "sinks", "moves downward", "slides downward"],
    "fall": ["plummets", "drops to the ground", "falls down and bounces", "drops and bounces back up"],
    "float_up": ["floats into the sky", "drifts skyward", "bobs upward", "floats up slowly"],
    "grow": ["gets larger", "enlarges", "scales up", "balloons in size"],
    "shrink": ["dwindles", "scales down", "becomes smaller", "shrinks down"],
    "roll_right": ["rolls toward the right", "rolls rightwards", "rolls off to the right"],
    "roll_left": ["rolls toward the left", "rolls leftwards", "rolls off to the left"],
    "occlude": ["hides behind a pillar and comes back", "disappears behind a column and reappears",
                "ducks behind a wall and comes out again", "passes behind a tree"],
}
WIDE_TEMPLATES = [
    "the {col} {shp} {mot} {bg}",
    "{Bg}: {a} {col} {shp} {mot}",
    "watch {a} {col} {shp} as it {mot} {bg}",
    "a video of {a} {col} {shp} that {mot} {bg}",
    "{ash} {shp}, {col}, {mot} {bg}",
    "a small {col} {shp} {mot} {bg}",
]
# The way many prompts are written: a noun phrase with a participle ("a red ball rolling to the right on the grass"),
# often with a style tag after it. Each participle form's motion is the same as its verb form's.
WIDE_MOTION_ING = {
    "slide_right": ["moving right", "sliding to the right", "gliding rightward", "drifting to the right", "heading right"],
    "slide_left": ["moving left", "sliding to the left", "gliding leftward", "drifting to the left", "heading left"],
    "slide_up": ["moving up", "sliding upward", "climbing", "moving straight up"],
    "slide_down": ["moving down", "sliding down", "descending", "sinking"],
    "fall": ["falling", "dropping and bouncing", "falling to the ground", "tumbling down and bouncing"],
    "float_up": ["floating up", "drifting upward", "rising slowly", "floating away upward"],
    "grow": ["growing", "getting bigger", "expanding", "swelling up"],
    "shrink": ["shrinking", "getting smaller", "contracting", "shrinking away"],
    "roll_right": ["rolling right", "rolling to the right", "rolling along to the right"],
    "roll_left": ["rolling left", "rolling to the left", "rolling along to the left"],
    "occlude": ["passing behind a pillar", "going behind a post and reappearing",
                "moving behind a tree trunk and coming out the other side", "sliding behind a wall and reappearing"],
}
WIDE_ING_TEMPLATES = ["{a} {col} {shp} {mot} {bg}", "{Bg}, {a} {col} {shp} {mot}", "{col} {shp} {mot} {bg}"]
WIDE_STYLE = ["cinematic", "4k", "high quality", "simple animation", "cartoon style", "animated", "video"]
# Words and one sentence form in no training caption of either vocabulary and not in the held-out eval: the
# validation set of a vocabulary trial (eval/probe_vocab.py). A colour, shape or scene without one keeps its training words.
VALIDATION_COLOUR_SYN = {"red": ["strawberry red"], "orange": ["carrot orange"], "yellow": ["sunflower yellow"],
                         "green": ["leaf green"], "blue": ["sapphire"], "purple": ["lilac"], "pink": ["fuchsia"],
                         "white": ["pearl white"]}
VALIDATION_SHAPE_SYN = {"ball": ["globe"], "square": ["tile"], "triangle": ["arrowhead"], "star": ["starburst"]}
VALIDATION_BG_SYN = {"grass": ["in a garden"], "desert": ["in a sandy waste"], "night": ["after dark"],
                     "road": ["on a paved road"], "beach": ["along the coast"]}
VALIDATION_MOTION_SYN = {
    "slide_right": ["scoots to the right"], "slide_left": ["scoots to the left"], "slide_up": ["lifts upward"],
    "slide_down": ["lowers itself"], "fall": ["plunges to the ground"], "float_up": ["levitates"],
    "grow": ["gets huge"], "shrink": ["gets tiny"], "roll_right": ["tumbles to the right"],
    "roll_left": ["tumbles to the left"], "occlude": ["vanishes behind a column and returns"],
}
VALIDATION_TEMPLATES = ["we see {a} {col} {shp} {bg}; it {mot}"]
VALIDATION_MOTION_ING = {
    "slide_right": ["scooting to the right"], "slide_left": ["scooting to the left"], "slide_up": ["lifting upward"],
    "slide_down": ["lowering itself"], "fall": ["plunging to the ground"], "float_up": ["levitating"],
    "grow": ["getting huge"], "shrink": ["getting tiny"], "roll_right": ["tumbling to the right"],
    "roll_left": ["tumbling to the left"], "occlude": ["vanishing behind a column and returning"],
}
VALIDATION_ING_TEMPLATES = ["footage of {a} {col} {shp} {mot} {bg}"]


def _article(word):
    return "an" if word[0] in "aeiou" else "a"


def caption(spec, rng, heldout=False, vocab=None):
    """A caption for spec. heldout=False uses only training phrasings; True only held-out forms. vocab: None (the base
    training vocabulary), "wide" (base + WIDE_*, for training), "validation" (VALIDATION_* words and form) or "forms"
    (the base words in sentence forms no base caption has: the wide and validation forms, participles as the wide
    vocabulary writes them, style tags; for judging a prompt's form apart from its words, eval/probe_vocab.py)."""
    assert vocab in (None, "wide", "validation", "forms") and not (heldout and vocab)

    def pick(lst):
        ok = [w for w in lst if (w in HELDOUT_WORDS) == heldout] or [w for w in lst if w not in HELDOUT_WORDS]
        return ok[rng.randint(len(ok))]

    def words(base, wide, validation, key):
        if vocab == "forms":
            return base[key]
        if vocab == "wide":
            return base[key] + wide.get(key, [])
        if vocab == "validation":
            return validation.get(key) or base[key]
        return base[key]
    col = pick(words(COLOUR_SYN, WIDE_COLOUR_SYN, VALIDATION_COLOUR_SYN, spec["colour"]))
    shp = pick(words(SHAPE_SYN, WIDE_SHAPE_SYN, VALIDATION_SHAPE_SYN, spec["shape"]))
    bgs = words(BG_SYN, WIDE_BG_SYN, VALIDATION_BG_SYN, spec["background"])
    bg = bgs[rng.randint(len(bgs))]
    if spec["motion"] == "meet":
        col2 = pick(words(COLOUR_SYN, WIDE_COLOUR_SYN, VALIDATION_COLOUR_SYN, spec["colour2"]))
        shp2 = pick(words(SHAPE_SYN, WIDE_SHAPE_SYN, VALIDATION_SHAPE_SYN, spec["shape2"]))
        mot = MEET_SYN[rng.randint(len(MEET_SYN))]
        tpls = HELDOUT_MEET_TEMPLATES if heldout else MEET_TEMPLATES
    else:
        col2 = shp2 = ""
        if vocab and rng.rand() < 0.3:
            # a participle form (the base vocabulary draws none, so its stream is unchanged)
            mots = (VALIDATION_MOTION_ING if vocab == "validation" else WIDE_MOTION_ING)[spec["motion"]]
            tpls = (WIDE_ING_TEMPLATES if vocab == "wide" else VALIDATION_ING_TEMPLATES if vocab == "validation" else
                    WIDE_ING_TEMPLATES + VALIDATION_ING_TEMPLATES)
        else:
            mots = words(MOTION_SYN, WIDE_MOTION_SYN, VALIDATION_MOTION_SYN, spec["motion"])
            tpls = (HELDOUT_TEMPLATES if heldout else
                    TRAIN_TEMPLATES + WIDE_TEMPLATES if vocab == "wide" else
                    VALIDATION_TEMPLATES if vocab == "validation" else
                    WIDE_TEMPLATES + VALIDATION_TEMPLATES if vocab == "forms" else TRAIN_TEMPLATES)
        mot = mots[rng.randint(len(mots))]
    t = tpls[rng.randint(len(tpls))]
    s = t.format(a=_article(col), ash=_article(shp), col=col, shp=shp, mot=mot, bg=bg, Bg=bg[0].upper() + bg[1:],
                 a2=_article(col2 or "x"), col2=col2, shp2=shp2)
    if spec.get("pan", 0):
        s += ", " + PAN_SYN[spec["pan"]][rng.randint(2)]
    if vocab in ("wide", "forms") and rng.rand() < 0.15:
        s += ", " + WIDE_STYLE[rng.randint(len(WIDE_STYLE))]
    return s[0].upper() + s[1:]


def sample_spec(rng, allow_heldout=False, motion=None):
    while True:
        spec = {
            "colour": COLOUR_NAMES[rng.randint(len(COLOUR_NAMES))],
            "shape": SHAPES[rng.randint(len(SHAPES))],
            "motion": motion or MOTIONS[rng.randint(len(MOTIONS))],
            "background": BACKGROUNDS[rng.randint(len(BACKGROUNDS))],
            "pan": 0,
        }
        if spec["motion"] == "meet":
            others = [c for c in COLOUR_NAMES if c != spec["colour"]]
            spec["colour2"] = others[rng.randint(len(others))]
            spec["shape2"] = SHAPES[rng.randint(len(SHAPES))]
        elif rng.rand() < 0.12:
            spec["pan"] = int(rng.choice([-1, 1]))
        if allow_heldout or (spec["colour"], spec["shape"], spec["motion"]) not in HELDOUT_COMBOS:
            return spec


def training_captions(n, seed=0, vocab=None):
    """n (spec, caption) pairs for training: no held-out combos, phrasings or words (vocab: None or "wide")."""
    assert vocab in (None, "wide")
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(n):
        spec = sample_spec(rng)
        out.append((spec, caption(spec, rng, vocab=vocab)))
    return out


def leaks(captions):
    """The held-out and validation words or forms that occur in these captions (none may, in a training set)."""
    import re
    words = set(HELDOUT_WORDS) | {w for d in (VALIDATION_COLOUR_SYN, VALIDATION_SHAPE_SYN, VALIDATION_BG_SYN,
                                             VALIDATION_MOTION_SYN, VALIDATION_MOTION_ING) for ws in d.values() for w in ws}
    pats = [(w, re.compile(r"\b" + re.escape(w) + r"\b", re.I)) for w in sorted(words)]
    pats += [("form: we see", re.compile(r"^we see ", re.I)), ("form: footage of", re.compile(r"^footage of ", re.I)), ("form: there is/are", re.compile(r"^there (is|are) ", re.I)),
             ("form: coloured", re.compile(r"\bcoloured\b", re.I))]
    return sorted({w for c in captions for w, p in pats if p.search(c)})


def write_caption_set(path_prefix, n, seed=0, vocab=None):
    pairs = training_captions(n, seed, vocab)
    leaked = leaks(c for _, c in pairs)
    assert not leaked, f"training captions contain held-out or validation words: {leaked}"
    with open(path_prefix + ".txt", "w") as f:
        for _, c in pairs:
            f.write(c + "\n")
    with open(path_prefix + ".jsonl", "w") as f:
        for s, c in pairs:
            f.write(json.dumps({"spec": s, "caption": c}) + "\n")
    return pairs


# Captions without the subject, for frame-conditioned training clips (train_denoiser --subject-free-p): a user animating
# their own still or extending a clip names the motion ("it rolls to the right"), not the colour and shape the frames
# already show, and a model trained only on full captions repaints the subject in another colour. None of these forms
# is one of eval/animate_probe.py's VAGUE prompts ("It ...", "The object ...", "Now it ...", "And then it ...").
SUBJECT_FREE_TEMPLATES = ["{mot}", "something {mot}", "it {mot} {bg}", "the {shp} {mot}"]


def subject_free_captions(seed=0):
    """[{caption, motion, shape or None, background or None}]: every motion phrase (two-object "meet" excepted) in each
    SUBJECT_FREE_TEMPLATES form; the scene form once per scene, the shape form once per shape (a random training synonym)."""
    rng = np.random.RandomState(seed)
    out = []
    for m, phrases in MOTION_SYN.items():
        for mot in phrases:
            for t in SUBJECT_FREE_TEMPLATES:
                if "{bg}" in t:
                    cases = [(None, b, BG_SYN[b][rng.randint(len(BG_SYN[b]))]) for b in BACKGROUNDS]
                elif "{shp}" in t:
                    cases = [(s, None, [w for w in SHAPE_SYN[s] if w not in HELDOUT_WORDS][rng.randint(
                        len([w for w in SHAPE_SYN[s] if w not in HELDOUT_WORDS]))]) for s in SHAPES]
                else:
                    cases = [(None, None, "")]
                for shape, bg, word in cases:
                    c = t.format(mot=mot, bg=word, shp=word)
                    out.append({"caption": c[0].upper() + c[1:], "motion": m, "shape": shape, "background": bg})
    return out
