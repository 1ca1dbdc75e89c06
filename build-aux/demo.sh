#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's demo: builds Parkline and runs it as "Alice" against the
# loopback test PBX (tests/pbx, test and demo infrastructure) with outside
# callers ringing in. Answer a caller, press Park (Ctrl+Shift+P), watch the
# slot fill in the sidebar, pick the call up again with Alt+1. Park & Page
# (Ctrl+Shift+G) parks and calls the demo paging group 600; Escape ends the
# page. Closing Parkline stops the PBX and the callers.
set -euo pipefail
cd "$(dirname "$0")/.."
. build-aux/demo-lib.sh

demo_build
work="$(mktemp -d -t parkline-demo-XXXXXX)"
pids=()
trap demo_cleanup EXIT
trap 'exit 0' INT TERM

# Callers get two minutes to be answered: a newcomer is reading the screen.
demo_start_pbx ring_timeout=120
demo_write_alice "$work/alice.conf"

tests/pbx/demo-callers.sh --pbx "$demo_sip" --to 100 --callers 1 \
  --pbx-binary "$demo_pbx_bin" >"$work/callers.log" 2>&1 &
pids+=("$!")

# Whenever nobody is calling, the PBX rings Alice as another outside caller
# (one at a time: baresip 1.0.0 cannot pick between two ringing calls).
(
  n=0
  while sleep 30; do
    status="$(demo_pbx status)" || exit 0
    if [[ "$status" == *" calls=0 "* || "$status" == *" calls=0" ]]; then
      n=$((n + 1))
      demo_pbx originate $((300 + n)) "\"Demo Caller $n\"" alice >/dev/null || true
    fi
  done
) &
pids+=("$!")

echo "Parkline demo: PBX on $demo_sip, callers ringing Alice (ext 100)."
echo "Answer, park with Ctrl+Shift+P (or park and page with Ctrl+Shift+G), retrieve with"
echo "Alt+1. Close Parkline to stop."
GSETTINGS_SCHEMA_DIR="$PWD/_build/data" ./_build/src/parkline --account-file "$work/alice.conf" "$@"
