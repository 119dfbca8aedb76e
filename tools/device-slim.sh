#!/usr/bin/env bash
# Makes the working tree small enough to send to a lent GPU machine, and back.
#
#   tools/device-slim.sh on [CKPT]  # before the device run: big paths the GPU training does not read stop travelling
#   tools/device-slim.sh off        # right after it: everything as it was
#   tools/device-slim.sh size       # MiB that would travel now (tracked + untracked-not-ignored files)
#
# Why: the device tool sends the tracked files and the untracked files git does not ignore, 64 MiB at most together
# with what a call carries. The tracked tree is ~129 MiB (2026-12-04: 87 MiB of line checkpoints, 23 MiB of test
# fixtures), and a GPU run of Tiny World must also carry the text encoder (23 MiB, not in git; train/gpu_run.sh).
# `on` takes the paths below out of the index (the files stay on disk, untouched) and ignores them in
# .git/info/exclude, so they neither count as tracked nor as untracked; `off` puts the index back (git reset) and
# drops those exclude lines. Nothing is committed either way, but never commit between `on` and `off`: the commit
# would delete these paths. The tool reading the index this way is how its README describes what travels; a first
# GPU session should check `size` and the run's reply (it says when the tree is over the limit).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
exclude="$(git rev-parse --git-path info/exclude)"
mark="# device-slim (tools/device-slim.sh off removes these)"
# what a Tiny World training run on the GPU machine never reads: the engine's test fixtures, the benchmark results,
# the docs and grids, the parity tensors, and every committed checkpoint but the one the run resumes (CKPT, a path from
# the repository root as gpu_run.sh takes it; default the xt line's). Session 31: resuming the wide line, the xt line's
# 19 MB and the decoders' 8 MB put the tree over the limit, and a call refused for size costs lease time.
keep="${2:-models/tinyworld/train/checkpoints/tinyworld2_xt.pt}"
paths=(src/test/resources bench/results docs models/tinyworld/parity models/tinyworld/eval/grids)
while IFS= read -r f; do
  [ "$f" = "$keep" ] || paths+=("$f")
done < <(git ls-files -- 'models/tinyworld/train/checkpoints/*.pt')

size() {
  { git ls-files -z; git ls-files -z --others --exclude-standard; } | xargs -0 -r stat -c %s 2>/dev/null \
    | awk '{s += $1} END {printf "%.1f MiB travel (tracked + untracked not ignored), without carried paths\n", s / 1048576}'
}

case "${1:-}" in
  on)
    if grep -qF "$mark" "$exclude" 2>/dev/null; then echo "device-slim: already on" >&2; size; exit 0; fi
    if ! git diff --cached --quiet; then echo "device-slim: the index has staged changes; commit or unstage them first" >&2; exit 1; fi
    git rm -r -q --cached --ignore-unmatch -- "${paths[@]}"
    { echo "$mark"; for p in "${paths[@]}"; do echo "/$p"; done; echo "# device-slim end"; } >> "$exclude"
    size
    ;;
  off)
    # whatever `on` took out, whichever CKPT it kept: the paths are read back from the exclude block
    mapfile -t paths < <(awk -v m="$mark" '$0 == m {on = 1; next} $0 == "# device-slim end" {on = 0} on {sub(/^\//, ""); print}' "$exclude" 2>/dev/null)
    [ "${#paths[@]}" -gt 0 ] || { echo "device-slim: not on" >&2; size; exit 0; }
    git reset -q -- "${paths[@]}"
    if [ -f "$exclude" ]; then
      awk -v m="$mark" '$0 == m {skip = 1} !skip {print} $0 == "# device-slim end" {skip = 0}' "$exclude" > "$exclude.tmp"
      mv "$exclude.tmp" "$exclude"
    fi
    git status --short -- "${paths[@]}" | head -5
    size
    ;;
  size) size ;;
  *) sed -n 2,15p "$0"; exit 2 ;;
esac
