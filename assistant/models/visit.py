"""Visits: the planning (weekly sessions, absences, slots) and the visits booked into it.

No slot is ever booked twice: a partial unique index on `visit.slot_id` over the statuses that
hold a slot makes the database refuse the second booking, whatever the concurrency, on SQLite
and PostgreSQL alike. A cancelled visit releases its slot and keeps its history.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.database import Base, utcnow


def new_room_token() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, 96 random bits


class Modality(enum.StrEnum):
    """How a visit takes place: at a fixed centre, in the mobile centre, or by video."""

    ON_SITE = "on_site"
    MOBILE = "mobile"
    TELE = "tele"


class VisitStatus(enum.StrEnum):
    REQUESTED = "requested"  # not placed yet: waiting for a pick, or in the staff queue
    BOOKED = "booked"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


# the statuses in which a visit holds its slot (the partial unique index below)
HOLDS_SLOT = (VisitStatus.BOOKED, VisitStatus.DONE, VisitStatus.NO_SHOW)
HOLDS_SLOT_SQL = "status IN ('booked', 'done', 'no_show')"
MODALITIES_SQL = ", ".join(f"'{m.value}'" for m in Modality)
STATUSES_SQL = ", ".join(f"'{s.value}'" for s in VisitStatus)
OPEN_EMPLOYEE_SQL = "status = 'requested' AND employee_id IS NOT NULL"
OPEN_INDEPENDENT_SQL = "status = 'requested' AND employee_id IS NULL"


class WorkPattern(Base):
    """A professional's weekly session at a place: every <weekday>, from <starts> to <ends>, cut
    into slots of <slot_minutes>, between <valid_from> and <valid_until>."""

    __tablename__ = "work_pattern"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("starts < ends", name="order"),
        CheckConstraint("slot_minutes BETWEEN 10 AND 240", name="slot_minutes"),
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="validity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"))
    weekday: Mapped[int]  # 0 = Monday
    starts: Mapped[time]
    ends: Mapped[time]
    slot_minutes: Mapped[int] = mapped_column(default=30)
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]

    staff = relationship("StaffUser")
    centre = relationship("Centre")


class Absence(Base):
    """A professional's absence, or a place's closure (staff_id empty), from day to day."""

    __tablename__ = "absence"
    __table_args__ = (
        CheckConstraint("staff_id IS NOT NULL OR centre_id IS NOT NULL", name="whom"),
        CheckConstraint("ends_on >= starts_on", name="order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff = relationship("StaffUser")
    centre = relationship("Centre")


class Slot(Base):
    """A bookable time of one professional at one place. Generated from the work patterns;
    `blocked` when an absence or closure came after it was generated."""

    __tablename__ = "slot"
    __table_args__ = (
        UniqueConstraint("staff_id", "starts_at", name="uq_slot_staff_starts_at"),
        CheckConstraint("starts_at < ends_at", name="order"),
        CheckConstraint("minutes > 0", name="minutes"),
        CheckConstraint(f"modality IN ({MODALITIES_SQL})", name="modality"),
        Index("ix_slot_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    minutes: Mapped[int]  # ends_at - starts_at, kept to filter in SQL on every database
    modality: Mapped[str] = mapped_column(String(10))
    blocked: Mapped[bool] = mapped_column(default=False)

    # a slot is never told or checked without its professional and place: read with it, in
    # the same statement (two small tables), not one by one afterwards
    staff = relationship("StaffUser", lazy="joined")
    centre = relationship("Centre", lazy="joined")


class Visit(Base):
    """A visit for one worker (an employee, or the independent member when `employee_id` is
    empty): requested, then booked into a slot, then done (or missed, or cancelled)."""

    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint(f"status IN ({STATUSES_SQL})", name="status"),
        CheckConstraint("status != 'booked' OR slot_id IS NOT NULL", name="booked_slot"),
        CheckConstraint(f"modality IS NULL OR modality IN ({MODALITIES_SQL})", name="modality"),
        # the rule of rules: one slot, one visit holding it
        Index(
            "uq_visit_slot_taken",
            "slot_id",
            unique=True,
            sqlite_where=text(HOLDS_SLOT_SQL),
            postgresql_where=text(HOLDS_SLOT_SQL),
        ),
        # one open request per worker and type: asking again finds it (visit_requests.request_visit)
        Index(
            "uq_visit_open_request_employee",
            "employee_id",
            "visit_type",
            unique=True,
            sqlite_where=text(OPEN_EMPLOYEE_SQL),
            postgresql_where=text(OPEN_EMPLOYEE_SQL),
        ),
        Index(
            "uq_visit_open_request_independent",
            "member_id",
            "visit_type",
            unique=True,
            sqlite_where=text(OPEN_INDEPENDENT_SQL),
            postgresql_where=text(OPEN_INDEPENDENT_SQL),
        ),
        Index("ix_visit_member_status", "member_id", "status"),
        Index("ix_visit_employee", "employee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # medical records are kept: a member or an employment with visits cannot be deleted (an
    # employee leaves on a date, `Employee.left_on`; a member is closed, `MemberStatus.CLOSED`)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id", ondelete="RESTRICT"))
    visit_type: Mapped[str] = mapped_column(String(30))  # code in assistant/data/visit_types.csv
    status: Mapped[str] = mapped_column(String(12), default=VisitStatus.REQUESTED)
    reason: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(20))  # employer, employee, independent, staff
    actor: Mapped[str] = mapped_column(String(80))  # who, for the history ("member_user:3"…)
    # asked by the employee without telling the employer (pré-reprise always): never shown to
    # the employer, in any list, count or document
    confidential: Mapped[bool] = mapped_column(default=False)
    event_date: Mapped[date | None]  # return to work, start of the stoppage, assignment…
    absence_cause: Mapped[str | None] = mapped_column(String(30))  # reprise: why they were away
    absence_days: Mapped[int | None]
    due_from: Mapped[date | None]  # the regulatory window, computed when requested
    due_by: Mapped[date | None]
    modality: Mapped[str | None] = mapped_column(String(10))  # wished; None = any allowed
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slot.id", ondelete="RESTRICT"))
    queued_at: Mapped[datetime | None]  # placed in the staff queue (no compatible slot)
    booked_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[str | None] = mapped_column(String(80))
    convocation_sent_at: Mapped[datetime | None]
    reminder_queued_at: Mapped[datetime | None]  # set once, atomically: never two reminders
    employer_informed_at: Mapped[datetime | None]
    history: Mapped[list] = mapped_column(JSON, default=list)  # [{at, by, what, slot}]
    # the teleconsultation room: random, never guessable from the visit's number
    room_token: Mapped[str] = mapped_column(String(43), unique=True, default=new_room_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    member = relationship("Member", lazy="joined")  # every notice needs it
    employee = relationship("Employee")
    slot = relationship("Slot")
    reused = False  # not stored: True when visit_requests.request_visit gave back the open request
    outcome: Mapped[VisitOutcome | None] = relationship(back_populates="visit", uselist=False)


def holds_slot():
    """`Visit.status IN ('booked', 'done', 'no_show')` written with literals, as in the partial
    index: the database uses the index only when it can see that the query implies its
    predicate, which it cannot with bound parameters."""
    return Visit.status.in_([literal_column(f"'{status.value}'") for status in HOLDS_SLOT])


class OutcomeKind(enum.StrEnum):
    ATTESTATION = "attestation"  # attestation de suivi
    APTITUDE = "aptitude"  # avis d'aptitude (doctor only)
    INAPTITUDE = "inaptitude"  # avis d'inaptitude (doctor only)
    PRESENCE = "presence"  # attestation de présence (collective information)
    RECOMMENDATIONS = "recommendations"  # pré-reprise (R4624-30): recommendations, no avis
    # attestation d'absence de contre-indication médicale (décret 2025-355): driving machines,
    # live electrical work; doctor only, valid 5 years, handed to the worker
    NO_CONTRAINDICATION = "no_contraindication"
    CONTRAINDICATION = "contraindication"  # the refusal, contestable like any medical decision
    EXPOSURES = "exposures"  # état des expositions (post-exposure visit, L4624-2-1)


OUTCOME_KINDS_SQL = ", ".join(f"'{k.value}'" for k in OutcomeKind)


class InaptitudeStep(enum.StrEnum):
    """R4624-42: what the médecin du travail does before declaring a worker unfit."""

    WORKSTATION_STUDY = "workstation_study"  # étude de poste
    FICHE_ENTREPRISE = "fiche_entreprise"  # the date the fiche d'entreprise was updated
    EMPLOYER_EXCHANGE = "employer_exchange"  # échange avec l'employeur
    SECOND_EXAM = "second_exam"  # optional, within 15 days of the first


INAPTITUDE_STEPS_SQL = ", ".join(f"'{k.value}'" for k in InaptitudeStep)


class VisitOutcome(Base):
    """What the professional recorded after the visit: the document for the employer, the
    ordonnance de prévention for the worker, and the next due date. No medical notes here."""

    __tablename__ = "visit_outcome"
    __table_args__ = (CheckConstraint(f"kind IN ({OUTCOME_KINDS_SQL})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="RESTRICT"), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_due: Mapped[date | None]
    valid_until: Mapped[date | None]  # an attestation of no contraindication: 5 years
    # for the employer's document: adjustments of the workstation (aptitude), or the reasons of
    # the inaptitude as the law requires them on the avis; never a diagnosis
    recommendations: Mapped[str | None] = mapped_column(Text)
    # the ordonnance de prévention, for the worker only
    main_risks: Mapped[list] = mapped_column(JSON, default=list)  # risk catalogue codes
    advice: Mapped[str | None] = mapped_column(Text)

    visit: Mapped[Visit] = relationship(back_populates="outcome")
    recorded_by = relationship("StaffUser")


class InaptitudeStepDone(Base):
    """One step of the inaptitude procedure (R4624-42), dated, on the visit that may end in an
    avis d'inaptitude: a task on the visit until it is done."""

    __tablename__ = "inaptitude_step"
    __table_args__ = (
        CheckConstraint(f"step IN ({INAPTITUDE_STEPS_SQL})", name="step"),
        UniqueConstraint("visit_id", "step", name="uq_inaptitude_step_visit_step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="RESTRICT"), index=True)
    step: Mapped[str] = mapped_column(String(20))
    done_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(Text)  # never a diagnosis
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TeleConsent(Base):
    """A worker's prior consent to teleconsultation (R4624-41-1, R4624-41-2): given by the worker
    (their space, SMS) or recorded by staff on the worker's word; withdrawn at any time. No video
    slot is booked for a worker without a consent in force."""

    __tablename__ = "tele_consent"
    __table_args__ = (
        CheckConstraint("(worker_id IS NULL) != (member_id IS NULL)", name="whose"),
        CheckConstraint("channel IN ('web', 'sms', 'staff')", name="channel"),
        Index("ix_tele_consent_worker", "worker_id"),
        Index("ix_tele_consent_member", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(  # an independent member, for themself
        ForeignKey("member.id", ondelete="CASCADE")
    )
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    channel: Mapped[str] = mapped_column(String(10))
    recorded_by: Mapped[str] = mapped_column(String(80))  # "worker:7", "staff:3"…
    withdrawn_at: Mapped[datetime | None]


class MedicalNote(Base):
    """A health professional's note on a visit: read and written by health staff only, every
    access audited, never part of any document or page outside their back-office."""

    __tablename__ = "medical_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="RESTRICT"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("StaffUser")
