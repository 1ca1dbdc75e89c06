# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by demo.sh and screenshots.sh (source it from the source root):
# build Parkline, run the loopback test PBX, talk to its control port and
# write Alice's one-run account file. Callers set "work" (a private
# temporary directory) and "pids" (an array; every child started here is
# added to it so their EXIT trap can end it).

demo_build() {
  if [ -d _build ]; then
    meson setup --reconfigure _build >/dev/null
  else
    meson setup _build >/dev/null
  fi
  meson compile -C _build >/dev/null
  demo_pbx_bin="$PWD/_build/tests/pbx/parkline-test-pbx"
}

# Ends every process in "pids", the last started first (the app before
# the services it uses), then removes "work".
demo_cleanup() {
  local i
  trap '' INT TERM # a second signal must not cut this short
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  rm -rf "$work"
}

# demo_start_pbx [KEY=VALUE…]: the demo PBX with [pbx] settings added or
# replaced; sets demo_sip (127.0.0.1:PORT) and demo_control_port.
demo_start_pbx() {
  local ready extra
  cp tests/pbx/demo-pbx.ini "$work/pbx.ini"
  for extra in "$@"; do
    sed -i -e "/^${extra%%=*}=/d" -e "s/^\[pbx\]\$/[pbx]\n$extra/" "$work/pbx.ini"
  done
  "$demo_pbx_bin" --config "$work/pbx.ini" >"$work/pbx.out" 2>"$work/pbx.log" &
  pids+=("$!")
  for ((t = 0; t < 100; t++)); do
    grep -q '^READY' "$work/pbx.out" 2>/dev/null && break
    sleep 0.1
  done
  ready="$(grep '^READY' "$work/pbx.out")" || {
    echo "the demo PBX did not start:" >&2
    cat "$work/pbx.log" >&2
    return 1
  }
  demo_sip="$(echo "$ready" | sed -E 's/.*sip=([0-9.]+:[0-9]+).*/\1/')"
  demo_control_port="$(echo "$ready" | sed -E 's/.*control=[0-9.]+:([0-9]+).*/\1/')"
  demo_ami="$(echo "$ready" | sed -nE 's/.* ami=([0-9.]+:[0-9]+).*/\1/p')"
}

# demo_pbx COMMAND…: one control-port command; prints the PBX's reply line
# and fails unless it starts with OK.
demo_pbx() {
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/$demo_control_port" || return 1
  printf '%s\n' "$*" >&3
  read -r -t 5 reply <&3 || reply=""
  exec 3>&-
  echo "$reply"
  [[ "$reply" == OK* ]]
}

# demo_lot NAME TIMEOUT: the keyfile group of the demo lot 701–710.
demo_lot() {
  printf '[lot %s]\nprofile=asterisk\npark-extension=700\nfirst-slot=701\nlast-slot=710\ntimeout=%s\n' \
    "$1" "$2"
}

# demo_manager_keys: the demo PBX's manager interface for a lot, with the
# read-only manager user of demo-pbx.ini.
demo_manager_keys() {
  printf 'manager-host=%s\nmanager-user=desk\nmanager-secret=deskpw\n' "$demo_ami"
}

# demo_write_alice FILE [LOT] [TIMEOUT]: Alice's desk for this run only,
# with the demo lot (default "Demo", 45 s; LOT "-" for none) reading the
# PBX's manager interface: nothing goes to settings or the keyring.
demo_write_alice() {
  cat >"$1" <<CONF
[account]
id=demo
display-name=Alice
user=alice
domain=$demo_sip
password=alicepw

CONF
  if [ "${2:-Demo}" != - ]; then
    demo_lot "${2:-Demo}" "${3:-45}" >>"$1"
    demo_manager_keys >>"$1"
  fi
  chmod 600 "$1"
}
