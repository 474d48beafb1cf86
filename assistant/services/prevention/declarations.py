"""Risk self-assessments (four drawers), versioned: each declaration is a new row, never an edit.

A declaration's data is {drawer: {key: answer}}: its answers are the `FIELDS`, each with the
question the self-assessment journey asks and the pages and diffs repeat. The latest
declaration's risks are copied to `member.main_risks`, which the rest of the code reads (fiche
d'entreprise, follow-up). Every stored declaration is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import labels
from assistant.core.text import _l, lazy_risk_label
from assistant.models import Member, RiskDeclaration
from assistant.services import audit
from assistant.services.prevention import risk_catalogue
from assistant.services.prevention.risk_catalogue import Catalogue

ORGANISATION, ACTIVITIES, PREVENTION, RISKS = "organisation", "activites", "prevention", "risques"
DRAWERS = (ORGANISATION, ACTIVITIES, PREVENTION, RISKS)

RISK_CODES = "risks"  # the risks drawer's one answer in a declaration: catalogue codes


@dataclass(frozen=True)
class Field:
    """One answer a declaration keeps: its key, its drawer and the question asking it."""

    key: str
    drawer: str
    question: Any  # a lazy string


# a declaration's answers in the order they are asked, drawer by drawer
FIELDS = {
    field.key: field
    for field in (
        Field("in_group", ORGANISATION, _l("Votre entreprise fait-elle partie d'un groupe ?")),
        Field("has_cse", ORGANISATION, _l("Avez-vous un comité social et économique (CSE) ?")),
        Field(
            "competent_employee",
            ORGANISATION,
            _l("Avez-vous désigné un salarié compétent en santé et sécurité au travail ?"),
        ),
        Field("sites", ORGANISATION, _l("Nombre de sites ou d'établissements")),
        Field("trades", ACTIVITIES, _l("Vos principaux métiers et activités")),
        Field(
            "has_duerp",
            PREVENTION,
            _l("Avez-vous un document unique d'évaluation des risques (DUERP) ?"),
        ),
        Field("has_action_plan", PREVENTION, _l("Avez-vous un plan d'actions de prévention ?")),
        Field(
            "has_training",
            PREVENTION,
            _l(
                "Des formations à la sécurité ont-elles été suivies "
                "(gestes et postures, secourisme…) ?"
            ),
        ),
        Field(
            "has_ppe",
            PREVENTION,
            _l("Des équipements de protection individuelle sont-ils fournis et portés ?"),
        ),
        Field(RISK_CODES, RISKS, _l("Les risques auxquels votre activité expose")),
    )
}


def normalise(data: dict, catalogue: Catalogue) -> dict:
    """The four drawers, always present, with the risks as sorted unique codes of the catalogue
    (the app's reading of it: `risk_catalogue.of(session).catalogue()`)."""
    clean = {drawer: dict((data or {}).get(drawer) or {}) for drawer in DRAWERS}
    codes = clean[RISKS].get(RISK_CODES) or []
    unknown = set(codes) - set(catalogue)
    if unknown:
        raise ValueError(f"unknown risk codes: {sorted(unknown)}")
    clean[RISKS][RISK_CODES] = sorted(set(codes))
    return clean


def risk_codes(data: dict | None) -> list[str]:
    return list(((data or {}).get(RISKS) or {}).get(RISK_CODES) or [])


def history(session: Session, member_id: int) -> list[RiskDeclaration]:
    """A member's declarations, oldest first."""
    return list(
        session.scalars(
            select(RiskDeclaration)
            .where(RiskDeclaration.member_id == member_id)
            .order_by(RiskDeclaration.version)
        )
    )


def latest(session: Session, member_id: int) -> RiskDeclaration | None:
    return session.scalar(
        select(RiskDeclaration)
        .where(RiskDeclaration.member_id == member_id)
        .order_by(RiskDeclaration.version.desc())
        .limit(1)
    )


def current_data(session: Session, member: Member) -> dict:
    """What the member declared last; before any declaration, the risks given at adhesion."""
    catalogue = risk_catalogue.of(session).catalogue()
    last = latest(session, member.id)
    if last is not None:
        return normalise(last.data, catalogue)
    return normalise({RISKS: {RISK_CODES: list(member.main_risks or [])}}, catalogue)


def declare(session: Session, actor, member_id: int, data: dict) -> RiskDeclaration:
    """Store a new version (previous + 1); a declaration identical to the latest is not stored."""
    catalogue = risk_catalogue.of(session).catalogue()
    data = normalise(data, catalogue)
    member = session.get(Member, member_id)
    if member is None:
        raise LookupError(f"no member {member_id}")
    previous = latest(session, member_id)
    if previous is not None and normalise(previous.data, catalogue) == data:
        return previous
    declaration = RiskDeclaration(
        member_id=member_id,
        version=(previous.version + 1) if previous is not None else 1,
        data=data,
        created_by=audit.actor_label(actor),
    )
    session.add(declaration)
    session.flush()
    member.main_risks = risk_codes(data)
    audit.record(
        session,
        actor,
        "create",
        "risk_declaration",
        declaration.id,
        f"member {member_id}, version {declaration.version}",
    )
    return declaration


def add_risks(
    session: Session, actor, member_id: int, codes: list[str], data: dict | None = None
) -> RiskDeclaration:
    """A new version with these risks added to those declared so far (before any declaration,
    those given at adhesion): nothing declared is lost. The other drawers are `data`'s, else
    unchanged."""
    member = session.get(Member, member_id)
    current = current_data(session, member)
    data = normalise(data, risk_catalogue.of(session).catalogue()) if data is not None else current
    data[RISKS][RISK_CODES] = sorted(set(risk_codes(current)) | set(codes))
    return declare(session, actor, member_id, data)


@dataclass(frozen=True)
class Change:
    """One difference between two versions: a risk added or removed, or an answer changed."""

    drawer: str
    key: str
    kind: str  # "added", "removed" (risks) or "changed" (any other answer)
    before: Any = None
    after: Any = None
    risk: Any = None  # a risk added or removed: its label (lazy: in the reader's language)

    @property
    def drawer_title(self) -> str:
        return str(labels.DECLARATION_DRAWER[self.drawer])

    @property
    def text(self) -> str:
        if self.kind == "added":
            return str(_l("Risque ajouté : %(risk)s", risk=str(self.risk)))
        if self.kind == "removed":
            return str(_l("Risque retiré : %(risk)s", risk=str(self.risk)))
        return str(
            _l(
                "%(question)s : %(before)s → %(after)s",
                question=str(FIELDS[self.key].question),
                before=shown(self.before),
                after=shown(self.after),
            )
        )


def _risk_label(catalogue: Catalogue, code: str):
    """A risk's label, lazy (in the language of the moment); its code if the catalogue has no
    such entry."""
    risk = catalogue.get(code)
    return lazy_risk_label(risk) if risk is not None else code


def shown(value) -> str:
    """An answer as a person reads it (yes/no, numbers, text; nothing as a dash)."""
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_l("oui"))
    if value is False:
        return str(_l("non"))
    return str(value)


def diff(older, newer, catalogue: Catalogue) -> list[Change]:
    """What changed from one version (or data dict) to the next, drawer by drawer, in order; the
    risks named by their label in this reading of the catalogue."""
    before = normalise(getattr(older, "data", older) or {}, catalogue)
    after = normalise(getattr(newer, "data", newer) or {}, catalogue)
    changes: list[Change] = []
    for field in FIELDS.values():
        drawer, key = field.drawer, field.key
        if key == RISK_CODES:
            old, new = set(risk_codes(before)), set(risk_codes(after))
            changes += [
                Change(drawer, key, "added", after=code, risk=_risk_label(catalogue, code))
                for code in sorted(new - old)
            ]
            changes += [
                Change(drawer, key, "removed", before=code, risk=_risk_label(catalogue, code))
                for code in sorted(old - new)
            ]
        else:
            old, new = before[drawer].get(key), after[drawer].get(key)
            if old != new:
                changes.append(Change(drawer, key, "changed", old, new))
    return changes


def summary(data: dict, catalogue: Catalogue) -> list[tuple[str, list[tuple[str, str]]]]:
    """A declaration as (drawer title, [(question, answer)]) to show it, the risks named by their
    label in this reading of the catalogue."""
    data = normalise(data, catalogue)
    rows = []
    for drawer in DRAWERS:
        lines = []
        for field in FIELDS.values():
            if field.drawer != drawer:
                continue
            if field.key == RISK_CODES:
                named = [str(_risk_label(catalogue, code)) for code in risk_codes(data)]
                lines.append((str(field.question), ", ".join(named) or "—"))
            elif field.key in data[drawer]:
                lines.append((str(field.question), shown(data[drawer][field.key])))
        rows.append((str(labels.DECLARATION_DRAWER[drawer]), lines))
    return rows
