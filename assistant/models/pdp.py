"""The PDP cell's cases (prévention de la désinsertion professionnelle, SPEC 4.7).

A case is a request for help about one person: an employee (through their employment, so the
employer is known, and their worker row once the person is known) or an independent member (who
has no employer). Its content — the description, how to reach the person, the analysis, the plan
and the notes — is read only by the cell and the médecin du travail (and staff added to the case);
the store keeps who asked, by which channel, whether the contract was suspended when they asked and
when the employer was told that a request exists (never its content).

The limits of the plan are the database's: an *essai encadré* is held once and renewed once (rank
1 and 2), a psychological support is two appointments at most (rank 1 and 2); a second row of the
same rank is refused by a unique constraint, a third by a CHECK. The follow-ups at 3 and 6 months
and the impact review at one year are rows made when the plan is adopted, one of each per case.

The employer learns anything about the employee's situation only through a consent in force:
`pdp_consent` records what, to whom, when and by which channel, and its revocation; every
disclosure is a `pdp_disclosure` row that names the consent it used.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.database import Base, sql_values, utcnow


class PdpRaisedBy(enum.StrEnum):
    WORKER = "worker"  # the employee or the independent worker themself
    EMPLOYER = "employer"
    OCCUPATIONAL_DOCTOR = "occupational_doctor"  # le médecin du travail
    TREATING_DOCTOR = "treating_doctor"  # le médecin traitant
    MEDECIN_CONSEIL = "medecin_conseil"  # le médecin-conseil de l'assurance maladie


class PdpTrigger(enum.StrEnum):
    ACCIDENT_OR_DISEASE = "accident_or_disease"  # accident grave ou maladie professionnelle
    PRE_REPRISE = "pre_reprise"
    REPRISE = "reprise"
    MID_CAREER = "mid_career"
    ON_REQUEST = "on_request"  # visite à la demande
    LIAISON = "liaison"  # rendez-vous de liaison
    NONE = "none"


class PdpStage(enum.StrEnum):
    ALERT = "alert"  # received, not analysed yet
    ANALYSIS = "analysis"  # analysed with the médecin du travail
    PLAN = "plan"  # a plan adopted: its actions and follow-ups
    CLOSED = "closed"  # an outcome recorded


class PdpOutcome(enum.StrEnum):
    KEPT = "kept"  # maintenu dans son poste
    ADJUSTED = "adjusted"  # poste aménagé
    REDEPLOYED = "redeployed"  # reclassement
    INAPTITUDE = "inaptitude"
    LEFT = "left"  # a quitté l'entreprise / l'activité


class PdpActionKind(enum.StrEnum):
    WORKSTATION_STUDY = "workstation_study"  # étude de poste
    ADJUSTMENT = "adjustment"  # aménagement de poste
    ESSAI_ENCADRE = "essai_encadre"  # 2 weeks, renewable once (rank 1, 2)
    RQTH = "rqth"  # accompagnement à la reconnaissance de la qualité de travailleur handicapé
    TRAINING = "training"  # formation ou bilan de compétences
    SOCIAL = "social"  # accompagnement social
    PSYCHOLOGICAL = "psychological"  # 2 appointments at most (rank 1, 2)


class PdpReviewKind(enum.StrEnum):
    MONTH_3 = "month_3"
    MONTH_6 = "month_6"
    YEAR_1 = "year_1"  # the impact review


class PdpChannel(enum.StrEnum):
    SMS = "sms"
    CHAT = "chat"
    WEB = "web"
    STAFF = "staff"  # recorded by the service (an alert from a doctor, the worker's word)


class PdpConsentScope(enum.StrEnum):
    """What the employer may be told, with the worker's consent."""

    STAGE = "stage"  # that the cell is working on the case and at which stage
    ADJUSTMENTS = "adjustments"  # the adjustments of the workstation recommended (the letter)
    PLAN = "plan"  # the plan's actions that need the employer (study, essai encadré, training)


LIMITED = (PdpActionKind.ESSAI_ENCADRE, PdpActionKind.PSYCHOLOGICAL)
LIMITED_SQL = f"kind NOT IN ({sql_values(LIMITED)}) OR rank BETWEEN 1 AND 2"


class PdpCase(Base):
    __tablename__ = "pdp_case"
    __table_args__ = (
        CheckConstraint(f"raised_by IN ({sql_values(PdpRaisedBy)})", name="raised_by"),
        CheckConstraint(f"trigger IN ({sql_values(PdpTrigger)})", name="trigger"),
        CheckConstraint(f"stage IN ({sql_values(PdpStage)})", name="stage"),
        CheckConstraint(f"channel IN ({sql_values(PdpChannel)})", name="channel"),
        CheckConstraint(
            f"outcome IS NULL OR outcome IN ({sql_values(PdpOutcome)})", name="outcome"
        ),
        # an independent has no employer: neither told nor asking
        CheckConstraint(
            "employee_id IS NOT NULL OR (employer_informed_at IS NULL AND raised_by <> 'employer')",
            name="independent",
        ),
        # the employer is told of a request only when the contract is not suspended
        CheckConstraint(
            "employer_informed_at IS NULL OR NOT contract_suspended", name="suspended_untold"
        ),
        CheckConstraint("(stage = 'closed') = (outcome IS NOT NULL)", name="closed_outcome"),
        CheckConstraint(
            "consent_asked_scope IS NULL OR "
            f"consent_asked_scope IN ({sql_values(PdpConsentScope)})",
            name="consent_asked_scope",
        ),
        Index("ix_pdp_case_open", "stage", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # whose case: an employment (the employer is its member), or an independent member
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="RESTRICT"), index=True)
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employee.id", ondelete="RESTRICT"), index=True
    )
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id", ondelete="RESTRICT"))
    raised_by: Mapped[str] = mapped_column(String(24))
    channel: Mapped[str] = mapped_column(String(8))
    # who typed it: "phone:+336…", "member:4", "employee:7", "staff:3"
    raised_actor: Mapped[str] = mapped_column(String(80))
    # who asked is proven: the worker's own proven mobile or space, a signed-in employer (else a
    # contact number an employer typed, maybe not the worker's)
    identity_proven: Mapped[bool] = mapped_column(default=False)
    trigger: Mapped[str] = mapped_column(String(24))
    contract_suspended: Mapped[bool] = mapped_column(default=False)  # on sick leave when asked
    leave_from: Mapped[date | None]
    leave_until: Mapped[date | None]
    description: Mapped[str] = mapped_column(Text)  # confidential
    contact: Mapped[str | None] = mapped_column(Text)  # how to be reached: confidential
    stage: Mapped[str] = mapped_column(String(10), default=PdpStage.ALERT)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    employer_informed_at: Mapped[datetime | None]
    analysis: Mapped[str | None] = mapped_column(Text)  # confidential
    analysed_at: Mapped[datetime | None]
    analysed_with_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))  # médecin
    plan_adopted_on: Mapped[date | None]
    # a consent the cell asked the worker for (by SMS: PDP OUI / PDP NON), not answered yet
    consent_asked_scope: Mapped[str | None] = mapped_column(String(12))
    consent_asked_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(12))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member = relationship("Member")
    employee = relationship("Employee")
    assigned_to = relationship("StaffUser", foreign_keys=[assigned_to_id])
    analysed_with = relationship("StaffUser", foreign_keys=[analysed_with_id])
    actions = relationship(
        "PdpAction", back_populates="case", order_by="PdpAction.id", cascade="all, delete-orphan"
    )
    reviews = relationship(
        "PdpReview",
        back_populates="case",
        order_by="PdpReview.due_on",
        cascade="all, delete-orphan",
    )


class PdpCaseMember(Base):
    """A member of the staff added to a case (beyond the cell and the médecin du travail)."""

    __tablename__ = "pdp_case_member"
    __table_args__ = (UniqueConstraint("case_id", "staff_id", name="uq_pdp_case_member_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("pdp_case.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    added_by: Mapped[str] = mapped_column(String(80))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff = relationship("StaffUser")


class PdpAction(Base):
    """One action of the plan. `rank` counts the actions of a limited kind: the essai encadré
    (1, then its one renewal) and the psychological support (two appointments)."""

    __tablename__ = "pdp_action"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_values(PdpActionKind)})", name="kind"),
        CheckConstraint(LIMITED_SQL, name="limit"),
        # an essai encadré lasts two weeks
        CheckConstraint(
            "kind <> 'essai_encadre' OR (starts_on IS NOT NULL AND ends_on IS NOT NULL)",
            name="essai_dates",
        ),
        UniqueConstraint("case_id", "kind", "rank", name="uq_pdp_action_rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("pdp_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    rank: Mapped[int] = mapped_column(default=1)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)  # confidential
    done_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case = relationship("PdpCase", back_populates="actions")


class PdpReview(Base):
    """A follow-up due (3 and 6 months after the plan) or the impact review (one year)."""

    __tablename__ = "pdp_review"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_values(PdpReviewKind)})", name="kind"),
        UniqueConstraint("case_id", "kind", name="uq_pdp_review_once"),
        Index("ix_pdp_review_due", "done_at", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("pdp_case.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    due_on: Mapped[date]
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)  # confidential

    case = relationship("PdpCase", back_populates="reviews")


class PdpConsent(Base):
    """The worker's consent that the employer be told something of their case: what (scope), to
    whom (the employer member), when, by which channel, and its revocation."""

    __tablename__ = "pdp_consent"
    __table_args__ = (
        CheckConstraint(f"scope IN ({sql_values(PdpConsentScope)})", name="scope"),
        CheckConstraint(f"channel IN ({sql_values(PdpChannel)})", name="channel"),
        CheckConstraint(
            f"revoked_channel IS NULL OR revoked_channel IN ({sql_values(PdpChannel)})",
            name="revoked_channel",
        ),
        Index("ix_pdp_consent_case", "case_id", "scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("pdp_case.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(12))
    recipient_member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    channel: Mapped[str] = mapped_column(String(8))
    given_by: Mapped[str] = mapped_column(String(80))
    revoked_at: Mapped[datetime | None]
    revoked_channel: Mapped[str | None] = mapped_column(String(8))
    revoked_by: Mapped[str | None] = mapped_column(String(80))


class PdpDisclosure(Base):
    """Something of a case told to the employer, under a consent in force at that moment."""

    __tablename__ = "pdp_disclosure"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("pdp_case.id", ondelete="CASCADE"), index=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("pdp_consent.id"))
    scope: Mapped[str] = mapped_column(String(12))
    recipient_member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    what: Mapped[str] = mapped_column(String(40))  # "adjustment_letter", "stage"…
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by: Mapped[str] = mapped_column(String(80))
