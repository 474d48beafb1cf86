"""Signing in to the employee space with a mobile and a one-time code, and out; its home page:
each employment reached, with its visits and what is due."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from assistant.core.parsing import Reprompt, parse_phone
from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.employee.blueprint import actor_label, bp, reached
from assistant.extensions import db
from assistant.logins import EmployeeUser, employments
from assistant.models import Employee, Member, Visit, VisitStatus
from assistant.services import audit
from assistant.services.membership import otp
from assistant.services.visits import due
from assistant.services.workforce import mobile_proof, phone_reach
from assistant.views import send_code
from forms.wizard import CodeForm, PhoneForm

OTP_PURPOSE = "employee"


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
            user = EmployeeUser(phone, mobile_proof.session_version(db.session, phone))
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
        mobile_proof.end_sessions(db.session, current_user.phone)  # a replayed cookie is refused
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


@bp.get("/")
def home():
    now = utcnow()
    today = today_paris(now)
    jobs = []
    for access in reached():
        employee = access.employee
        visits = [v for v in _visits(employee) if phone_reach.may_see(access, v)]
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
                "cancelled": sorted(
                    (v for v in visits if v.status == VisitStatus.CANCELLED),
                    key=lambda v: v.cancelled_at or v.created_at,
                    reverse=True,
                ),
                "to_plan": due.employee_due(
                    db.session, employee, visits, today, with_health=access.proven
                ),
            }
        )
        audit.record(db.session, actor_label(), "read", "employee", employee.id, "espace salarié")
    db.session.commit()
    return render_template(
        "employee/home.html",
        jobs=jobs,
        phone=current_user.phone,
        today=today,
        proven=any(job["proven"] for job in jobs),
    )
