"""A member's workforce: the employees an employer declares (by form or CSV import)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.database import Base, utcnow


class ContractType(enum.StrEnum):
    CDI = "cdi"
    CDD = "cdd"
    INTERIM = "interim"
    SAISONNIER = "saisonnier"
    APPRENTI = "apprenti"
    SHORT = "short"  # contrat court (< 45 days): collective follow-up


CONTRACT_TYPES_SQL = ", ".join(f"'{c.value}'" for c in ContractType)


class Employee(Base):
    """One employment, as a member declared it. No health data here, and no identity: the
    person behind it is a `Worker` (see assistant/models/worker.py)."""

    __tablename__ = "employee"
    __table_args__ = (
        CheckConstraint(f"contract_type IN ({CONTRACT_TYPES_SQL})", name="contract_type"),
        CheckConstraint("contract_end IS NULL OR contract_end >= hire_date", name="contract_end"),
        CheckConstraint(
            "radiation_category IS NULL OR radiation_category IN ('A', 'B')",
            name="radiation_category",
        ),
        # R4624-23 III: the employer's own SIR list is written down and justified
        CheckConstraint(
            "NOT sir_employer OR length(sir_employer_reason) > 0", name="sir_employer_reason"
        ),
        CheckConstraint("working_days IS NULL OR working_days >= 0", name="working_days"),
        # the natural key that keeps re-imports idempotent (names folded: case and accents)
        UniqueConstraint(
            "member_id",
            "last_name_folded",
            "first_name_folded",
            "birth_date",
            name="uq_employee_natural_key",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name_folded: Mapped[str] = mapped_column(String(100))
    first_name_folded: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date]
    job: Mapped[str] = mapped_column(String(200))
    hire_date: Mapped[date]
    contract_type: Mapped[str] = mapped_column(String(12))
    contract_end: Mapped[date | None]
    exposures: Mapped[list] = mapped_column(JSON, default=list)  # codes of assistant/data/risks.csv
    night_worker: Mapped[bool] = mapped_column(default=False)
    # what else the employer declares that changes the follow-up (SPEC 4.4, Code du travail)
    regulated_work: Mapped[bool] = mapped_column(default=False, server_default=false())
    radiation_category: Mapped[str | None] = mapped_column(String(1))  # R4451-57: A or B
    sir_employer: Mapped[bool] = mapped_column(default=False, server_default=false())
    sir_employer_reason: Mapped[str | None] = mapped_column(Text)  # R4624-23 III
    heavy_loads: Mapped[bool] = mapped_column(default=False, server_default=false())  # > 55 kg
    # the end of the exposure to particular risks, or of the career (L4624-2-1): a one-off
    # post-exposure visit is due from that day
    exposure_ended_on: Mapped[date | None]
    # days of actual work of a short or seasonal contract, when the employer knows them (else
    # counted from hire_date to contract_end)
    working_days: Mapped[int | None]
    # the mobile the employer typed (E.164): a contact for what the employer knows anyway, never
    # a proof of identity (the worker's proven mobile is `Worker.phone`)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    # the person, once the service knows them (a health situation, a proven mobile)
    worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("worker.id", ondelete="SET NULL"), index=True
    )
    left_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    worker = relationship("Worker")

    @property
    def proven_phone(self) -> str | None:
        """The mobile the worker proved themselves, if any."""
        return self.worker.phone if self.worker is not None else None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


IMPORT_STATUSES = ("pending", "running", "done", "failed")
UNFINISHED_SQL = "status IN ('pending', 'running')"


class ImportJob(Base):
    """A workforce CSV import: queued by the upload, claimed and run by a worker process
    (`assistant/services/workforce/import_jobs.py`); each chunk of lines is committed with the
    progress and a heartbeat, so every process sees the progress and a dead worker's job is taken
    over."""

    __tablename__ = "import_job"
    __table_args__ = (
        CheckConstraint(f"status IN {IMPORT_STATUSES}", name="status"),
        # one unfinished import per member at a time (literals: both planners use the index)
        Index(
            "uq_import_job_member_unfinished",
            "member_id",
            unique=True,
            sqlite_where=text(UNFINISHED_SQL),
            postgresql_where=text(UNFINISHED_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # running, done, failed
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)  # dropped once imported
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    actor: Mapped[str] = mapped_column(String(80))
    report: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # the claims so far; a claim holds the job while its heartbeat is fresh (IMPORT_JOB_TIMEOUT)
    attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    heartbeat_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(String(45))  # the upload's, for the audit rows
    # why a failed job failed: "error" (the import raised), "interrupted" (its workers died
    # IMPORT_JOB_MAX_ATTEMPTS times), "abandoned" (no worker took it for an hour)
    error: Mapped[str | None] = mapped_column(String(20))
