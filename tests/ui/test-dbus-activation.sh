#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Opening a sip: or tel: link the way a desktop does it: `gio open` finds
# Parkline through the built desktop file's MimeType, launches it by D-Bus
# activation (DBusActivatable + the built service file), and the activated
# Parkline dials through the real baresip to the test PBX. A second link
# goes to the same instance. Runs under xvfb-run (GTK needs a display).
#
# test-dbus-activation.sh PARKLINE DESKTOP_FILE SERVICE_FILE PBX SRCROOT
set -euo pipefail
parkline=$1 desktop_file=$2 service_file=$3 pbx=$4 srcroot=$5
app_id=io.github.parkline.Parkline

work=$(mktemp -d -t pl-activation-XXXXXX)
. "$(dirname "$0")/session-lib.sh"
fail() {
  echo "FAIL: $*" >&2
  echo "--- PBX log (INVITE lines)" >&2
  grep -a "INVITE sip:" "$work/pbx.log" >&2 || true
  echo "--- session log" >&2
  tail -n 40 "$work/session.log" >&2 || true
  keep=1
  exit 1
}

# What gets installed must be what this test activates.
grep -qx "Name=$app_id" "$service_file" || fail "service file does not name $app_id"
grep -q -- "--gapplication-service$" "$service_file" || fail "service file does not start a service"
grep -qx "DBusActivatable=true" "$desktop_file" || fail "desktop file is not D-Bus activatable"
for scheme in sip sips tel; do
  grep -q "^MimeType=.*x-scheme-handler/$scheme;" "$desktop_file" || fail "no $scheme: handler"
done

# A sound card for the engine.
mkdir -p "$work/home" "$work/runtime"
chmod 700 "$work/runtime"
export HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime"
start_pulseaudio || fail "PulseAudio did not start"

cp "$srcroot/tests/pbx/demo-pbx.ini" "$work/pbx.ini"
start_pbx "$pbx" "$work/pbx.ini" --verbose || fail "PBX did not start"

cat >"$work/alice.conf" <<CONF
[account]
id=activation
display-name=Alice
user=alice
domain=$sip
password=alicepw
CONF
chmod 600 "$work/alice.conf"

# The session this test owns: its own service directory, Parkline's desktop
# file first in the data dirs and chosen for the three schemes (another
# installed softphone must not win), and Parkline on PATH (as installed).
mkdir -p "$work/services" "$work/share/applications" "$work/bin" "$work/config"
printf '[Default Applications]\nx-scheme-handler/sip=%s.desktop\nx-scheme-handler/sips=%s.desktop\nx-scheme-handler/tel=%s.desktop\n' \
  "$app_id" "$app_id" "$app_id" >"$work/config/mimeapps.list"
sed -e "s|^Exec=.*|Exec=$parkline --gapplication-service --account-file $work/alice.conf|" \
  "$service_file" >"$work/services/$app_id.service"
cp "$desktop_file" "$work/share/applications/"
update-desktop-database "$work/share/applications"
ln -s "$parkline" "$work/bin/parkline"
write_session_conf "$work/session.conf" "$work/services"

cat >"$work/session.sh" <<'SESSION'
#!/bin/bash
set -euo pipefail
sip=$1
invites() { grep -a -c "INVITE sip:$1@$sip" "$PL_WORK/pbx.log" || true; }
instances() { pgrep -c -f -- "--account-file $PL_WORK/alice.conf" || true; }
dialled() { [ "$(invites "$1")" -ge 1 ]; }
gone() { [ "$(instances)" = 0 ]; }

! gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
  --method org.freedesktop.DBus.NameHasOwner io.github.parkline.Parkline | grep -q true \
  || { echo "Parkline already running"; exit 1; }

gio open "sip:201@$sip"
wait_for 30 dialled 201 || { echo "no INVITE to 201 after gio open"; exit 1; }
[ "$(instances)" = 1 ] || { echo "expected one Parkline, found $(instances)"; exit 1; }

# A tel: link is a number on the account's server; the same instance dials.
gio open "tel:202"
wait_for 30 dialled 202 || { echo "no INVITE to 202 after tel: link"; exit 1; }
[ "$(instances)" = 1 ] || { echo "a second link started another Parkline"; exit 1; }

gdbus call --session --dest io.github.parkline.Parkline --object-path /io/github/parkline/Parkline \
  --method org.freedesktop.Application.ActivateAction quit '[]' '{}' >/dev/null
wait_for 15 gone || { echo "Parkline did not quit"; exit 1; }
SESSION
chmod +x "$work/session.sh"

# baresip's own output, for a failure's post-mortem.
export PARKLINE_ENGINE_LOG="$work/engine.log"
# GTK's accessibility bus is not part of this session.
PATH="$work/bin:$PATH" GTK_A11Y=none XDG_DATA_DIRS="$work/share:/usr/local/share:/usr/share" XDG_DATA_HOME="$work/data-home" \
  XDG_CONFIG_HOME="$work/config" PL_WORK="$work" \
  dbus-run-session --config-file="$work/session.conf" -- "$work/session.sh" "$sip" \
  >"$work/session.log" 2>&1 || fail "$(tail -n 1 "$work/session.log")"
echo "activation: gio open sip: and tel: dialled through one D-Bus-activated Parkline"
