#!/bin/sh
# Builds Parkline and runs it. (The demo PBX will be started here too.)
set -eu
cd "$(dirname "$0")/.."
if [ -d _build ]; then
  meson setup --reconfigure _build >/dev/null
else
  meson setup _build >/dev/null
fi
meson compile -C _build
GSETTINGS_SCHEMA_DIR="$PWD/_build/data" exec ./_build/src/parkline "$@"
