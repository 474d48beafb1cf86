"""Who writes, from the phone the channel proves (`assistant.services.workforce.booking_identity`),
and what they ask for: the effects the visit journeys run before a slot is offered. `identify` (who,
or how to become known; `_who` when the person is followed one way only, else the answer `who` among
`_choices`), `find_next` (the next appointment, to move or cancel), `not_booked_yet` (a visit of
this kind already booked is told) and `waiting_or_new` (the request waiting already, or a new one
asked as on the request pages: `visit_request.wanted` and `visit_request.ask`).

What a turn looks up stays in `context.turn` for that turn only (`keep`)."""

from __future__ import annotations

from dialogs import visit_request
from dialogs.engine import Answers, Context, Outcome


def keep(context: Context, *rows) -> None:
    """The session holds what it loaded weakly: the rows this turn found stay loaded until the
    reply names them by id, so that the player reads them again without a second SELECT."""
    context.turn.setdefault("rows", []).extend(row for row in rows if row is not None)


# --- who is writing ---------------------------------------------------------------------------


def _identities(context: Context):
    """The ways the proven phone's owner is followed, looked up once per turn."""
    from assistant.services.workforce import booking_identity

    cached = context.turn.get("identities")
    if cached is None or cached[0] != context.phone:
        cached = (
            context.phone,
            booking_identity.identities(context.session, context.phone, context.today),
        )
        context.turn["identities"] = cached
    return cached[1]


def _identity(answers: Answers, context: Context):
    key = answers.get("who") or answers.get("_who")
    return next((i for i in _identities(context) if i.key == key), None)


def identify(answers: Answers, context: Context) -> Answers | Outcome:
    """Who writes: nobody known ends the journey with how to become known."""
    from assistant.services.workforce import phone_reach

    if context.phone is None:  # a channel that proves no phone (the anonymous chat)
        return Outcome("visit_chat")
    found = _identities(context)
    if not found:
        employer = phone_reach.holder(context.session, context.phone, context.today).is_employer
        return Outcome("visit_employer_only" if employer else "visit_unknown")
    answers = {**answers, "_choices": [[i.key, i.label()] for i in found]}
    if len(found) == 1:
        answers["_who"] = found[0].key
    return answers


def find_next(answers: Answers, context: Context) -> Answers | Outcome:
    """The next appointment, whichever way the person is followed (to move or cancel)."""
    from assistant.services.workforce import booking_identity

    found = identify(answers, context)
    if isinstance(found, Outcome):
        return found
    visit = booking_identity.next_visit(context.session, _identities(context), context.now)
    if visit is None:
        return Outcome("visit_no_appointment")
    keep(context, visit, visit.slot)
    return {**found, "_visit": visit.id, "_current": visit.slot_id}


def not_booked_yet(answers: Answers, context: Context) -> Answers | Outcome | None:
    """A visit of this kind already booked is told (before any question about it)."""
    from assistant.services.workforce import booking_identity

    who = _identity(answers, context)
    if who is None:  # left meanwhile
        return Outcome("visit_unknown")
    booked, waiting = booking_identity.booked_and_waiting(
        context.session, who, context.now, answers.get("_type")
    )
    context.turn["waiting"] = (who.key, answers.get("_type"), waiting)  # for the request
    if booked is not None:
        keep(context, booked.slot)
        return Outcome("visit_already", {"slot": booked.slot_id})
    return None


def _wanted(who, answers: Answers, context: Context):
    """What is asked for, read as the request pages read it: the type named (a pré-reprise,
    from the stoppage's start); otherwise an independent's most urgent due visit, with its
    window, else a visit on request."""
    from assistant.services.visits import due, visit_type_table

    code, found = answers.get("_type"), None
    if code is None and who.employee is None:
        found = next(
            (
                item
                for item in due.worker_due(context.session, who.member, context.today)
                if "independent" in visit_type_table.get(item.visit_type).requesters
            ),
            None,
        )
    code = code or (found.visit_type if found else "demande")
    return visit_request.wanted({**answers, "visit_type": code}, who.requester, found)


def waiting_or_new(answers: Answers, context: Context) -> Answers | Outcome:
    """The request waiting already, or a new one, asked as on the request pages."""
    from assistant.services.workforce import booking_identity

    who = _identity(answers, context)
    if who is None:
        return Outcome("visit_unknown")
    seen = context.turn.get("waiting")  # looked up by this turn's previous effect
    if seen is not None and seen[:2] == (who.key, answers.get("_type")):
        visit = seen[2]
    else:
        visit = booking_identity.waiting_request(context.session, who, answers.get("_type"))
    if visit is None:
        visit = visit_request.ask(
            context,
            who.actor(context.phone),
            member=who.member,
            employee=who.employee,
            request=_wanted(who, answers, context),
            proven=who.proven,
            none_open=True,
        )
        if isinstance(visit, Outcome):
            return visit
    keep(context, visit)
    return {**answers, "_visit": visit.id}


def reprise_required(value: int, answers: Answers, context: Context) -> int:
    """By text, the reprise asked must be one the rules allow for who writes (an independent's
    whatever the length, an employee's one the Code du travail requires)."""
    from dialogs import visit_request_checks

    who = _identity(answers, context)
    requester = who.requester if who is not None else "employee"
    return visit_request_checks.reprise_required(
        value, {**answers, "_requester": requester}, context
    )
