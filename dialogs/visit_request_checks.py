"""A visit request's answers, checked as they come, the same on every channel: the day and the
number typed, the employee chosen still there, the reprise one the Code du travail requires and
the stoppage long enough for the visit asked, so far or by its expected end (the regulatory window,
`visit_requests.window_for`), the reason's length for this requester, the modality the visit
allows (video: never the employer's wish, an independent's with their consent in force)."""

from __future__ import annotations

from datetime import date

from assistant.core.parsing import Reprompt, parse_date, parse_int
from assistant.core.text import _l

REPRISE = "reprise"
STOPPAGE_TYPES = ("pre_reprise", "liaison")  # their date: the first day of the stoppage
REASON_MAX = {"employee": 500}
REASON_MAX_DEFAULT = 2000
EARLIEST = date(2000, 1, 1)


def requester_of(answers) -> str:
    """Who asks: employer, independent or employee (set by the player)."""
    return answers.get("_requester", "employer")


def today(context) -> date:
    """The day of this turn, in Paris."""
    if context.today is not None:
        return context.today
    from assistant.core.timeutil import PARIS

    return context.now.astimezone(PARIS).date()


def parse_id(raw: str) -> int:
    text = (raw or "").strip()
    if not text.isdigit() or int(text) > 2_147_483_647:
        raise Reprompt(_l("Choisissez le salarié dans la liste."))
    return int(text)


def current_employee(value: int, answers, context) -> int:
    """One of the member's own employees, still there today."""
    from assistant.services.workforce import employee_values
    from assistant.services.workforce import employees as workforce

    try:
        employee = workforce.get_employee(context.session, answers["_member"], value)
    except employee_values.EmployeeNotFound:
        raise Reprompt(_l("Choisissez le salarié dans la liste.")) from None
    if employee.left_on is not None and employee.left_on <= today(context):
        raise Reprompt(_l("Ce salarié a quitté l'entreprise."))
    return value


def parse_day(raw: str) -> date:
    return parse_date(raw, earliest=EARLIEST)


def parse_days(raw: str) -> int:
    return parse_int(raw, minimum=1, maximum=3650)


def _window(request, context) -> None:
    """The regulatory window must exist (a reprise the rules require, a stoppage long enough)."""
    from assistant.services.visits import booking, visit_requests

    try:
        visit_requests.window_for(request, today(context))
    except booking.NotAllowed as refused:
        raise Reprompt(refused.message) from None


def reprise_required(value: int, answers, context) -> int:
    if "return_date" in answers and "absence_cause" in answers:
        from assistant.services.visits import visit_requests

        wanted = visit_requests.Request(
            visit_type=REPRISE,
            requested_by=requester_of(answers),
            event_date=date.fromisoformat(answers["return_date"]),
            absence_cause=answers["absence_cause"],
            absence_days=value,
        )
        _window(wanted, context)
    return value


def stoppage_not_in_future(value: str, answers, context) -> str:
    """The first day of the sick leave has come (every channel)."""
    if date.fromisoformat(value) > today(context):
        raise Reprompt(_l("Le premier jour de l'arrêt ne peut pas être dans le futur."))
    return value


LONG_ENOUGH = "_stoppage_long"  # the stoppage so far allows the visit: its end is not asked


def stoppage_started(value: str, answers, context) -> str:
    """Not in the future. Whether it lasted long enough so far is noted in the answers
    (`LONG_ENOUGH`): if not, its expected end is asked (`stoppage_ends`), and without one the
    service refuses the request (a stoppage of more than 30 days, so far or known to last so)."""
    from assistant.services.visits import booking, visit_requests

    stoppage_not_in_future(value, answers, context)
    wanted = visit_requests.Request(
        answers.get("visit_type") or answers.get("_type"),
        requester_of(answers),
        event_date=date.fromisoformat(value),
    )
    try:
        visit_requests.window_for(wanted, today(context))
    except booking.NotAllowed:
        answers[LONG_ENOUGH] = False
    else:
        answers[LONG_ENOUGH] = True
    return value


def expected_days(answers) -> int | None:
    """The stoppage's expected length in days (both ends counted), from its expected end."""
    start, end = answers.get("stoppage_start"), answers.get("stoppage_end")
    if not start or not end:
        return None
    return (date.fromisoformat(end) - date.fromisoformat(start)).days + 1


def stoppage_ends(value: str, answers, context) -> str:
    """The expected end: not before the start, and the stoppage long enough for the visit asked
    (more than 30 days: the visit may be asked at once, R4624-29)."""
    from assistant.services.visits import visit_requests

    start = answers.get("stoppage_start")
    if start is None:
        return value
    if date.fromisoformat(value) < date.fromisoformat(start):
        raise Reprompt(_l("La fin prévue de l'arrêt ne peut pas précéder son début."))
    wanted = visit_requests.Request(
        answers.get("visit_type") or answers.get("_type"),
        requester_of(answers),
        event_date=date.fromisoformat(start),
        absence_days=expected_days({**answers, "stoppage_end": value}),
    )
    _window(wanted, context)
    return value


def parse_reason(raw: str) -> str:
    text = (raw or "").strip()
    if len(text) > REASON_MAX_DEFAULT:
        raise Reprompt(_too_long(REASON_MAX_DEFAULT))
    return text


def reason_fits(value: str, answers, context) -> str:
    longest = REASON_MAX.get(requester_of(answers), REASON_MAX_DEFAULT)
    if len(value) > longest:
        raise Reprompt(_too_long(longest))
    return value


def _too_long(longest: int):
    return _l("%(max)s caractères au plus.", max=longest)


def modality_allowed(value: str, answers, context) -> str:
    from assistant.services.visits import visit_type_table

    code = answers.get("visit_type")
    if code is not None and not visit_type_table.allows(code, value):
        raise Reprompt(_l("Cette visite ne peut pas se faire de cette façon."))
    if value == "tele":
        _tele_consented(answers, context)
    return value


def _tele_consented(answers, context) -> None:
    """By video only at the worker's initiative and with their prior consent (R4624-41-1): never
    an employer's wish; an independent's once their consent is recorded."""
    from assistant.models import Member
    from assistant.services.visits import tele_consent, visit_requests

    if requester_of(answers) == "employer":
        raise Reprompt(visit_requests.EMPLOYER_NO_TELE)
    if requester_of(answers) == "independent":
        member = context.session.get(Member, answers["_member"])
        if tele_consent.in_force(context.session, member=member) is None:
            raise Reprompt(
                _l(
                    "Donnez d'abord votre accord à la téléconsultation (page Téléconsultation "
                    "de votre espace), ou choisissez une visite en personne."
                )
            )
