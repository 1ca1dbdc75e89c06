#!/bin/sh
# Configures (or reconfigures) _build and runs every test suite.
set -eu
cd "$(dirname "$0")/.."
if [ -d _build ]; then
  meson setup --reconfigure _build
else
  meson setup _build
fi
meson compile -C _build
meson test -C _build --print-errorlogs --num-processes 2 "$@"
