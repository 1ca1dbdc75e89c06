#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Regenerates the app-store screenshots in data/screenshots/ from the real
# Parkline: a private X server (Xvfb), session bus, PulseAudio (null sink)
# and notification daemon, the loopback demo PBX ringing Alice, and
# Parkline driven over its D-Bus interface. Nothing leaves 127.0.0.1 and
# nothing is stored outside a temporary directory.
#
#   build-aux/screenshots.sh [OUTDIR]     (default data/screenshots)
#
# PL_SHOTS_HOLD=SECONDS keeps everything running that long afterwards, to
# look around on the printed DISPLAY.
#
# Needs xvfb, dbus, pulseaudio, notification-daemon, xdotool, imagemagick
# and optipng (build-aux/install-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
. build-aux/demo-lib.sh

out="${1:-data/screenshots}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
notifyd=/usr/lib/notification-daemon/notification-daemon
for tool in Xvfb dbus-daemon pulseaudio xdotool import convert optipng gdbus "$notifyd"; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (build-aux/install-deps.sh)" >&2; exit 2; }
done

demo_build
work="$(mktemp -d -t parkline-shots-XXXXXX)"
pids=()
trap demo_cleanup EXIT
trap 'exit 1' INT TERM

# wait_for SECONDS WHAT COMMAND…: polls COMMAND every 0.1 s.
wait_for() {
  local limit=$(($1 * 10)) what="$2"
  shift 2
  for ((t = 0; t < limit; t++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "timed out waiting for $what" >&2
  return 1
}

# A desk of its own: settings in a keyfile under a temporary HOME, an empty
# history, English text, no accessibility bus.
export HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share"
export XDG_CACHE_HOME="$HOME/.cache" XDG_STATE_HOME="$HOME/.local/state"
export GSETTINGS_BACKEND=keyfile GSETTINGS_SCHEMA_DIR="$PWD/_build/data"
export LANG=C.UTF-8 LANGUAGE=en GDK_BACKEND=x11 NO_AT_BRIDGE=1 GTK_A11Y=none
unset GTK_THEME PULSE_SERVER WAYLAND_DISPLAY SESSION_MANAGER
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
printf 'pcm.!default { type pulse }\nctl.!default { type pulse }\n' >"$HOME/.asoundrc"

screen_w=1280 screen_h=800
Xvfb -displayfd 5 -screen 0 "${screen_w}x${screen_h}x24" -nolisten tcp 5>"$work/display" 2>"$work/xvfb.log" &
pids+=("$!")
wait_for 10 "Xvfb" test -s "$work/display"
export DISPLAY=":$(head -n1 "$work/display")"

dbus-daemon --session --nofork --nopidfile --print-address=6 6>"$work/bus" 2>"$work/dbus.log" &
pids+=("$!")
wait_for 10 "the session bus" test -s "$work/bus"
DBUS_SESSION_BUS_ADDRESS="$(head -n1 "$work/bus")"
export DBUS_SESSION_BUS_ADDRESS

pulseaudio -n --daemonize=no --exit-idle-time=-1 --log-target=stderr \
  -L module-native-protocol-unix -L "module-null-sink sink_name=shots" \
  -L "module-null-source source_name=shots_mic" 2>"$work/pulse.log" &
pids+=("$!")
wait_for 10 "PulseAudio" test -S "$XDG_RUNTIME_DIR/pulse/native"

"$notifyd" 2>"$work/notifyd.log" &
pids+=("$!")
has_owner() {
  gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.NameHasOwner "$1" | grep -q true
}
wait_for 10 "the notification daemon" has_owner org.freedesktop.Notifications

# Parked callers stay parked (and ringing callers ring) while we pose.
demo_start_pbx parkingtime=900 ring_timeout=300
# The lot goes to this run's settings (GLib's keyfile backend, GVariant
# text) and the account file has only the account, so Preferences shows the
# lot as stored, the way a provisioned desk has it.
demo_write_alice "$work/alice.conf" -
lots="$(demo_lot "Front Desk" 900 | sed ':a;N;$!ba;s/\n/\\n/g')"
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
printf "[io/github/parkline/Parkline]\npark-lots='%s'\n" "$lots" \
  >"$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
./_build/src/parkline --account-file "$work/alice.conf" >"$work/parkline.log" 2>&1 &
pids+=("$!")

pl_call() {
  local method="$1"
  shift
  gdbus call --session --dest io.github.parkline.Parkline --object-path /io/github/parkline/Parkline \
    --method "io.github.parkline.Parkline1.$method" "$@"
}
pl_get() {
  gdbus call --session --dest io.github.parkline.Parkline --object-path /io/github/parkline/Parkline \
    --method org.freedesktop.DBus.Properties.Get io.github.parkline.Parkline1 "$1"
}
pl_action() {
  gdbus call --session --dest io.github.parkline.Parkline --object-path /io/github/parkline/Parkline \
    --method org.gtk.Actions.Activate "$1" '[]' '{}' >/dev/null
}
registered() { pl_get RegistrationState | grep -q "'registered'"; }
calls_match() { pl_get Calls | grep -qE "$1"; }
slots_occupied() { [ "$(pl_get Slots | grep -o "'occupied'" | wc -l)" -eq "$1" ]; }
no_calls() { pl_get Calls | grep -q '@a(ussssst) \[\]'; }

wait_for 30 "Parkline to register" registered

# ring NUMBER NAME: the PBX calls Alice; waits until Parkline shows it.
ring() {
  demo_pbx originate "$1" "\"$2\"" alice >/dev/null
  wait_for 20 "the call from $2" calls_match "'incoming', 'incoming', 'sip:$1@"
}
# answer NUMBER: answers the ringing call from NUMBER.
answer() {
  wait_for 20 "an active call" calls_match "'incoming', 'sip:$1@"
  pl_call Answer 0 >/dev/null
  wait_for 20 "the call from $1 to be answered" calls_match "'active', 'incoming', 'sip:$1@"
}

# shoot WINDOW FILE: the window as it is on screen, less the black that
# stands for the missing compositor around client-side decorations.
# shoot root FILE WxH+X+Y [CONVERT-OPTION…]: that part of the screen.
shoot() {
  import -window "$1" "$work/raw.png"
  if [ "$1" = root ]; then
    convert "$work/raw.png" -crop "$3" +repage "${@:4}" -strip "$2"
  else
    convert "$work/raw.png" -bordercolor black -border 1 -fuzz 2% -trim +repage -strip "$2"
  fi
  optipng -quiet -o2 "$2"
  echo "wrote $2"
}
visible_window() { xdotool search --onlyvisible --name "$1" | tail -n1; }

wait_for 10 "the main window" visible_window '^Parkline$'
main="$(visible_window '^Parkline$')"

# Three parked callers, one at a time (baresip 1.0.0 cannot pick between
# two ringing calls).
n=0
for caller in "4930555018|Maria Schneider" "4940555027|Jonas Weber" "4989555033|Priya Natarajan"; do
  number="${caller%%|*}"
  ring "$number" "${caller#*|}"
  answer "$number"
  pl_call Park 0 '""' >/dev/null
  n=$((n + 1))
  wait_for 20 "slot $((700 + n))" slots_occupied "$n"
  wait_for 20 "the park to finish" no_calls
done

# The call in front, a few seconds old, once the "Parked … on 703" toast
# (five seconds) is gone.
ring 4921555042 "Lukas Hoffmann"
answer 4921555042
sleep 7
xdotool mousemove 1270 790
shoot "$main" "$out/main-window.png"

# Park & Page on that call: the page view, readable from across the room,
# while the demo PBX's paging group 600 has the page.
page_up() { calls_match "'active', 'outgoing', 'sip:600@"; }
pl_call ParkAndPage 0 '""' >/dev/null
wait_for 20 "the page call" page_up
sleep 9 # the "Parked … on 704" toast, shown once the PBX confirms the park
xdotool mousemove 1270 790
shoot "$main" "$out/page.png"
pl_call EndPage >/dev/null
wait_for 20 "the page to end" no_calls

# Preferences on the Park Lots page, the second of four tabs of the view
# switcher centred in the header bar.
pl_action preferences
wait_for 10 "the preferences window" visible_window '^Preferences$'
prefs="$(visible_window '^Preferences$')"
# A shorter window: the page would be mostly empty.
xdotool windowsize --sync "$prefs" 640 400
eval "$(xdotool getwindowgeometry --shell "$prefs")"
xdotool mousemove --window "$prefs" $((WIDTH / 2 - 60)) 24 click 1
sleep 1 # the page transition
xdotool mousemove 1270 790
shoot "$prefs" "$out/preferences.png"
xdotool windowfocus --sync "$prefs" key Escape
wait_for 10 "the preferences window to close" sh -c "! xdotool search --onlyvisible --name '^Preferences\$'"

# An incoming call while on the phone: the daemon's popup with its buttons
# in the top right corner of the screen, over the main window, on a plain
# desktop (everything Xvfb left black around the windows).
eval "$(xdotool getwindowgeometry --shell "$main")"
xdotool windowmove --sync "$main" $(((screen_w - WIDTH) / 2)) $((screen_h - HEIGHT))
ring 4969555061 "Sofia Marino"
wait_for 10 "the notification" visible_window '^Notification'
sleep 1 # the popup slides in
shoot root "$out/notification.png" "${screen_w}x${screen_h}+0+0" \
  -fill '#3d3846' -draw "color 0,$((screen_h - 1)) floodfill"
if [ -n "${PL_SHOTS_HOLD:-}" ]; then
  echo "holding for $PL_SHOTS_HOLD s on DISPLAY=$DISPLAY"
  sleep "$PL_SHOTS_HOLD" &
  wait "$!"
fi
