"""A member's workforce, one employee at a time: declare, change and end employees.

Every function takes the member's id and works only on that member's employees: an employee of
another member is "not found", never read or changed.

Importing them from a CSV file is `csv_import` (the file's columns: `csv_lines`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core.parsing import Reprompt, fold, parse_phone
from assistant.core.text import _l
from assistant.models import ContractType, Employee, Member
from assistant.services import audit
from assistant.services.prevention import risk_catalogue
from assistant.services.prevention.risk_catalogue import Catalogue
from assistant.services.workforce.employee_values import (
    EDITABLE,
    JOB_MAX,
    NAME_MAX,
    SITUATIONS,
    DuplicateEmployee,
    EmployeeNotFound,
    WorkforceError,
    check_exposures,
    employee_errors,
    normalise_situations,
)

# --- one employee at a time -----------------------------------------------------------------


def get_employee(session: Session, member_id: int, employee_id: int) -> Employee:
    """The employee if it belongs to this member; EmployeeNotFound otherwise."""
    employee = session.get(Employee, employee_id)
    if employee is None or employee.member_id != member_id:
        raise EmployeeNotFound(
            _l(
                "Salarié %(employee)s introuvable pour cet adhérent.",
                employee=employee_id,
            )
        )
    return employee


def list_employees(
    session: Session, member_id: int, include_left: bool = False, today: date | None = None
) -> list[Employee]:
    """The member's employees by name; without those who have left (before `today`) unless asked."""
    query = select(Employee).where(Employee.member_id == member_id)
    if not include_left:
        today = today or date.today()
        query = query.where((Employee.left_on.is_(None)) | (Employee.left_on > today))
    query = query.order_by(Employee.last_name_folded, Employee.first_name_folded, Employee.id)
    return list(session.scalars(query))


def _natural_key_taken(
    session: Session, member_id: int, last: str, first: str, birth: date, but: int | None = None
) -> bool:
    query = select(Employee.id).where(
        Employee.member_id == member_id,
        Employee.last_name_folded == fold(last),
        Employee.first_name_folded == fold(first),
        Employee.birth_date == birth,
    )
    if but is not None:
        query = query.where(Employee.id != but)
    return session.scalar(query.limit(1)) is not None


def _check_fields(values: dict, catalogue: Catalogue) -> dict:
    for name, limit in (("last_name", NAME_MAX), ("first_name", NAME_MAX), ("job", JOB_MAX)):
        if name in values:
            text = " ".join(str(values[name] or "").split())
            if not text:
                raise WorkforceError(_l("Champ obligatoire : %(field)s", field=name))
            values[name] = text[:limit]
    if "contract_type" in values:
        try:
            values["contract_type"] = ContractType(values["contract_type"]).value
        except ValueError:
            raise WorkforceError(_l("Type de contrat non reconnu.")) from None
    if "exposures" in values:
        values["exposures"] = check_exposures(values["exposures"], catalogue)
    if "night_worker" in values:
        values["night_worker"] = bool(values["night_worker"])
    if values.get("phone"):
        try:
            values["phone"] = parse_phone(values["phone"])
        except Reprompt:
            raise WorkforceError(_l("Numéro de mobile non reconnu.")) from None
    elif "phone" in values:
        values["phone"] = None
    return normalise_situations(values)


def _check_whole(values: dict) -> None:
    """The dates and the declared situations against the whole employee: every error at once,
    each with its field (`WorkforceError.errors`)."""
    from assistant.core.timeutil import today_paris

    errors = employee_errors(values, today_paris())
    if errors:
        raise WorkforceError(errors[0][1], errors)


def add_employee(
    session: Session,
    actor,
    member_id: int,
    *,
    last_name: str,
    first_name: str,
    birth_date: date,
    job: str,
    hire_date: date,
    contract_type: str,
    contract_end: date | None = None,
    exposures: Iterable[str] = (),
    night_worker: bool = False,
    phone: str | None = None,
    **situations,
) -> Employee:
    """A new employee; `situations`: any of employee_values.SITUATIONS (default: none)."""
    unknown = set(situations) - set(SITUATIONS)
    if unknown:
        raise TypeError(f"not a situation: {', '.join(sorted(unknown))}")
    values = _check_fields(
        {
            "last_name": last_name,
            "first_name": first_name,
            "job": job,
            "contract_type": contract_type,
            "exposures": list(exposures),
            "night_worker": night_worker,
            "phone": phone,
            **SITUATIONS,
            **situations,
        },
        risk_catalogue.of(session).catalogue(),
    )
    _check_whole(
        {**values, "birth_date": birth_date, "hire_date": hire_date, "contract_end": contract_end}
    )
    if _natural_key_taken(
        session, member_id, values["last_name"], values["first_name"], birth_date
    ):
        raise DuplicateEmployee(_l("Ce salarié est déjà déclaré."))
    employee = Employee(
        member_id=member_id,
        birth_date=birth_date,
        hire_date=hire_date,
        contract_end=contract_end,
        last_name_folded=fold(values["last_name"]),
        first_name_folded=fold(values["first_name"]),
        **values,
    )
    session.add(employee)
    session.flush()
    audit.record(session, actor, "create", "employee", employee.id, f"member {member_id}")
    return employee


def update_employee(
    session: Session, actor, member_id: int, employee_id: int, **changes
) -> Employee:
    """Change some of EDITABLE; the audit entry names the fields that changed (not their values)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    employee = get_employee(session, member_id, employee_id)
    changes = _check_fields(dict(changes), risk_catalogue.of(session).catalogue())
    changed = sorted(name for name, value in changes.items() if getattr(employee, name) != value)
    if not changed:
        return employee
    merged = {name: changes.get(name, getattr(employee, name)) for name in EDITABLE}
    _check_whole(merged)
    if {"last_name", "first_name", "birth_date"} & set(changed) and _natural_key_taken(
        session,
        member_id,
        merged["last_name"],
        merged["first_name"],
        merged["birth_date"],
        but=employee.id,
    ):
        raise DuplicateEmployee(_l("Ce salarié est déjà déclaré."))
    old_phone = employee.phone
    for name in changed:
        setattr(employee, name, changes[name])
    if "phone" in changed:
        # a contact, never the identity: nothing moves, but the worker's proven mobile is told
        from assistant.services.workforce import mobile_proof

        member = session.get(Member, member_id)
        mobile_proof.contact_changed(
            session, employee, old_phone, member.locale if member else "fr"
        )
    employee.last_name_folded = fold(employee.last_name)
    employee.first_name_folded = fold(employee.first_name)
    session.flush()
    audit.record(session, actor, "update", "employee", employee.id, ", ".join(changed))
    return employee


def leave_employee(
    session: Session, actor, member_id: int, employee_id: int, left_on: date
) -> Employee:
    """The employee left the company on `left_on` (kept for the history, no longer followed)."""
    employee = get_employee(session, member_id, employee_id)
    if left_on < employee.hire_date:
        raise WorkforceError(_l("La date de départ précède l'embauche."))
    employee.left_on = left_on
    session.flush()
    audit.record(session, actor, "leave", "employee", employee.id, left_on.isoformat())
    return employee


# --- follow-up of each employee -------------------------------------------------------------


def worker_of(employee: Employee):
    """What the category engine needs, from the employer's declaration only (no health data)."""
    from assistant.services.followup.followup_table import Worker

    days = employee.working_days
    if days is None and employee.contract_end is not None:
        # days of actual work, at most (6 a week): the law's "jours de travail effectif"
        from assistant.services.visits.law_calendar import working_days_at_most

        days = working_days_at_most(employee.hire_date, employee.contract_end)
    return Worker(
        birth_date=employee.birth_date,
        hire_date=employee.hire_date,
        contract_type=employee.contract_type,
        contract_days=days,
        exposures=frozenset(employee.exposures or ()),
        night_worker=employee.night_worker,
        regulated_work=bool(employee.regulated_work),
        sir_employer=bool(employee.sir_employer),
        radiation_cat_a=employee.radiation_category == "A",
        radiation_cat_b=employee.radiation_category == "B",
        heavy_loads=bool(employee.heavy_loads),
        end_of_exposure=employee.exposure_ended_on is not None,
        exposure_ended_on=employee.exposure_ended_on,
    )


def first_visit_due(employee: Employee, follow) -> date:
    """When the first visit is due, no visit having been recorded yet (the visit rules: before
    assignment when the follow-up says so, else within 3 months of hiring, 2 for apprentices)."""
    from assistant.services.visits.visit_deadlines import initial_visit

    return initial_visit(employee.hire_date, follow, employee.contract_type)[1].due_by
