#!/usr/bin/env bash
# Copies a Tiny World pack and rewrites its denoiser's 5-D ops into 4-D ones (models/tinyworld/bench/
# fold_frames.py), refreshing the manifest's sha256 and size: the "folded" pack docs/benchmarks.md
# measures. Same weights, same outputs (check with `bench/kb parity -m DST`). Python: bench/setup-python.sh.
#   bench/fold_pack.sh [SRC_PACK_DIR] [DST_DIR]   default models/tinyworld -> target/packs/tinyworld-folded
#   bench/fold_pack.sh --in-place [PACK_DIR]      rewrites the pack's own denoiser.onnx and pack.json (keeps its id)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="$("$root/bench/setup-python.sh")"
if [ "${1:-}" = "--in-place" ]; then
  dst="${2:-$root/models/tinyworld}"
  tmp="$(mktemp "$dst/.denoiser.XXXXXX.onnx")"
  "$python" "$root/models/tinyworld/bench/fold_frames.py" "$dst/denoiser.onnx" "$tmp" >&2
  mv "$tmp" "$dst/denoiser.onnx"
  rename=0
else
  src="${1:-$root/models/tinyworld}"
  dst="${2:-$root/target/packs/tinyworld-folded}"
  rm -rf "$dst"
  mkdir -p "$dst"
  cp -r "$src"/. "$dst"/
  rm -rf "$dst/train" "$dst/world" "$dst/eval" "$dst/bench"
  "$python" "$root/models/tinyworld/bench/fold_frames.py" "$src/denoiser.onnx" "$dst/denoiser.onnx" >&2
  rename=1
fi
"$python" - "$dst" "$rename" <<'PY'
import hashlib, json, os, sys
d, rename = sys.argv[1], sys.argv[2] == "1"
p = json.load(open(os.path.join(d, "pack.json")))
c = p["components"]["denoiser"]
f = os.path.join(d, c["file"])
c["sha256"] = hashlib.sha256(open(f, "rb").read()).hexdigest()
c["size"] = os.path.getsize(f)
if rename:
    p["id"] = p["id"] + "-folded"
    p["name"] = p["name"] + " (folded 2-D graph)"
json.dump(p, open(os.path.join(d, "pack.json"), "w"), indent=2)
PY
echo "$dst"
