#!/usr/bin/env bash
# Builds Kinora's desktop packages with jpackage (JDK 17+):
#   target/dist/Kinora/            app-image (run target/dist/Kinora/bin/Kinora)
#   target/dist/kinora_<v>_amd64.deb  Debian/Ubuntu package (installs to /opt/kinora)
# Usage: packaging/build.sh [app-image|deb|all] [--skip-build]
# The image bundles a trimmed Java runtime, every jar (JavaFX, ONNX Runtime, FFmpeg natives included)
# and the models/ folder, so the installed studio needs only the system's GTK/GL/ALSA/X libraries.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
what="${1:-all}"
skip_build="${2:-}"
version="$(sed -n 's:.*<version>\([0-9][^<]*\)</version>.*:\1:p' "$here/pom.xml" | head -1)"
version="${version%%-*}"
out="$here/target/dist"
input="$here/target/jpackage-input"
jpackage="${JPACKAGE:-$(command -v jpackage || echo "${JAVA_HOME:-/usr}/bin/jpackage")}"

if [ "$skip_build" != "--skip-build" ]; then
  echo "packaging: building the jar…" >&2
  (cd "$here" && mvn -q -B -DskipTests package)
fi
[ -f "$here/target/kinora.jar" ] || { echo "packaging: target/kinora.jar is missing; run without --skip-build" >&2; exit 2; }

# jpackage copies --input as the app's class-path folder ($APPDIR). The jar's manifest names lib/*.jar,
# so the layout is kept; models/ rides along because JDK 17's jpackage has no --app-content.
rm -rf "$input" && mkdir -p "$input/lib" "$out"
cp "$here/target/kinora.jar" "$input/"
cp "$here"/target/lib/*.jar "$input/lib/"
if [ -d "$here/models" ]; then
  mkdir -p "$input/models"
  for pack in "$here"/models/*/; do
    [ -f "$pack/pack.json" ] || continue
    # Training data and runs stay in the repository; a pack is its manifest and the files it names.
    rsync -a --exclude 'train/' --exclude '__pycache__/' "$pack" "$input/models/$(basename "$pack")/" 2>/dev/null \
      || cp -r "$pack" "$input/models/"
  done
fi

modules="java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.prefs,java.scripting,java.sql,java.xml,jdk.unsupported,jdk.crypto.ec,jdk.localedata,jdk.zipfs,jdk.jfr"
common=(
  --name Kinora
  --app-version "$version"
  --vendor "Kinora"
  --description "Offline video generation studio: text-to-video, image animation and video extension on local models."
  --input "$input"
  --main-jar kinora.jar
  --main-class dev.kinora.cli.StudioCommand
  --add-modules "$modules"
  --java-options '-Dkinora.home=$APPDIR'
  --java-options '-Xmx4g'
  --add-launcher "kinora=$here/packaging/cli-launcher.properties"
  --dest "$out"
)
icon="$here/assets/icons/kinora-256.png"
[ -f "$icon" ] && common+=(--icon "$icon")

if [ "$what" = "app-image" ] || [ "$what" = "all" ]; then
  rm -rf "$out/Kinora"
  "$jpackage" --type app-image "${common[@]}"
  echo "packaging: app-image in $out/Kinora (run $out/Kinora/bin/Kinora)" >&2
fi
if [ "$what" = "deb" ] || [ "$what" = "all" ]; then
  rm -f "$out"/kinora_*.deb
  # JavaFX's GTK glass, Prism (OpenGL, or software), media/audio and the X11 robot need these at run time.
  # packaging/deb/ holds our postinst/prerm: the menu entry is copied to /usr/share/applications and can
  # never fail the install (jpackage's own scripts run xdg-desktop-menu, which exits 3 on machines
  # without a desktop menu folder and leaves the package half-configured).
  "$jpackage" --type deb "${common[@]}" \
    --resource-dir "$here/packaging/deb" \
    --install-dir /opt \
    --linux-package-name kinora \
    --linux-app-category video \
    --linux-menu-group "AudioVideo;Video" \
    --linux-shortcut \
    --linux-deb-maintainer "kinora@localhost" \
    --linux-package-deps "libgtk-3-0, libgl1, libasound2, libxtst6, libxxf86vm1, libglib2.0-0, libfreetype6, libfontconfig1"
  echo "packaging: $(ls "$out"/*.deb)" >&2
fi
