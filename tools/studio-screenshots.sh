#!/usr/bin/env bash
# Retakes the studio screenshots in docs/img/ from the real window: Xvfb + openbox (a window manager
# sizes and places the window, as on a desktop), a clean home, the built jar, Tiny World from models/.
# The screen is 1920×1080, so the window opens at its preferred 1440×900; each image is the window's
# content (the scene), written by `kinora studio --screenshot` once the demo scene is laid out.
# Then the readability set: the live scene in a 1024×700 and a 1600×1000 window (the smallest the
# studio supports, and a common laptop), in each theme: studio-<w>x<h>-<theme>.png.
# Needs: xvfb openbox xwininfo (x11-utils). Usage: tools/studio-screenshots.sh [out-dir] [--sizes-only]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/img}"
only_sizes="${2:-}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
[ -f target/kinora.jar ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
# The status bar shows the project's path: a plain /home/artist reads better than a temp folder.
if [ "$(id -u)" = 0 ] && [ ! -e /home/artist ]; then home=/home/artist; mkdir -p "$home"
else home="$(mktemp -d /tmp/kinora-shots.XXXXXX)"; fi
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$home"; }
trap cleanup EXIT
d=90
while [ -e "/tmp/.X$d-lock" ] || [ -e "/tmp/.X11-unix/X$d" ]; do d=$((d + 1)); done
Xvfb ":$d" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
export DISPLAY=":$d"
for _ in $(seq 50); do xwininfo -root >/dev/null 2>&1 && break; sleep 0.2; done
HOME="$home" openbox >/dev/null 2>&1 &
pids+=($!)
sleep 1
prefs() { # the studio's prefs as a previous session left them: window size and theme
  mkdir -p "$home/.local/share/kinora"
  printf '%s\n' "$@" >"$home/.local/share/kinora/studio.properties"
}
shot() { # file, extra java options, studio options...
  local file="$1" opts="$2"
  shift 2
  env -u XDG_DATA_HOME -u XDG_CONFIG_HOME HOME="$home" \
    KINORA_JAVA_OPTS="-Xmx2g -Duser.home=$home -Dprism.order=sw $opts" \
    ./kinora studio --demo "$@" --screenshot "$out/$file"
  # each demo starts from a clean slate
  rm -rf "$home/.local/share/kinora"
}
# The live job must still be running when the window is captured: many steps.
if [ "$only_sizes" != "--sizes-only" ]; then
  shot studio.png "-Dkinora.demoSteps=200" --screenshot-delay 12
  shot studio-compare.png "" --demo-scene compare
  shot studio-reel.png "" --demo-scene reel
fi
for size in 1024x700 1600x1000; do
  for theme in dark light; do
    prefs "window.w=${size%x*}.0" "window.h=${size#*x}.0" "theme=$theme"
    shot "studio-$size-$theme.png" "-Dkinora.demoSteps=200" --screenshot-delay 12
  done
done
file "$out"/studio*.png
