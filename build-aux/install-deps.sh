#!/bin/sh
# Installs everything Parkline needs to build, run its demo and pass its tests
# on Debian 12. Run as root (or it re-runs itself with sudo).
set -eu
if [ "$(id -u)" -ne 0 ]; then
  exec sudo "$0" "$@"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
  build-essential meson ninja-build pkg-config gettext itstool libglib2.0-dev-bin \
  libgtk-4-dev libadwaita-1-dev libjson-glib-dev libxml2-dev libsqlite3-dev \
  libre-dev librem-dev portaudio19-dev libsecret-1-dev \
  baresip-core sip-tester kamailio sox espeak-ng \
  pulseaudio pulseaudio-utils libasound2-plugins alsa-utils \
  xvfb xauth xdotool dbus dbus-x11 gnome-keyring imagemagick notification-daemon optipng \
  desktop-file-utils appstream clang-format python3 flatpak-builder libglib2.0-bin procps \
  glib-networking \
  hicolor-icon-theme adwaita-icon-theme fonts-cantarell
