#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's demo: builds Parkline and runs it as "Alice" against the
# loopback test PBX (tests/pbx, test and demo infrastructure) with outside
# callers ringing in. Answer a caller, press Park (Ctrl+Shift+P), watch the
# slot fill in the sidebar, pick the call up again with Alt+1. A simulated
# teammate, Bob, parks callers of his own; the demo lot reads the PBX's
# manager interface, so the sidebar names them and says Bob parked them.
# Closing Parkline stops the PBX and the callers.
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

# The caller dials once Alice's Parkline has signed in (a minute at most):
# earlier, the PBX would answer "not reachable" and nothing would ring.
(
  for ((t = 0; t < 600; t++)); do
    [[ "$(demo_pbx contacts alice)" == "OK "[1-9]* ]] && break
    sleep 0.1
  done
  exec tests/pbx/demo-callers.sh --pbx "$demo_sip" --to 100 --callers 1 \
    --pbx-binary "$demo_pbx_bin"
) >"$work/callers.log" 2>&1 &
pids+=("$!")

# Bob, a teammate without a desk in this demo, parks a caller of his own now
# and then and, unless Alice was quicker, picks them up again half a minute
# later. Alice's sidebar learns from the manager feed who is waiting, that
# Bob parked them, and who took them ("Taken by Bob").
(
  names=("Dana Whitfield" "Ravi Patel" "Lena Hoffmann" "Tom Becker")
  n=0
  sleep 20
  while :; do
    number=$((401 + n % 4))
    reply="$(demo_pbx park-as "$number" "\"${names[n % 4]}\"" bob)" || { sleep 45; continue; }
    n=$((n + 1))
    sleep 30
    demo_pbx pickup-as "${reply#OK slot=}" bob "$number" >/dev/null || true
    sleep 15
  done
) &
pids+=("$!")

# Whenever nobody is calling, the PBX rings Alice as another outside caller
# (one at a time: baresip 1.0.0 cannot pick between two ringing calls).
(
  n=0
  while sleep 30; do
    status="$(demo_pbx status)" || exit 0
    # Bob's parked callers are calls too: ring when nobody else is.
    calls="$(echo "$status" | sed -nE 's/.* calls=([0-9]+).*/\1/p')"
    parked="$(echo "$status" | sed -nE 's/.* parked=([0-9]+).*/\1/p')"
    if [ "${calls:-1}" -le "${parked:-0}" ]; then
      n=$((n + 1))
      demo_pbx originate $((300 + n)) "\"Demo Caller $n\"" alice >/dev/null || true
    fi
  done
) &
pids+=("$!")

echo "Parkline demo: PBX on $demo_sip, callers ringing Alice (ext 100)."
echo "Answer, park with Ctrl+Shift+P, retrieve with Alt+1. Bob parks a caller now and then."
echo "Close Parkline to stop."
GSETTINGS_SCHEMA_DIR="$PWD/_build/data" ./_build/src/parkline --account-file "$work/alice.conf" "$@"
