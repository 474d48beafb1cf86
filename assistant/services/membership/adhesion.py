"""Joining the service: the member, its account, its first score, the welcome message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, null, select
from sqlalchemy.orm import Session

from assistant.core import messages
from assistant.core import settings as service_settings
from assistant.database import utcnow
from assistant.models import (
    Centre,
    CentreKind,
    Member,
    MemberKind,
    MemberStatus,
    MemberUser,
    Role,
    ScoreRecord,
    StaffUser,
    TariffKind,
)
from assistant.services import audit
from assistant.services.membership import member_mail, payment, tariffs
from assistant.services.messaging import outbox
from assistant.services.prevention import score


class AdhesionError(ValueError):
    pass


class EmailTaken(AdhesionError):
    """Another account already signs in with this e-mail address."""


class BadConfirmation(ValueError):
    """A confirmation link that is forged, too old, or for an address since changed."""


CONFIRMATION_VALIDITY = timedelta(days=2)
CONFIRMATION_RESEND_AFTER = timedelta(minutes=5)


def existing_member(session: Session, siret: str) -> Member | None:
    return session.scalar(select(Member).where(Member.siret == siret))


def yearly_amount(session: Session, kind: str, headcount: int, on: date) -> Decimal:
    """Employers pay per declared employee, an independent pays one contribution."""
    if kind == MemberKind.EMPLOYER:
        return tariffs.amount_due(session, TariffKind.EMPLOYEE, headcount, on)
    return tariffs.amount_due(session, TariffKind.INDEPENDENT, 1, on)


@dataclass(frozen=True)
class Price:
    """The cotisation a new member will pay: `rate` for each of `count` (employees, or the one
    independent), `total` a year."""

    rate: Decimal
    count: int
    total: Decimal


def price(session: Session, kind: str, headcount: int, on: date) -> Price | None:
    """What `yearly_amount` will charge, with its rate and count, shown before the contract is
    accepted; None when no rate is in force."""
    tariff = TariffKind.EMPLOYEE if kind == MemberKind.EMPLOYER else TariffKind.INDEPENDENT
    count = max(int(headcount or 0), 0) if kind == MemberKind.EMPLOYER else 1
    rate = tariffs.rate_on(session, tariff, on)
    if rate is None:
        return None
    return Price(rate.amount, count, yearly_amount(session, kind, count, on))


def assign_place(session: Session, postcode: str | None) -> tuple[Centre | None, StaffUser | None]:
    """A fixed centre in the member's département if there is one, and its least busy doctor."""
    centres = session.scalars(
        select(Centre)
        .where(Centre.active.is_(True), Centre.kind != CentreKind.TELE)
        .order_by(Centre.kind, Centre.id)
    ).all()
    department = (postcode or "")[:2]
    centre = next((c for c in centres if (c.postcode or "")[:2] == department), None)
    centre = centre or next((c for c in centres if c.kind == CentreKind.FIXED), None)
    members = (
        select(Member.doctor_id, func.count().label("n")).group_by(Member.doctor_id).subquery()
    )
    doctors = (
        select(StaffUser)
        .outerjoin(members, members.c.doctor_id == StaffUser.id)
        .where(StaffUser.role == Role.DOCTOR, StaffUser.active.is_(True))
        .order_by(
            (StaffUser.centre_id == (centre.id if centre else None)).desc(),
            func.coalesce(members.c.n, 0),
            StaffUser.id,
        )
    )
    return centre, session.scalars(doctors.limit(1)).first()


def _date_or_none(iso: str | None) -> date | None:
    """A date of the answers (kept as JSON, so as ISO text by the dialogue's parser)."""
    return date.fromisoformat(iso) if iso else None


@dataclass
class Joined:
    member: Member
    user: MemberUser
    score: ScoreRecord


def join(
    session: Session,
    actor,
    kind: str,
    answers: dict,
    today: date,
    auto_activate: bool,
    password: str | None = None,
    locale: str = "fr",
) -> Joined:
    """Create the member from a finished adhesion dialogue (answers as the engine stores them)."""
    siret = answers["siret"]
    if existing_member(session, siret) is not None:
        raise AdhesionError("already a member")
    email = (answers.get("email") or "").lower()
    if (
        kind == MemberKind.EMPLOYER
        and session.scalar(select(MemberUser.id).where(MemberUser.email == email)) is not None
    ):
        raise EmailTaken(email)
    if not answers.get("accept_contract"):
        raise AdhesionError("the contract was not accepted")
    headcount = int(answers.get("headcount") or 0) if kind == MemberKind.EMPLOYER else 0
    centre, doctor = assign_place(session, answers.get("postcode"))
    now = utcnow()
    # an employer's e-mail must be proven first (confirm_email), whatever auto_activate says
    auto_activate = auto_activate and kind != MemberKind.EMPLOYER
    member = Member(
        kind=kind,
        status=MemberStatus.ACTIVE if auto_activate else MemberStatus.PENDING,
        siret=siret,
        siren=siret[:9],
        legal_name=answers["legal_name"],
        naf_code=answers.get("naf_code"),
        address=answers.get("address"),
        postcode=answers.get("postcode"),
        city=answers.get("city"),
        headcount=headcount,
        contact_name=answers.get("contact_name") or answers.get("legal_name"),
        email=answers.get("email"),
        phone=answers.get("phone"),
        birth_date=_date_or_none(answers.get("birth_date")),
        main_risks=list(answers.get("main_risks") or []),
        payment_method=answers.get("payment_method"),
        iban=answers.get("iban") if answers.get("payment_method") == "sepa" else None,
        yearly_amount=yearly_amount(session, kind, headcount, today),
        contract_accepted_at=now,
        locale=locale,
        centre_id=centre.id if centre else None,
        doctor_id=doctor.id if doctor else None,
        activated_at=now if auto_activate else None,
    )
    session.add(member)
    session.flush()

    if kind == MemberKind.EMPLOYER:
        if not password:
            raise AdhesionError("an employer account needs a password")
        # null(), not None: None would let the column's default (proven) apply
        user = MemberUser(
            member_id=member.id, email=member.email.lower(), email_confirmed_at=null()
        )
        user.set_password(password)
    else:
        user = MemberUser(member_id=member.id, phone=member.phone)
    session.add(user)

    record = record_score(session, member, answers)
    # a free self-check made earlier by SMS from this phone now belongs to the member
    if member.phone:
        for earlier in session.scalars(
            select(ScoreRecord).where(
                ScoreRecord.phone == member.phone, ScoreRecord.member_id.is_(None)
            )
        ):
            earlier.member_id = member.id
    session.flush()
    audit.record(session, actor, "create", "member", member.id, f"adhesion {kind}")
    return Joined(member, user, record)


def confirmation_token(secret_key: str, user: MemberUser) -> str:
    """The signed token of the link proving the account's e-mail address."""
    return _serializer(secret_key).dumps({"user": user.id, "email": user.email})


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="member-email-confirmation")


def queue_confirmation(
    session: Session, user: MemberUser, subject: str, body: str, now: datetime
) -> None:
    """E-mail the link (the body holds it); the caller checks `can_resend` for a repeat."""
    outbox.queue_email(session, user.email, subject, body)
    user.confirmation_sent_at = now


def can_resend(user: MemberUser, now: datetime) -> bool:
    last = user.confirmation_sent_at
    return last is None or now - last >= CONFIRMATION_RESEND_AFTER


def confirm_email(
    session: Session, secret_key: str, token: str, now: datetime, auto_activate: bool
) -> tuple[MemberUser, bool]:
    """Follow a confirmation link: the address is proven, and the member active unless the
    staff validates new members. Following it twice is harmless: (account, first time)."""
    try:
        payload, signed_at = _serializer(secret_key).loads(token, return_timestamp=True)
    except BadSignature as error:
        raise BadConfirmation("bad signature") from error
    if now - signed_at.astimezone(UTC) > CONFIRMATION_VALIDITY:
        raise BadConfirmation("too old")
    user = session.get(MemberUser, payload.get("user")) if isinstance(payload, dict) else None
    if user is None or not user.email or user.email != payload.get("email"):
        raise BadConfirmation("no such account")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
        member = user.member
        if auto_activate and member.status == MemberStatus.PENDING:
            member.status = MemberStatus.ACTIVE
            member.activated_at = now
        audit.record(session, f"member:{user.id}", "confirm_email", "member", member.id)
        return user, True
    return user, False


def record_score(session: Session, member: Member, answers: dict) -> ScoreRecord:
    """A member's score, from its answers (has it employees: from its own record)."""
    has_employees = member.kind == MemberKind.EMPLOYER and member.headcount > 0
    return record_self_check(
        session, answers, has_employees, member_id=member.id, phone=member.phone
    )[0]


def record_self_check(
    session: Session,
    answers: dict,
    has_employees: bool,
    *,
    member_id: int | None = None,
    phone: str | None = None,
    now: datetime | None = None,
) -> tuple[ScoreRecord, score.ScoreResult]:
    """The one way a score is computed and kept (web, SMS, chat; a member or anyone)."""
    result = score.from_answers(answers, has_employees)
    record = ScoreRecord(
        member_id=member_id,
        phone=phone,
        has_employees=has_employees,
        answers=result.answers,
        score=result.score,
        computed_at=now or utcnow(),
    )
    session.add(record)
    return record, result


def queue_dialogue_welcome(
    session: Session, member: Member, locale: str, sms: bool = False
) -> None:
    """The welcome of a member who joined through a dialogue, rendered here in their language:
    by e-mail when given, else by SMS when `sms` (the conversation was not on that phone: by
    SMS, the reply itself is the welcome). A member paying by transfer then gets its details by
    SMS too (`queue_transfer_sms`)."""
    if member.email or sms:
        settings = service_settings.of(session)
        values = {
            "member": member,
            "service_name": settings.service_name,
            "service_phone": settings.service_phone,
            "config": {"PUBLIC_BASE_URL": settings.public_base_url},
        }
        subject = messages.render("sms/welcome_subject.txt", locale, **values)
        transfer = payment.transfer(member, messages.language(locale))
        body = (
            messages.render("mail/welcome.txt", locale, **values, transfer=transfer)
            if member.email
            else ""
        )
        sms_body = messages.render("sms/welcome.txt", locale, **values).strip() if sms else ""
        queue_welcome(session, member, subject, body, sms_body)
    queue_transfer_sms(session, member, locale)


def queue_transfer_sms(session: Session, member: Member, locale: str) -> None:
    """A member who joined by SMS or chat and pays by transfer gets the service's bank details
    and its payment reference in an SMS of their own, beside the welcome and the rating that
    the conversation's reply already fills (three segments)."""
    transfer = payment.transfer(member, messages.language(locale))
    if transfer is None or not member.phone:
        return
    outbox.queue_sms(
        session, member.phone, messages.render("sms/transfer.txt", locale, transfer=transfer)
    )


def queue_welcome(
    session: Session, member: Member, subject: str, mail_body: str, sms_body: str
) -> None:
    """The welcome message (rendered in the member's language): by e-mail, else by SMS."""
    if member.email:
        outbox.queue_email(session, member.email, subject, mail_body)
    elif member.phone:
        outbox.queue_sms(session, member.phone, sms_body)


def rate_adhesion(session: Session, member: Member, rating: int) -> None:
    if not 1 <= rating <= 5:
        raise AdhesionError("rating out of range")
    member.adhesion_rating = rating


REFUSAL_REASON_MAX = 500


def validate_member(session: Session, actor, member: Member) -> None:
    """A pending adhesion, or one refused then corrected with the service, becomes active; the
    member is told by e-mail, in its language."""
    if member.status not in (MemberStatus.PENDING, MemberStatus.REFUSED):
        raise AdhesionError("not pending")
    member.status = MemberStatus.ACTIVE
    member.activated_at = utcnow()
    audit.record(session, actor, "validate", "member", member.id)
    member_mail.tell(session, member, "adhesion_validated")


def refuse_member(session: Session, actor, member: Member, reason: str, now: datetime) -> None:
    """Refuse a pending adhesion with a reason that the member reads (by e-mail). The refusal is
    not final: the member answers the service, which may validate the adhesion afterwards."""
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > REFUSAL_REASON_MAX:
        raise AdhesionError("a reason is needed")
    if member.status != MemberStatus.PENDING:
        raise AdhesionError("not pending")
    member.status = MemberStatus.REFUSED
    member.refused_at = now
    member.refusal_reason = reason
    audit.record(session, actor, "refuse", "member", member.id, reason[:200])
    member_mail.tell(session, member, "adhesion_refused")
