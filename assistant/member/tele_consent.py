"""An independent worker's own consent to teleconsultation (R4624-41-1): given or withdrawn in
their space, by the journey `dialogs/tele_consent.py` (the same as `VIDEO` by SMS). An employer
has no such page: the consent is the worker's alone."""

from __future__ import annotations

from flask import abort

from assistant.database import utcnow
from assistant.member.blueprint import bp, current_member
from assistant.member.visit_common import journey_context
from assistant.models import MemberKind
from assistant.wizard import tele_consent_page


@bp.route("/teleconsultation", methods=["GET", "POST"])
def tele_consent():
    member = current_member()
    if member.kind != MemberKind.INDEPENDENT:
        abort(404)
    context = journey_context(utcnow(), channel="web")
    starting = {"_members": [member.id]}
    return tele_consent_page(starting, context, "member.tele_consent", "member/tele_consent.html")
