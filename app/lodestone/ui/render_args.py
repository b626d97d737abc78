"""What `lodestone render` accepts, checked without importing Qt (argparse uses these)."""

from __future__ import annotations

RENDERABLE = ("companies", "deals", "events", "sources", "timeline", "funding", "trash")
KIND_NAMES = ("company", "deal", "event", "source")


def parse_size(text: str) -> tuple[int, int]:
    """'1280x800' -> (1280, 800); a ValueError with a sentence otherwise."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"size '{text}' is not WIDTHxHEIGHT, e.g. 1280x800") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise ValueError(f"size '{text}' is out of range (200 to 8000 pixels each way)")
    return width, height


def parse_select(text: str) -> tuple[str, int]:
    """'deal:3' -> ('deal', 3)."""
    kind, _, number = text.partition(":")
    if kind not in KIND_NAMES or not number.isdigit():
        raise ValueError(
            f"'{text}' is not KIND:ID with KIND one of {', '.join(KIND_NAMES)}, e.g. deal:1"
        )
    return kind, int(number)
