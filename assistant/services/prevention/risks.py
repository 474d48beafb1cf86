"""The risk catalogue (thesaurus): entries, labels, free text matched to them, and their editing.

The catalogue ships as `assistant/data/risks.csv` and lives in the `risk_entry` table, where an
administrator edits it. Most callers have no session (`catalogue()`, `match()`), so the process
keeps one catalogue in memory: `refresh(session)` reloads it when the table changed (a cheap
count + latest `updated_at` query), and the web app calls it before requests at most every
`RISK_CATALOGUE_TTL` seconds, and right after an edit. Until a database has been read — pure code,
a test without data — the packaged CSV is the catalogue; a packaged entry not yet in the table (a
newer release, before `flask --app assistant.app risks load`) is part of it too.

An inactive entry is no longer offered nor matched, but its code stays known: employees and
declarations that carry it keep its label. What an entry implies for the follow-up is not stored
here: it comes from the follow-up rules (`risk:<code>` conditions, see `implications`).
"""

from __future__ import annotations

import csv
import re
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.core.parsing import fold
from assistant.core.text import _l
from assistant.database import utcnow
from assistant.models.risk import FAMILIES, RiskEntry
from assistant.services import audit

DATA = Path(__file__).resolve().parents[2] / "data" / "risks.csv"
CODE_PATTERN = re.compile(r"[a-z0-9_]+")
CODE_MAX = 40
LABEL_MAX = 200


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
    """Every known code, inactive ones included (`[code]`, `get`, `in`, iterating the codes), so
    that stored codes keep their label and stay valid; `values()` and `items()` give only the
    entries offered today, in catalogue order — what a form or a matcher may propose."""

    def __init__(self, risks: Iterable[Risk]):
        self._all = {risk.code: risk for risk in risks}
        self._offered = [risk for risk in self._all.values() if risk.active]

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


@dataclass(frozen=True)
class _State:
    catalogue: Catalogue
    words: dict[str, str]  # folded label or synonym → code, offered entries only
    engine: weakref.ref | None  # the database read last (None: the packaged CSV only)
    generation: tuple | None  # (row count, latest updated_at) of that read
    checked_at: float  # time.monotonic() of the last generation check
    version: int  # grows at every reload (for caches built on the catalogue)


_state: _State | None = None
_lock = threading.Lock()


# ---------------------------------------------------------------- the packaged CSV


@cache
def packaged_rows() -> tuple[dict[str, str], ...]:
    """The CSV rows as shipped (code, family, label_fr, label_en, synonyms), in catalogue order."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        return tuple(dict(row) for row in csv.DictReader(handle))


def split_synonyms(text: str | None) -> list[str]:
    """Synonyms typed one per line or separated by ";", trimmed, without repeats."""
    found: list[str] = []
    for piece in re.split(r"[;\n\r]+", text or ""):
        piece = " ".join(piece.split())
        if piece and fold(piece) not in {fold(s) for s in found}:
            found.append(piece)
    return found


def _risk(code, family, label_fr, label_en, synonyms: str, active: bool = True) -> Risk:
    folded = (fold(s) for s in (synonyms or "").split(";"))
    return Risk(code, family, label_fr, label_en, tuple(s for s in folded if s), bool(active))


def _build(rows: Iterable, engine, generation, version: int) -> _State:
    """The state for these table rows (any objects with RiskEntry's attributes), completed with
    the packaged entries the table lacks."""
    found: dict[str, tuple[int, int, Risk]] = {}
    for row in rows:
        risk = _risk(row.code, row.family, row.label_fr, row.label_en, row.synonyms, row.active)
        found[row.code] = (row.position, 0, risk)
    for position, row in enumerate(packaged_rows()):
        if row["code"] not in found:
            found[row["code"]] = (position, 1, _risk(**row))
    ordered = [risk for _, _, risk in sorted(found.values(), key=lambda e: (e[0], e[1]))]
    words: dict[str, str] = {}
    for risk in ordered:
        if risk.active:
            for word in (fold(risk.label_fr), fold(risk.label_en), *risk.synonyms):
                if word:
                    words.setdefault(word, risk.code)
    return _State(
        catalogue=Catalogue(ordered),
        words=words,
        engine=weakref.ref(engine) if engine is not None else None,
        generation=generation,
        checked_at=time.monotonic(),
        version=version,
    )


def _current() -> _State:
    global _state
    state = _state
    if state is None:
        with _lock:
            if _state is None:
                _state = _build((), None, None, 0)
            state = _state
    return state


# ---------------------------------------------------------------- reading (no session needed)


def catalogue() -> Catalogue:
    """code → Risk, as last read from the database (or the packaged CSV); see `Catalogue`."""
    return _current().catalogue


def offered() -> list[Risk]:
    """The active entries, in catalogue order: what forms and dialogues may propose."""
    return _current().catalogue.offered()


def version() -> int:
    """A number that changes whenever the in-memory catalogue is reloaded."""
    return _current().version


def match(text: str, limit: int = 3) -> list[Risk]:
    """Entries that free text talks about ("je respire de la poussière de bois" → wood dust)."""
    query = fold(text)
    if not query:
        return []
    state = _current()
    tokens = query.split()
    scored: dict[str, float] = {}
    for word, code in state.words.items():
        if " " in word or len(word) > 6:
            # several words, or a long one: look for it anywhere, typos allowed
            score = fuzz.partial_ratio(word, query)
        else:
            # a short word must be one of the words typed ("bruit" is not "nuit")
            score = max((fuzz.ratio(word, token) for token in tokens), default=0)
        if score >= 86:
            scored[code] = max(scored.get(code, 0), score + len(word) / 100)
    codes = sorted(scored, key=lambda code: -scored[code])
    return [state.catalogue[code] for code in codes[:limit]]


# ---------------------------------------------------------------- keeping the copy current


def _engine_of(session: Session):
    bind = session.get_bind()
    return getattr(bind, "engine", bind)


def _generation(session: Session) -> tuple:
    count, latest = session.execute(
        select(func.count(RiskEntry.code), func.max(RiskEntry.updated_at))
    ).one()
    return (count, latest)


def checked_within(engine, max_age: float) -> bool:
    """Was this engine's database checked less than `max_age` seconds ago? (What `refresh`
    decides first, without a session: asked before every request.)"""
    state = _current()
    return (
        max_age > 0
        and state.engine is not None
        and state.engine() is engine
        and time.monotonic() - state.checked_at < max_age
    )


def refresh(session: Session, max_age: float = 0) -> bool:
    """Read the catalogue from this session's database if the table changed since the last read
    (or another database was read last). With `max_age`, a database checked less than that many
    seconds ago is not asked again. True when the catalogue was reloaded."""
    global _state
    engine = _engine_of(session)
    state = _current()
    same_database = state.engine is not None and state.engine() is engine
    if same_database and max_age > 0 and time.monotonic() - state.checked_at < max_age:
        return False
    generation = _generation(session)
    if same_database and generation == state.generation:
        _state = replace(state, checked_at=time.monotonic())
        return False
    # columns, not entities: a session's identity map could hold rows older than the table's
    columns = (RiskEntry.code, RiskEntry.family, RiskEntry.label_fr, RiskEntry.label_en)
    rows = session.execute(
        select(*columns, RiskEntry.synonyms, RiskEntry.active, RiskEntry.position).order_by(
            RiskEntry.position, RiskEntry.code
        )
    ).all()
    with _lock:
        _state = _build(rows, engine, generation, (_state.version if _state else 0) + 1)
    return True


def reset() -> None:
    """Forget what was read: back to the packaged CSV until the next `refresh` (a new app)."""
    global _state
    with _lock:
        version = _state.version + 1 if _state is not None else 0
        _state = _build((), None, None, version)


# ---------------------------------------------------------------- the table


def seed(session: Session, actor="data") -> list[str]:
    """Insert the packaged entries missing from the table; never touches an existing one."""
    stored = set(session.scalars(select(RiskEntry.code)))
    added = []
    for position, row in enumerate(packaged_rows()):
        if row["code"] in stored:
            continue
        session.add(
            RiskEntry(
                **row,
                position=position,
                active=True,
                updated_by=audit.actor_label(actor),
                updated_at=utcnow(),
            )
        )
        added.append(row["code"])
    if added:
        session.flush()
        audit.record(session, actor, "create", "risk_entry", None, "loaded: " + ", ".join(added))
    return added


def _packaged_entry(code: str) -> RiskEntry | None:
    for position, row in enumerate(packaged_rows()):
        if row["code"] == code:
            return RiskEntry(**row, position=position, active=True, updated_by="data")
    return None


def entries(session: Session) -> list[RiskEntry]:
    """Every entry in catalogue order: the table's rows, and packaged entries not yet in it
    (unsaved `RiskEntry` objects, never added to the session)."""
    rows = {row.code: row for row in session.scalars(select(RiskEntry))}
    for code in (row["code"] for row in packaged_rows()):
        if code not in rows:
            rows[code] = _packaged_entry(code)
    return sorted(rows.values(), key=lambda e: (e.position, e.updated_at is None, e.code))


def entry(session: Session, code: str) -> RiskEntry | None:
    """One entry, from the table or else as packaged (unsaved); None for an unknown code."""
    return session.get(RiskEntry, code) or _packaged_entry(code)


def implications(code: str) -> list:
    """The follow-up rules a code triggers (`followup.Rule`: category, periodicity, label), in
    table order; none means the general individual follow-up."""
    from assistant.services.followup import rules as followup

    condition = f"risk:{code}"
    return [
        rule
        for rule in followup.load_rules()
        if any(condition in alternative for alternative in rule.matches)
    ]


class RiskCatalogueError(ValueError):
    """An edit refused; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def _clean(family: str, label_fr: str, label_en: str, synonyms) -> dict:
    label_fr, label_en = " ".join((label_fr or "").split()), " ".join((label_en or "").split())
    if family not in FAMILIES:
        raise RiskCatalogueError("family", _l("Choisissez une famille de risques."))
    if not label_fr:
        raise RiskCatalogueError("label_fr", _l("Indiquez le libellé en français."))
    if not label_en:
        raise RiskCatalogueError("label_en", _l("Indiquez le libellé en anglais."))
    for name, label in (("label_fr", label_fr), ("label_en", label_en)):
        if len(label) > LABEL_MAX:
            raise RiskCatalogueError(name, _l("%(max)d caractères au plus.", max=LABEL_MAX))
    words = split_synonyms(synonyms if isinstance(synonyms, str) else ";".join(synonyms or ()))
    return {
        "family": family,
        "label_fr": label_fr,
        "label_en": label_en,
        "synonyms": ";".join(words),
    }


def create_entry(
    session: Session,
    actor,
    code: str,
    family: str,
    label_fr: str,
    label_en: str,
    synonyms: str | Iterable[str] = "",
    active: bool = True,
    ip: str | None = None,
) -> RiskEntry:
    """A new entry at the end of the catalogue (audited). Raises RiskCatalogueError."""
    code = (code or "").strip()
    if not code:
        raise RiskCatalogueError("code", _l("Indiquez un code."))
    if len(code) > CODE_MAX or not CODE_PATTERN.fullmatch(code):
        raise RiskCatalogueError(
            "code",
            _l(
                "Le code ne peut contenir que des lettres minuscules sans accent, des chiffres et "
                "des tirets bas (_), %(max)s caractères au plus.",
                max=CODE_MAX,
            ),
        )
    if entry(session, code) is not None:
        raise RiskCatalogueError("code", _l("Ce code existe déjà dans le catalogue."))
    values = _clean(family, label_fr, label_en, synonyms)
    last = session.scalar(select(func.max(RiskEntry.position)))
    position = max(last if last is not None else -1, len(packaged_rows()) - 1) + 1
    row = RiskEntry(
        code=code,
        **values,
        position=position,
        active=bool(active),
        updated_by=audit.actor_label(actor),
        updated_at=utcnow(),
    )
    session.add(row)
    session.flush()
    state = "active" if row.active else "inactive"
    audit.record(
        session,
        actor,
        "create",
        "risk_entry",
        code,
        f"{values['label_fr']} ({family}, {state})",
        ip=ip,
    )
    return row


def update_entry(
    session: Session,
    actor,
    code: str,
    family: str,
    label_fr: str,
    label_en: str,
    synonyms: str | Iterable[str],
    active: bool,
    ip: str | None = None,
) -> RiskEntry:
    """Change an entry's family, labels, synonyms or active flag (audited, field by field).

    An entry that triggers a follow-up rule cannot be deactivated: that would stop employers
    declaring an exposure the law gives a particular follow-up. Raises RiskCatalogueError."""
    row = session.get(RiskEntry, code) or _packaged_entry(code)
    if row is None:
        raise LookupError(f"no risk entry {code!r}")
    values = {**_clean(family, label_fr, label_en, synonyms), "active": bool(active)}
    if not values["active"] and row.active:
        rules = implications(code)
        if rules:
            raise RiskCatalogueError(
                "active",
                _l(
                    "Ce risque déclenche un suivi particulier (%(rules)s) : il ne peut pas être "
                    "désactivé.",
                    rules=", ".join(rule.label_fr for rule in rules),
                ),
            )
    changes = [
        f"{name}: {getattr(row, name)!r} → {value!r}"
        for name, value in values.items()
        if getattr(row, name) != value
    ]
    if not changes and row.updated_at is not None:
        return row
    session.add(row)  # a packaged entry is stored at its first edit
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = audit.actor_label(actor)
    row.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "update", "risk_entry", code, "; ".join(changes) or "saved", ip=ip)
    return row
