"""The risk catalogue (thesaurus) held as data: entries, labels, and free text matched to them."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz, process

from dialogs.parsing import fold

DATA = Path(__file__).resolve().parent.parent / "data" / "risks.csv"


@dataclass(frozen=True)
class Risk:
    code: str
    family: str
    label_fr: str
    label_en: str
    synonyms: tuple[str, ...]

    def label(self, locale: str) -> str:
        return self.label_en if str(locale).startswith("en") else self.label_fr


@cache
def catalogue() -> dict[str, Risk]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Risk(
                row["code"],
                row["family"],
                row["label_fr"],
                row["label_en"],
                tuple(fold(s) for s in row["synonyms"].split(";") if s),
            )
            for row in csv.DictReader(handle)
        }


def match(text: str, limit: int = 3) -> list[Risk]:
    """Entries that free text talks about ("je respire de la poussière de bois" → wood dust)."""
    query = fold(text)
    if not query:
        return []
    words = {}
    for risk in catalogue().values():
        for word in (fold(risk.label_fr), fold(risk.label_en), *risk.synonyms):
            words.setdefault(word, risk.code)
    hits = process.extract(query, list(words), scorer=fuzz.partial_ratio, limit=20, score_cutoff=85)
    codes: list[str] = []
    for word, _score, _index in sorted(hits, key=lambda h: (-h[1], -len(h[0]))):
        if words[word] not in codes:
            codes.append(words[word])
    return [catalogue()[code] for code in codes[:limit]]
