#!/usr/bin/env bash
# System packages MediaCat needs on a bare Debian 12 machine: Python's venv, and the libraries Qt's
# platform plugins and QtMultimedia link against. `--test` adds the tools the tests make fixtures with and
# the validators the packaging tests run on the desktop entry and the AppStream metainfo.
set -euo pipefail
packages=(python3-venv python3-pip
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
  libpulse0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libxrandr2 libxrender1 libdrm2 fonts-dejavu-core)
if [ "${1:-}" = "--test" ]; then
  packages+=(ffmpeg sox xvfb desktop-file-utils appstream)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
