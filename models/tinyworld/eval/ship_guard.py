"""The held-out guard a Tiny World candidate passes before it ships (written in sessions 26-27, before any
candidate's figures; sessions 31-32 ran it from a scratch copy, now it is here so anyone can rerun it):

  python -m eval.ship_guard eval/results_PREV.json eval/results.json

A candidate fails when any held-out rate falls below the shipped pack's by more than its 95 % Wilson half-width
(colour, shape, motion over the held-out prompts; permanence over its 32 occlusion prompts; the animate rates over
the rendered and the hand-drawn stills), when fewer than 37 of the 40 animated stills keep their subject and stay
present, when an extension drifts by more than 0.5 %, or when the mean seam ratio rises. Exit status 0: passes.
"""
import json
import sys

from eval.run_eval import wilson_centre_half


def main(old_path, new_path):
    old, new = json.load(open(old_path)), json.load(open(new_path))
    fails = []

    def rate(name, was, now, n):
        h = wilson_centre_half(round(now * n), n)[1]
        bad = now < was - h
        print(f"{name:28s} old {was:.3f} new {now:.3f} (n {n}, half-width {h:.3f}) {'FAIL' if bad else 'ok'}")
        if bad:
            fails.append(name)

    m0, m1 = old["model"], new["model"]
    for k in ("colour", "shape", "motion"):
        rate(k, m0[k], m1[k], m1["n_heldout"])
    rate("permanence", m0["permanence"], m1["permanence"], 32)
    a0, a1 = old["animate"], new["animate"]
    for k in ("moves_as_prompted", "subject_kept_frame1", "present_14_of_16", "kept_and_present"):
        rate(k, a0[k], a1[k], a1["n"])
    rate("kept_and_present_hand_drawn", a0["kept_and_present_hand_drawn"], a1["kept_and_present_hand_drawn"], a1["n_hand_drawn"])
    kept = round(a1["kept_and_present"] * a1["n"])
    print(f"animate kept {kept} of {a1['n']} (needs 37)", "ok" if kept >= 37 else "FAIL")
    if kept < 37:
        fails.append("animate kept")
    e0, e1 = old["extend"], new["extend"]
    print("drift", e1["drift_max"], "(<= 0.005)", "ok" if e1["drift_max"] <= 0.005 else "FAIL")
    if e1["drift_max"] > 0.005:
        fails.append("drift")
    print("seam mean", e1["seam_ratio_mean"], "vs", e0["seam_ratio_mean"], "ok" if e1["seam_ratio_mean"] <= e0["seam_ratio_mean"] else "FAIL")
    if e1["seam_ratio_mean"] > e0["seam_ratio_mean"]:
        fails.append("seam mean")
    print("seam max/worst", e1["seam_ratio_max"], e1["worst_single_seam_ratio"], "vs", e0["seam_ratio_max"], e0["worst_single_seam_ratio"])
    print("GUARD", "PASSES" if not fails else "FAILS (" + ", ".join(fails) + ")")
    return 0 if not fails else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
