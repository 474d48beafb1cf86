"""The risk catalogue (thesaurus) as an app reads it: its entries, their labels, and free text
matched to them. It ships as `assistant/data/risks.csv` and lives in the `risk_entry` table, where
an administrator edits it (`risk_entries`); a packaged entry not yet in the table (a newer release,
before `flask --app assistant.app risks load`) is part of it too. Each app keeps its own copy in
memory, a `RiskCatalogue` that `create_app` makes and gives every session it opens (`Session.info`,
as the service's settings): a service finds it from its session or a row of it (`of`), a journey
from its context's session, a view from `db.session`; no module keeps one. The app refreshes it
before requests, at most every `RISK_CATALOGUE_TTL` seconds, and right after an edit. An inactive
entry is no longer offered nor matched, but its code stays known: employees and declarations that
carry it keep its label. What an entry implies for the follow-up is the follow-up rules' to say.
"""

from __future__ import annotations

import csv
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from assistant.core.parsing import fold
from assistant.models.risk import RiskEntry

DATA = Path(__file__).resolve().parents[2] / "data" / "risks.csv"
KEY = "risks"  # in Session.info


@dataclass(frozen=True)
class Risk:
    code: str
    family: str
    label_fr: str
    label_en: str
    synonyms: tuple[str, ...]  # folded (lower case, no accents)
    active: bool = True

    def label(self, locale: str) -> str:
        return self.label_en if str(locale).startswith("en") else self.label_fr


class Catalogue(Mapping[str, Risk]):
    """One reading of the catalogue, never changed. Every known code, inactive ones included
    (`[code]`, `get`, `in`, iterating the codes), so that stored codes keep their label and stay
    valid; `values()` and `items()` give only the entries offered today, in catalogue order —
    what a form or a matcher may propose. A reading equals only itself (it is hashed as such), so
    that a cache may be keyed on it; `version` grows with each reading of one app."""

    def __init__(self, risks: Iterable[Risk], version: int = 0):
        self._all = {risk.code: risk for risk in risks}
        self._offered = [risk for risk in self._all.values() if risk.active]
        self._words: dict[str, str] = {}  # folded label or synonym → code, offered entries only
        for risk in self._offered:
            for word in (fold(risk.label_fr), fold(risk.label_en), *risk.synonyms):
                if word:
                    self._words.setdefault(word, risk.code)
        self.version = version

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __getitem__(self, code: str) -> Risk:
        return self._all[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def values(self) -> list[Risk]:  # type: ignore[override]
        return list(self._offered)

    def items(self) -> list[tuple[str, Risk]]:  # type: ignore[override]
        return [(risk.code, risk) for risk in self._offered]

    def offered(self) -> list[Risk]:
        return list(self._offered)

    def everything(self) -> list[Risk]:
        return list(self._all.values())

    def match(self, text: str, limit: int = 3) -> list[Risk]:
        """Entries that free text talks about ("je respire de la poussière de bois" → wood
        dust)."""
        query = fold(text)
        if not query:
            return []
        tokens = query.split()
        scored: dict[str, float] = {}
        for word, code in self._words.items():
            if " " in word or len(word) > 6:
                # several words, or a long one: look for it anywhere, typos allowed
                score = fuzz.partial_ratio(word, query)
            else:
                # a short word must be one of the words typed ("bruit" is not "nuit")
                score = max((fuzz.ratio(word, token) for token in tokens), default=0)
            if score >= 86:
                scored[code] = max(scored.get(code, 0), score + len(word) / 100)
        codes = sorted(scored, key=lambda code: -scored[code])
        return [self._all[code] for code in codes[:limit]]


# ---------------------------------------------------------------- the packaged CSV


@cache
def packaged_rows() -> tuple[dict[str, str], ...]:
    """The CSV rows as shipped (code, family, label_fr, label_en, synonyms), in catalogue order."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        return tuple(dict(row) for row in csv.DictReader(handle))


@cache
def packaged_codes() -> frozenset[str]:
    """The codes of the catalogue as shipped (those the follow-up rules may name)."""
    return frozenset(row["code"] for row in packaged_rows())


@cache
def packaged() -> Catalogue:
    """The catalogue as shipped: what an app has until it reads its database."""
    return _build(())


def _risk(code, family, label_fr, label_en, synonyms: str, active: bool = True) -> Risk:
    folded = (fold(s) for s in (synonyms or "").split(";"))
    return Risk(code, family, label_fr, label_en, tuple(s for s in folded if s), bool(active))


def _build(rows: Iterable, version: int = 0) -> Catalogue:
    """The catalogue of these table rows (any objects with RiskEntry's attributes), completed
    with the packaged entries the table lacks."""
    found: dict[str, tuple[int, int, Risk]] = {}
    for row in rows:
        risk = _risk(row.code, row.family, row.label_fr, row.label_en, row.synonyms, row.active)
        found[row.code] = (row.position, 0, risk)
    for position, row in enumerate(packaged_rows()):
        if row["code"] not in found:
            found[row["code"]] = (position, 1, _risk(**row))
    ordered = [risk for _, _, risk in sorted(found.values(), key=lambda e: (e[0], e[1]))]
    return Catalogue(ordered, version)


# ---------------------------------------------------------------- an app's copy


@dataclass(frozen=True)
class _Reading:
    catalogue: Catalogue
    engine: weakref.ref | None  # the database read last (None: the packaged CSV only)
    generation: tuple | None  # (row count, latest updated_at) of that read
    checked_at: float  # time.monotonic() of the last generation check


def _engine_of(session: Session):
    bind = session.get_bind()
    return getattr(bind, "engine", bind)


def _generation(session: Session) -> tuple:
    count, latest = session.execute(
        select(func.count(RiskEntry.code), func.max(RiskEntry.updated_at))
    ).one()
    return (count, latest)


class RiskCatalogue:
    """The catalogue one app keeps in memory, as it last read it (the packaged one until then).
    Reading it needs no session (`catalogue()`, `match()`); `refresh(session)` reads the table
    again when it changed (a cheap count + latest `updated_at` query)."""

    def __init__(self):
        self._reading = _Reading(packaged(), None, None, time.monotonic())
        self._lock = threading.Lock()

    def catalogue(self) -> Catalogue:
        """code → Risk, as last read from the database (or the packaged CSV); see `Catalogue`."""
        return self._reading.catalogue

    def offered(self) -> list[Risk]:
        """The active entries, in catalogue order: what forms and dialogues may propose."""
        return self._reading.catalogue.offered()

    def version(self) -> int:
        """A number that grows whenever this copy is read again."""
        return self._reading.catalogue.version

    def match(self, text: str, limit: int = 3) -> list[Risk]:
        """Entries that free text talks about (see `Catalogue.match`)."""
        return self._reading.catalogue.match(text, limit)

    def checked_within(self, engine, max_age: float) -> bool:
        """Was this engine's database checked less than `max_age` seconds ago? (What `refresh`
        decides first, without a session: asked before every request.)"""
        reading = self._reading
        return (
            max_age > 0
            and reading.engine is not None
            and reading.engine() is engine
            and time.monotonic() - reading.checked_at < max_age
        )

    def refresh(self, session: Session, max_age: float = 0) -> bool:
        """Read the catalogue from this session's database if the table changed since the last
        read (or another database was read last). With `max_age`, a database checked less than
        that many seconds ago is not asked again. True when the catalogue was read again."""
        engine = _engine_of(session)
        reading = self._reading
        same_database = reading.engine is not None and reading.engine() is engine
        if same_database and max_age > 0 and time.monotonic() - reading.checked_at < max_age:
            return False
        generation = _generation(session)
        if same_database and generation == reading.generation:
            self._reading = replace(reading, checked_at=time.monotonic())
            return False
        # columns, not entities: a session's identity map could hold rows older than the table's
        columns = (RiskEntry.code, RiskEntry.family, RiskEntry.label_fr, RiskEntry.label_en)
        rows = session.execute(
            select(*columns, RiskEntry.synonyms, RiskEntry.active, RiskEntry.position).order_by(
                RiskEntry.position, RiskEntry.code
            )
        ).all()
        with self._lock:
            version = self._reading.catalogue.version + 1
            self._reading = _Reading(
                _build(rows, version), weakref.ref(engine), generation, time.monotonic()
            )
        return True


def of(session_or_row) -> RiskCatalogue:
    """The catalogue of the app that made this session (or the session holding this row). A
    session made elsewhere (a script, a test's own engine) is given one of its own, the packaged
    catalogue until refreshed through it; without any session (None, a row not in one), the
    packaged catalogue."""
    if session_or_row is None:
        return RiskCatalogue()
    session = (
        session_or_row if isinstance(session_or_row, Session) else object_session(session_or_row)
    )
    if session is None:
        return RiskCatalogue()
    found = session.info.get(KEY)
    if found is None:
        found = session.info[KEY] = RiskCatalogue()
    return found
