#!/usr/bin/env bash
# Ships a judged Tiny World 2 candidate as the pack in models/tinyworld, the way 2.7.0 and 2.8.0 were shipped:
#   models/tinyworld/train/ship.sh VERSION DENOISER_CKPT DECODER_RUN [DESCRIPTION]
# DENOISER_CKPT: the line's checkpoint to export (its EMA weights); DECODER_RUN: a train_decoder2 --out folder whose
# ckpt.pt was fine-tuned on that denoiser's predictions. It keeps the previous version's eval/results.json and
# select_guidance.json as results_PREV.json and select_guidance_PREV.json (PREV: the version it replaces), chooses both default guidances blind on the validation set, reruns the
# held-out eval (results.json, eval/grids) at those defaults and the README prompt's tally (its output goes to
# train/logs/ship_VERSION.log). DRAWS (default 4) noise draws per held-out input; INT8=1 exports the denoiser with int8 weights. 10 minutes at 1 draw on 2 cores in session 21 (train/logs/ship_2.9.0_not_shipped.log).
# It writes the pack in place: a candidate that the held-out eval does not confirm is undone with `git checkout` of
# pack.json, denoiser.onnx, vae_decoder.onnx, vae_decoder_ref.onnx, parity/, eval/grids, eval/results.json, eval/select_guidance.json and
# train/checkpoints/decoder2.pt (session 21 did so for 2.9.0; the card says why).
# A pack that fades a reference decoder (vae_decoder_ref, 2.10.0 on) holds a head trained around its Decoder 2, so a
# new Decoder 2 needs its own head: REFRUN names a train_decoder_ref --out folder trained with
# --base DECODER_RUN/ckpt.pt (e.g. --init train/runs/decR2/ckpt.pt --denoiser DENOISER_CKPT); without one it refuses
# before it writes anything, rather than ship a head that mixes the old decoder's frames into the new one's.
# Left by hand, because each needs reading: docs/engine.md's pack.json excerpt, TestPacks' version comment, the card,
# tools/studio-screenshots.sh, the probe-curve row.
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,3p "$0" >&2; exit 2; }
version="$1"; den="$(realpath "$2")"; decrun="$(realpath "$3")"; desc="${4:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"    # models/tinyworld
root="$(cd "$here/../.." && pwd)"
py="$("$root/tools/setup-python.sh")/bin/python"
cd "$here"
[ -f "$decrun/ckpt.pt" ] || { echo "ship: $decrun/ckpt.pt does not exist" >&2; exit 1; }
prev="$("$py" -c 'import json; print(json.load(open("pack.json"))["version"])')"
[ "$prev" != "$version" ] || { echo "ship: the pack is already $version" >&2; exit 1; }
refrun=""
if "$py" -c 'import json,sys; sys.exit(0 if "vae_decoder_ref" in json.load(open("pack.json"))["components"] else 1)'; then
  [ -n "${REFRUN:-}" ] || { echo "ship: pack.json has vae_decoder_ref; set REFRUN to a train_decoder_ref run trained with --base $decrun/ckpt.pt" >&2; exit 1; }
  refrun="$(realpath "$REFRUN")"
  [ -f "$refrun/ckpt.pt" ] || { echo "ship: $refrun/ckpt.pt does not exist" >&2; exit 1; }
fi
log="$here/train/logs/ship_$version.log"
exec > >(tee "$log") 2>&1
echo "shipping $version (was $prev): denoiser $den, decoder $decrun/ckpt.pt, $(date -u +%FT%TZ)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$decrun/ckpt.pt" train/checkpoints/decoder2.pt
cp eval/results.json "eval/results_$prev.json"
cp eval/select_guidance.json "eval/select_guidance_$prev.json"
desc_args=()
[ -n "$desc" ] && desc_args=(--description "$desc")
# INT8=1 stores the denoiser's large weights as int8 (train/export2.py --int8): what keeps a wide denoiser's pack
# under the issue's 30 MB
int8_args=()
[ "${INT8:-0}" = 1 ] && int8_args=(--int8)
"$py" -m train.export2 --ckpt "$den" --version "$version" "${desc_args[@]}" "${int8_args[@]}"
"$py" -m train.train_decoder2 --out "$work/dec" --init train/checkpoints/decoder2.pt --export
# after the Decoder 2 it wraps: its export checks that the pack's vae_decoder.onnx is its base
[ -z "$refrun" ] || "$py" -m train.train_decoder_ref --out "$refrun" --export

# the defaults are chosen on the validation prompts and stills, never on the held-out ones the eval reports
# the frames default on 64 rendered and 24 hand-drawn stills: on 24, session 22 chose 4 by one still, and 88 said 2
# and, since session 32, on 32 prompts in the validation vocabulary (unseen words and form): both xtw candidates failed
# the held-out phrasing set at a text guidance (2.5, 2.0) chosen on caption-style prompts alone, and the unseen-word
# probe read xtw 6 points lower at guidance 2 than at 4 (train/logs/probe_vocab_g2_session32.log)
"$py" -m eval.select_guidance --kinora "$root/kinora" --out "$work/gsel" --guidances 2,2.5,3,4,5 --n-animate 64 --n-hand 24 --n-unseen 32
cp "$work/gsel/select_guidance.json" eval/select_guidance.json
read -r text frames < <("$py" -c 'import json,sys; c=json.load(open(sys.argv[1]))["chosen"]; print(c["text"], c["frames"])' eval/select_guidance.json)
echo "defaults: text $text, frames $frames"
"$py" -m train.export2 --ckpt "$den" --version "$version" --guidance "$text" --guidance-frames "$frames" "${int8_args[@]}"

# four noise draws of every held-out input (eval/run_eval.py --draws): one draw reads each rate +-15 points
"$py" -m eval.run_eval --kinora "$root/kinora" --out "$work/eval" --draws "${DRAWS:-4}"
cp "$work/eval/results.json" eval/results.json
"$py" -m eval.readme_prompt --kinora "$root/kinora"
"$py" -c 'import json, os
p = json.load(open("pack.json"))
n = sum(os.path.getsize(c["file"]) for c in list(p["components"].values()) + p.get("extraFiles", []))
print("pack files:", n, "bytes; the issue caps the pack at 30 MB:", "within" if n <= 30_000_000 else "OVER")'
echo "shipped $version; now by hand: docs/engine.md, TestPacks' comment, mvn -B verify, tools/studio-screenshots.sh, the card"
