"""Render the application icon's PNG sizes from its SVG: `make icons`; `--check` compares.

Desktops pick a PNG of the exact size when they have one (menus at 16-48 px, launchers and
software centres at 128-512 px) and not every icon loader reads SVG, so the PNGs are committed
next to the SVG, always redrawn from it rather than edited by hand. `--check` (run by the
tests) catches an SVG edited without `make icons`; it allows the small anti-aliasing
differences between Qt versions, not a changed drawing.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QImage
    from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)
CHANNEL_SLACK = 16  # per colour channel, out of 255: anti-aliasing differences between Qt builds
PIXEL_SLACK = 0.01  # the share of pixels allowed to differ by more than that


def png_name(size: int) -> str:
    """The file name of one size: lodestone-<size>.png (install.sh relies on it)."""
    return f"lodestone-{size}.png"


def _renderer(svg: Path) -> QSvgRenderer:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:
        _renderer.app = QGuiApplication(sys.argv[:1])  # type: ignore[attr-defined]  # kept alive
    if not svg.is_file():
        raise ValueError(f"{svg} does not exist")
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not an SVG image Qt can draw")
    return renderer


def _draw(renderer: QSvgRenderer, size: int) -> QImage:
    """The icon at `size` x `size` pixels on a transparent background."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def render_pngs(svg: Path, out_dir: Path, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    """Write one PNG per size into `out_dir`; returns the files written."""
    renderer = _renderer(svg)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for size in sizes:
        target = out_dir / png_name(size)
        if not _draw(renderer, size).save(str(target), "PNG"):
            raise OSError(f"cannot write {target}")
        written.append(target)
    return written


def stale_pngs(svg: Path, out_dir: Path, sizes: tuple[int, ...] = SIZES) -> list[str]:
    """What is wrong with the PNGs in `out_dir` compared with a fresh drawing of `svg`: one
    sentence per missing, mis-sized or redrawn file; empty when they are current."""
    import numpy as np
    from PySide6.QtGui import QImage

    renderer = _renderer(svg)
    problems = []
    for size in sizes:
        path = out_dir / png_name(size)
        stored = QImage(str(path))
        if stored.isNull():
            problems.append(f"{path.name} is missing or not a PNG")
            continue
        if (stored.width(), stored.height()) != (size, size):
            problems.append(f"{path.name} is {stored.width()}x{stored.height()}, not {size}x{size}")
            continue
        fresh = _draw(renderer, size)
        stored = stored.convertToFormat(QImage.Format.Format_ARGB32)
        a = np.frombuffer(bytes(stored.constBits()), np.uint8).astype(int)
        b = np.frombuffer(bytes(fresh.constBits()), np.uint8).astype(int)
        differing = (np.abs(a - b).reshape(-1, 4).max(axis=1) > CHANNEL_SLACK).mean()
        if differing > PIXEL_SLACK:
            problems.append(f"{path.name} differs from {svg.name} in {differing:.0%} of pixels")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=ICONS / "lodestone.svg")
    parser.add_argument("--out", type=Path, default=ICONS, help="folder of the PNGs")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; fail if the PNGs are not drawn from the SVG")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = stale_pngs(args.svg, args.out)
            for problem in problems:
                print(f"make_icons: {problem}; run `make icons`", file=sys.stderr)
            return 1 if problems else 0
        for path in render_pngs(args.svg, args.out):
            print(path.name)
    except (OSError, ValueError) as exc:
        print(f"make_icons: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
