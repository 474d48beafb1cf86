"""The documents of a visit done, official documents of the service in French like the adhesion
certificate: the one for the employer (attestation de suivi, avis d'aptitude or d'inaptitude with
the way to contest it, attestation de présence), which the worker has too, and the ordonnance de
prévention for the worker alone. They are built from `Document` values (what is printed) so that
what reaches the employer can be checked without reading a PDF back; no medical note ever goes into
one. `render_pdf` prints them on the service's blank page (`pdf.blank_pdf`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from assistant import labels
from assistant.core import settings as service_settings
from assistant.core.text import french
from assistant.core.timeutil import PARIS
from assistant.models import (
    Employee,
    Member,
    OutcomeKind,
    Visit,
    VisitOutcome,
)
from assistant.services.documents.pdf import blank_pdf
from assistant.services.prevention import risk_catalogue
from assistant.services.visits import visit_type_table
from assistant.services.visits.outcomes import DOCTOR_ONLY, visit_day


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
    kind = visit_type_table.get(visit.visit_type)
    role = french(labels.ROLE.get(staff.role, staff.role))
    role = role[:1].lower() + role[1:]  # after the name: "Jeanne Roux, médecin du travail"
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
        title=french(labels.OUTCOME_KIND[kind]),
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
    pdf = blank_pdf()
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
