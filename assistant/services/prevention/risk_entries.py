"""The risk catalogue's table (`risk_entry`): seeding it from the packaged CSV, the entries as the
back office lists them, and their editing by an administrator, audited field by field. An entry
that triggers a follow-up rule cannot be deactivated. An app sees an edit when it reads its copy
of the catalogue again (`risk_catalogue.RiskCatalogue.refresh`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.core.parsing import fold
from assistant.core.text import _l
from assistant.database import utcnow
from assistant.models.risk import FAMILIES, RiskEntry
from assistant.services import audit
from assistant.services.followup import followup_table
from assistant.services.prevention.risk_catalogue import packaged_rows

CODE_PATTERN = re.compile(r"[a-z0-9_]+")
CODE_MAX = 40
LABEL_MAX = 200


def split_synonyms(text: str | None) -> list[str]:
    """Synonyms typed one per line or separated by ";", trimmed, without repeats."""
    found: list[str] = []
    for piece in re.split(r"[;\n\r]+", text or ""):
        piece = " ".join(piece.split())
        if piece and fold(piece) not in {fold(s) for s in found}:
            found.append(piece)
    return found


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
        rules = followup_table.implications(code)
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
