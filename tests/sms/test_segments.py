"""`fits` answers short texts without the GSM codec: the same answer as counting segments."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.core.segments import fits, segments

# GSM 03.38 basic, its extension (two septets each), accented UCS-2, and beyond the BMP
ALPHABET = "aZ0 .,\n" + "€[]{}~^|\\" + "éêçœ’…" + "😀"


@given(st.text(alphabet=ALPHABET, max_size=480), st.integers(min_value=1, max_value=4))
def test_fits_is_the_segment_count(text, limit):
    assert fits(text, limit) == (segments(text) <= limit)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ê" * 201, True),  # UCS-2 (ê is not GSM): 3 × 67
        ("ê" * 202, False),
        ("€" * 201, True),  # GSM: 402 septets in 3 × 153
        ("€" * 230, False),  # 460 septets
        ("a" * 459, True),
        ("a" * 460, False),
        ("😀" * 100 + "ê", True),  # 201 UTF-16 units
        ("😀" * 101, False),
    ],
)
def test_fits_at_the_edges(text, expected):
    assert fits(text) is expected
