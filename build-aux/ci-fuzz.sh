#!/bin/bash
# CI step: builds every libFuzzer target of tests/fuzz with clang, ASan and
# UBSan, and runs each for a bounded time from its seed corpus. Fails on any
# crash, sanitizer report, leak, timeout or out-of-memory, and prints a table:
# inputs run, coverage (libFuzzer's cov/ft), peak RSS, result.
#
# Targets are found in the build, so a new tests/fuzz target joins without an
# edit here. Environment:
#   PL_FUZZ_SECONDS  wall-clock fuzzing time of the whole step (default 420)
#   PL_FUZZ_JOBS     targets fuzzed at once (default: number of CPUs)
#   PL_FUZZ_BUILD    build directory (default _build-fuzz)
# A failing input is kept in BUILD/fuzz/NAME/artifacts; once fixed, copy it
# into tests/fuzz/corpus/NAME so that fuzz-replay-NAME keeps it fixed.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${PL_FUZZ_BUILD:-_build-fuzz}
total=${PL_FUZZ_SECONDS:-420}
jobs=${PL_FUZZ_JOBS:-$(nproc)}

if [ -d "$build" ]; then
  meson setup --reconfigure "$build" >/dev/null
else
  CC=clang meson setup "$build" -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false >/dev/null
fi
meson compile -C "$build" fuzzers

mapfile -t targets < <(find "$build/tests/fuzz" -maxdepth 1 -type f -perm -u+x -name 'fuzz-*' \
  ! -name 'fuzz-replay-*' | sort)
if [ "${#targets[@]}" -eq 0 ]; then
  echo "ci-fuzz: no fuzz targets were built" >&2
  exit 1
fi
# Each target gets an equal share; `jobs` of them run side by side.
rounds=$(((${#targets[@]} + jobs - 1) / jobs))
seconds=$((total / rounds))
[ "$seconds" -ge 10 ] || seconds=10

# Leaks and UBSan findings count as crashes. ASan's quarantine of freed
# memory (256 MiB by default) is what made RSS climb to ~480 MiB in earlier
# runs; 64 MiB still catches use-after-free of recent allocations.
export ASAN_OPTIONS="detect_leaks=1:quarantine_size_mb=64:malloc_context_size=20"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

run_target() {
  local binary=$1 name=${1##*/fuzz-}
  local out="$build/fuzz/$name"

  rm -rf "$out"
  mkdir -p "$out/corpus" "$out/artifacts"
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb/-malloc_limit_mb:
  # no parser of ours needs more than a fraction of this.
  set +e
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=512 \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/" \
    "$out/corpus" "tests/fuzz/corpus/$name" >"$out/log" 2>&1
  echo $? >"$out/status"
  set -e
}

echo "ci-fuzz: ${#targets[@]} targets, $seconds s each, $jobs at a time"
running=0
for binary in "${targets[@]}"; do
  run_target "$binary" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

stat() { sed -n "s/^stat::$2: *//p" "$1" | tail -n 1; }

failed=0
summary="$build/fuzz/summary.tsv"
printf 'target\tinputs\tcov\tft\tcorpus\tpeak_rss_mb\tresult\n' >"$summary"
for binary in "${targets[@]}"; do
  name=${binary##*/fuzz-}
  out="$build/fuzz/$name"
  status=$(cat "$out/status")
  done_line=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE|INITED).*cov:' "$out/log" | tail -n 1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
  corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$done_line")
  result=ok
  if [ "$status" -ne 0 ] || [ -n "$(ls -A "$out/artifacts")" ]; then
    result="FAILED (exit $status)"
    failed=1
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$(stat "$out/log" number_of_executed_units)" \
    "${cov:-?}" "${ft:-?}" "${corp:-?}" "$(stat "$out/log" peak_rss_mb)" "$result" >>"$summary"
done
column -t -s "$(printf '\t')" "$summary"

if [ "$failed" -ne 0 ]; then
  for binary in "${targets[@]}"; do
    name=${binary##*/fuzz-}
    out="$build/fuzz/$name"
    [ "$(cat "$out/status")" -ne 0 ] || [ -n "$(ls -A "$out/artifacts")" ] || continue
    echo "=== fuzz-$name failed; the end of its log:"
    grep -v '^#[0-9]' "$out/log" | tail -n 60
    for input in "$out/artifacts"/*; do
      [ -e "$input" ] || continue
      echo "--- $input (reproduce: $binary $input):"
      od -A d -c "$input" | head -n 40
    done
  done
  exit 1
fi
