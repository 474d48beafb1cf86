"""An independent worker's own consent to teleconsultation (R4624-41-1): given or withdrawn in
their space, by the journey `dialogs/tele_consent.py` (the same as `VIDEO` by SMS). An employer
has no such page: the consent is the worker's alone."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from assistant import labels
from assistant.core.parsing import Reprompt
from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.member.blueprint import bp, current_member
from assistant.member.visit_common import locale_code
from assistant.models import MemberKind
from dialogs.engine import Context
from forms import tele_consent as consent_player
from forms.tele_consent import TeleConsentForm


@bp.route("/teleconsultation", methods=["GET", "POST"])
def tele_consent():
    member = current_member()
    if member.kind != MemberKind.INDEPENDENT:
        abort(404)
    now = utcnow()
    context = Context(
        session=db.session,
        today=today_paris(now),
        now=now,
        actor=current_user,
        locale=locale_code(),
        extra={"channel": "web"},
    )
    ask = consent_player.question({"_members": [member.id]}, context)
    form = TeleConsentForm()
    if form.validate_on_submit():
        try:
            outcome = consent_player.answer(ask, request.form.get("agree", ""), context)
        except Reprompt:
            abort(400)
        db.session.commit()
        flash(str(labels.TELE_CONSENT_SAID[outcome.say]), "success")
        return redirect(url_for("member.tele_consent"))
    return render_template("member/tele_consent.html", form=form, in_force=ask.answers["_in_force"])
