"""The English name and description of a place, from `data/places_en.csv`, keyed by its name.

The `centre` table holds one name and one description, in French; rather than a column per
language, the English of the service's places is data beside the code. A place missing from the
file (renamed or added by staff) is shown in French.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from assistant.models import Centre

PLACES_EN = Path(__file__).resolve().parents[2] / "data" / "places_en.csv"


@cache
def _english() -> dict[str, tuple[str, str]]:
    with PLACES_EN.open(encoding="utf-8", newline="") as handle:
        return {row["name"]: (row["name_en"], row["notes_en"]) for row in csv.DictReader(handle)}


def place_name(centre: Centre, locale: str) -> str:
    if str(locale).startswith("en") and (english := _english().get(centre.name)):
        return english[0] or centre.name
    return centre.name


def place_notes(centre: Centre, locale: str) -> str:
    if str(locale).startswith("en") and centre.notes and (english := _english().get(centre.name)):
        return english[1] or centre.notes
    return centre.notes or ""
