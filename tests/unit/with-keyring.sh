#!/bin/sh
# Runs a test inside a private session bus with an unlocked, throw-away
# GNOME keyring, so Secret Service code runs against the real daemon.
set -eu
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch" XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# Under LeakSanitizer (build-aux/ci-sanitize.sh) a process that reads a
# password leaks libsecret's reply: add that library's suppression to the
# general ones (the later suppressions= wins).
general=$(printf '%s\n' "${LSAN_OPTIONS:-}" | tr ':' '\n' | sed -n 's/^suppressions=//p' | tail -n 1)
if [ -n "$general" ]; then
  cat "$general" "$(dirname "$general")/lsan-secret-service.supp" >"$scratch/lsan.supp"
  export LSAN_OPTIONS="$LSAN_OPTIONS:suppressions=$scratch/lsan.supp"
fi
# The daemon is not under test: G_DEBUG=fatal-warnings (set for our code)
# would turn its own harmless warnings ("asked to register item …, but it's
# already registered", seen when an item is created right after another was
# deleted) into a crash.
exec dbus-run-session -- sh -c '
  printf test | env -u G_DEBUG gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' with-keyring "$@"
