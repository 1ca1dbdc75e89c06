#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Where does the SIP password go? A whole session of the real Parkline with
# a password nobody else uses: provisioned into a throw-away GNOME keyring,
# registered on the test PBX through the real baresip, a call answered,
# parked and retrieved over D-Bus, then quit, with every debug switch on
# (G_MESSAGES_DEBUG=all, PL_SIP_TRACE, PARKLINE_ENGINE_LOG for baresip's own
# output). Afterwards the password must appear in no file Parkline or its
# engine wrote (config, GSettings keyfile, runtime dir, history with its WAL,
# logs, temp files) and nowhere in the session bus traffic, the Secret
# Service's encrypted transfers included. Only the keyring's own file holds
# it (encrypted). While the engine runs, its private dir must be 0700, its
# files 0600 and free of the password (the account reaches baresip with
# `uanew` over the loopback control socket, never through a file); at exit
# the dir is gone. Only a verbose baresip (-v, which Parkline never passes)
# would log it: ctrl_tcp's debug line prints every command with its
# parameters.
#
# test-secrets.sh PARKLINE PBX   (runs under xvfb-run)
set -euo pipefail
parkline=$1 pbx=$2
app_id=io.github.parkline.Parkline
password="pl-Sekr3t-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

work=$(mktemp -d -t pl-secrets-XXXXXX)
. "$(dirname "$0")/session-lib.sh"
fail() {
  echo "FAIL: $*" >&2
  tail -n 30 "$work/session.log" >&2 || true
  keep=1
  exit 1
}

# Everything Parkline may write goes under $work/user; the password file
# the admin hands over lives outside it and is deleted after provisioning.
user="$work/user"
mkdir -p "$user/home" "$user/config" "$user/data" "$user/cache" "$user/state" "$user/runtime" \
  "$user/tmp" "$work/admin"
chmod 700 "$user/runtime"
export HOME="$user/home" XDG_CONFIG_HOME="$user/config" XDG_DATA_HOME="$user/data" \
  XDG_CACHE_HOME="$user/cache" XDG_STATE_HOME="$user/state" XDG_RUNTIME_DIR="$user/runtime" \
  TMPDIR="$user/tmp"

start_pulseaudio || fail "PulseAudio did not start"

cat >"$work/pbx.ini" <<INI
[pbx]
realm=parkline-test
profile=asterisk
parkingtime=60
announce_delay_ms=500
[user alice]
password=$password
display=Alice
ext=100
[user caller1]
password=caller1pw
display=Caller One
ext=201
INI
start_pbx "$pbx" "$work/pbx.ini" || fail "PBX did not start"

printf '%s\n' "$password" >"$work/admin/password"
cat >"$work/admin/desk.conf" <<CONF
[account]
id=desk
display-name=Alice
user=alice
domain=$sip
password-file=$work/admin/password

[lot Main]
profile=asterisk
park-extension=700
first-slot=701
last-slot=705
timeout=60
CONF

write_session_conf "$work/session.conf"
add_secret_service_suppressions

cat >"$work/session.sh" <<'SESSION'
#!/bin/bash
set -euo pipefail
parkline=$1 ctl=$2 password=$3
obj=/io/github/parkline/Parkline
prop() {
  gdbus call --session --dest io.github.parkline.Parkline --object-path $obj \
    --method org.freedesktop.DBus.Properties.Get io.github.parkline.Parkline1 "$1" 2>/dev/null || true
}
call() {
  gdbus call --session --dest io.github.parkline.Parkline --object-path $obj \
    --method "io.github.parkline.Parkline1.$1" "${@:2}" >/dev/null
}
pbx() {
  exec 3<>"/dev/tcp/127.0.0.1/$ctl"
  printf '%s\n' "$1" >&3
  read -r reply <&3
  exec 3>&-
  printf '%s\n' "$reply"
}
registered() { prop RegistrationState | grep -q "'registered'"; }
has_call() { prop Calls | grep -q "'$1'"; }
no_calls() { prop Calls | grep -q '@a(ussssst) \[\]'; }
slot_busy() { pbx slots | grep -q ' 701:busy'; }
slot_free() { pbx slots | grep -q ' 701:free'; }
engine_dir() { ls -d "$XDG_RUNTIME_DIR"/parkline/engine-* 2>/dev/null | head -n 1; }

# The session bus, recorded from before the first secret moves.
dbus-monitor --session >"$PL_WORK/dbus-monitor.log" 2>&1 &
monitor=$!
printf test | env -u G_DEBUG gnome-keyring-daemon --unlock --components=secrets >/dev/null
# A desktop's notification server: Parkline announces the incoming call.
env -u G_DEBUG /usr/lib/notification-daemon/notification-daemon >/dev/null 2>&1 &
notifyd=$!
sleep 0.5

"$parkline" --provision "$PL_WORK/admin/desk.conf"
rm -f "$PL_WORK/admin/password" "$PL_WORK/admin/desk.conf"

"$parkline" >"$PL_WORK/parkline.log" 2>&1 &
app=$!
wait_for 40 registered || { echo "never registered"; exit 1; }

# The engine's private dir while it runs.
dir=$(engine_dir)
[ -n "$dir" ] || { echo "no engine dir under $XDG_RUNTIME_DIR/parkline"; exit 1; }
[ "$(stat -c %a "$dir")" = 700 ] || { echo "$dir is $(stat -c %a "$dir")"; exit 1; }
for f in "$dir"/*; do
  [ "$(stat -c %a "$f")" = 600 ] || { echo "$f is $(stat -c %a "$f")"; exit 1; }
done
ls -l "$dir" >"$PL_WORK/engine-dir.txt"
! grep -r -q -F -a -- "$password" "$dir" || { echo "the password is in $dir"; exit 1; }
for pid in $(pgrep -f "baresip -f $dir"); do
  ! grep -q -F -a -- "$password" "/proc/$pid/cmdline" "/proc/$pid/environ" \
    || { echo "the password is on baresip's command line or environment"; exit 1; }
done

# A call: answered, parked, retrieved, hung up.
pbx 'originate 201 "Caller One" alice' | grep -q '^OK' || { echo "originate failed"; exit 1; }
wait_for 20 has_call incoming || { echo "no incoming call"; exit 1; }
call Answer 0
wait_for 20 has_call active || { echo "the call was not answered"; exit 1; }
call Park 0 '""'
wait_for 20 slot_busy || { echo "the call was not parked"; exit 1; }
wait_for 20 no_calls || { echo "the parked call stayed"; exit 1; }
call Retrieve '"701"'
wait_for 20 has_call active || { echo "the call was not retrieved"; exit 1; }
wait_for 20 slot_free || { echo "the slot stayed busy"; exit 1; }
call Hangup 0
wait_for 20 no_calls || { echo "the call did not end"; exit 1; }

gdbus call --session --dest io.github.parkline.Parkline --object-path $obj \
  --method org.freedesktop.Application.ActivateAction quit '[]' '{}' >/dev/null
wait "$app" || { echo "Parkline exited with $?"; exit 1; }
[ ! -e "$dir" ] || { echo "$dir is still there after exit: $(ls -A "$dir")"; exit 1; }
kill "$monitor" "$notifyd"
SESSION
chmod +x "$work/session.sh"

PL_WORK="$work" GTK_A11Y=none GSETTINGS_BACKEND=keyfile G_MESSAGES_DEBUG=all PL_SIP_TRACE=1 \
  PARKLINE_ENGINE_LOG="$work/user/state/engine.log" \
  dbus-run-session --config-file="$work/session.conf" -- \
  "$work/session.sh" "$parkline" "$ctl" "$password" >"$work/session.log" 2>&1 \
  || fail "$(tail -n 1 "$work/session.log")"

# What was written, and where the password is.
files=$(find "$user" -type f | wc -l)
[ -s "$user/config/glib-2.0/settings/keyfile" ] || fail "no GSettings keyfile was written"
ls "$user"/data/parkline/history.db* >/dev/null 2>&1 || fail "no history database was written"
grep -q -F "$password" "$work/pbx.ini" || fail "the search would not find the password"
leaks=$(grep -r -l -F -a -- "$password" "$user" "$work/parkline.log" "$work/dbus-monitor.log" \
  "$work/session.log" | grep -v "^$user/data/keyrings/" || true)
[ -z "$leaks" ] || fail "the password is in: $leaks"
grep -q "org.freedesktop.Secret.Service" "$work/dbus-monitor.log" \
  || fail "dbus-monitor saw no Secret Service traffic"
echo "secrets: $files files written, the session bus recorded ($(wc -l <"$work/dbus-monitor.log") lines), the password is nowhere outside the keyring"
