#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's demo: builds Parkline and runs it as "Alice" against the
# loopback test PBX (tests/pbx, test and demo infrastructure) with outside
# callers ringing in. Answer a caller, press Park (Ctrl+Shift+P), watch the
# slot fill in the sidebar, pick the call up again with Alt+1. Closing
# Parkline stops the PBX and the callers.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -d _build ]; then
  meson setup --reconfigure _build >/dev/null
else
  meson setup _build >/dev/null
fi
meson compile -C _build >/dev/null

pbx_bin="$PWD/_build/tests/pbx/parkline-test-pbx"
work="$(mktemp -d -t parkline-demo-XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

# Callers get two minutes to be answered: a newcomer is reading the screen.
cp tests/pbx/demo-pbx.ini "$work/pbx.ini"
sed -i 's/^\[pbx\]$/[pbx]\nring_timeout=120/' "$work/pbx.ini"
"$pbx_bin" --config "$work/pbx.ini" >"$work/pbx.out" 2>"$work/pbx.log" &
pids+=("$!")
for ((t = 0; t < 100; t++)); do
  grep -q '^READY' "$work/pbx.out" 2>/dev/null && break
  sleep 0.1
done
ready="$(grep '^READY' "$work/pbx.out")" || { echo "the demo PBX did not start:" >&2; cat "$work/pbx.log" >&2; exit 1; }
sip="$(echo "$ready" | sed -E 's/.*sip=([0-9.]+:[0-9]+).*/\1/')"
control_port="$(echo "$ready" | sed -E 's/.*control=[0-9.]+:([0-9]+).*/\1/')"

# Alice's desk, for this run only: nothing goes to settings or the keyring.
cat >"$work/alice.conf" <<CONF
[account]
id=demo
display-name=Alice
user=alice
domain=$sip
password=alicepw

[lot Demo]
profile=asterisk
park-extension=700
first-slot=701
last-slot=710
timeout=45
CONF
chmod 600 "$work/alice.conf"

tests/pbx/demo-callers.sh --pbx "$sip" --to 100 --callers 3 --interval 12 \
  --pbx-binary "$pbx_bin" >"$work/callers.log" 2>&1 &
pids+=("$!")

# Whenever nobody is calling, the PBX rings Alice as another outside caller.
(
  n=0
  while sleep 30; do
    exec 3<>"/dev/tcp/127.0.0.1/$control_port" || exit 0
    printf 'status\n' >&3
    read -r -t 5 status <&3 || exit 0
    if [[ "$status" == *" calls=0 "* || "$status" == *" calls=0" ]]; then
      n=$((n + 1))
      printf 'originate %d "Demo Caller %d" alice\n' $((300 + n)) "$n" >&3
      read -r -t 5 _ <&3 || true
    fi
    exec 3>&-
  done
) &
pids+=("$!")

echo "Parkline demo: PBX on $sip, callers ringing Alice (ext 100)."
echo "Answer, park with Ctrl+Shift+P, retrieve with Alt+1. Close Parkline to stop."
GSETTINGS_SCHEMA_DIR="$PWD/_build/data" ./_build/src/parkline --account-file "$work/alice.conf" "$@"
