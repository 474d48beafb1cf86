"""The letter to the employer about an adjustment of the post: a document produced from the case,
only with the worker's consent (scope `adjustments`) in force, checked when it is sent and again
at every download (SPEC 4.7).

`send` records the disclosure (`consent.disclose(..., "adjustments", "adjustment_letter")`) and
e-mails the employer that a letter waits in its space — never any of its content. `download`
checks the consent again and records the download as a disclosure of its own (a refusal is
audited by `consent.disclose`); after the worker withdrew it, nothing is given. What the letter
prints (`document`): the service's letterhead, the employee's name, the adjustments of the plan
known when it was sent (their notes) and the cell's signature — nothing else of the case (no
description, contact, analysis, other actions or follow-ups). An official document in French,
like the service's other documents.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core import settings as service_settings
from assistant.core.text import _l
from assistant.core.timeutil import PARIS
from assistant.models import Member
from assistant.models.pdp import PdpCase, PdpConsentScope, PdpDisclosure
from assistant.services.documents.visit_documents import Document, render_pdf
from assistant.services.membership import member_mail
from assistant.services.pdp import consent
from assistant.services.pdp.cases import PdpError

LETTER = "adjustment_letter"
DOWNLOAD = "adjustment_letter_download"
SCOPE = PdpConsentScope.ADJUSTMENTS


def send(session: Session, case: PdpCase, by, now: datetime) -> tuple[PdpDisclosure, bool]:
    """Put the letter in the employer's space and tell the employer by e-mail that it is there.
    Refused (`ConsentMissing`) without the worker's consent in force, (`PdpError`) when the plan
    has no adjustment. Returns the disclosure, and whether an e-mail was queued (False: the
    employer has no address)."""
    if not consent.adjustments(session, case):
        raise PdpError(_l("Le plan ne comporte aucun aménagement de poste : pas de courrier."))
    disclosure = consent.disclose(session, case, by, SCOPE, LETTER, now)
    employer = session.get(Member, case.member_id)
    settings = service_settings.of(session)
    mailed = member_mail.tell(
        session,
        employer,
        "pdp_letter",
        letters_url=f"{settings.public_base_url}/espace/pdp/courriers",
    )
    return disclosure, mailed


def letters_of(session: Session, member: Member) -> list[PdpDisclosure]:
    """The adjustment letters sent to this employer, newest first."""
    return list(
        session.scalars(
            select(PdpDisclosure)
            .where(PdpDisclosure.recipient_member_id == member.id, PdpDisclosure.what == LETTER)
            .order_by(PdpDisclosure.at.desc(), PdpDisclosure.id.desc())
        )
    )


def available(session: Session, letter: PdpDisclosure) -> bool:
    """May the employer read this letter now (the worker's consent still in force)?"""
    case = session.get(PdpCase, letter.case_id)
    return consent.in_force(session, case, SCOPE) is not None


def download(session: Session, letter: PdpDisclosure, by, now: datetime) -> bytes:
    """The letter as a PDF for its employer, under the worker's consent in force now (recorded
    as a disclosure); `ConsentMissing` after the worker withdrew it (audited)."""
    case = session.get(PdpCase, letter.case_id)
    consent.disclose(session, case, by, SCOPE, DOWNLOAD, now)
    return render_pdf(document(session, letter))


def _day(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y")


def document(session: Session, letter: PdpDisclosure) -> Document:
    """What the letter prints: the adjustments the plan had when it was sent, nothing else."""
    case = session.get(PdpCase, letter.case_id)
    employer = session.get(Member, letter.recipient_member_id)
    settings = service_settings.of(session)
    employee = case.employee
    adjustments = [
        action
        for action in consent.adjustments(session, case)
        if action.created_at is None or action.created_at <= letter.at
    ]
    doc = Document(
        title="Aménagement de poste",
        filename=f"courrier-amenagement-{letter.id}.pdf",
    )
    doc.add(
        "p",
        f"{settings.service_name} — cellule de prévention de la désinsertion "
        f"professionnelle (PDP) — {settings.service_phone}",
    )
    doc.add("p", f"À l'attention de {employer.legal_name}, le {_day(letter.at)}")
    doc.add("h", f"Objet : aménagement du poste de {employee.full_name}")
    doc.add(
        "p",
        f"Avec l'accord de {employee.full_name}, la cellule de prévention de la désinsertion "
        "professionnelle du service vous recommande d'aménager son poste de travail comme suit :",
    )
    for action in adjustments:
        note = action.note or "Aménagement du poste de travail"
        if action.starts_on:
            note = f"{note} (à partir du {action.starts_on.strftime('%d/%m/%Y')})"
        doc.add("li", note)
    doc.add(
        "p",
        "Ces recommandations ne contiennent aucune information sur la santé du salarié. Pour les "
        "mettre en œuvre ou pour toute question, la cellule se tient à votre disposition.",
    )
    doc.add(
        "p",
        "Ce courrier vous est transmis avec l'accord du salarié, qu'il peut retirer à tout "
        "moment : il n'est alors plus disponible dans votre espace.",
    )
    doc.add("p", f"La cellule PDP, {settings.service_name}")
    return doc
