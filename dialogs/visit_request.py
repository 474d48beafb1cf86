"""A visit request, defined once: the employer's, the independent worker's and the employee's.

The rules: a reprise needs the return date, the cause and the days of absence, and must be one
the Code du travail requires (an independent may ask for one whatever the length: the CIAMT
offer); a pré-reprise or a liaison needs the first day of the sick leave (not in the future) and,
unless it has lasted more than 30 days already, its expected end showing it will (R4624-29); the
reason is optional (500 characters for an employee, 2000 otherwise); an employer chooses one of
its current employees; employers and independents may wish a modality and choose how the slot is
found (a teleconsultation: never the employer, an independent only with their consent in force,
R4624-41-1; left "indifférente", video is offered only to a worker whose consent is in force).
Each requester is offered only
the visit types whose `visit_type_table` requesters include them. The answers are checked as
they come by `visit_request_checks.py`.

Who asks comes in the answers' private keys, set by the player: `_requester` (employer,
independent, employee), `_member` (the member id), `_employees` (the employer's current
employees offered, as [id, name] pairs), `_employee` (the employment an employee asks for) and
`_proven` (the employee signed in with the worker's proven mobile). The ending calls the one
service, `visit_requests.request_visit`, which gives back the open request of this worker and type
rather than a second one.
"""

from __future__ import annotations

from datetime import date

from babel.support import LazyProxy

from assistant import labels
from assistant.core.parsing import Choice
from assistant.core.text import _l, _locale
from dialogs.engine import Journey, Outcome, Question
from dialogs.visit_request_checks import (
    LONG_ENOUGH,
    REPRISE,
    STOPPAGE_TYPES,
    current_employee,
    expected_days,
    modality_allowed,
    parse_day,
    parse_days,
    parse_id,
    parse_reason,
    reason_fits,
    reprise_required,
    requester_of,
    stoppage_ends,
    stoppage_started,
    today,
)

# the types an employee may ask for, in the order they are offered (others follow, file order)
EMPLOYEE_ORDER = ("demande", "pre_reprise", "reprise", "liaison", "mi_carriere", "post_exposition")


def requestable(requester: str) -> list:
    """The visit types this requester may ask for (an employee's in the order offered)."""
    from assistant.services.visits import visit_type_table

    kinds = [k for k in visit_type_table.visit_types().values() if requester in k.requesters]
    if requester == "employee":
        order = {code: n for n, code in enumerate(EMPLOYEE_ORDER)}
        kinds.sort(key=lambda k: order.get(k.code, len(order)))
    return kinds


def _type_label(kind) -> LazyProxy:
    # labels are data (visit_types.csv), in the language of the moment
    return LazyProxy(lambda: kind.label(_locale()), enable_cache=False)


def _type_choices(answers, context) -> list[Choice]:
    return [Choice(k.code, _type_label(k)) for k in requestable(requester_of(answers))]


def _employee_choices(answers, context) -> list[Choice]:
    return [Choice(str(i), name) for i, name in answers.get("_employees", [])]


def _is(*codes):
    return lambda answers: answers.get("visit_type") in codes


def _modality_choices(answers, context) -> list[Choice]:
    """The modalities a requester may wish: never a teleconsultation for an employer, whose
    initiative it may not be (R4624-41-1)."""
    employer = requester_of(answers) == "employer"
    return [Choice(str(k), v) for k, v in labels.MODALITY.items() if not (employer and k == "tele")]


def _chooses_placement(answers) -> bool:
    return requester_of(answers) in ("employer", "independent")


# ---------------------------------------------------------------- the ending


def planned(session, member, employee, code: str, today: date):
    """The visit to plan of this type, if any (`due.ToPlan`): its window goes with the request."""
    from assistant.services.visits import due

    if employee is None:
        found = due.worker_due(session, member, today)
    else:
        found = due.visits_to_plan(session, member, today, employees=[employee])
    return next((item for item in found if item.visit_type == code), None)


def wanted(answers, requester: str, found=None):
    """The request the answers make, read once for every channel: the type, the date its rules
    start from (a reprise's return, a stoppage's first day), the absence, the reason and the
    modality wished, and the window of the visit to plan it answers (`found`, a `due.ToPlan`)."""
    from assistant.services.visits import visit_requests

    code = answers["visit_type"]
    event_date = None
    if code == REPRISE:
        event_date = answers.get("return_date")
    elif code in STOPPAGE_TYPES:
        event_date = answers.get("stoppage_start")
    return visit_requests.Request(
        visit_type=code,
        requested_by=requester,
        reason=answers.get("reason") or None,
        event_date=date.fromisoformat(event_date) if event_date else None,
        absence_cause=answers.get("absence_cause") if code == REPRISE else None,
        absence_days=(
            answers.get("absence_days")
            if code == REPRISE
            else expected_days(answers)
            if code in STOPPAGE_TYPES
            else None
        ),
        modality=answers.get("modality"),
        due_from=found.window.due_from if found else None,
        due_by=found.window.due_by if found else None,
    )


def ask(context, actor, *, member, employee, request, proven: bool = True, none_open=False):
    """Ask the one service for a request, the same way on every channel: the visit (the open
    request of this worker and type given back, `reused`), or the ending when the rules refuse
    it (`visit_refused`) or when it comes from a number the worker never proved: the team
    handles it and the answer tells nothing more (`visit_team`)."""
    from assistant.services.visits import booking, visit_requests

    session, now = context.session, context.now
    try:
        visit = visit_requests.request_visit(
            session,
            actor,
            member=member,
            employee=employee,
            request=request,
            now=now,
            auto=False,
            none_open=none_open,
        )
    except booking.NotAllowed as refused:
        return Outcome("visit_refused", {"reason": refused.message})
    if not proven:
        if not visit.reused:
            visit_requests.queue_for_staff(session, actor, visit, now)
        return Outcome("visit_team", {"visit_id": visit.id, "reused": visit.reused, "next": "home"})
    return visit


def _finish(answers, context) -> Outcome:
    """Ask the one service; place the request as this requester's channel does.

    The outcome's `say` tells what was done (visit_refused, visit_reused, visit_team,
    visit_booked, visit_queued, visit_choose); its values give the visit id, whether it is the
    open request given back, and `next`: the visit's page, its slots, or the space's home."""
    from assistant.models import Employee, Member
    from assistant.services.visits import slot_offers, visit_requests

    session, now, actor = context.session, context.now, context.actor
    requester = requester_of(answers)
    member = session.get(Member, answers["_member"])
    employee_id = answers.get("employee") or answers.get("_employee")
    employee = session.get(Employee, employee_id) if employee_id is not None else None
    code = answers["visit_type"]
    found = None
    if requester != "employee":  # the employer's declaration sets its visits to plan
        found = planned(session, member, employee, code, today(context))
    visit = ask(
        context,
        actor,
        member=member,
        employee=employee,
        request=wanted(answers, requester, found),
        proven=requester != "employee" or bool(answers.get("_proven")),
    )
    if isinstance(visit, Outcome):
        return visit
    if requester == "employee":
        return _placed_for_the_employee(session, actor, visit, now)
    values = {"visit_id": visit.id, "reused": visit.reused}
    if visit.reused:  # asked already: the open request, not a second one
        return Outcome("visit_reused", {**values, "next": "visit"})
    if slot_offers.organised_by_the_service(session, visit, now):
        # the team places it, as when no slot fits (the employer is never told why)
        visit_requests.queue_for_staff(session, actor, visit, now)
        return Outcome("visit_queued", {**values, "next": "visit"})
    if answers.get("placement") == "choose":
        return Outcome("visit_choose", {**values, "next": "slots"})
    if visit_requests.place_automatically(session, actor, visit, now):
        return Outcome("visit_booked", {**values, "next": "visit"})
    return Outcome("visit_queued", {**values, "next": "visit"})


def _placed_for_the_employee(session, actor, visit, now) -> Outcome:
    """Through the worker's proven mobile: choose a slot (or the team places it when none is
    free); a contact number's request was handed to the team already (`ask`)."""
    from assistant.services.visits import slot_offers, visit_requests

    values = {"visit_id": visit.id, "reused": visit.reused}
    if visit.reused:  # asked already: choose its slot rather than ask twice
        return Outcome("visit_reused", {**values, "next": "slots"})
    if slot_offers.compatible_slots(session, visit, now=now, limit=1):
        return Outcome("visit_choose", {**values, "next": "slots"})
    visit_requests.place_automatically(session, actor, visit, now)
    return Outcome("visit_queued", {**values, "next": "home"})


# ---------------------------------------------------------------- the journey

STEP = "demande"

# the first day of the sick leave: asked by the request pages and by text (`RDV PRE-REPRISE`,
# dialogs/visits.py, which reads the type asked for in `_type`)
STOPPAGE_START = Question(
    "stoppage_start",
    "date",
    _l("Début de l'arrêt de travail"),
    parse=parse_day,
    when=_is(*STOPPAGE_TYPES),
    check=stoppage_started,
    missing=_l("Indiquez le premier jour de l'arrêt de travail."),
    step=STEP,
    short_label=_l("Depuis quelle date êtes-vous en arrêt de travail ? Par exemple 12/03/2025."),
)
# its expected end, when known: a stoppage known to last more than 30 days allows the visit at
# once (R4624-29), not only from its 31st day
STOPPAGE_END = Question(
    "stoppage_end",
    "date",
    _l("Fin prévue de l'arrêt de travail (si elle est connue)"),
    parse=parse_day,
    when=lambda answers: _is(*STOPPAGE_TYPES)(answers) and not answers.get(LONG_ENOUGH),
    check=stoppage_ends,
    optional=True,
    step=STEP,
    short_label=_l(
        "Jusqu'à quelle date dure votre arrêt, si vous le savez ? Par exemple 30/04/2025. "
        "Sinon, répondez PASSER."
    ),
)

REQUEST = Journey(
    name="visit_request",
    title=_l("Demander une visite"),
    questions=(
        Question(
            "employee",
            "id",
            _l("Salarié"),
            parse=parse_id,
            choices=_employee_choices,
            when=lambda answers: requester_of(answers) == "employer",
            check=current_employee,
            missing=_l("Choisissez le salarié."),
            step=STEP,
        ),
        Question(
            "visit_type",
            "choice",
            _l("Type de visite"),
            choices=_type_choices,
            missing=_l("Choisissez le type de visite."),
            step=STEP,
        ),
        Question(
            "return_date",
            "date",
            _l("Date de reprise du travail"),
            parse=parse_day,
            when=_is(REPRISE),
            missing=_l("Indiquez la date de reprise du travail."),
            step=STEP,
        ),
        Question(
            "absence_cause",
            "choice",
            _l("Cause de l'absence"),
            choices=lambda answers, context: [
                Choice(k, v) for k, v in labels.ABSENCE_CAUSE.items()
            ],
            when=_is(REPRISE),
            missing=_l("Indiquez la cause de l'absence."),
            step=STEP,
        ),
        Question(
            "absence_days",
            "number",
            _l("Durée de l'absence, en jours"),
            parse=parse_days,
            when=_is(REPRISE),
            check=reprise_required,
            missing=_l("Indiquez la durée de l'absence en jours, par exemple 45."),
            step=STEP,
        ),
        STOPPAGE_START,
        STOPPAGE_END,
        Question(
            "reason",
            "text",
            _l("Motif (facultatif)"),
            parse=parse_reason,
            check=reason_fits,
            optional=True,
            hint=_l("Quelques mots suffisent. N'écrivez aucune information médicale."),
            step=STEP,
        ),
        Question(
            "modality",
            "choice",
            _l("Modalité souhaitée (facultatif)"),
            choices=_modality_choices,
            when=_chooses_placement,
            check=modality_allowed,
            optional=True,
            hint=_l(
                "Indifférente : en personne, ou en téléconsultation seulement si le travailleur "
                "y a donné son accord."
            ),
            step=STEP,
        ),
        Question(
            "placement",
            "choice",
            _l("Réservation du rendez-vous"),
            choices=lambda answers, context: [Choice(k, v) for k, v in labels.PLACEMENT.items()],
            when=_chooses_placement,
            missing=_l("Choisissez comment réserver le rendez-vous."),
            step=STEP,
        ),
    ),
    finish=_finish,
)
