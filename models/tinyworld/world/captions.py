"""Scene specs and template captions for Tiny World, with held-out combinations and phrasings.

Held out of training entirely (used only by eval/):
  * HELDOUT_COMBOS: (colour, shape, motion) triples never rendered for training.
  * HELDOUT_TEMPLATES: sentence forms never used for training captions.
  * HELDOUT_WORDS: synonyms that never occur in a training caption.
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


def _article(word):
    return "an" if word[0] in "aeiou" else "a"


def caption(spec, rng, heldout=False):
    """A caption for spec. heldout=False uses only training phrasings; True only held-out forms."""
    def pick(lst):
        ok = [w for w in lst if (w in HELDOUT_WORDS) == heldout] or [w for w in lst if w not in HELDOUT_WORDS]
        return ok[rng.randint(len(ok))]
    col = pick(COLOUR_SYN[spec["colour"]])
    shp = pick(SHAPE_SYN[spec["shape"]])
    bg = BG_SYN[spec["background"]][rng.randint(len(BG_SYN[spec["background"]]))]
    if spec["motion"] == "meet":
        col2 = pick(COLOUR_SYN[spec["colour2"]])
        shp2 = pick(SHAPE_SYN[spec["shape2"]])
        mot = MEET_SYN[rng.randint(len(MEET_SYN))]
        tpls = HELDOUT_MEET_TEMPLATES if heldout else MEET_TEMPLATES
    else:
        col2 = shp2 = ""
        mot = MOTION_SYN[spec["motion"]][rng.randint(len(MOTION_SYN[spec["motion"]]))]
        tpls = HELDOUT_TEMPLATES if heldout else TRAIN_TEMPLATES
    t = tpls[rng.randint(len(tpls))]
    s = t.format(a=_article(col), ash=_article(shp), col=col, shp=shp, mot=mot, bg=bg, Bg=bg[0].upper() + bg[1:],
                 a2=_article(col2 or "x"), col2=col2, shp2=shp2)
    if spec.get("pan", 0):
        s += ", " + PAN_SYN[spec["pan"]][rng.randint(2)]
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


def training_captions(n, seed=0):
    """n (spec, caption) pairs for training: no held-out combos, phrasings or words."""
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(n):
        spec = sample_spec(rng)
        out.append((spec, caption(spec, rng)))
    return out


def write_caption_set(path_prefix, n, seed=0):
    pairs = training_captions(n, seed)
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
