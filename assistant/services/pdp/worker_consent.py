"""The worker's side of the consent to tell the employer something of a PDP case: what each scope
would tell (said in full before anyone agrees), the cell asking by SMS, and the worker's answers
by text (`PDP OUI` answers the latest ask; `PDP NON` withdraws every consent in force).

Only the worker answers: by SMS or the chat from their own proven mobile, in their space signed in
with it, or to the cell in person (channel `staff`). The ask goes to the proven mobile only — a
contact number the employer typed may be the employer's own. The records themselves are
`assistant.services.pdp.consent`'s (what, to whom, when, by which channel).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core import messages
from assistant.models import Member, PhoneProfile
from assistant.models.pdp import PdpCase, PdpConsentScope
from assistant.services.messaging import outbox
from assistant.services.pdp import cases, consent

EMPLOYER_NAME_SHORT = 30  # an employer's name cut to this when the SMS would not fit


def employer_of(session: Session, case: PdpCase) -> Member:
    """To whom a consent of this case would tell (the employer, by its legal name)."""
    return session.get(Member, case.member_id)


def employer_name(session: Session, case: PdpCase) -> str:
    """The employer's legal name as an SMS says it (a long one cut, so the message fits)."""
    name = employer_of(session, case).legal_name
    if len(name) <= EMPLOYER_NAME_SHORT:
        return name
    return name[:EMPLOYER_NAME_SHORT].rstrip() + "…"


def ask_text(session: Session, case: PdpCase, scope, locale: str) -> str:
    """The SMS asking the worker (the journey's question too): what would be told, to whom,
    that nothing else would, that it can be withdrawn, how to answer; within three segments."""
    return messages.render(
        "sms/pdp_consent_ask.txt",
        locale,
        employer=employer_name(session, case),
        scope=str(PdpConsentScope(scope)),
        in_force=False,
    )


def ask_worker(session: Session, case: PdpCase, actor, scope, now: datetime) -> bool:
    """The cell asks the worker for a consent (`consent.ask`), by SMS to their proven mobile.
    False when the worker has no proven mobile: no SMS, the cell asks otherwise (their space,
    the phone)."""
    consent.ask(session, case, actor, scope, now)
    phone = case.employee.proven_phone if case.employee is not None else None
    if not phone:
        return False
    locale = session.scalar(select(PhoneProfile.locale).where(PhoneProfile.phone == phone))
    outbox.queue_sms(session, phone, ask_text(session, case, scope, locale or "fr"))
    return True


def pending_ask(session: Session, employee_ids) -> PdpCase | None:
    """The worker's latest case whose consent the cell asked for and is not answered yet."""
    asked = [c for c in cases.of_employee(session, employee_ids) if c.consent_asked_scope]
    return max(asked, key=lambda c: (c.consent_asked_at, c.id)) if asked else None


def in_force_cases(session: Session, employee_ids) -> list[PdpCase]:
    """The worker's cases with a consent in force (something may be told to the employer)."""
    return [
        case
        for case in cases.of_employee(session, employee_ids)
        if any(c.revoked_at is None for c in consent.consents(session, case))
    ]


def answer_yes(session: Session, case: PdpCase, by, channel: str, now: datetime):
    """The worker agrees to what the cell asked on this case."""
    return consent.give(session, case, by, case.consent_asked_scope, channel, now)


def answer_no(session: Session, employee_ids, by, channel: str, now: datetime) -> int:
    """The worker withdraws every consent in force on their cases (and declines any ask):
    nothing more is told to an employer from now on. Returns how many were withdrawn."""
    withdrawn = 0
    for case in cases.of_employee(session, employee_ids):
        if case.consent_asked_scope or any(
            c.revoked_at is None for c in consent.consents(session, case)
        ):
            withdrawn += consent.revoke(session, case, by, channel, now)
    return withdrawn
