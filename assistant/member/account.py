"""Signing in to the member space (password, or a code by SMS) and out; its home page (the
score's history) and the adhesion certificate."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from assistant import sessions
from assistant.core.parsing import Reprompt, parse_phone
from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.member.blueprint import bp, current_member
from assistant.models import MemberStatus, MemberUser, ScoreRecord
from assistant.services import audit
from assistant.services.documents import pdf as documents
from assistant.services.membership import login_limit, otp, payment
from assistant.services.prevention import score
from assistant.views import pdf_response, send_code
from forms.staff import LoginForm
from forms.wizard import CodeForm, PhoneForm


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        config = current_app.config
        email = form.email.data.strip().lower()
        keys = [f"member:{email}", f"ip:{request.remote_addr}"]
        lockout = timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])
        locked = login_limit.locked_until(
            db.session, keys, config["LOGIN_MAX_FAILURES"], lockout, utcnow()
        )
        user = db.session.scalar(select(MemberUser).where(MemberUser.email == email))
        if locked is None and (user is None or not user.active):
            login_limit.check_no_account(form.password.data)  # as slow as a wrong password
        if (
            locked is None
            and user is not None
            and user.active
            and user.check_password(form.password.data)
        ):
            login_limit.clear(db.session, keys[0])
            audit.record(
                db.session, user, "login", "member", user.member_id, ip=request.remote_addr
            )
            db.session.commit()
            login_user(user)
            return redirect(url_for("member.home"))
        if locked is not None:
            form.form_errors.append(
                _("Trop de tentatives manquées. Réessayez dans un quart d'heure.")
            )
            return render_template("member/login.html", form=form), 429
        login_limit.fail(db.session, keys, utcnow())
        db.session.commit()
        form.form_errors.append(_("Adresse e-mail ou mot de passe incorrect."))
    return render_template("member/login.html", form=form)


@bp.route("/connexion/sms", methods=["GET", "POST"])
def login_sms():
    form = PhoneForm()
    if form.validate_on_submit():
        try:
            phone = parse_phone(form.phone.data)
        except Reprompt as reprompt:
            form.phone.errors = [str(reprompt.message)]
        else:
            user = db.session.scalar(select(MemberUser).where(MemberUser.phone == phone))
            # the same answer whether or not the number is known: no account enumeration (an
            # unknown number gets a code too, sent to no one: same caps, same answers)
            if not send_code(phone, "login", deliver=user is not None and user.active):
                return redirect(url_for("member.login_sms"))
            db.session.commit()
            session["login_phone"] = phone
            flash(
                _(
                    "Si ce numéro est celui d'un adhérent, un code vient de lui être envoyé "
                    "par SMS."
                ),
                "info",
            )
            return redirect(url_for("member.login_code"))
    return render_template("member/login_sms.html", form=form)


@bp.route("/connexion/code", methods=["GET", "POST"])
def login_code():
    phone = session.get("login_phone")
    if not phone:
        return redirect(url_for("member.login_sms"))
    form = CodeForm()
    if form.validate_on_submit():
        check = otp.verify(db.session, phone, "login", form.code.data, utcnow())
        user = db.session.scalar(select(MemberUser).where(MemberUser.phone == phone))
        if check == otp.CodeCheck.OK and user is not None:
            audit.record(
                db.session, user, "login", "member", user.member_id, ip=request.remote_addr
            )
            db.session.commit()
            session.pop("login_phone", None)
            login_user(user)
            sessions.phone_proven_at_login(phone)
            return redirect(url_for("member.home"))
        db.session.commit()
        form.code.errors = [*form.code.errors, str(otp.CHECK_MESSAGES[check])]
    return render_template("member/login_code.html", form=form, phone=phone)


@bp.post("/deconnexion")
def logout():
    sessions.end(current_user)
    db.session.commit()
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("public.home"))


@bp.get("/")
def home():
    member = current_member()
    history = db.session.scalars(
        select(ScoreRecord)
        .where(ScoreRecord.member_id == member.id)
        .order_by(ScoreRecord.computed_at, ScoreRecord.id)
    ).all()
    latest = None
    if history:
        latest = score.compute(history[-1].answers, history[-1].has_employees)
    audit.record(db.session, current_user, "read", "member", member.id, "espace")
    db.session.commit()
    return render_template(
        "member/home.html",
        member=member,
        history=history,
        latest=latest,
        chart=documents.score_chart_svg(history),
        transfer=payment.transfer(member, str(get_locale())),
    )


def certificate_refusal(member) -> str:
    """Why there is no attestation for this member (shown in its space)."""
    if member.status == MemberStatus.PENDING:
        return _(
            "Votre adhésion attend la validation du service : l'attestation d'adhésion sera "
            "disponible dès qu'elle sera validée."
        )
    return _("Votre adhésion est close : le service ne délivre plus d'attestation d'adhésion.")


@bp.get("/attestation-adhesion.pdf")
def certificate():
    member = current_member()
    try:
        pdf = documents.adhesion_certificate(
            member, current_app.config["SERVICE_NAME"], today_paris()
        )
    except documents.CertificateRefused:
        flash(certificate_refusal(member), "error")
        return redirect(url_for("member.home"))
    audit.record(db.session, current_user, "read", "member", member.id, "attestation pdf")
    db.session.commit()
    return pdf_response(pdf, f"attestation-adhesion-{member.siret}.pdf")
