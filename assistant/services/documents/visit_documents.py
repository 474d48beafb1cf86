"""The documents of a visit done, official documents of the service in French like the adhesion
certificate: the one that closes the visit (`outcome_document`), addressed as the law says
(`outcome_rules`): to the employer and the worker (attestation de suivi, avis d'aptitude or
d'inaptitude with the way to contest it and, for the inaptitude, the dated steps of R4624-42,
attestation de présence), or to the worker alone (pré-reprise recommendations, attestation
d'absence de contre-indication or its refusal, état des expositions); an independent's speaks to
them alone. And the ordonnance de prévention, for the worker alone. Proposals to the employer are
printed only when the doctor wrote them, with the appeal notice (L4624-3, L4624-7); the next due
date never beyond the legal ceiling (`next_due.printed`). They are built from `Document` values
(what is printed) so that what reaches the employer can be checked without reading a PDF back; no
medical note ever goes into one. `render_pdf` prints them on the service's blank page
(`pdf.blank_pdf`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import object_session

from assistant import labels
from assistant.core import settings as service_settings
from assistant.core.text import french
from assistant.core.timeutil import PARIS
from assistant.models import Employee, InaptitudeStep, Member, OutcomeKind, Role, Visit
from assistant.services.documents.pdf import blank_pdf
from assistant.services.prevention import risk_catalogue
from assistant.services.visits import inaptitude, next_due, outcome_rules, visit_type_table
from assistant.services.visits.next_due import visit_day


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
RECOURSE_DECISION = (
    "Cette décision peut être contestée devant le conseil de prud'hommes, selon la procédure "
    "accélérée au fond, dans un délai de 15 jours à compter de sa notification (articles L4624-7 "
    "et R4624-45 du Code du travail)."
)
# an independent worker has no employer, no labour court: the avis speaks to them alone
RECOURSE_INDEPENDENT = (
    "Travailleur indépendant, cet avis vous est adressé à vous seul. Si vous le contestez, "
    "demandez au service un nouvel examen par un autre médecin du travail ; à défaut d'accord, "
    "le litige relève du tribunal judiciaire."
)
GIVEN_TO = {
    "both": "Document remis au salarié et à l'employeur.",
    "independent": "Document remis au travailleur indépendant.",
    OutcomeKind.RECOMMENDATIONS: "Document remis au salarié seul : la visite de pré-reprise est "
    "confidentielle, il n'est pas transmis à l'employeur.",
    OutcomeKind.EXPOSURES: "Document remis au salarié ; il est transmis à son médecin traitant "
    "avec son accord (article L4624-2-1 du Code du travail). Il n'est pas transmis à "
    "l'employeur.",
    OutcomeKind.NO_CONTRAINDICATION: "Document remis au salarié, qui le présente à son "
    "employeur pour obtenir l'autorisation de conduite ou l'habilitation ; une copie est conservée "
    "dans son dossier médical en santé au travail. Le service ne l'adresse pas à l'employeur.",
    OutcomeKind.CONTRAINDICATION: "Document remis au salarié seul ; une copie est conservée dans "
    "son dossier médical en santé au travail. Le service ne l'adresse pas à l'employeur.",
}
STEP_LINES = {
    InaptitudeStep.WORKSTATION_STUDY: "Étude du poste : le {}",
    InaptitudeStep.FICHE_ENTREPRISE: "Étude des conditions de travail ; fiche d'entreprise "
    "actualisée le {}",
    InaptitudeStep.EMPLOYER_EXCHANGE: "Échange avec l'employeur : le {}",
    InaptitudeStep.SECOND_EXAM: "Second examen : le {}",
}


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


def _next_due_line(visit: Visit) -> tuple[str, str] | None:
    day = next_due.printed(object_session(visit), visit)
    if day is None:
        return None
    return ("p", f"Prochaine visite : au plus tard le {_fr(day)}")


def _statement(visit: Visit, kind: OutcomeKind, name: str) -> str:
    post = "au poste occupé" if visit.employee is not None else "à son activité professionnelle"
    if kind == OutcomeKind.PRESENCE:
        if visit.visit_type == "liaison":
            return f"{name} a participé au rendez-vous de liaison."
        return f"{name} a assisté à la séance d'information collective."
    return {
        OutcomeKind.ATTESTATION: f"{name} a bénéficié d'un suivi individuel de son état de "
        "santé lors de cette visite.",
        OutcomeKind.APTITUDE: f"Le médecin du travail déclare {name} apte {post}.",
        OutcomeKind.INAPTITUDE: f"Le médecin du travail déclare {name} inapte {post}.",
        OutcomeKind.RECOMMENDATIONS: f"Le médecin du travail a reçu {name} en visite de "
        "pré-reprise. Ces recommandations préparent le retour au travail ; elles ne constituent "
        "ni un avis d'aptitude ni un avis d'inaptitude (article R4624-30 du Code du travail).",
        OutcomeKind.NO_CONTRAINDICATION: "Le médecin du travail atteste l'absence de "
        f"contre-indication médicale de {name} à la conduite d'engins ou aux travaux sous "
        "tension pour lesquels cet examen a été demandé (décret n° 2025-355).",
        OutcomeKind.CONTRAINDICATION: "Le médecin du travail constate une contre-indication "
        f"médicale : l'attestation d'absence de contre-indication ne peut pas être délivrée à "
        f"{name} pour la conduite d'engins ou les travaux sous tension concernés (décret "
        "n° 2025-355).",
        OutcomeKind.EXPOSURES: f"Ce document dresse l'état des expositions de {name} aux "
        "facteurs de risques professionnels (article L4624-2-1 du Code du travail).",
    }[kind]


def _written(visit: Visit, kind: OutcomeKind) -> tuple[str, str | None]:
    """(heading, text) of what the professional wrote for this document: proposals are the
    doctor's alone (L4624-3), one a nurse wrote before the rule is not printed."""
    outcome = visit.outcome
    text = outcome.recommendations
    if outcome.recorded_by.role != Role.DOCTOR:
        return "", None
    heading = {
        OutcomeKind.INAPTITUDE: "Conclusions écrites"
        if visit.employee is None
        else "Conclusions écrites et indications relatives au reclassement",
        OutcomeKind.RECOMMENDATIONS: "Recommandations du médecin du travail",
        OutcomeKind.EXPOSURES: "Surveillance post-exposition",
        OutcomeKind.NO_CONTRAINDICATION: "Engins ou travaux concernés",
        OutcomeKind.CONTRAINDICATION: "Précisions",
    }.get(kind, "Propositions du médecin du travail (article L4624-3 du Code du travail)")
    return heading, text


def _exposures(doc: Document, visit: Visit) -> None:
    catalogue = risk_catalogue.of(visit).catalogue()
    found = [catalogue[c].label("fr") for c in visit.outcome.main_risks or () if c in catalogue]
    doc.add("h", "Expositions relevées")
    for label in found or ["Aucune exposition particulière relevée lors de cette visite."]:
        doc.add("li", label)
    ended = visit.employee.exposure_ended_on if visit.employee is not None else None
    if ended is not None:
        doc.add("p", f"Fin d'exposition déclarée : {_fr(ended)}")


def _inaptitude_steps(doc: Document, visit: Visit) -> None:
    done = inaptitude.steps_done(object_session(visit), visit)
    doc.add("h", "Procédure suivie (article R4624-42 du Code du travail)")
    doc.add("li", f"Examen médical : le {_fr(visit_day(visit))}")
    for step, row in done.items():
        doc.add("li", STEP_LINES[InaptitudeStep(step)].format(_fr(row.done_on)))


def _recourse(visit: Visit, kind: OutcomeKind, proposals: bool) -> str | None:
    if kind not in outcome_rules.CONTESTABLE and not proposals:
        return None
    if outcome_rules.independents_own(visit):
        return RECOURSE_INDEPENDENT
    return RECOURSE_DECISION if kind == OutcomeKind.CONTRAINDICATION else RECOURSE


def _given_to(visit: Visit, kind: OutcomeKind) -> str:
    if outcome_rules.independents_own(visit):
        return GIVEN_TO["independent"]
    return GIVEN_TO.get(kind, GIVEN_TO["both"])


def outcome_document(visit: Visit) -> Document:
    """The document that closes the visit, as the law addresses it (`outcome_rules`): to the
    employer and the worker, or to the worker alone; no advice, no note, never a diagnosis."""
    outcome = visit.outcome
    if outcome is None:
        raise ValueError("no outcome recorded")
    kind = OutcomeKind(outcome.kind)
    service = service_settings.of(visit)
    name = visit.employee.full_name if visit.employee is not None else visit.member.legal_name
    doc = Document(title=french(labels.OUTCOME_KIND[kind]), filename=f"{kind.value}-{visit.id}.pdf")
    doc.add("p", service.service_name)
    for style, text in _who(visit) + _visit_lines(visit):
        doc.add(style, text)
    doc.add("h", "Conclusion")
    doc.add("p", _statement(visit, kind, name))
    if kind == OutcomeKind.EXPOSURES:
        _exposures(doc, visit)
    if kind == OutcomeKind.NO_CONTRAINDICATION and outcome.valid_until is not None:
        doc.add("p", f"Attestation valable jusqu'au {_fr(outcome.valid_until)}.")
    if visit.reason and kind in outcome_rules.ACI:
        doc.add("p", f"Objet de la demande : {visit.reason}")
    heading, text = _written(visit, kind)
    if text:
        doc.add("h", heading)
        doc.add("p", text)
    elif kind == OutcomeKind.RECOMMENDATIONS:
        doc.add("p", "Aucune recommandation particulière.")
    if kind == OutcomeKind.INAPTITUDE:
        _inaptitude_steps(doc, visit)
    if kind not in outcome_rules.NO_NEXT_DUE:
        line = _next_due_line(visit)
        if line is not None:
            doc.add(*line)
    proposals = bool(text) and kind in outcome_rules.FOR_EMPLOYER
    doc.add("p", _recourse(visit, kind, proposals))
    recorded = outcome.recorded_at.astimezone(PARIS).date()
    doc.add("p", f"Fait le {_fr(recorded)} par {outcome.recorded_by.full_name}.")
    doc.add("p", _given_to(visit, kind))
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
    line = _next_due_line(visit)
    if line is not None:
        doc.add(*line)
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


def outcome_document_pdf(visit: Visit) -> bytes:
    return render_pdf(outcome_document(visit))


def ordonnance_pdf(visit: Visit) -> bytes:
    """The worker's ordonnance de prévention as a PDF (employee or independent space only)."""
    return render_pdf(ordonnance(visit))
