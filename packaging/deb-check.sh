#!/usr/bin/env bash
# The .deb as a user gets it, on this machine (CI: Debian, root, no desktop): build it, install it with
# apt (which runs dpkg and the maintainer scripts), generate a clip with the installed CLI, check the
# file, then purge. Fails if any step fails, if the package is left half-configured, or if anything
# of it stays behind. Needs root, jpackage, fakeroot, dpkg-deb.
# Usage: packaging/deb-check.sh [--skip-build]   (--skip-build: target/kinora.jar is already built)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
say() { echo "deb-check: $*"; }
[ "$(id -u)" = 0 ] || { say "needs root (dpkg -i / --purge)"; exit 2; }
if dpkg -s kinora >/dev/null 2>&1; then
  # CI's machine may keep what an interrupted run left; a developer's installed Kinora is theirs.
  if [ "${CI:-}" = true ]; then say "purging a kinora left installed by an earlier run"; dpkg --purge kinora >/dev/null
  else say "kinora is already installed here; remove it first (dpkg --purge kinora)"; exit 2; fi
fi
t0=$(date +%s)
[ -d /etc/xdg/menus ] && menus="present" || menus="absent"
say "desktop menu folder /etc/xdg/menus: $menus"

# A check build: fast compression (a release build keeps dpkg-deb's default, xz).
DPKG_DEB_COMPRESSOR_TYPE="${DPKG_DEB_COMPRESSOR_TYPE:-gzip}" DPKG_DEB_COMPRESSOR_LEVEL="${DPKG_DEB_COMPRESSOR_LEVEL:-1}" \
  packaging/build.sh deb "${1:-}"
deb="$(ls target/dist/kinora_*_amd64.deb | head -1)"
say "built $deb ($(du -h "$deb" | cut -f1)) in $(( $(date +%s) - t0 )) s"

out="$(mktemp -d /tmp/kinora-deb-check.XXXXXX)"
cleanup() {
  rm -rf "$out"
  if dpkg -s kinora >/dev/null 2>&1; then dpkg --purge kinora >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# apt-get resolves the package's dependencies (GTK, GL, ALSA... for the studio) the way a user's
# `apt-get install ./kinora.deb` does, and runs the same dpkg --install/--configure underneath.
export DEBIAN_FRONTEND=noninteractive
install_deb() { apt-get install -y -qq --no-install-recommends "$here/$deb" >"$out/install.log" 2>&1; }
if ! install_deb; then
  # Dependencies this machine lacks may need fresh package lists.
  if grep -q "Unable to locate\|has no installation candidate\|Unable to fetch\|unmet dependencies" "$out/install.log" \
      && ! dpkg -s kinora >/dev/null 2>&1; then
    apt-get update -qq && install_deb || { cat "$out/install.log"; say "FAILED: install"; exit 1; }
  else
    cat "$out/install.log"; say "FAILED: install"; exit 1
  fi
fi
status="$(dpkg-query -W -f='${Status}' kinora)"
[ "$status" = "install ok installed" ] || { say "FAILED: package status is '$status'"; exit 1; }
say "installed: $status"
[ -f /usr/share/applications/kinora-Kinora.desktop ] && say "menu entry: /usr/share/applications/kinora-Kinora.desktop"

clip=/tmp/x.mp4
rm -f "$clip" "$clip.json"
t1=$(date +%s)
if ! (cd "$out" && /opt/kinora/bin/kinora generate --prompt "a red ball" --out "$clip") >"$out/generate.log" 2>&1; then
  tail -40 "$out/generate.log"; say "FAILED: /opt/kinora/bin/kinora generate"; exit 1
fi
[ -s "$clip" ] || { say "FAILED: $clip was not written"; exit 1; }
if command -v ffprobe >/dev/null 2>&1; then
  frames="$(ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=codec_name,width,height,nb_read_frames -of csv=p=0 "$clip")"
  say "clip: $clip ($frames) in $(( $(date +%s) - t1 )) s"
  [ -n "$frames" ] || { say "FAILED: $clip has no video stream"; exit 1; }
else
  say "clip: $clip ($(stat -c %s "$clip") bytes) in $(( $(date +%s) - t1 )) s"
fi
rm -f "$clip" "$clip.json"

if ! dpkg --purge kinora >"$out/purge.log" 2>&1; then
  cat "$out/purge.log"; say "FAILED: dpkg --purge kinora"; exit 1
fi
if dpkg -s kinora >/dev/null 2>&1; then say "FAILED: kinora still known to dpkg after purge"; exit 1; fi
[ ! -e /opt/kinora ] || { say "FAILED: /opt/kinora left behind"; exit 1; }
[ ! -e /usr/share/applications/kinora-Kinora.desktop ] || { say "FAILED: menu entry left behind"; exit 1; }
say "purged; ok ($(( $(date +%s) - t0 )) s)"
