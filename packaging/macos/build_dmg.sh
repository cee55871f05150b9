#!/usr/bin/env bash
# Sign, package and notarize Hearth.app as a .dmg (macOS only).
#
#   python packaging/build.py --variant metal        # Apple Silicon (cpu for Intel Macs)
#   packaging/macos/build_dmg.sh [path/to/Hearth.app]
#
# Without any variable set it makes an ad-hoc signed, unnotarized dmg (fine for testing; a
# downloaded copy is blocked by Gatekeeper). For a release, set:
#   HEARTH_CODESIGN_IDENTITY  "Developer ID Application: Your Name (TEAMID)" (in the keychain)
#   HEARTH_NOTARY_PROFILE     a notarytool keychain profile, made once with
#                             xcrun notarytool store-credentials hearth --apple-id … --team-id …
#   or instead of the profile: HEARTH_APPLE_ID, HEARTH_TEAM_ID, HEARTH_APP_PASSWORD
#                             (an app-specific password)
# Notarization runs only with an identity and credentials; the ticket is stapled to the dmg.
# HEARTH_SELF_TEST_MODEL=path/to/model.gguf also runs --self-test --gui on the signed app.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ENTITLEMENTS="$HERE/entitlements.plist"

[ "$(uname -s)" = "Darwin" ] || { echo "build_dmg.sh runs on macOS only" >&2; exit 1; }

APP="${1:-}"
if [ -z "$APP" ]; then
    APP="$(ls -dt "$ROOT"/dist/hearth-*-macos-*/Hearth.app 2>/dev/null | head -n 1 || true)"
fi
[ -d "$APP" ] || { echo "no Hearth.app: run python packaging/build.py --variant metal first" >&2; exit 1; }
APP="$(cd "$APP" && pwd)"

VERSION="$(/usr/libexec/PlistBuddy -c 'Print CFBundleShortVersionString' "$APP/Contents/Info.plist")"
NAME="$(basename "$(dirname "$APP")")"   # hearth-<version>-macos-<arch>-<variant>
DMG="$ROOT/dist/$NAME.dmg"
IDENTITY="${HEARTH_CODESIGN_IDENTITY:--}"   # "-" is ad-hoc

echo "Signing $APP ($VERSION) with identity: $IDENTITY"
SIGN=(codesign --force --timestamp --options runtime --sign "$IDENTITY")
[ "$IDENTITY" = "-" ] && SIGN=(codesign --force --sign -)
# Inside out: every Mach-O file first (libraries, Qt plugins, llama.cpp's dylibs), then the app.
while IFS= read -r -d '' f; do
    if file -b "$f" | grep -q "Mach-O"; then
        "${SIGN[@]}" "$f"
    fi
done < <(find "$APP/Contents" -type f \( -name "*.dylib" -o -name "*.so" -o -perm -u+x \) -print0)
# then the Qt frameworks as bundles (deepest first), then the app itself
while IFS= read -r f; do
    "${SIGN[@]}" "$f"
done < <(find "$APP/Contents" -type d -name "*.framework" | awk '{ print length($0) " " $0 }' | sort -rn | cut -d' ' -f2-)
"${SIGN[@]}" --entitlements "$ENTITLEMENTS" "$APP"
codesign --verify --deep --strict --verbose=2 "$APP"

echo "Checking that the signed app starts under the hardened runtime"
"$APP/Contents/MacOS/hearth" --version
if [ -n "${HEARTH_SELF_TEST_MODEL:-}" ]; then   # a .gguf: load it and generate a few tokens
    QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/hearth" --self-test "$HEARTH_SELF_TEST_MODEL" --gui
fi

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "Hearth $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
if [ "$IDENTITY" != "-" ]; then
    codesign --force --timestamp --sign "$IDENTITY" "$DMG"
fi

if [ "$IDENTITY" != "-" ] && { [ -n "${HEARTH_NOTARY_PROFILE:-}" ] || [ -n "${HEARTH_APPLE_ID:-}" ]; }; then
    echo "Notarizing $DMG (this waits for Apple's answer)"
    if [ -n "${HEARTH_NOTARY_PROFILE:-}" ]; then
        xcrun notarytool submit "$DMG" --keychain-profile "$HEARTH_NOTARY_PROFILE" --wait
    else
        xcrun notarytool submit "$DMG" --apple-id "$HEARTH_APPLE_ID" \
            --team-id "${HEARTH_TEAM_ID:?set HEARTH_TEAM_ID}" \
            --password "${HEARTH_APP_PASSWORD:?set HEARTH_APP_PASSWORD}" --wait
    fi
    xcrun stapler staple "$DMG"
    spctl --assess --type open --context context:primary-signature --verbose "$DMG"
else
    echo "Not notarized (set HEARTH_CODESIGN_IDENTITY and HEARTH_NOTARY_PROFILE to notarize)"
fi
echo "Built $DMG ($(du -h "$DMG" | cut -f1))"
