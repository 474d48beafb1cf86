"""The fiche d'entreprise (SPEC 4.3): drafts prefilled from declarations, versions, due dates, PDF.

The plan is the "quatre pages" of the cahier des charges (annex 5.2): four parts and the covering
letter, each a list of numbered headings. The headings are those of the cahier des charges, in
French, because the fiche is an official French document given to the employer; the back-office
shows them translated (they are marked with `N_` for the catalogs).

A member has versions 1, 2, 3…; at most one of them is a draft, the others are published and are
never changed again (the service refuses, and so does a mapper hook on the model). A new draft is
a new version that starts from the last published text, with the parts we can compute (identity,
workforce, exposures, score) refreshed from what the member declared.

Due dates (offre socle): within one year of adhesion, then at least every four years after the
last published version. The due list shows the active employers whose date falls within the
next twelve months, or has passed (overdue), most overdue first.

Health data never appear: follow-up categories are computed from the employer's declaration
only (no `HealthFlags`), and nothing here reads a worker's health information.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from fpdf import FPDF
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.core.text import _l
from assistant.core.timeutil import PARIS
from assistant.models import (
    Employee,
    FicheEntreprise,
    FicheStatus,
    Member,
    MemberKind,
    MemberStatus,
    ScoreRecord,
)
from assistant.services import audit
from assistant.services.documents.pdf import FONTS
from assistant.services.followup import followup_categories, followup_table
from assistant.services.prevention import naf, risk_catalogue
from assistant.services.prevention.risk_catalogue import Catalogue


def N_(text: str) -> str:
    """Mark a heading for the catalogs; it stays French in the data and in the PDF."""
    return text


FIRST_FICHE_WITHIN_YEARS = 1
RENEW_EVERY_YEARS = 4
SECTION_MAX_CHARS = 8000
REQUIRED_TO_PUBLISH = ("synthese",)


@dataclass(frozen=True)
class Section:
    key: str
    heading: str  # French, as in the cahier des charges


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    sections: tuple[Section, ...]


PLAN: tuple[Part, ...] = (
    Part(
        "page1",
        N_("Page 1 — Identification de l'entreprise et conseils"),
        (
            Section("date_adhesion", N_("Date d'adhésion")),
            Section("date_creation", N_("Date de création")),
            Section("date_mise_a_jour", N_("Date de la dernière mise à jour")),
            Section("nom_adresse", N_("Nom et adresse de l'entreprise")),
            Section("numero_adherent", N_("N° d'adhérent")),
            Section("code_naf", N_("Code NAF")),
            Section("equipe", N_("Noms des membres de l'équipe pluridisciplinaire")),
            Section("contact", N_("Nom du contact « entreprise » au moment de la rédaction")),
            Section("synthese", N_("Synthèse et préconisations")),
            Section("plan_activite", N_("Plan d'activité")),
            Section("annexes", N_("Liste des annexes")),
            Section("sir_declarees", N_("Nombre de SIR déclarées")),
            Section("sir_constatees", N_("Nombre de SIR constatées")),
        ),
    ),
    Part(
        "page2",
        N_("Page 2 — Environnement de travail"),
        (
            Section("locaux", N_("Locaux")),
            Section("hygiene", N_("Hygiène générale")),
            Section("impression", N_("Impression générale")),
            Section("procede", N_("Process (intensité / fréquence)")),
            Section("postes", N_("Liste de tous les postes de travail")),
            Section("postes_visites", N_("Postes de travail visités")),
            Section("metrologie", N_("Métrologie")),
            Section("ateliers", N_("Nombre d'ateliers")),
        ),
    ),
    Part(
        "page3",
        N_("Page 3 — Personnel, environnement prévention sécurité"),
        (
            Section("plages_horaires", N_("Plages horaires")),
            Section("convention", N_("Convention collective applicable")),
            Section("accord_branche", N_("Accord de branche")),
            Section("document_unique", N_("Document unique : oui / non")),
            Section("plan_prevention", N_("Plan de prévention : oui / non")),
            Section("delegues", N_("Délégués du personnel")),
            Section("cse", N_("CSE")),
            Section("paramedical", N_("Personnel paramédical")),
            Section("secouriste", N_("Secouriste du travail")),
            Section("turn_over", N_("Turn over")),
            Section("absenteisme", N_("Absentéisme")),
            Section("inaptitudes", N_("Inaptitudes")),
            Section("at_mp", N_("AT/MP")),
            Section("mcp", N_("Maladies à caractère professionnel")),
            Section("effectifs", N_("Effectifs")),
            Section("contrats", N_("Contrats")),
            Section("interimaires", N_("Intérimaires")),
            Section("hommes_femmes", N_("Hommes – femmes")),
            Section("pmr", N_("Personnes à mobilité réduite")),
        ),
    ),
    Part(
        "page4",
        N_("Page 4 — Personnel, environnement prévention sécurité (suite)"),
        (
            Section(
                "expositions",
                N_(
                    "Liste des expositions professionnelles et des risques – formation, information"
                ),
            ),
            Section("actions_prevention", N_("Actions de prévention menées")),
            Section("horaires", N_("Horaires")),
            Section("fds", N_("Fiches de données de sécurité")),
        ),
    ),
    Part(
        "lettre",
        N_("Lettre d'accompagnement"),
        (
            Section("conseils", N_("Conseils de prévention")),
            Section("bibliographie", N_("Référence à la bibliographie")),
            Section(
                "rappel_reglementaire",
                N_("Rappel réglementaire (conservation de la fiche d'entreprise)"),
            ),
        ),
    ),
)
SECTION_KEYS = tuple(section.key for part in PLAN for section in part.sections)

CONTRACT_LABELS = {
    "cdi": "CDI",
    "cdd": "CDD",
    "interim": "intérim",
    "saisonnier": "saisonnier",
    "apprenti": "apprentissage",
    "short": "contrat court (< 45 jours)",
}
CATEGORY_LABELS = {
    followup_table.Category.SIR: "suivi individuel renforcé (SIR)",
    followup_table.Category.SIA: "suivi individuel adapté (SIA)",
    followup_table.Category.SI: "suivi individuel (VIP)",
    followup_table.Category.VIP_COLLECTIVE: "information collective (contrat court)",
}
REGULATORY_REMINDER = (
    "La fiche d'entreprise est établie et mise à jour par le service de prévention et de santé "
    "au travail (articles R. 4624-46 à R. 4624-50 du Code du travail). Elle est transmise à "
    "l'employeur, présentée au comité social et économique en même temps que le bilan annuel, "
    "et tenue à la disposition de l'agent de contrôle de l'inspection du travail et du médecin "
    "inspecteur du travail. Conservez-la avec votre document unique d'évaluation des risques "
    "professionnels (DUERP)."
)


class FicheError(ValueError):
    """A change the rules do not allow; `message` is fit to show."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# ---------------------------------------------------------------- dates


def _day(moment: datetime | None) -> date | None:
    return moment.astimezone(PARIS).date() if moment is not None else None


def _fr(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def adhesion_date(member: Member) -> date:
    return _day(member.activated_at or member.created_at)


def due_date(member: Member, last_published: datetime | None) -> date:
    """Within one year of adhesion; then at least every four years after the last version."""
    if last_published is None:
        return _add_years(adhesion_date(member), FIRST_FICHE_WITHIN_YEARS)
    return _add_years(_day(last_published), RENEW_EVERY_YEARS)


@dataclass(frozen=True)
class FicheDue:
    member: Member
    due_on: date
    last_published_on: date | None
    draft_version: int | None  # a draft in progress
    today: date

    @property
    def overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def days_late(self) -> int:
        return max((self.today - self.due_on).days, 0)


def due_list(session: Session, today: date) -> list[FicheDue]:
    """Active employers whose fiche is due within the year, or overdue; most overdue first."""
    last_published = (
        select(FicheEntreprise.member_id, func.max(FicheEntreprise.published_at).label("last"))
        .where(FicheEntreprise.status == FicheStatus.PUBLISHED)
        .group_by(FicheEntreprise.member_id)
        .subquery()
    )
    drafts = dict(
        session.execute(
            select(FicheEntreprise.member_id, FicheEntreprise.version).where(
                FicheEntreprise.status == FicheStatus.DRAFT
            )
        ).all()
    )
    rows = session.execute(
        select(Member, last_published.c.last)
        .outerjoin(last_published, last_published.c.member_id == Member.id)
        .where(Member.kind == MemberKind.EMPLOYER, Member.status == MemberStatus.ACTIVE)
    ).all()
    due = []
    for member, last in rows:
        due_on = due_date(member, last)
        if due_on <= _add_years(today, 1):  # a year ahead, 29 February included
            due.append(FicheDue(member, due_on, _day(last), drafts.get(member.id), today))
    due.sort(key=lambda item: (item.due_on, item.member.legal_name))
    return due


# ---------------------------------------------------------------- versions


def versions(session: Session, member_id: int) -> list[FicheEntreprise]:
    """A member's versions, newest first."""
    return list(
        session.scalars(
            select(FicheEntreprise)
            .where(FicheEntreprise.member_id == member_id)
            .order_by(FicheEntreprise.version.desc())
        )
    )


def published_versions(session: Session, member_id: int) -> list[FicheEntreprise]:
    return [f for f in versions(session, member_id) if f.is_published]


def get_published(session: Session, member_id: int, version: int) -> FicheEntreprise | None:
    """What the employer may download: its own member's published version, or nothing."""
    return session.scalar(
        select(FicheEntreprise).where(
            FicheEntreprise.member_id == member_id,
            FicheEntreprise.version == version,
            FicheEntreprise.status == FicheStatus.PUBLISHED,
        )
    )


def _get(session: Session, fiche_id: int) -> FicheEntreprise:
    fiche = session.get(FicheEntreprise, fiche_id)
    if fiche is None:
        raise FicheError(_l("Cette fiche d'entreprise n'existe pas."))
    return fiche


def draft_from_declarations(session: Session, actor, member_id: int) -> FicheEntreprise:
    """Start the next version: the last published text, refreshed from the member's data."""
    member = session.get(Member, member_id)
    if member is None:
        raise FicheError(_l("Cet adhérent n'existe pas."))
    existing = versions(session, member_id)
    if any(not f.is_published for f in existing):
        raise FicheError(_l("Une version est déjà en cours de rédaction."))
    last_published = next((f for f in existing if f.is_published), None)
    first_published = next((f for f in reversed(existing) if f.is_published), None)
    content = {key: "" for key in SECTION_KEYS}
    if last_published is not None:
        content.update({k: v for k, v in last_published.content.items() if k in content})
    content["rappel_reglementaire"] = content["rappel_reglementaire"] or REGULATORY_REMINDER
    today = _day(datetime.now(PARIS))
    prefill = declared_facts(session, member, actor, today)
    if first_published is not None:
        prefill["date_creation"] = _fr(_day(first_published.published_at))
    content.update({key: value for key, value in prefill.items() if value})
    fiche = FicheEntreprise(
        member_id=member.id,
        version=(existing[0].version + 1) if existing else 1,
        status=FicheStatus.DRAFT,
        content=content,
        author_id=getattr(actor, "id", None),
    )
    session.add(fiche)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "fiche_entreprise",
        fiche.id,
        f"member {member.id} v{fiche.version}",
    )
    return fiche


def update_draft(session: Session, actor, fiche_id: int, changes: dict[str, str]) -> list[str]:
    """Change some sections of a draft; returns the keys that changed."""
    fiche = _get(session, fiche_id)
    if fiche.is_published:
        raise FicheError(_l("Une version publiée ne peut plus être modifiée."))
    content = dict(fiche.content)
    changed = []
    for key, value in changes.items():
        if key not in SECTION_KEYS:
            raise FicheError(_l("Rubrique inconnue : %(key)s", key=key))
        text = (value or "").replace("\r\n", "\n").strip()
        if len(text) > SECTION_MAX_CHARS:
            raise FicheError(
                _l("Une rubrique compte au plus %(count)s caractères.", count=SECTION_MAX_CHARS)
            )
        if content.get(key, "") != text:
            content[key] = text
            changed.append(key)
    if changed:
        fiche.content = content  # a new dict: JSON columns do not track in-place changes
        audit.record(
            session, actor, "update", "fiche_entreprise", fiche.id, ", ".join(changed)[:500]
        )
        session.flush()
    return changed


def publish(session: Session, actor, fiche_id: int, now: datetime) -> FicheEntreprise:
    """Publish a draft to the employer's space; from now on it never changes."""
    fiche = _get(session, fiche_id)
    if fiche.is_published:
        raise FicheError(_l("Cette version est déjà publiée."))
    missing = [key for key in REQUIRED_TO_PUBLISH if not fiche.content.get(key, "").strip()]
    if missing:
        raise FicheError(_l("Rédigez la synthèse et les préconisations avant de publier."))
    fiche.content = {**fiche.content, "date_mise_a_jour": _fr(_day(now))}
    if not fiche.content.get("date_creation"):
        fiche.content = {**fiche.content, "date_creation": _fr(_day(now))}
    fiche.status = FicheStatus.PUBLISHED
    fiche.published_at = now
    session.flush()
    audit.record(
        session,
        actor,
        "publish",
        "fiche_entreprise",
        fiche.id,
        f"member {fiche.member_id} v{fiche.version}",
    )
    return fiche


# ---------------------------------------------------------------- prefill


def _active_employees(session: Session, member_id: int, today: date) -> list[Employee]:
    return list(
        session.scalars(
            select(Employee)
            .where(
                Employee.member_id == member_id,
                (Employee.left_on.is_(None)) | (Employee.left_on > today),
            )
            .order_by(Employee.job, Employee.last_name)
        )
    )


def _risk_label(catalogue: Catalogue, code: str) -> str:
    risk = catalogue.get(code)
    return risk.label_fr if risk else str(code)


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def declared_facts(session: Session, member: Member, actor, today: date) -> dict[str, str]:
    """The sections we can fill from what the member declared (French text)."""
    employees = _active_employees(session, member.id, today)
    activity = naf.nomenclature().get(member.naf_code or "")
    team = []
    if member.doctor is not None:
        team.append(f"{member.doctor.full_name}, médecin du travail")
    if actor is not None and getattr(actor, "full_name", None) and actor != member.doctor:
        team.append(f"{actor.full_name}, rédacteur de la fiche")
    address = ", ".join(
        part
        for part in (member.address, f"{member.postcode or ''} {member.city or ''}".strip())
        if part
    )
    facts = {
        "date_adhesion": _fr(adhesion_date(member)),
        "date_mise_a_jour": _fr(today),
        "nom_adresse": "\n".join(p for p in (member.legal_name, address) if p),
        "numero_adherent": f"{member.id} (SIRET {member.siret})",
        "code_naf": f"{member.naf_code} — {activity.label}"
        if activity
        else (member.naf_code or ""),
        "equipe": "\n".join(team),
        "contact": member.contact_name or "",
    }
    followups = []
    for employee in employees:
        worker = followup_table.Worker(
            birth_date=employee.birth_date,
            hire_date=employee.hire_date,
            contract_type=employee.contract_type,
            exposures=frozenset(employee.exposures or ()),
            night_worker=employee.night_worker,
        )
        followups.append(followup_categories.follow_up(worker, today))
    counts = followup_categories.distribution(followups)
    if employees:
        facts["sir_declarees"] = str(counts[followup_table.Category.SIR])
        jobs = Counter(employee.job for employee in employees)
        facts["postes"] = "\n".join(
            f"{job} ({_plural(n, 'salarié', 'salariés')})" for job, n in sorted(jobs.items())
        )
        lines = [
            f"Effectif déclaré : {member.headcount}",
            f"Salariés inscrits au service : {len(employees)}",
            "Répartition par suivi individuel :",
        ]
        lines += [f"– {CATEGORY_LABELS[c]} : {n}" for c, n in counts.items() if n]
        facts["effectifs"] = "\n".join(lines)
        contracts = Counter(employee.contract_type for employee in employees)
        facts["contrats"] = "\n".join(
            f"{CONTRACT_LABELS.get(kind, kind)} : {n}"
            for kind, n in sorted(contracts.items(), key=lambda kv: -kv[1])
        )
        facts["interimaires"] = str(contracts.get("interim", 0))
        night = sum(1 for employee in employees if employee.night_worker)
        if night:
            facts["horaires"] = (
                f"{_plural(night, 'salarié déclaré', 'salariés déclarés')} travailleur de nuit"
            )
    elif member.headcount:
        facts["effectifs"] = f"Effectif déclaré : {member.headcount}"
    exposed = Counter(code for employee in employees for code in (employee.exposures or ()))
    catalogue = risk_catalogue.of(session).catalogue()
    lines = [
        f"{_risk_label(catalogue, code)} : {_plural(n, 'salarié exposé', 'salariés exposés')}"
        for code, n in sorted(
            exposed.items(), key=lambda kv: (-kv[1], _risk_label(catalogue, kv[0]))
        )
    ]
    declared = [code for code in (member.main_risks or []) if code not in exposed]
    if declared:
        lines.append(
            "Risques principaux déclarés par l'entreprise : "
            + ", ".join(_risk_label(catalogue, code) for code in declared)
        )
    facts["expositions"] = "\n".join(lines)
    facts.update(_score_facts(session, member))
    return facts


def _score_facts(session: Session, member: Member) -> dict[str, str]:
    history = list(
        session.scalars(
            select(ScoreRecord)
            .where(ScoreRecord.member_id == member.id)
            .order_by(ScoreRecord.computed_at, ScoreRecord.id)
        )
    )
    if not history:
        return {}
    latest = history[-1]
    when = _fr(_day(latest.computed_at))
    facts = {}
    answers = latest.answers or {}
    if "q1_duerp" in answers:
        facts["document_unique"] = (
            f"{'Oui' if answers['q1_duerp'] else 'Non'} (déclaré par l'entreprise le {when})"
        )
    if "q5_representatives" in answers:
        facts["cse"] = (
            f"Représentants du personnel ou salarié désigné compétent : "
            f"{'oui' if answers['q5_representatives'] else 'non'} (déclaré le {when})"
        )
    scores = ", ".join(
        f"{_fr(_day(r.computed_at))} : {str(r.score).replace('.', ',')}/5" for r in history[-5:]
    )
    plan = answers.get("q3_action_plan")
    lines = [f"Score de culture de prévention (auto-évaluation) : {scores}"]
    if plan is not None:
        lines.append(f"Plan d'actions de prévention déclaré : {'oui' if plan else 'non'}")
    facts["actions_prevention"] = "\n".join(lines)
    return facts


# ---------------------------------------------------------------- PDF


class _FichePdf(FPDF):
    def __init__(self, running_title: str):
        super().__init__(format="A4")
        self.running_title = running_title
        self.set_auto_page_break(True, margin=18)
        self.set_margins(18, 16, 18)
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, f"{self.running_title} — page {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)


def render_pdf(fiche: FicheEntreprise, member: Member, service_name: str) -> bytes:
    """The fiche as the employer receives it: one page per part of the plan (in French)."""
    status = (
        f"version {fiche.version} du {_fr(_day(fiche.published_at))}"
        if fiche.is_published
        else f"version {fiche.version} — PROJET non publié"
    )
    pdf = _FichePdf(f"Fiche d'entreprise — {member.legal_name} — {status}")
    for part in PLAN:
        pdf.add_page()
        pdf.set_font("DejaVu", "", 9)
        pdf.set_text_color(90, 90, 90)
        pdf.cell(0, 5, service_name, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("DejaVu", "B", 15)
        pdf.multi_cell(
            0, 8, f"Fiche d'entreprise — {member.legal_name}", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_font("DejaVu", "", 9)
        pdf.cell(0, 5, status.capitalize(), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_fill_color(11, 90, 122)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("DejaVu", "B", 12)
        pdf.cell(0, 8, f" {part.title}", fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
        for number, section in enumerate(part.sections, start=1):
            text = (fiche.content or {}).get(section.key, "").strip()
            pdf.set_font("DejaVu", "B", 9.5)
            pdf.multi_cell(0, 5, f"{number}- {section.heading}", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 9.5)
            pdf.set_x(pdf.l_margin + 5)
            pdf.multi_cell(0, 5, text or "—", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
    return bytes(pdf.output())
