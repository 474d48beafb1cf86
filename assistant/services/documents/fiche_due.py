"""When a fiche d'entreprise is due (offre socle, SPEC 4.3), and its dates.

Within one year of adhesion, then at least every four years after the last published version. The
due list shows the active employers whose date falls within the next twelve months, or has passed
(overdue), most overdue first. Dates are days in Europe/Paris, written the French way in the fiche.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.core.timeutil import PARIS
from assistant.models import FicheEntreprise, FicheStatus, Member, MemberKind, MemberStatus

FIRST_FICHE_WITHIN_YEARS = 1
RENEW_EVERY_YEARS = 4


def paris_day(moment: datetime | None) -> date | None:
    return moment.astimezone(PARIS).date() if moment is not None else None


def french_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def adhesion_date(member: Member) -> date:
    return paris_day(member.activated_at or member.created_at)


def due_date(member: Member, last_published: datetime | None) -> date:
    """Within one year of adhesion; then at least every four years after the last version."""
    if last_published is None:
        return _add_years(adhesion_date(member), FIRST_FICHE_WITHIN_YEARS)
    return _add_years(paris_day(last_published), RENEW_EVERY_YEARS)


@dataclass(frozen=True)
class FicheDue:
    member: Member
    due_on: date
    last_published_on: date | None
    draft_version: int | None  # a draft in progress
    today: date

    @property
    def overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def days_late(self) -> int:
        return max((self.today - self.due_on).days, 0)


def due_list(session: Session, today: date) -> list[FicheDue]:
    """Active employers whose fiche is due within the year, or overdue; most overdue first."""
    last_published = (
        select(FicheEntreprise.member_id, func.max(FicheEntreprise.published_at).label("last"))
        .where(FicheEntreprise.status == FicheStatus.PUBLISHED)
        .group_by(FicheEntreprise.member_id)
        .subquery()
    )
    drafts = dict(
        session.execute(
            select(FicheEntreprise.member_id, FicheEntreprise.version).where(
                FicheEntreprise.status == FicheStatus.DRAFT
            )
        ).all()
    )
    rows = session.execute(
        select(Member, last_published.c.last)
        .outerjoin(last_published, last_published.c.member_id == Member.id)
        .where(Member.kind == MemberKind.EMPLOYER, Member.status == MemberStatus.ACTIVE)
    ).all()
    due = []
    for member, last in rows:
        due_on = due_date(member, last)
        if due_on <= _add_years(today, 1):  # a year ahead, 29 February included
            due.append(FicheDue(member, due_on, paris_day(last), drafts.get(member.id), today))
    due.sort(key=lambda item: (item.due_on, item.member.legal_name))
    return due
