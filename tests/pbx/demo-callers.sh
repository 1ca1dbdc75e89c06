#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# demo-callers.sh: TEST AND DEMO INFRASTRUCTURE for Parkline.
#
# Starts real baresip "outside callers" that register at a running
# parkline-test-pbx and ring one of its users, each speaking a line made
# with espeak-ng ("Hello, this is Caller One, ..."). Stops them on Ctrl+C or
# SIGTERM and removes its temporary files.
#
#   demo-callers.sh --pbx 127.0.0.1:PORT --to 100 [--callers 2] [--interval 8]
#                   [--pbx-binary PATH]
#
# Callers are caller1 "Caller One", caller2 "Caller Two", caller3 "Caller
# Three" with password <name>pw, as in tests/pbx/demo-pbx.ini. Each line of
# stdout is "CALLER <name> sip=PORT ctrl=PORT" once it is started, then
# "DIALED <name> <uri>".
set -euo pipefail

pbx=""
to=""
count=2
interval=8
here="$(cd "$(dirname "$0")" && pwd)"
pbx_bin="${PL_TEST_PBX:-}"
baresip_bin="${PL_BARESIP:-baresip}"

while [ $# -gt 0 ]; do
  case "$1" in
    --pbx) pbx="$2"; shift 2 ;;
    --to) to="$2"; shift 2 ;;
    --callers) count="$2"; shift 2 ;;
    --interval) interval="$2"; shift 2 ;;
    --pbx-binary) pbx_bin="$2"; shift 2 ;;
    -h|--help) sed -n '3,20p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$pbx" ] && [ -n "$to" ] || { echo "usage: $0 --pbx 127.0.0.1:PORT --to EXT" >&2; exit 2; }
case "$pbx" in 127.0.0.1:*) ;; *) echo "--pbx must be on 127.0.0.1" >&2; exit 2 ;; esac
if [ -z "$pbx_bin" ]; then
  for c in "$here/../../_build/tests/pbx/parkline-test-pbx" "$(command -v parkline-test-pbx || true)"; do
    [ -n "$c" ] && [ -x "$c" ] && pbx_bin="$c" && break
  done
fi
[ -x "$pbx_bin" ] || { echo "parkline-test-pbx not found (set PL_TEST_PBX)" >&2; exit 2; }
for tool in espeak-ng sox "$baresip_bin"; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 2; }
done

names=(caller1 caller2 caller3)
displays=("Caller One" "Caller Two" "Caller Three")
lines=("Hello, this is Caller One, I'd like to talk about my order."
       "Hi, Caller Two here. I am calling about my invoice, please."
       "Good morning, this is Caller Three. Is my repair ready?")
[ "$count" -ge 1 ] && [ "$count" -le ${#names[@]} ] || { echo "--callers 1..${#names[@]}" >&2; exit 2; }

work="$(mktemp -d -t parkline-demo-XXXXXX)"
pids=()
cleanup() {
  # A second signal (a whole process group being stopped) must not cut the
  # cleanup short and leave a caller behind.
  trap '' INT TERM
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # baresip's graceful exit waits for un-REGISTER: give it 3 s, then kill
  for ((t = 0; t < 30; t++)); do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

# One netstring JSON command on a baresip's ctrl_tcp.
send_cmd() {
  local port="$1" json="$2"
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%d:%s,' "${#json}" "$json" >&3
  exec 3>&-
}

ctl_ports=()
for ((i = 0; i < count; i++)); do
  name="${names[$i]}"
  dir="$work/$name"
  mkdir -m 700 "$dir"
  # speech, 8 kHz mono 16-bit, repeated: aufile ends the call at the end of the file
  espeak-ng -w "$dir/line.wav" "${lines[$i]}"
  sox "$dir/line.wav" -r 8000 -c 1 -b 16 "$dir/say.wav" pad 0 1.5 repeat 40
  sip_port="$("$pbx_bin" --free-port)"
  ctl_port="$("$pbx_bin" --free-port)"
  cat >"$dir/config" <<CFG
poll_method epoll
sip_listen 127.0.0.1:$sip_port
net_interface 127.0.0.1
audio_source aufile,$dir/say.wav
audio_player aubridge,sink-$name
audio_alert aubridge,alert-$name
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module aubridge.so
module_app account.so
module_app menu.so
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:$ctl_port
CFG
  printf '"%s" <sip:%s@%s>;auth_pass=%spw;regint=600;answermode=manual\n' \
    "${displays[$i]}" "$name" "$pbx" "$name" >"$dir/accounts"
  : >"$dir/contacts"
  chmod 600 "$dir"/*
  # From its own directory: a core file it may leave on exit goes with it.
  (cd "$dir" && exec "$baresip_bin" -f "$dir") </dev/null >"$dir/baresip.log" 2>&1 &
  pids+=("$!")
  ctl_ports+=("$ctl_port")
  echo "CALLER $name sip=$sip_port ctrl=$ctl_port"
done

# wait (bounded) until every ctrl_tcp answers
for port in "${ctl_ports[@]}"; do
  for ((t = 0; t < 100; t++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
done
sleep 1 # registration

for ((i = 0; i < count; i++)); do
  uri="sip:$to@$pbx"
  send_cmd "${ctl_ports[$i]}" "{\"command\":\"dial\",\"params\":\"$uri\",\"token\":\"demo-$i\"}"
  echo "DIALED ${names[$i]} $uri"
  [ $i -lt $((count - 1)) ] && sleep "$interval"
done

# keep the callers alive until stopped
wait
