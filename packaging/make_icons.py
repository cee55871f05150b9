"""Render resources/icons/hearth.svg into the Windows .ico and the macOS .icns.

    python packaging/make_icons.py

Qt renders the SVG and writes both formats itself (its ico and icns image plugins), so no
ImageMagick or iconutil is needed; the results are committed (packaging/windows/hearth.ico,
packaging/macos/hearth.icns), and this is rerun only when the SVG changes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "hearth.svg"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZE = 1024  # the icns writer makes the smaller members from the largest image


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QIODevice, QSize
    from PySide6.QtGui import QGuiApplication, QIcon, QImageWriter

    _app = QGuiApplication(sys.argv)
    icon = QIcon(str(SVG))
    if icon.isNull():
        print(f"cannot read {SVG} (Qt's SVG support missing?)", file=sys.stderr)
        return 1

    # .ico: Qt's writer stores one image per call; build the multi-size file from PNG members
    members = []
    for size in ICO_SIZES:
        image = icon.pixmap(QSize(size, size)).toImage()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        members.append((size, bytes(buffer.data().data())))
    ico = ROOT / "packaging" / "windows" / "hearth.ico"
    ico.write_bytes(_ico(members))

    icns = ROOT / "packaging" / "macos" / "hearth.icns"
    writer = QImageWriter(str(icns), b"icns")
    if not writer.write(icon.pixmap(QSize(ICNS_SIZE, ICNS_SIZE)).toImage()):
        print(f"cannot write {icns}: {writer.errorString()}", file=sys.stderr)
        return 1
    print(f"wrote {ico} ({ico.stat().st_size} bytes) and {icns} ({icns.stat().st_size} bytes)")
    return 0


def _ico(members: list[tuple[int, bytes]]) -> bytes:
    """An ICO file with PNG-compressed members (valid since Windows Vista)."""
    header = (0).to_bytes(2, "little") + (1).to_bytes(2, "little") + len(members).to_bytes(2, "little")  # fmt: skip
    offset = 6 + 16 * len(members)
    entries, data = b"", b""
    for size, png in members:
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += bytes([dim, dim, 0, 0]) + (1).to_bytes(2, "little") + (32).to_bytes(2, "little")
        entries += len(png).to_bytes(4, "little") + (offset + len(data)).to_bytes(4, "little")
        data += png
    return header + entries + data


if __name__ == "__main__":
    sys.exit(main())
