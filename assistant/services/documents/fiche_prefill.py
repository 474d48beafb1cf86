"""What a new draft of the fiche d'entreprise fills in by itself (SPEC 4.3), in French.

Identity, team, workforce and follow-up categories, contracts, exposures, the prevention score and
the regulatory reminder, from what the member declared. Health data never appear: follow-up
categories are computed from the employer's declaration only (no `HealthFlags`), and nothing here
reads a worker's health information.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant import labels
from assistant.core.text import french
from assistant.models import Employee, Member, ScoreRecord
from assistant.services.documents.fiche_due import adhesion_date, french_date, paris_day
from assistant.services.followup import followup_categories, followup_table
from assistant.services.prevention import naf, risk_catalogue
from assistant.services.prevention.risk_catalogue import Catalogue

REGULATORY_REMINDER = (
    "La fiche d'entreprise est établie et mise à jour par le service de prévention et de santé "
    "au travail (articles R. 4624-46 à R. 4624-50 du Code du travail). Elle est transmise à "
    "l'employeur, présentée au comité social et économique en même temps que le bilan annuel, "
    "et tenue à la disposition de l'agent de contrôle de l'inspection du travail et du médecin "
    "inspecteur du travail. Conservez-la avec votre document unique d'évaluation des risques "
    "professionnels (DUERP)."
)


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
        "date_adhesion": french_date(adhesion_date(member)),
        "date_mise_a_jour": french_date(today),
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
        lines += [f"– {french(labels.FOLLOWUP_CATEGORY[c])} : {n}" for c, n in counts.items() if n]
        facts["effectifs"] = "\n".join(lines)
        contracts = Counter(employee.contract_type for employee in employees)
        facts["contrats"] = "\n".join(
            f"{french(labels.CONTRACT.get(kind, kind))} : {n}"
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
    when = french_date(paris_day(latest.computed_at))
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
        f"{french_date(paris_day(r.computed_at))} : {str(r.score).replace('.', ',')}/5"
        for r in history[-5:]
    )
    plan = answers.get("q3_action_plan")
    lines = [f"Score de culture de prévention (auto-évaluation) : {scores}"]
    if plan is not None:
        lines.append(f"Plan d'actions de prévention déclaré : {'oui' if plan else 'non'}")
    facts["actions_prevention"] = "\n".join(lines)
    return facts
