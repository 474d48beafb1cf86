"""The outcome of a visit, recorded by the professional who saw the worker: the document for the
employer (attestation de suivi, avis d'aptitude or d'inaptitude, attestation de présence), the
ordonnance de prévention for the worker alone, the next due date, and medical notes that never
leave the health staff.

Who may write what: only doctors and nurses record outcomes and read or write notes; an avis
d'aptitude or d'inaptitude is the médecin du travail's alone. Every write and every read of a
note is audited. The documents are built from `Document` values (what is printed) so that what
reaches the employer can be checked without reading a PDF back; they are official documents of
the service, in French, as the adhesion certificate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core import settings as service_settings
from assistant.core.text import _l
from assistant.core.timeutil import PARIS
from assistant.models import (
    Employee,
    MedicalNote,
    Member,
    OutcomeKind,
    Role,
    Slot,
    StaffUser,
    Visit,
    VisitOutcome,
    VisitStatus,
)
from assistant.services import audit
from assistant.services.documents.pdf import _pdf
from assistant.services.followup import followup_categories, followup_table
from assistant.services.prevention import risk_catalogue
from assistant.services.visits import visit_rules
from assistant.services.workforce import health

HEALTH_ROLES = frozenset(str(role) for role in Role.health_roles())
DOCTOR_ONLY = frozenset({OutcomeKind.APTITUDE, OutcomeKind.INAPTITUDE})
MAX_TEXT = 4000


class OutcomeError(Exception):
    """A refused outcome or note; `message` is for the user, in their language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# ------------------------------------------------------------------ rules


def kinds_for(role: str, visit: Visit) -> list[str]:
    """The documents this professional may issue after this visit, the usual one first."""
    if visit.visit_type == "vip_collective":
        return [OutcomeKind.PRESENCE, OutcomeKind.ATTESTATION]
    if str(role) == Role.DOCTOR:
        return [OutcomeKind.ATTESTATION, OutcomeKind.APTITUDE, OutcomeKind.INAPTITUDE]
    if str(role) == Role.NURSE:
        return [OutcomeKind.ATTESTATION]
    return []


def _health_staff(actor) -> StaffUser:
    if not isinstance(actor, StaffUser) or actor.role not in HEALTH_ROLES:
        raise OutcomeError(_l("Seuls les professionnels de santé ont accès à cette visite."))
    return actor


def check_may_issue(actor, visit: Visit, kind: str) -> None:
    staff = _health_staff(actor)
    if kind not in set(OutcomeKind):
        raise OutcomeError(_l("Choisissez le document à délivrer."))
    if kind in DOCTOR_ONLY and staff.role != Role.DOCTOR:
        raise OutcomeError(
            _l(
                "Seul le médecin du travail peut rendre un avis d'aptitude ou d'inaptitude. "
                "Délivrez une attestation de suivi, ou orientez le salarié vers le médecin."
            )
        )
    if not visit_rules.may_perform(staff.role, visit.visit_type):
        raise OutcomeError(_l("Cette visite relève du médecin du travail."))
    if kind not in kinds_for(staff.role, visit):
        raise OutcomeError(_l("Ce document ne correspond pas à cette visite."))


def visits_to_record(session: Session, now: datetime, limit: int = 200) -> list[Visit]:
    """Booked visits whose time has come, most recent first: their outcome (or the no-show) is
    still to be recorded."""
    return list(
        session.scalars(
            select(Visit)
            .join(Slot, Slot.id == Visit.slot_id)
            .where(Visit.status == VisitStatus.BOOKED, Slot.starts_at <= now)
            .order_by(Slot.starts_at.desc(), Visit.id.desc())
            .limit(limit)
        )
    )


def visit_day(visit: Visit) -> date:
    return visit.slot.starts_at.astimezone(PARIS).date()


def _follow_up(session: Session, visit: Visit, today: date):
    """The worker's follow-up (with the health situations health staff recorded), or None when
    it cannot be known (an independent without a birth date)."""
    if visit.employee_id is not None:
        from assistant.services.workforce.employees import worker_of

        employee = visit.employee
        flags = health.flags_for(session, [employee.id]).get(employee.id)
        return followup_categories.follow_up(worker_of(employee), today, health=flags)
    member = visit.member
    if not member.birth_date:
        return None
    known = risk_catalogue.of(session).catalogue()
    worker = followup_table.Worker(
        birth_date=member.birth_date,
        exposures=frozenset(code for code in member.main_risks or () if code in known),
    )
    return followup_categories.follow_up(worker, today)


def suggested_next_due(session: Session, visit: Visit) -> date | None:
    """The next periodic visit after this one, from the follow-up rules: counted from this visit
    when it is a follow-up visit, else from the worker's last follow-up visit (a reprise or a
    visit on request does not restart the clock)."""
    day = visit_day(visit)
    follow = _follow_up(session, visit, day)
    if follow is None:
        return None
    basis = visit_rules.FOLLOW_UP_TYPES | {"vip_collective"}
    done = [
        (visit_day(other), other.visit_type)
        for other in session.scalars(
            select(Visit).where(
                Visit.member_id == visit.member_id,
                Visit.employee_id.is_(None)
                if visit.employee_id is None
                else Visit.employee_id == visit.employee_id,
                Visit.status == VisitStatus.DONE,
                Visit.id != visit.id,
                Visit.visit_type.in_(basis),
            )
        )
    ]
    if visit.visit_type in basis:
        done.append((day, visit.visit_type))
    if not done:
        return None
    done.sort()
    last_day, last_type = done[-1]
    exams = [d for d, code in done if code in visit_rules.SIR_EXAMS]
    found = visit_rules.periodic(
        last_day, last_type, follow, last_exam=exams[-1] if exams else None
    )
    return found[1].due_by if found is not None else None


# ------------------------------------------------------------------ recording


def record(
    session: Session,
    actor,
    visit: Visit,
    *,
    kind: str,
    now: datetime,
    recommendations: str | None = None,
    main_risks: Iterable[str] = (),
    advice: str | None = None,
    next_due: date | None = None,
    note: str | None = None,
) -> VisitOutcome:
    """Record the outcome of a visit that took place; the visit is then done."""
    check_may_issue(actor, visit, kind)
    if visit.status != VisitStatus.BOOKED or visit.outcome is not None:
        raise OutcomeError(
            _l("Le résultat de cette visite est déjà enregistré, ou elle n'a pas eu lieu.")
        )
    if visit.slot.starts_at > now:
        raise OutcomeError(_l("Cette visite n'a pas encore eu lieu."))
    codes = list(dict.fromkeys(main_risks))
    known = risk_catalogue.of(session).catalogue()
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise OutcomeError(_l("Risque inconnu : %(code)s", code=", ".join(unknown)))
    if next_due is not None and next_due <= visit_day(visit):
        raise OutcomeError(_l("La prochaine visite doit être après celle-ci."))
    outcome = VisitOutcome(
        visit_id=visit.id,
        kind=kind,
        recorded_by_id=actor.id,
        recorded_at=now,
        next_due=next_due,
        recommendations=_clean(recommendations),
        main_risks=codes,
        advice=_clean(advice),
    )
    session.add(outcome)
    visit.outcome = outcome
    visit.status = VisitStatus.DONE
    visit.history = [
        *visit.history,
        {"at": now.isoformat(), "by": audit.actor_label(actor), "what": "done", "kind": kind},
    ]
    session.flush()
    audit.record(session, actor, "create", "visit_outcome", visit.id, kind)
    if _clean(note):
        add_note(session, actor, visit, note, now)
    return outcome


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text[:MAX_TEXT] or None


def add_note(session: Session, actor, visit: Visit, text: str, now: datetime) -> MedicalNote:
    staff = _health_staff(actor)
    cleaned = _clean(text)
    if cleaned is None:
        raise OutcomeError(_l("La note est vide."))
    note = MedicalNote(visit_id=visit.id, author_id=staff.id, text=cleaned, created_at=now)
    session.add(note)
    session.flush()
    audit.record(session, actor, "create", "medical_note", visit.id, str(note.id))
    return note


def notes(session: Session, actor, visit: Visit) -> list[MedicalNote]:
    """The medical notes of a visit, for health staff only; the read is audited."""
    _health_staff(actor)
    audit.record(session, actor, "read", "medical_note", visit.id)
    return list(
        session.scalars(
            select(MedicalNote)
            .where(MedicalNote.visit_id == visit.id)
            .order_by(MedicalNote.created_at, MedicalNote.id)
        )
    )


# ------------------------------------------------------------------ documents


@dataclass
class Document:
    """What a PDF prints: a title and paragraphs (("h", text) a heading, ("p", text), ("li",
    text) a list item). No medical note ever goes into one."""

    title: str
    filename: str
    parts: list[tuple[str, str]] = field(default_factory=list)

    def add(self, style: str, text: str | None) -> None:
        if text:
            self.parts.append((style, text))

    @property
    def text(self) -> str:
        return "\n".join([self.title, *(text for _style, text in self.parts)])


TITLES = {
    OutcomeKind.ATTESTATION: "Attestation de suivi individuel de l'état de santé",
    OutcomeKind.APTITUDE: "Avis d'aptitude",
    OutcomeKind.INAPTITUDE: "Avis d'inaptitude",
    OutcomeKind.PRESENCE: "Attestation de présence",
}
ROLE_TITLES = {"doctor": "médecin du travail", "nurse": "infirmier·e en santé au travail"}
RECOURSE = (
    "Cet avis peut être contesté par l'employeur ou le salarié devant le conseil de "
    "prud'hommes, selon la procédure accélérée au fond, dans un délai de 15 jours à compter de "
    "sa notification (articles L4624-7 et R4624-45 du Code du travail)."
)


def _fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _who(visit: Visit) -> list[tuple[str, str]]:
    member: Member = visit.member
    employee: Employee | None = visit.employee
    lines = []
    if employee is not None:
        lines.append(("p", f"Salarié : {employee.full_name}, né·e le {_fr(employee.birth_date)}"))
        lines.append(("p", f"Poste : {employee.job}"))
        lines.append(("p", f"Employeur : {member.legal_name} (SIRET {member.siret})"))
    else:
        lines.append(("p", f"Travailleur indépendant : {member.legal_name} (SIRET {member.siret})"))
    return lines


def _visit_lines(visit: Visit) -> list[tuple[str, str]]:
    outcome = visit.outcome
    staff = outcome.recorded_by
    kind = visit_rules.get(visit.visit_type)
    role = ROLE_TITLES.get(staff.role, staff.role)
    return [
        ("p", f"Visite : {kind.label('fr')}, le {_fr(visit_day(visit))}"),
        ("p", f"Professionnel de santé : {staff.full_name}, {role}"),
    ]


def _next_due_line(outcome: VisitOutcome) -> tuple[str, str] | None:
    if outcome.next_due is None:
        return None
    return ("p", f"Prochaine visite : au plus tard le {_fr(outcome.next_due)}")


def employer_document(visit: Visit) -> Document:
    """The document the employer receives (the worker has it too): no advice, no risks, no note."""
    outcome = visit.outcome
    if outcome is None:
        raise ValueError("no outcome recorded")
    kind = OutcomeKind(outcome.kind)
    service = service_settings.of(visit)
    name = visit.employee.full_name if visit.employee is not None else visit.member.legal_name
    doc = Document(
        title=TITLES[kind],
        filename=f"{kind.value}-{visit.id}.pdf",
    )
    doc.add("p", service.service_name)
    for style, text in _who(visit) + _visit_lines(visit):
        doc.add(style, text)
    statement = {
        OutcomeKind.ATTESTATION: f"{name} a bénéficié d'un suivi individuel de son état de "
        "santé lors de cette visite.",
        OutcomeKind.APTITUDE: f"Le médecin du travail déclare {name} apte au poste occupé.",
        OutcomeKind.INAPTITUDE: f"Le médecin du travail déclare {name} inapte au poste occupé.",
        OutcomeKind.PRESENCE: f"{name} a assisté à la séance d'information collective.",
    }[kind]
    doc.add("h", "Conclusion")
    doc.add("p", statement)
    if outcome.recommendations:
        heading = (
            "Conclusions écrites et indications relatives au reclassement"
            if kind == OutcomeKind.INAPTITUDE
            else "Propositions et préconisations"
        )
        doc.add("h", heading)
        doc.add("p", outcome.recommendations)
    next_due = _next_due_line(outcome)
    if next_due is not None:
        doc.add(*next_due)
    if kind in DOCTOR_ONLY:
        doc.add("p", RECOURSE)
    recorded = outcome.recorded_at.astimezone(PARIS).date()
    doc.add("p", f"Fait le {_fr(recorded)} par {outcome.recorded_by.full_name}.")
    doc.add("p", "Document remis au salarié et à l'employeur.")
    return doc


def ordonnance(visit: Visit) -> Document:
    """The ordonnance de prévention: for the worker only, never for the employer."""
    outcome = visit.outcome
    if outcome is None:
        raise ValueError("no outcome recorded")
    service = service_settings.of(visit)
    name = visit.employee.full_name if visit.employee is not None else visit.member.legal_name
    doc = Document(title="Ordonnance de prévention", filename=f"ordonnance-{visit.id}.pdf")
    doc.add("p", service.service_name)
    doc.add("p", f"Pour : {name}")
    for style, text in _visit_lines(visit):
        doc.add(style, text)
    catalogue = risk_catalogue.of(visit).catalogue()
    found = [catalogue[code].label("fr") for code in outcome.main_risks or () if code in catalogue]
    doc.add("h", "Vos principaux risques au travail")
    for label in found or ["Aucun risque particulier relevé lors de cette visite."]:
        doc.add("li", label)
    doc.add("h", "Nos conseils")
    doc.add("p", outcome.advice or "Aucun conseil particulier.")
    next_due = _next_due_line(outcome)
    if next_due is not None:
        doc.add(*next_due)
    doc.add("h", "Pour joindre l'équipe de santé au travail")
    doc.add("p", f"{service.service_name} : {service.service_phone}")
    if service.service_email:
        doc.add("p", f"Courriel : {service.service_email}")
    centre = visit.slot.centre
    if centre is not None and centre.kind != "tele":
        town = " ".join(part for part in (centre.postcode, centre.city) if part)
        place = ", ".join(part for part in (centre.name, centre.address, town) if part)
        doc.add("p", f"{place}{' · ' + centre.phone if centre.phone else ''}")
    doc.add(
        "p",
        "Document personnel : il vous est remis à vous seul·e et n'est jamais transmis à votre "
        "employeur.",
    )
    return doc


def render_pdf(document: Document) -> bytes:
    pdf = _pdf()
    pdf.set_title(document.title)
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(0, 10, document.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for style, text in document.parts:
        if style == "h":
            pdf.ln(3)
            pdf.set_font("DejaVu", "B", 13)
            pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        elif style == "li":
            pdf.set_font("DejaVu", "", 11)
            pdf.multi_cell(0, 6, f"• {text}", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("DejaVu", "", 11)
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    return bytes(pdf.output())


def employer_document_pdf(visit: Visit) -> bytes:
    return render_pdf(employer_document(visit))


def ordonnance_pdf(visit: Visit) -> bytes:
    """The worker's ordonnance de prévention as a PDF (employee or independent space only)."""
    return render_pdf(ordonnance(visit))
