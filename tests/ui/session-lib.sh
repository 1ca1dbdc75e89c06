# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the tests that run the real parkline binary in a session of
# their own (test-dbus-activation.sh, test-secrets.sh): a scratch dir, a
# sound card, the test PBX and a private session bus. The caller sets $work
# (mktemp -d) before sourcing and may add pids to $session_pids.

session_pids=""
keep=""

session_cleanup() {
  for pid in $session_pids; do kill "$pid" 2>/dev/null || true; done
  for pid in $session_pids; do wait "$pid" 2>/dev/null || true; done
  if [ "$keep" = 1 ]; then echo "# kept $work"; else rm -rf "$work"; fi
}
trap session_cleanup EXIT

wait_for() { # wait_for SECONDS COMMAND…
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}
export -f wait_for # for the session scripts

# A sound card for the engine: PulseAudio's null sink, ALSA's default on it.
# HOME and XDG_RUNTIME_DIR must be set (and private to the test).
start_pulseaudio() {
  printf 'pcm.!default { type pulse }\nctl.!default { type pulse }\n' >"$HOME/.asoundrc"
  unset PULSE_SERVER
  pulseaudio -n --daemonize=no --exit-idle-time=-1 --log-target=stderr \
    -L module-native-protocol-unix -L "module-null-sink sink_name=test_sink" \
    >"$work/pulseaudio.log" 2>&1 &
  session_pids="$session_pids $!"
  wait_for 10 test -S "$XDG_RUNTIME_DIR/pulse/native"
}

# start_pbx PBX CONFIG [--verbose]: the test PBX; sets $sip (host:port) and
# $ctl (control port). Its output goes to $work/pbx.out and $work/pbx.log.
start_pbx() {
  "$1" --config "$2" ${3:-} >"$work/pbx.out" 2>"$work/pbx.log" &
  session_pids="$session_pids $!"
  wait_for 10 grep -q '^READY' "$work/pbx.out" || return 1
  sip=$(sed -nE 's/^READY sip=([0-9.]+:[0-9]+).*/\1/p' "$work/pbx.out")
  ctl=$(sed -nE 's/.* control=127\.0\.0\.1:([0-9]+).*/\1/p' "$work/pbx.out")
}

# Under LeakSanitizer, a process that reads a password leaks libsecret's
# reply: add that library's suppression to the general ones, as
# tests/unit/with-keyring.sh does (the later suppressions= wins).
add_secret_service_suppressions() {
  local general
  general=$(printf '%s\n' "${LSAN_OPTIONS:-}" | tr ':' '\n' | sed -n 's/^suppressions=//p' | tail -n 1)
  [ -n "$general" ] || return 0
  cat "$general" "$(dirname "$general")/lsan-secret-service.supp" >"$work/lsan.supp"
  export LSAN_OPTIONS="$LSAN_OPTIONS:suppressions=$work/lsan.supp"
}

# write_session_conf FILE [SERVICEDIR]: a session bus listening in $work
# that lets dbus-monitor see everything.
write_session_conf() {
  cat >"$1" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=$work</listen>
  ${2:+<servicedir>$2</servicedir>}
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
}
