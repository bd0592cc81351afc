#!/usr/bin/env bash
# Adds MediaCat to the current user's desktop menu: the desktop entry (its Exec pointing at this install's
# `mediacat`) and the icons, under $XDG_DATA_HOME (default ~/.local/share). `--uninstall` removes them.
#
#   bash packaging/install-desktop-entry.sh [--mediacat PATH] [--uninstall]
#
# The `mediacat` found is, in order: --mediacat PATH, $VIRTUAL_ENV/bin/mediacat, .venv/bin/mediacat beside
# this folder, `mediacat` on PATH.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
resources="$here/../resources"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
applications="$data_home/applications"
icons="$data_home/icons/hicolor"
desktop_name="mediacat.desktop"
icon_name="mediacat"
sizes=(16 32 48 64 128 256)

mediacat=""
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --uninstall) uninstall=1 ;;
    --mediacat) [ $# -ge 2 ] || { echo "install-desktop-entry: --mediacat needs a path" >&2; exit 2; }
                mediacat="$2"; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-desktop-entry: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

refresh_caches() {
  if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database -q "$applications" || true; fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$icons/index.theme" ]; then
    gtk-update-icon-cache -q -t "$icons" || true
  fi
}

if [ "$uninstall" -eq 1 ]; then
  rm -f "$applications/$desktop_name"
  for size in "${sizes[@]}"; do rm -f "$icons/${size}x${size}/apps/$icon_name.png"; done
  rm -f "$icons/scalable/apps/$icon_name.svg"
  refresh_caches
  echo "removed $applications/$desktop_name and the $icon_name icons"
  exit 0
fi

if [ -z "$mediacat" ]; then
  for candidate in "${VIRTUAL_ENV:+$VIRTUAL_ENV/bin/mediacat}" "$here/../.venv/bin/mediacat" \
                   "$(command -v mediacat 2>/dev/null || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then mediacat="$candidate"; break; fi
  done
  if [ -z "$mediacat" ]; then
    echo "install-desktop-entry: no mediacat command found: install MediaCat into a venv first" \
         "(see README.md), or give --mediacat PATH" >&2
    exit 2
  fi
fi
if [ ! -f "$mediacat" ] || [ ! -x "$mediacat" ]; then
  echo "install-desktop-entry: $mediacat: not an executable file" >&2
  exit 2
fi
mediacat="$(cd "$(dirname "$mediacat")" && pwd)/$(basename "$mediacat")"
case "$mediacat" in
  *[\"\`\$\\]*) echo "install-desktop-entry: $mediacat: the path has a character a desktop entry cannot quote" >&2
               exit 2 ;;
esac

mkdir -p "$applications"
# Exec and TryExec name this install's mediacat; quoted as the desktop entry spec asks (spaces are allowed).
sed -e "s|^Exec=.*|Exec=\"$mediacat\"|" -e "/^Exec=/a TryExec=$mediacat" \
  "$resources/mediacat.desktop" > "$applications/$desktop_name.tmp"
mv "$applications/$desktop_name.tmp" "$applications/$desktop_name"
for size in "${sizes[@]}"; do
  install -D -m 0644 "$resources/icons/hicolor/${size}x${size}/apps/$icon_name.png" \
    "$icons/${size}x${size}/apps/$icon_name.png"
done
install -D -m 0644 "$resources/icons/$icon_name.svg" "$icons/scalable/apps/$icon_name.svg"
refresh_caches
echo "installed $applications/$desktop_name (Exec=$mediacat) and the $icon_name icons under $icons"
