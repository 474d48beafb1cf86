"""SMS length in segments, with the real GSM 03.38 table (one ê makes the whole SMS UCS-2)."""

from __future__ import annotations

import math

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

MAX_SEGMENTS = 3


def segments(text: str) -> int:
    try:
        septets = len(text.encode("gsm03.38"))  # extension characters (€, [, …) count two
    except UnicodeEncodeError:
        units = len(text.encode("utf-16-le")) // 2
        return 1 if units <= 70 else math.ceil(units / 67)
    return 1 if septets <= 160 else math.ceil(septets / 153)


def fits(text: str, limit: int = MAX_SEGMENTS) -> bool:
    # most replies are short: in UCS-2 they fit, so they do in GSM 03.38 too (at most two
    # septets a character, and 2 × 67 < 153 a segment); the codec runs for the long ones only
    if len(text.encode("utf-16-le")) // 2 <= (70 if limit == 1 else 67 * limit):
        return True
    return segments(text) <= limit


def clip(text: str, limit: int = MAX_SEGMENTS) -> str:
    """Last resort: cut a reply to the limit, ending with an ellipsis."""
    if fits(text, limit):
        return text
    text = text[: 153 * limit]  # no longer message can fit; then shorten to the limit
    while text and not fits(text + "…", limit):
        text = text[:-1]
    return text.rstrip() + "…"
