#!/usr/bin/env bash
# Engine vs PyTorch reference, side by side. Usage: bench/compare.sh [kinora bench compare options]
#   e.g. bench/compare.sh --runs 3 --previews --json target/bench/compare.json
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
read -r ckpt ae < <("$here/ref_weights.sh")
exec "$here/kb" compare --ref-ckpt "$ckpt" --ref-ae "$ae" "$@"
