#!/usr/bin/env bash
# Engine vs PyTorch reference, side by side. Usage: bench/compare.sh [bench/kb compare options]
#   e.g. bench/compare.sh --runs 3 --previews --json target/bench/compare.json
# The reference runs on the venv's torch 2.13 (bench/setup-python.sh) with the pack's own weights.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="$("$here/setup-python.sh")"
exec "$here/kb" compare --python "$python" "$@"
