"""The employee's own space (/salarie): sign in with a mobile and a one-time code; see, book,
move and cancel one's visits; ask for a visit (a pré-reprise without the employer knowing);
declare one's own health situation, which only the service sees.

What a number reaches is `assistant.services.workforce.identity.reach`: through the worker's proven
mobile, everything of their employments; through a number an employer only typed as a contact, what
that employer knows anyway (never a confidential or employee-requested visit, a health situation or
an ordonnance: the holder may be the employer itself). Every visit and employee id in a URL is
checked against what the signed-in number reaches (anything else is a 404, whether it exists or
not).
"""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from wtforms.fields import SelectChoice

from assistant.core.parsing import Reprompt, parse_phone
from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.logins import EmployeeUser, employments, reach_of
from assistant.models import Employee, Member, Visit, VisitStatus
from assistant.services import audit
from assistant.services.membership import otp
from assistant.services.visits import visit_rules
from assistant.services.workforce import health, identity
from assistant.views import send_code
from dialogs import visit_request as visit_request_journey
from dialogs import visits as visit_journeys
from dialogs.engine import Context
from forms import visits as visit_player
from forms.employee import (
    ConfirmForm,
    HealthForm,
    NewPhoneForm,
    SlotForm,
)
from forms.wizard import CodeForm, PhoneForm, Select, TextArea, accept_step, build_step_form

bp = Blueprint("employee", __name__)

PUBLIC_ENDPOINTS = {"employee.login", "employee.login_code"}
OTP_PURPOSE = "employee"
SLOTS_SHOWN = 12
# the types an employee may ask for, in the order they are offered (others follow, file order)


@bp.before_request
def _require_employee_login():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not isinstance(current_user, EmployeeUser):
        return redirect(url_for("employee.login", next=request.path))
    return None


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _helpers():
    return {
        "visit_label": lambda code: visit_rules.get(code).label(_locale()),
        "when": _when,
    }


def _when(moment) -> str:
    """`mardi 24 novembre 2026 à 09:30`, in Paris time (the app's Babel timezone)."""
    return _(
        "%(date)s à %(time)s",
        date=format_datetime(moment, "EEEE d MMMM y"),
        time=format_datetime(moment, "HH:mm"),
    )


def _locale() -> str:
    return str(get_locale() or "fr")


def _actor() -> str:
    return f"employee:{current_user.phone}"


def _context(now, **extra) -> Context:
    """What the journeys need from this request: the number signed in acts (its label)."""
    return Context(
        session=db.session,
        today=today_paris(now),
        now=now,
        actor=_actor(),
        locale=_locale(),
        extra=extra,
    )


def _reach() -> list[identity.Access]:
    return reach_of(current_user.phone)


def _proven() -> list[Employee]:
    """The employments whose worker proved the signed-in number: the only ones whose
    confidential side (health, ordonnance, own requests) this session may reach."""
    return [access.employee for access in _reach() if access.proven]


def _access(employee_id: int) -> identity.Access:
    access = next((a for a in _reach() if a.employee.id == employee_id), None)
    if access is None:
        abort(404)
    return access


def _my_visit(visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None or not any(identity.may_see(a, visit) for a in _reach()):
        abort(404)
    return visit


# --- signing in -------------------------------------------------------------------------------


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    form = PhoneForm()
    if form.validate_on_submit():
        try:
            phone = parse_phone(form.phone.data)
        except Reprompt as reprompt:
            form.phone.errors = [str(reprompt.message)]
        else:
            # the same answer whether or not the number is known: no enumeration
            known = bool(employments(phone))
            if not send_code(phone, OTP_PURPOSE, deliver=known):
                return redirect(url_for("employee.login"))
            db.session.commit()
            session["employee_login_phone"] = phone
            flash(
                _(
                    "Si ce numéro est celui d'un salarié suivi par le service, un code vient de "
                    "lui être envoyé par SMS."
                ),
                "info",
            )
            return redirect(url_for("employee.login_code"))
    return render_template("employee/login.html", form=form)


@bp.route("/connexion/code", methods=["GET", "POST"])
def login_code():
    phone = session.get("employee_login_phone")
    if not phone:
        return redirect(url_for("employee.login"))
    form = CodeForm()
    if form.validate_on_submit():
        check = otp.verify(db.session, phone, OTP_PURPOSE, form.code.data, utcnow())
        found = employments(phone)
        if check == otp.CodeCheck.OK and found:
            user = EmployeeUser(phone, identity.session_version(db.session, phone))
            for employee in found:
                audit.record(
                    db.session,
                    f"employee:{phone}",
                    "login",
                    "employee",
                    employee.id,
                    ip=request.remote_addr,
                )
            db.session.commit()
            session.pop("employee_login_phone", None)
            login_user(user)
            return redirect(url_for("employee.home"))
        db.session.commit()  # the attempt counts
        form.code.errors = [*form.code.errors, str(otp.CHECK_MESSAGES[check])]
    return render_template("employee/login_code.html", form=form, phone=phone)


@bp.post("/deconnexion")
def logout():
    if isinstance(current_user, EmployeeUser):
        identity.end_sessions(db.session, current_user.phone)  # a replayed cookie is refused
        db.session.commit()
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("public.home"))


# --- the space --------------------------------------------------------------------------------


def _visits(employee: Employee) -> list[Visit]:
    return list(
        db.session.scalars(
            select(Visit)
            .where(Visit.employee_id == employee.id)
            .order_by(Visit.created_at.desc(), Visit.id.desc())
        )
    )


def _to_plan(
    employee: Employee, visits: list[Visit], today: date, *, proven: bool
) -> list[visit_rules.Due]:
    """What the rules say is due for this employee alone, as `due.visits_to_plan` computes it:
    with their health situation through the proven mobile, else from the employer's declaration
    only (the holder of a contact number must not infer a health situation from a date)."""
    from assistant.services.followup import rules as followup
    from assistant.services.visits import due
    from assistant.services.workforce import employees as workforce

    flags = health.flags_for(db.session, [employee.id]).get(employee.id) if proven else None
    follow = followup.follow_up(workforce.worker_of(employee), today, flags)
    return visit_rules.due_visits(
        hire_date=employee.hire_date,
        birth_date=employee.birth_date,
        contract_type=employee.contract_type,
        follow=follow,
        done=[(due.visit_day(v), v.visit_type) for v in visits if v.status == VisitStatus.DONE],
        open_types={
            v.visit_type for v in visits if v.status in (VisitStatus.REQUESTED, VisitStatus.BOOKED)
        },
        today=today,
    )


@bp.get("/")
def home():
    now = utcnow()
    today = today_paris(now)
    jobs = []
    for access in _reach():
        employee = access.employee
        visits = [v for v in _visits(employee) if identity.may_see(access, v)]
        upcoming = sorted(
            (v for v in visits if v.status == VisitStatus.BOOKED and v.slot.starts_at > now),
            key=lambda v: v.slot.starts_at,
        )
        jobs.append(
            {
                "employee": employee,
                "proven": access.proven,
                "employer": db.session.get(Member, employee.member_id),
                "upcoming": upcoming,
                "waiting": [v for v in visits if v.status == VisitStatus.REQUESTED],
                "done": [v for v in visits if v.status == VisitStatus.DONE],
                "to_plan": _to_plan(employee, visits, today, proven=access.proven),
            }
        )
        audit.record(db.session, _actor(), "read", "employee", employee.id, "espace salarié")
    db.session.commit()
    return render_template(
        "employee/home.html",
        jobs=jobs,
        phone=current_user.phone,
        today=today,
        proven=any(job["proven"] for job in jobs),
    )


# the web player's widgets for the request journey (dialogs/visit_request.py)
REQUEST_WIDGETS = {"absence_cause": Select("—"), "reason": TextArea()}


@bp.route("/demande/<int:employee_id>", methods=["GET", "POST"])
def request_visit(employee_id: int):
    """The request journey for this employment. Through a contact number the request goes to
    the team and nothing is shown back; asked already, the open request's slots are offered."""
    access = _access(employee_id)
    answers = {
        "_requester": "employee",
        "_member": access.employee.member_id,
        "_employee": access.employee.id,
        "_proven": access.proven,
    }
    posted = request.form if request.method == "POST" else None
    form, questions = build_step_form(
        visit_request_journey.REQUEST,
        visit_request_journey.STEP,
        answers,
        posted,
        widgets=REQUEST_WIDGETS,
    )
    if posted is not None and form.validate():
        context = _context(utcnow())
        answers, ok = accept_step(visit_request_journey.REQUEST, questions, form, answers, context)
        if ok:
            outcome = visit_request_journey.REQUEST.finish(answers, context)
            if outcome.say != "visit_refused":
                db.session.commit()
                return _requested(outcome)
            db.session.rollback()
            form.form_errors.append(str(outcome.values["reason"]))
    return render_template(
        "employee/request.html",
        form=form,
        employee=access.employee,
        kinds=visit_request_journey.requestable("employee"),
        locale=_locale(),
    ), 400 if posted is not None else 200


def _requested(outcome):
    if outcome.say == "visit_team":
        flash(
            _(
                "Votre demande est transmise à l'équipe du service, qui vous contactera. Pour "
                "voir vos demandes ici, faites confirmer votre numéro de mobile lors de votre "
                "prochaine visite."
            ),
            "info",
        )
        return redirect(url_for("employee.home"))
    if outcome.values["next"] == "slots":
        return redirect(url_for("employee.choose_slot", visit_id=outcome.values["visit_id"]))
    flash(
        _(
            "Aucun créneau libre pour l'instant : votre demande est transmise à "
            "l'équipe, qui vous proposera un rendez-vous."
        ),
        "info",
    )
    return redirect(url_for("employee.home"))


@bp.route("/visite/<int:visit_id>/creneau", methods=["GET", "POST"])
def choose_slot(visit_id: int):
    """Pick a slot for a request, or another slot for a booked visit (a move): the journey's
    offer (`SLOTS_SHOWN` at once), pick and ending."""
    visit = _my_visit(visit_id)
    if visit.status not in (VisitStatus.REQUESTED, VisitStatus.BOOKED):
        abort(404)
    moving = visit.status == VisitStatus.BOOKED
    context = _context(utcnow(), offered=SLOTS_SHOWN)
    form = SlotForm()
    error = None
    if form.validate_on_submit():
        listed = visit_player.listed(request.form, form.slot.data)
        try:
            outcome = visit_player.pick(
                visit, listed, form.slot.data, moving=moving, context=context
            )
        except Reprompt:
            form.slot.errors = [_("Choisissez un créneau dans la liste.")]
        else:
            if visit_player.offered_again(outcome):  # taken meanwhile: the list shown again
                error = str(outcome.values["reason"])
            elif outcome.say == "visit_confirmed":
                db.session.commit()
                message = _("Rendez-vous déplacé.") if moving else _("Rendez-vous réservé.")
                flash(message, "success")
                return redirect(url_for("employee.home"))
            else:
                db.session.rollback()
                flash(_("Cette visite ne peut plus être modifiée."), "error")
                return redirect(url_for("employee.home"))
    slots = visit_journeys.slots_to_offer(visit, context, moving=moving)
    form.slot.choices = [SelectChoice(slot.id, "") for slot in slots]
    status = 409 if error else (400 if form.errors else 200)
    return render_template(
        "employee/slots.html",
        visit=visit,
        slots=slots,
        listed=visit_player.listed_value(slots),
        form=form,
        error=error,
        team_form=ConfirmForm(),
    ), status


@bp.post("/visite/<int:visit_id>/equipe")
def let_team_place(visit_id: int):
    """No slot suits the person: the first compatible one in the window, else the staff queue
    (the booking journey's ending when no slot is picked)."""
    visit = _my_visit(visit_id)
    form = ConfirmForm()
    if visit.status != VisitStatus.REQUESTED or not form.validate_on_submit():
        abort(400)
    outcome = visit_journeys.place_for_the_person(visit, _context(utcnow()))
    if outcome.say == "visit_confirmed":
        flash(_("Rendez-vous réservé."), "success")
    else:
        flash(
            _("Votre demande est transmise à l'équipe, qui vous proposera un rendez-vous."), "info"
        )
    db.session.commit()
    return redirect(url_for("employee.home"))


@bp.route("/visite/<int:visit_id>/annuler", methods=["GET", "POST"])
def cancel(visit_id: int):
    visit = _my_visit(visit_id)
    if visit.status not in (VisitStatus.REQUESTED, VisitStatus.BOOKED):
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        # the button is the journey's yes
        outcome = visit_player.cancel(visit, _context(utcnow(), cancel_note="espace salarié"))
        if outcome.say != "visit_cancel_done":  # a booked visit already past
            db.session.rollback()
            flash(_("Cette visite ne peut plus être annulée."), "error")
            return redirect(url_for("employee.home"))
        db.session.commit()
        flash(_("Rendez-vous annulé."), "success")
        return redirect(url_for("employee.home"))
    return render_template("employee/cancel.html", visit=visit, form=form)


@bp.route("/sante", methods=["GET", "POST"])
def health_situation():
    """The worker's own declaration: it adjusts their follow-up, the employer never sees it.
    Only through a proven mobile: a contact number may be the employer's own."""
    mine = _proven()
    if not mine:
        return render_template("employee/unproven.html"), 403
    form = HealthForm()
    if form.validate_on_submit():
        # one person, one situation: recorded once on the worker, whatever the employers
        health.set_flags(
            db.session,
            _actor(),
            mine[0],
            pregnant=form.pregnant.data,
            invalidity_pension=form.invalidity_pension.data,
            disabled=form.disabled.data,
        )
        db.session.commit()
        flash(_("C'est enregistré. Merci, votre suivi en tiendra compte."), "success")
        return redirect(url_for("employee.home"))
    if request.method == "GET":
        situation = health.read(db.session, _actor(), mine[0])
        for name in ("pregnant", "invalidity_pension", "disabled"):
            form[name].data = bool(situation is not None and getattr(situation, name))
        db.session.commit()  # the read is audited
    return render_template("employee/health.html", form=form)


@bp.route("/mobile", methods=["GET", "POST"])
def change_phone():
    """A worker signed in with their proven mobile moves it to a new number (code to the new
    number). The employer's contact number never changes this."""
    mine = _proven()
    if not mine:
        return render_template("employee/unproven.html"), 403
    worker = mine[0].worker
    form = NewPhoneForm()
    pending = session.get("employee_new_phone")
    if form.validate_on_submit():
        now = utcnow()
        try:
            if form.code.data and pending:
                identity.confirm_change(db.session, worker, pending, form.code.data, now)
                db.session.commit()
                session.pop("employee_new_phone", None)
                logout_user()  # every session of the old number ends; sign in with the new one
                flash(_("Votre nouveau numéro est enregistré. Connectez-vous avec lui."), "success")
                return redirect(url_for("employee.login"))
            new_phone = parse_phone(form.phone.data or "")
            identity.start_change(db.session, worker, new_phone, now, _locale())
        except Reprompt as reprompt:
            form.phone.errors = [str(reprompt.message)]
        except identity.IdentityError as refused:
            db.session.commit()  # a wrong code counts
            form.form_errors.append(str(refused.message))
        else:
            db.session.commit()
            session["employee_new_phone"] = new_phone
            flash(_("Un code vient d'être envoyé par SMS au nouveau numéro."), "info")
            return redirect(url_for("employee.change_phone"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "employee/phone.html", form=form, pending=pending, phone=current_user.phone
    ), status


@bp.get("/visite/<int:visit_id>/ordonnance.pdf")
def ordonnance(visit_id: int):
    """The employee's own ordonnance de prévention (never the employer's to read)."""
    from assistant.services.visits import outcomes
    from assistant.views import pdf_response

    visit = _my_visit(visit_id)
    if visit.outcome is None or visit.employee not in _proven():
        abort(404)
    audit.record(db.session, _actor(), "read", "visit_outcome", visit.id, "ordonnance pdf")
    db.session.commit()
    document = outcomes.ordonnance(visit)
    return pdf_response(outcomes.render_pdf(document), document.filename)
