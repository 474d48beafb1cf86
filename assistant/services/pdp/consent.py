"""The worker's consent that the employer learn something of their PDP case, and every disclosure.

The employer learns anything about the employee's situation only with the employee's explicit,
informed consent (SPEC 4.7): `give` records what (`PdpConsentScope`), to whom (the employer),
when, by which channel and who recorded it; `revoke` withdraws it at any time (the web, SMS
`PDP NON`, or the staff on the worker's word). `disclose` is the only way anything of a case goes
to the employer: it checks a consent in force for that scope at that moment, records the
disclosure with the consent it used, or refuses (`ConsentMissing`). The letter about an adjustment
(`adjustment_letter`) is such a disclosure, checked again at every download.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core.text import _l
from assistant.models.pdp import (
    PdpAction,
    PdpActionKind,
    PdpCase,
    PdpChannel,
    PdpConsent,
    PdpConsentScope,
    PdpDisclosure,
)
from assistant.services import audit
from assistant.services.pdp.cases import PdpError


class ConsentMissing(PdpError):
    """No consent of the worker in force for what would be told to the employer."""


def _employer_case(case: PdpCase) -> None:
    if case.employee_id is None:
        raise PdpError(_l("Un travailleur indépendant n'a pas d'employeur à informer."))


def in_force(session: Session, case: PdpCase, scope: PdpConsentScope | str) -> PdpConsent | None:
    return session.scalar(
        select(PdpConsent)
        .where(
            PdpConsent.case_id == case.id,
            PdpConsent.scope == PdpConsentScope(scope),
            PdpConsent.revoked_at.is_(None),
        )
        .order_by(PdpConsent.given_at.desc(), PdpConsent.id.desc())
        .limit(1)
    )


def consents(session: Session, case: PdpCase) -> list[PdpConsent]:
    """Every consent of the case, given and revoked, newest first (the worker's record)."""
    return list(
        session.scalars(
            select(PdpConsent)
            .where(PdpConsent.case_id == case.id)
            .order_by(PdpConsent.given_at.desc(), PdpConsent.id.desc())
        )
    )


def ask(
    session: Session, case: PdpCase, actor, scope: PdpConsentScope | str, now: datetime
) -> None:
    """The cell asks the worker for a consent (answered in their space or by SMS PDP OUI / NON)."""
    _employer_case(case)
    case.consent_asked_scope = PdpConsentScope(scope)
    case.consent_asked_at = now
    audit.record(session, actor, "ask_consent", "pdp_case", case.id, str(scope))


def give(
    session: Session,
    case: PdpCase,
    by,
    scope: PdpConsentScope | str,
    channel: PdpChannel | str,
    now: datetime,
) -> PdpConsent:
    """The worker consents that the employer be told `scope` (by the worker, or recorded by the
    staff on the worker's word: channel `staff`)."""
    _employer_case(case)
    scope, channel = PdpConsentScope(scope), PdpChannel(channel)
    current = in_force(session, case, scope)
    if current is not None:
        return current
    consent = PdpConsent(
        case_id=case.id,
        scope=scope,
        recipient_member_id=case.member_id,
        given_at=now,
        channel=channel,
        given_by=audit.actor_label(by),
    )
    session.add(consent)
    if case.consent_asked_scope == scope:
        case.consent_asked_scope = None
        case.consent_asked_at = None
    session.flush()
    audit.record(session, by, "consent_give", "pdp_case", case.id, f"{scope} {channel}")
    return consent


def revoke(
    session: Session,
    case: PdpCase,
    by,
    channel: PdpChannel | str,
    now: datetime,
    scope: PdpConsentScope | str | None = None,
) -> int:
    """Withdraw the consents in force (of one scope, or all): nothing more is told from now on.
    Also answers a pending ask (no). Returns how many were withdrawn."""
    channel = PdpChannel(channel)
    query = select(PdpConsent).where(PdpConsent.case_id == case.id, PdpConsent.revoked_at.is_(None))
    if scope is not None:
        query = query.where(PdpConsent.scope == PdpConsentScope(scope))
    withdrawn = 0
    for consent in session.scalars(query):
        consent.revoked_at = now
        consent.revoked_channel = channel
        consent.revoked_by = audit.actor_label(by)
        withdrawn += 1
    if scope is None or case.consent_asked_scope == scope:
        case.consent_asked_scope = None
        case.consent_asked_at = None
    audit.record(session, by, "consent_revoke", "pdp_case", case.id, f"{scope or 'all'} {channel}")
    return withdrawn


def disclose(
    session: Session,
    case: PdpCase,
    by,
    scope: PdpConsentScope | str,
    what: str,
    now: datetime,
) -> PdpDisclosure:
    """Record that `what` of the case goes to the employer, under a consent in force now; refuse
    (`ConsentMissing`) otherwise — the refusal is audited too."""
    _employer_case(case)
    consent = in_force(session, case, scope)
    if consent is None:
        audit.record(session, by, "disclosure_refused", "pdp_case", case.id, f"{scope} {what}")
        raise ConsentMissing(
            _l("Le salarié n'a pas donné son accord (ou l'a retiré) : rien n'est transmis.")
        )
    disclosure = PdpDisclosure(
        case_id=case.id,
        consent_id=consent.id,
        scope=consent.scope,
        recipient_member_id=consent.recipient_member_id,
        what=what,
        at=now,
        by=audit.actor_label(by),
    )
    session.add(disclosure)
    session.flush()
    audit.record(session, by, "disclose", "pdp_case", case.id, f"{scope} {what}")
    return disclosure


def adjustments(session: Session, case: PdpCase) -> list[PdpAction]:
    """The adjustments of the workstation the plan recommends (what the letter tells)."""
    return [a for a in case.actions if a.kind == PdpActionKind.ADJUSTMENT]


def disclosures(session: Session, case: PdpCase) -> list[PdpDisclosure]:
    return list(
        session.scalars(
            select(PdpDisclosure)
            .where(PdpDisclosure.case_id == case.id)
            .order_by(PdpDisclosure.at.desc(), PdpDisclosure.id.desc())
        )
    )


# the plan's actions that need the employer (what the scope `plan` lets it know, as the worker is
# told: kinds and dates, never the cell's notes; the adjustments have their own scope, the letter)
EMPLOYER_ACTIONS = (
    PdpActionKind.WORKSTATION_STUDY,
    PdpActionKind.ESSAI_ENCADRE,
    PdpActionKind.TRAINING,
)


def shared_with_employer(session: Session, member, by, now: datetime) -> list[dict]:
    """What this employer may read now of its employees' cases, under the consents in force for
    it: the stage (scope `stage`) and the plan's actions that need it (scope `plan`, kinds and
    dates only). Every item shown is a disclosure, recorded with the consent it used."""
    rows = []
    scopes = (PdpConsentScope.STAGE, PdpConsentScope.PLAN)
    in_force_now = session.scalars(
        select(PdpConsent)
        .where(
            PdpConsent.recipient_member_id == member.id,
            PdpConsent.revoked_at.is_(None),
            PdpConsent.scope.in_(scopes),
        )
        .order_by(PdpConsent.case_id)
    )
    by_case: dict[int, set[str]] = {}
    for given in in_force_now:
        by_case.setdefault(given.case_id, set()).add(given.scope)
    for case_id, granted in by_case.items():
        case = session.get(PdpCase, case_id)
        if case.member_id != member.id or case.employee_id is None:
            continue
        row = {"case": case, "stage": None, "actions": []}
        if PdpConsentScope.STAGE in granted:
            disclose(session, case, by, PdpConsentScope.STAGE, "stage", now)
            row["stage"] = case.stage
        if PdpConsentScope.PLAN in granted:
            disclose(session, case, by, PdpConsentScope.PLAN, "plan", now)
            row["actions"] = [a for a in case.actions if a.kind in EMPLOYER_ACTIONS]
        rows.append(row)
    return rows
