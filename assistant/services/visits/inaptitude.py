"""The inaptitude procedure (Code du travail R4624-42): before declaring a worker unfit, the
médecin du travail studies the workstation, studies the working conditions and gives the date the
fiche d'entreprise was updated, exchanges with the employer, and may see the worker again within
15 days of the first exam. Each step is a task on the visit, dated by the doctor; an avis
d'inaptitude cannot be recorded until the mandatory ones are dated (`outcomes.record`). An
independent worker has no employer to exchange with nor fiche d'entreprise: the workstation study
alone is required. Every write is audited."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core.text import _l
from assistant.models import InaptitudeStep, InaptitudeStepDone, Role, StaffUser, Visit
from assistant.services import audit
from assistant.services.visits.next_due import visit_day
from assistant.services.visits.outcome_rules import K, independents_own, kinds_of_visit

S = InaptitudeStep
MANDATORY = (S.WORKSTATION_STUDY, S.FICHE_ENTREPRISE, S.EMPLOYER_EXCHANGE)
MANDATORY_INDEPENDENT = (S.WORKSTATION_STUDY,)
SECOND_EXAM_DAYS = 15
MAX_NOTE = 1000


class StepError(Exception):
    """A refused step; `message` is for the user, in their language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def applies(visit: Visit) -> bool:
    """Whether this visit may end with an avis d'inaptitude (so the steps are its tasks)."""
    return K.INAPTITUDE in kinds_of_visit(visit)


def required(visit: Visit) -> tuple[InaptitudeStep, ...]:
    return MANDATORY_INDEPENDENT if independents_own(visit) else MANDATORY


def steps_done(session: Session, visit: Visit) -> dict[str, InaptitudeStepDone]:
    """The steps dated on this visit, in the order of the procedure."""
    rows = {
        row.step: row
        for row in session.scalars(
            select(InaptitudeStepDone).where(InaptitudeStepDone.visit_id == visit.id)
        )
    }
    return {step.value: rows[step] for step in S if step in rows}


def missing(session: Session, visit: Visit) -> list[str]:
    """The mandatory steps not dated yet, in the order of the procedure."""
    done = steps_done(session, visit)
    return [step.value for step in required(visit) if step not in done]


def tasks(session: Session, visit: Visit) -> list[tuple[str, bool, InaptitudeStepDone | None]]:
    """(step, mandatory, row when dated) for every step that applies to this visit."""
    done = steps_done(session, visit)
    mandatory = required(visit)
    shown = [*mandatory, S.SECOND_EXAM]
    return [(step.value, step in mandatory, done.get(step.value)) for step in shown]


def record_step(
    session: Session,
    actor,
    visit: Visit,
    step: str,
    done_on: date,
    *,
    today: date,
    note: str | None = None,
) -> InaptitudeStepDone:
    """Date one step (again: the date is corrected, never doubled)."""
    if not isinstance(actor, StaffUser) or actor.role != Role.DOCTOR:
        raise StepError(_l("La procédure d'inaptitude relève du médecin du travail."))
    if step not in set(S):
        raise StepError(_l("Choisissez l'étape de la procédure."))
    if visit.outcome is not None or not applies(visit):
        raise StepError(_l("Cette visite ne peut plus conduire à un avis d'inaptitude."))
    if done_on > today:
        raise StepError(_l("Indiquez une date passée ou celle d'aujourd'hui."))
    if step == S.SECOND_EXAM:
        first = visit_day(visit)
        if not first < done_on <= first + timedelta(days=SECOND_EXAM_DAYS):
            raise StepError(
                _l(
                    "Le second examen a lieu dans les 15 jours qui suivent le premier, du "
                    "%(start)s au %(end)s (article R4624-42).",
                    start=(first + timedelta(days=1)).strftime("%d/%m/%Y"),
                    end=(first + timedelta(days=SECOND_EXAM_DAYS)).strftime("%d/%m/%Y"),
                )
            )
    cleaned = (note or "").strip()[:MAX_NOTE] or None
    row = session.scalar(
        select(InaptitudeStepDone).where(
            InaptitudeStepDone.visit_id == visit.id, InaptitudeStepDone.step == step
        )
    )
    action = "update" if row is not None else "create"
    if row is None:
        row = InaptitudeStepDone(visit_id=visit.id, step=step, recorded_by_id=actor.id)
        session.add(row)
    row.done_on, row.note, row.recorded_by_id = done_on, cleaned, actor.id
    session.flush()
    audit.record(session, actor, action, "inaptitude_step", visit.id, step)
    return row
