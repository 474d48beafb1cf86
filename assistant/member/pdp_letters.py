"""The employer's letters from the PDP cell (/espace/pdp/courriers): the letters about an
adjustment of an employee's post, sent with the employee's consent. The consent is checked again
at every download: once the worker withdrew it, the letter is refused (a 403 page saying so) and
the refusal audited. A member only ever reaches its own letters (anything else is a 404)."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from assistant.database import utcnow
from assistant.extensions import db
from assistant.member.blueprint import bp, current_member
from assistant.models import MemberKind
from assistant.models.pdp import PdpCase, PdpDisclosure
from assistant.services import audit
from assistant.services.pdp import consent, letter
from assistant.views import pdf_response


def _employer():
    member = current_member()
    if member.kind != MemberKind.EMPLOYER:  # an independent has no employee to write about
        abort(404)
    return member


@bp.get("/pdp/courriers")
def pdp_letters():
    member = _employer()
    letters = letter.letters_of(db.session, member)
    shown = [
        (sent, db.session.get(PdpCase, sent.case_id).employee)
        for sent in letters
        if letter.available(db.session, sent)
    ]
    withdrawn = len(letters) - len(shown)
    audit.record(db.session, current_user, "read", "pdp_letters", None, f"{len(shown)} shown")
    db.session.commit()
    return render_template("member/pdp/letters.html", letters=shown, withdrawn=withdrawn)


@bp.get("/pdp/courriers/<int:letter_id>.pdf")
def pdp_letter_pdf(letter_id: int):
    member = _employer()
    sent = db.session.get(PdpDisclosure, letter_id)
    if sent is None or sent.recipient_member_id != member.id or sent.what != letter.LETTER:
        abort(404)
    try:
        pdf = letter.download(db.session, sent, current_user, utcnow())
    except consent.ConsentMissing:
        db.session.commit()  # the refusal is audited
        return render_template("member/pdp/letter_withdrawn.html"), 403
    db.session.commit()
    return pdf_response(pdf, letter.document(db.session, sent).filename)
