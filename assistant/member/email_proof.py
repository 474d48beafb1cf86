"""An employer's e-mail address proven by a signed link: sending it, the waiting page with its
rate-limited "resend" button, and the link itself (reachable without being signed in)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from assistant.database import utcnow
from assistant.extensions import db
from assistant.member.blueprint import bp, must_prove_email
from assistant.models import MemberUser
from assistant.services.membership import adhesion, payment


def send_confirmation(user: MemberUser) -> None:
    """Queue the e-mail with the link, in the current transaction (the view commits)."""
    config = current_app.config
    token = adhesion.confirmation_token(config["SECRET_KEY"], user)
    # the public address, never the Host header a request came with
    link = config["PUBLIC_BASE_URL"] + url_for("member.confirm_email", token=token)
    adhesion.queue_confirmation(
        db.session,
        user,
        _("Confirmez votre adresse e-mail – %(service)s", service=config["SERVICE_NAME"]),
        render_template("mail/confirm_email.txt", link=link, member=user.member),
        utcnow(),
    )


def queue_welcome(member) -> None:
    """The welcome message, once the member's address is proven (or at once by SMS)."""
    adhesion.queue_welcome(
        db.session,
        member,
        _("Bienvenue au %(service)s", service=current_app.config["SERVICE_NAME"]),
        render_template(
            "mail/welcome.txt", member=member, transfer=payment.transfer(member, str(get_locale()))
        ),
        render_template("sms/welcome.txt", member=member).strip(),
    )


@bp.get("/adresse-a-confirmer")
def email_pending():
    if not must_prove_email(current_user):
        return redirect(url_for("member.home"))
    return render_template("member/email_pending.html", email=current_user.email)


@bp.post("/adresse-a-confirmer/renvoyer")
def email_resend():
    if not must_prove_email(current_user):
        return redirect(url_for("member.home"))
    if adhesion.can_resend(current_user, utcnow()):
        send_confirmation(current_user)
        db.session.commit()
        flash(_("Un nouveau lien vous a été envoyé par e-mail."), "success")
    else:
        flash(
            _(
                "Un lien vient de vous être envoyé. Patientez quelques minutes avant d'en "
                "demander un autre."
            ),
            "error",
        )
    return redirect(url_for("member.email_pending"))


@bp.get("/confirmer/<token>")
def confirm_email(token: str):
    try:
        user, first_time = adhesion.confirm_email(
            db.session,
            current_app.config["SECRET_KEY"],
            token,
            utcnow(),
            current_app.config["MEMBERS_AUTO_ACTIVATE"],
        )
    except adhesion.BadConfirmation:
        db.session.rollback()
        flash(
            _("Ce lien n'est pas valable ou a expiré. Connectez-vous pour en recevoir un nouveau."),
            "error",
        )
        return redirect(url_for("member.login"))
    if first_time:
        queue_welcome(user.member)
    db.session.commit()
    flash(_("Votre adresse e-mail est confirmée."), "success")
    if isinstance(current_user, MemberUser) and current_user.id == user.id:
        return redirect(url_for("member.home"))
    return redirect(url_for("member.login"))
