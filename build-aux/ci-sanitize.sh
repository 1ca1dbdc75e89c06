#!/bin/bash
# CI step: builds Parkline with clang, AddressSanitizer, UndefinedBehaviorSanitizer
# and LeakSanitizer, and runs every test suite with them (UI included, under
# Xvfb). Any report fails the step, also one from a child process whose exit
# status a test does not look at (the test PBX, the parkline binary): reports
# go to files, and any file there is a failure.
#
# The sanitizer settings and the leak suppressions (third-party libraries
# only) come from tests/meson.build and tests/sanitizers/. Arguments are
# passed to `meson test` (e.g. --suite unit). Environment:
#   PL_SANITIZE_BUILD   build directory (default _build-asan)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${PL_SANITIZE_BUILD:-_build-asan}
if [ -d "$build" ]; then
  meson setup --reconfigure "$build" >/dev/null
else
  CC=clang meson setup "$build" -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
meson compile -C "$build"

reports="$PWD/$build/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS="log_path=$reports/asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$reports/ubsan${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

status=0
# Instrumented code runs two to three times slower.
meson test -C "$build" --print-errorlogs --num-processes "$(nproc)" --timeout-multiplier 3 \
  "$@" || status=$?

shopt -s nullglob
found=("$reports"/*)
if [ "${#found[@]}" -gt 0 ]; then
  for report in "${found[@]}"; do
    echo "=== $report"
    cat "$report"
  done
  echo "ci-sanitize: ${#found[@]} sanitizer report(s)" >&2
  status=1
fi
exit "$status"
