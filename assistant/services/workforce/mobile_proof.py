"""Proving a worker's own mobile, merging the same person's employments, sessions of the number.

A worker's own mobile (`Worker.phone`) is proven only when the person holding it gives back a
one-time code sent to it, in one of two ways an employer cannot take alone: at a visit (in person
or by video) a health professional or the medical secretary sends a code to the number the worker
reads out and types the code the worker reads back (`start_proof`, `confirm_proof`); or a worker
signed in with their proven mobile moves it by giving back the code sent to the new number
(`start_change`, `confirm_change`). Two employments are the same worker only when a professional
proves, for the second one, a mobile already proven for the first, and the names and birth date
match (the workers are then merged); otherwise the proof is refused. When the employer types
another contact number, the proven mobile is told (`contact_changed`); moving a number signs out
its sessions of the employee space (`session_version`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assistant.core import messages
from assistant.core import settings as service_settings
from assistant.core.text import _l
from assistant.models import (
    Employee,
    HealthSituation,
    Member,
    PhoneProfile,
    TeleConsent,
    Worker,
)
from assistant.services import audit
from assistant.services.membership import otp
from assistant.services.messaging import outbox

PROOF_PURPOSE = "worker_proof"
CHANGE_PURPOSE = "worker_change"


class IdentityError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def worker_of(session: Session, employee: Employee) -> Worker:
    """The employment's worker, created the first time the service needs one."""
    if employee.worker is None:
        worker = Worker()
        session.add(worker)
        session.flush()
        employee.worker_id = worker.id
        employee.worker = worker
        session.flush()
    return employee.worker


def _same_person(a: Employee, b: Employee) -> bool:
    return (a.last_name_folded, a.first_name_folded, a.birth_date) == (
        b.last_name_folded,
        b.first_name_folded,
        b.birth_date,
    )


def _merge(session: Session, keep: Worker, gone: Worker) -> None:
    """`gone` was the same person as `keep`: its employments, health situation and consents to
    teleconsultation move over (health flags combined: a situation declared once counts for
    every employer)."""
    for employee in session.scalars(select(Employee).where(Employee.worker_id == gone.id)):
        employee.worker_id = keep.id
        employee.worker = keep
    moving = session.scalar(select(HealthSituation).where(HealthSituation.worker_id == gone.id))
    if moving is not None:
        kept = session.scalar(select(HealthSituation).where(HealthSituation.worker_id == keep.id))
        if kept is None:
            moving.worker_id = keep.id
        else:
            kept.pregnant = kept.pregnant or moving.pregnant
            kept.invalidity_pension = kept.invalidity_pension or moving.invalidity_pension
            kept.disabled = kept.disabled or moving.disabled
            session.delete(moving)
    # a consent to teleconsultation is the person's: it follows them (R4624-41-1)
    session.execute(
        update(TeleConsent).where(TeleConsent.worker_id == gone.id).values(worker_id=keep.id)
    )
    session.flush()
    session.delete(gone)
    session.flush()


def _send_code(session: Session, phone: str, purpose: str, now: datetime, locale: str) -> None:
    try:  # a code the worker reads back to the professional: its own words
        otp.send_code(session, phone, purpose, now, locale=locale, template="proof_code")
    except otp.TooManyCodes:
        raise IdentityError(otp.TOO_MANY_CODES_MESSAGE) from None


def start_proof(
    session: Session, actor, employee: Employee, phone: str, now: datetime, locale: str = "fr"
) -> None:
    """Send a code to the number the worker gives the professional (read out to them)."""
    _send_code(session, phone, PROOF_PURPOSE, now, locale)
    audit.record(session, actor, "proof_start", "employee", employee.id)


def confirm_proof(
    session: Session, actor, employee: Employee, phone: str, code: str, now: datetime
) -> Worker:
    """The worker read back the code: the number becomes their proven mobile."""
    check = otp.verify(session, phone, PROOF_PURPOSE, code, now)
    if check != otp.CodeCheck.OK:
        raise IdentityError(otp.CHECK_MESSAGES[check])
    holder = session.scalar(select(Worker).where(Worker.phone == phone))
    if holder is not None and holder.id != employee.worker_id:
        others = session.scalars(select(Employee).where(Employee.worker_id == holder.id)).all()
        if not others or not any(_same_person(employee, other) for other in others):
            raise IdentityError(
                _l(
                    "Ce numéro est déjà confirmé pour une autre personne suivie par le service : "
                    "vérifiez-le avec le salarié."
                )
            )
        # the person already proved this number with another employer: one worker, kept
        if employee.worker is not None:
            _merge(session, keep=holder, gone=employee.worker)
        else:
            employee.worker_id, employee.worker = holder.id, holder
            session.flush()
        worker = holder
    else:
        worker = worker_of(session, employee)
        previous = worker.phone
        worker.phone = phone
        worker.phone_proven_at = now
        worker.phone_proven_by = audit.actor_label(actor)
        session.flush()
        if previous and previous != phone:
            _bump(session, previous, now)
    audit.record(session, actor, "proof", "worker", worker.id, f"employee {employee.id}")
    return worker


def start_change(
    session: Session, worker: Worker, new_phone: str, now: datetime, locale: str = "fr"
) -> None:
    if worker.phone is None:
        raise IdentityError(_l("Votre numéro doit d'abord être confirmé par le service."))
    if session.scalar(select(Worker.id).where(Worker.phone == new_phone)) is not None:
        raise IdentityError(_l("Ce numéro est déjà celui d'une personne suivie par le service."))
    _send_code(session, new_phone, CHANGE_PURPOSE, now, locale)


def confirm_change(
    session: Session, worker: Worker, new_phone: str, code: str, now: datetime
) -> Worker:
    check = otp.verify(session, new_phone, CHANGE_PURPOSE, code, now)
    if check != otp.CodeCheck.OK:
        raise IdentityError(otp.CHECK_MESSAGES[check])
    if worker.phone is None:
        raise IdentityError(_l("Votre numéro doit d'abord être confirmé par le service."))
    if session.scalar(select(Worker.id).where(Worker.phone == new_phone)) is not None:
        raise IdentityError(_l("Ce numéro est déjà celui d'une personne suivie par le service."))
    old = worker.phone
    worker.phone = new_phone
    worker.phone_proven_at = now
    worker.phone_proven_by = f"worker:{worker.id}"
    session.flush()
    _bump(session, old, now)
    audit.record(session, f"employee:{old}", "phone_change", "worker", worker.id)
    return worker


def contact_changed(session: Session, employee: Employee, old: str | None, locale: str) -> None:
    """Tell the worker's proven mobile (never the new contact) that the employer typed another
    number: nothing moves, but the worker should know."""
    proven = employee.proven_phone
    if not proven or old == employee.phone:
        return
    member = session.get(Member, employee.member_id)
    profile_locale = session.scalar(select(PhoneProfile.locale).where(PhoneProfile.phone == proven))
    text = messages.render(
        "sms/contact_changed.txt",
        profile_locale or locale,
        employer=member.legal_name if member else "",
        service_phone=service_settings.of(session).service_phone,
    )
    outbox.queue_sms(session, proven, text)


def session_version(session: Session, phone: str) -> int:
    return (
        session.scalar(select(PhoneProfile.session_version).where(PhoneProfile.phone == phone)) or 0
    )


def _bump(session: Session, phone: str, now: datetime | None = None) -> None:
    profile = session.scalar(select(PhoneProfile).where(PhoneProfile.phone == phone))
    if profile is None:
        profile = PhoneProfile(phone=phone)
        session.add(profile)
        session.flush()
    profile.session_version = (profile.session_version or 0) + 1
    session.flush()


def end_sessions(session: Session, phone: str) -> None:
    """Sign out every session of this number in the employee space (the cookie is then refused)."""
    _bump(session, phone)
