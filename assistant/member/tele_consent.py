"""An independent worker's own consent to teleconsultation (R4624-41-1): given or withdrawn in
their space, by the journey `dialogs/tele_consent.py` (the same as `VIDEO` by SMS). An employer
has no such page: the consent is the worker's alone."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.extensions import db
from assistant.member.blueprint import bp, current_member
from assistant.member.visit_common import locale_code
from assistant.models import MemberKind
from assistant.wizard import tele_consent_page
from dialogs.engine import Context


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
    starting = {"_members": [member.id]}
    return tele_consent_page(starting, context, "member.tele_consent", "member/tele_consent.html")
