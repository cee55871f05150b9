#!/bin/sh
# Adds Hearth to the desktop's application menu for this user (no root needed).
# Run it from the unpacked folder; run it again after moving the folder.
# ./install.sh --uninstall removes the menu entry and the icon (not your models or chats).
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
APPS="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
ICONS="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps"
if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$APPS/hearth.desktop" "$ICONS/hearth.svg"
    echo "Removed the menu entry. Delete $HERE to remove the app."
    exit 0
fi
mkdir -p "$APPS" "$ICONS"
cp "$HERE/hearth.svg" "$ICONS/hearth.svg"
sed "s|^Exec=hearth|Exec=\"$HERE/hearth\"|" "$HERE/hearth.desktop" > "$APPS/hearth.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$APPS" || true
echo "Hearth is in the application menu. Start it from a terminal with: $HERE/hearth"
