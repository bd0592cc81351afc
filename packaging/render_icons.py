"""Renders resources/icons/mediacat.svg to the PNG sizes desktops use (run after editing the SVG; commit the PNGs).

    QT_QPA_PLATFORM=offscreen python3 packaging/render_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
SVG_PATH = ICONS_DIR / "mediacat.svg"
SIZES = (16, 32, 48, 64, 128, 256)


def png_path(size: int, icons_dir: Path = ICONS_DIR) -> Path:
    """Where the PNG of one size lives: the hicolor theme layout, so install scripts copy folders as they are."""
    return icons_dir / "hicolor" / f"{size}x{size}" / "apps" / "mediacat.png"


def render(svg_path: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg_path))
    if not renderer.isValid():
        raise SystemExit(f"{svg_path}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def main(argv: list[str]) -> int:
    icons_dir = Path(argv[1]) if len(argv) > 1 else ICONS_DIR
    _app = QGuiApplication.instance() or QGuiApplication([])
    for size in SIZES:
        target = png_path(size, icons_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(SVG_PATH, size).save(str(target), "PNG"):
            raise SystemExit(f"{target}: cannot write the PNG")
        print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
