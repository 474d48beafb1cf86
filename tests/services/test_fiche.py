"""The fiche d'entreprise: prefill from declarations, versions, frozen publications, due dates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from assistant.models import (
    AuditEntry,
    FicheEntreprise,
    FicheStatus,
    ScoreRecord,
)
from assistant.models.fiche import FrozenFiche
from assistant.services.documents import fiche, fiche_due, fiche_plan, fiche_render
from tests.factories import SIRET, make_employee, make_member, make_staff_user

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def activated_member(db, siret=SIRET, activated=datetime(2025, 6, 15, 10, tzinfo=UTC)):
    """An active employer with what a fiche is prefilled from, a member since `activated`."""
    return make_member(
        db,
        siret,
        risks=["noise", "heat_cold"],
        status="active",
        naf_code="10.71C",
        address="3 rue du Four",
        postcode="75011",
        city="Paris",
        headcount=3,
        contact_name="Marc Dupont",
        created_at=activated,
        activated_at=activated,
    )


@pytest.fixture
def iprp(db):
    return make_staff_user(db, "iprp", "iprp@test.fr", "Iris Préventrice")


@pytest.fixture
def bakery(db):
    """An activated member with four employees (one gone) and a prevention score."""
    member = activated_member(db)
    for last, job, values in (
        ("Dupont", "Boulanger", dict(exposures=["noise", "manual_handling"])),
        (
            "Martin",
            "Boulanger",
            dict(contract_type="cdd", exposures=["noise"], night_worker=True),
        ),
        ("Nguyen", "Vendeuse", dict(contract_type="interim")),
        ("Parti", "Livreur", dict(left_on=date(2024, 1, 1))),
    ):
        make_employee(db, member, last_name=last, first_name="Camille", job=job, **values)
    db.add(
        ScoreRecord(
            member_id=member.id,
            has_employees=True,
            answers={"q1_duerp": True, "q3_action_plan": False, "q5_representatives": False},
            score=Decimal("2.5"),
            computed_at=datetime(2025, 9, 1, 8, tzinfo=UTC),
        )
    )
    db.flush()
    return member


def test_draft_is_prefilled_from_declarations(db, iprp, bakery):
    draft = fiche.draft_from_declarations(db, iprp, bakery.id)
    content = draft.content
    assert draft.version == 1 and draft.status == FicheStatus.DRAFT
    assert set(content) == set(fiche_plan.SECTION_KEYS)
    assert content["date_adhesion"] == "15/06/2025"
    assert (
        "Société 73282932000074" in content["nom_adresse"]
        and "75011 Paris" in (content["nom_adresse"])
    )
    assert content["code_naf"].startswith("10.71C — ")
    assert content["contact"] == "Marc Dupont"
    assert "Iris Préventrice" in content["equipe"]
    # the employee who left is not counted
    assert "Salariés inscrits au service : 3" in content["effectifs"]
    assert "Boulanger (2 salariés)" in content["postes"] and "Livreur" not in content["postes"]
    assert "CDI : 1" in content["contrats"] and "Intérim : 1" in content["contrats"]
    assert content["interimaires"] == "1"
    assert "Bruit : 2 salariés exposés" in content["expositions"]
    assert "Chaleur ou froid" in content["expositions"]  # declared by the employer
    assert "1 salarié déclaré travailleur de nuit" == content["horaires"]
    assert content["document_unique"].startswith("Oui")
    assert "2,5/5" in content["actions_prevention"]
    assert content["sir_declarees"].isdigit()
    assert "R. 4624-46" in content["rappel_reglementaire"]
    assert content["synthese"] == ""


def test_versions_publish_freezes_and_next_draft_keeps_the_text(db, iprp, bakery):
    first = fiche.draft_from_declarations(db, iprp, bakery.id)
    with pytest.raises(fiche.FicheError):
        fiche.draft_from_declarations(db, iprp, bakery.id)  # one draft at a time
    with pytest.raises(fiche.FicheError):
        fiche.publish(db, iprp, first.id, NOW)  # no synthesis yet
    changed = fiche.update_draft(
        db,
        iprp,
        first.id,
        {"synthese": "  Réduire le bruit du pétrin.  ", "locaux": "Fournil", "conseils": "Aérer"},
    )
    assert sorted(changed) == ["conseils", "locaux", "synthese"]
    assert fiche.update_draft(db, iprp, first.id, {"locaux": "Fournil"}) == []
    with pytest.raises(fiche.FicheError):
        fiche.update_draft(db, iprp, first.id, {"unknown": "x"})
    fiche.publish(db, iprp, first.id, NOW)
    db.commit()
    assert first.status == FicheStatus.PUBLISHED and first.published_at == NOW
    assert first.content["synthese"] == "Réduire le bruit du pétrin."
    assert first.content["date_mise_a_jour"] == "02/03/2026"

    with pytest.raises(fiche.FicheError):
        fiche.update_draft(db, iprp, first.id, {"synthese": "autre"})
    with pytest.raises(fiche.FicheError):
        fiche.publish(db, iprp, first.id, NOW)
    first.content = {**first.content, "synthese": "changed behind the service's back"}
    with pytest.raises(FrozenFiche):
        db.flush()
    db.rollback()

    second = fiche.draft_from_declarations(db, iprp, bakery.id)
    assert second.version == 2
    assert second.content["synthese"] == "Réduire le bruit du pétrin."
    assert second.content["locaux"] == "Fournil"
    assert second.content["date_creation"] == "02/03/2026"  # the first publication
    assert [v.version for v in fiche.versions(db, bakery.id)] == [2, 1]
    assert [v.version for v in fiche.published_versions(db, bakery.id)] == [1]
    assert fiche.get_published(db, bakery.id, 2) is None


def test_a_fiche_with_empty_required_parts_is_not_published_and_the_refusal_names_them(
    db, iprp, bakery
):
    draft = fiche.draft_from_declarations(db, iprp, bakery.id)
    fiche.update_draft(db, iprp, draft.id, {"synthese": "Réduire le bruit.", "postes": ""})
    with pytest.raises(fiche.FicheError) as refused:
        fiche.publish(db, iprp, draft.id, NOW)
    assert str(refused.value.message) == (
        "Publication refusée : ces rubriques sont vides : "
        "Liste de tous les postes de travail ; Conseils de prévention."
    )
    assert [s.key for s in fiche.missing_to_publish(draft)] == ["postes", "conseils"]
    assert not draft.is_published


def test_version_numbers_are_unique_per_member(db, iprp, bakery):
    from sqlalchemy.exc import IntegrityError

    db.add(FicheEntreprise(member_id=bakery.id, version=1, content={}, author_id=iprp.id))
    db.add(FicheEntreprise(member_id=bakery.id, version=1, content={}, author_id=iprp.id))
    with pytest.raises(IntegrityError):
        db.flush()


def test_every_write_is_audited(db, iprp, bakery):
    draft = fiche.draft_from_declarations(db, iprp, bakery.id)
    fiche.update_draft(db, iprp, draft.id, {"synthese": "À faire", "conseils": "Aérer"})
    fiche.publish(db, iprp, draft.id, NOW)
    db.flush()
    actions = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.record_type == "fiche_entreprise", AuditEntry.record_id == str(draft.id))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "update", "publish"]
    assert all(
        entry.actor == iprp.get_id()
        for entry in db.scalars(
            select(AuditEntry).where(AuditEntry.record_type == "fiche_entreprise")
        )
    )


def test_due_within_a_year_of_adhesion(db, bakery):
    assert fiche_due.due_date(bakery, None) == date(2026, 6, 15)
    [item] = fiche_due.due_list(db, date(2026, 3, 1))
    assert item.member.id == bakery.id and item.due_on == date(2026, 6, 15)
    assert not item.overdue and item.last_published_on is None
    [late] = fiche_due.due_list(db, date(2026, 7, 1))
    assert late.overdue and late.days_late == 16


def test_due_every_four_years_after_the_last_publication(db, iprp, bakery):
    draft = fiche.draft_from_declarations(db, iprp, bakery.id)
    fiche.update_draft(db, iprp, draft.id, {"synthese": "RAS", "conseils": "RAS"})
    fiche.publish(db, iprp, draft.id, NOW)
    db.flush()
    assert fiche_due.due_list(db, date(2026, 3, 3)) == []  # next one in 2030
    assert fiche_due.due_list(db, date(2029, 3, 1)) == []
    [item] = fiche_due.due_list(db, date(2029, 3, 3))  # within the next twelve months
    assert item.due_on == date(2030, 3, 2) and not item.overdue
    assert item.last_published_on == date(2026, 3, 2)
    [late] = fiche_due.due_list(db, date(2030, 3, 12))
    assert late.overdue and late.days_late == 10


def test_due_list_most_overdue_first_employers_only(db, bakery):
    older = activated_member(db, "44306184100047", activated=datetime(2024, 1, 10, tzinfo=UTC))
    pending = activated_member(db, "55210055400017", activated=datetime(2024, 1, 1, tzinfo=UTC))
    pending.status = "pending"
    independent = activated_member(db, "40483304800022", activated=datetime(2024, 1, 1, tzinfo=UTC))
    independent.kind = "independent"
    fiche.draft_from_declarations(db, None, older.id)
    db.flush()
    due = fiche_due.due_list(db, date(2026, 7, 1))
    assert [item.member.id for item in due] == [older.id, bakery.id]
    assert due[0].overdue and due[0].draft_version == 1


def test_pdf_has_one_page_per_part(db, iprp, bakery):
    draft = fiche.draft_from_declarations(db, iprp, bakery.id)
    pdf = fiche_render.render_pdf(draft, bakery, "SPSTI Santé Travail")
    assert pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
    assert len(pages) >= len(fiche_plan.PLAN)  # each part starts a page; long parts run over
