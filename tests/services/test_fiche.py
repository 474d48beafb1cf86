"""The fiche d'entreprise: prefill from declarations, versions, frozen publications, due dates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from assistant.models import (
    AuditEntry,
    Employee,
    FicheEntreprise,
    FicheStatus,
    Member,
    ScoreRecord,
    StaffUser,
)
from assistant.models.fiche import FrozenFiche
from assistant.services.documents import fiche

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def make_member(db, siret="73282932000074", activated=datetime(2025, 6, 15, 10, tzinfo=UTC)):
    member = Member(
        kind="employer",
        status="active",
        siret=siret,
        siren=siret[:9],
        legal_name=f"Société {siret}",
        naf_code="10.71C",
        address="3 rue du Four",
        postcode="75011",
        city="Paris",
        headcount=3,
        contact_name="Marc Dupont",
        main_risks=["noise", "heat_cold"],
        created_at=activated,
        activated_at=activated,
    )
    db.add(member)
    db.flush()
    return member


def employee(member, last, job, contract="cdi", exposures=(), night=False, left_on=None):
    return Employee(
        member_id=member.id,
        last_name=last,
        first_name="Camille",
        last_name_folded=last.lower(),
        first_name_folded="camille",
        birth_date=date(1985, 4, 1),
        job=job,
        hire_date=date(2020, 1, 6),
        contract_type=contract,
        exposures=list(exposures),
        night_worker=night,
        left_on=left_on,
    )


@pytest.fixture
def iprp(db):
    user = StaffUser(email="iprp@test.fr", full_name="Iris Préventrice", role="iprp")
    user.set_password("x" * 12)
    db.add(user)
    db.flush()
    return user


@pytest.fixture
def member(db):
    member = make_member(db)
    db.add_all(
        [
            employee(member, "Dupont", "Boulanger", exposures=["noise", "manual_handling"]),
            employee(member, "Martin", "Boulanger", "cdd", exposures=["noise"], night=True),
            employee(member, "Nguyen", "Vendeuse", "interim"),
            employee(member, "Parti", "Livreur", left_on=date(2024, 1, 1)),
        ]
    )
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


def test_draft_is_prefilled_from_declarations(db, iprp, member):
    draft = fiche.draft_from_declarations(db, iprp, member.id)
    content = draft.content
    assert draft.version == 1 and draft.status == FicheStatus.DRAFT
    assert set(content) == set(fiche.SECTION_KEYS)
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
    assert "CDI : 1" in content["contrats"] and "intérim : 1" in content["contrats"]
    assert content["interimaires"] == "1"
    assert "Bruit : 2 salariés exposés" in content["expositions"]
    assert "Chaleur ou froid" in content["expositions"]  # declared by the employer
    assert "1 salarié déclaré travailleur de nuit" == content["horaires"]
    assert content["document_unique"].startswith("Oui")
    assert "2,5/5" in content["actions_prevention"]
    assert content["sir_declarees"].isdigit()
    assert "R. 4624-46" in content["rappel_reglementaire"]
    assert content["synthese"] == ""


def test_versions_publish_freezes_and_next_draft_keeps_the_text(db, iprp, member):
    first = fiche.draft_from_declarations(db, iprp, member.id)
    with pytest.raises(fiche.FicheError):
        fiche.draft_from_declarations(db, iprp, member.id)  # one draft at a time
    with pytest.raises(fiche.FicheError):
        fiche.publish(db, iprp, first.id, NOW)  # no synthesis yet
    changed = fiche.update_draft(
        db, iprp, first.id, {"synthese": "  Réduire le bruit du pétrin.  ", "locaux": "Fournil"}
    )
    assert sorted(changed) == ["locaux", "synthese"]
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

    second = fiche.draft_from_declarations(db, iprp, member.id)
    assert second.version == 2
    assert second.content["synthese"] == "Réduire le bruit du pétrin."
    assert second.content["locaux"] == "Fournil"
    assert second.content["date_creation"] == "02/03/2026"  # the first publication
    assert [v.version for v in fiche.versions(db, member.id)] == [2, 1]
    assert [v.version for v in fiche.published_versions(db, member.id)] == [1]
    assert fiche.get_published(db, member.id, 2) is None


def test_version_numbers_are_unique_per_member(db, iprp, member):
    from sqlalchemy.exc import IntegrityError

    db.add(FicheEntreprise(member_id=member.id, version=1, content={}, author_id=iprp.id))
    db.add(FicheEntreprise(member_id=member.id, version=1, content={}, author_id=iprp.id))
    with pytest.raises(IntegrityError):
        db.flush()


def test_every_write_is_audited(db, iprp, member):
    draft = fiche.draft_from_declarations(db, iprp, member.id)
    fiche.update_draft(db, iprp, draft.id, {"synthese": "À faire"})
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


def test_due_within_a_year_of_adhesion(db, member):
    assert fiche.due_date(member, None) == date(2026, 6, 15)
    [item] = fiche.due_list(db, date(2026, 3, 1))
    assert item.member.id == member.id and item.due_on == date(2026, 6, 15)
    assert not item.overdue and item.last_published_on is None
    [late] = fiche.due_list(db, date(2026, 7, 1))
    assert late.overdue and late.days_late == 16


def test_due_every_four_years_after_the_last_publication(db, iprp, member):
    draft = fiche.draft_from_declarations(db, iprp, member.id)
    fiche.update_draft(db, iprp, draft.id, {"synthese": "RAS"})
    fiche.publish(db, iprp, draft.id, NOW)
    db.flush()
    assert fiche.due_list(db, date(2026, 3, 3)) == []  # next one in 2030
    assert fiche.due_list(db, date(2029, 3, 1)) == []
    [item] = fiche.due_list(db, date(2029, 3, 3))  # within the next twelve months
    assert item.due_on == date(2030, 3, 2) and not item.overdue
    assert item.last_published_on == date(2026, 3, 2)
    [late] = fiche.due_list(db, date(2030, 3, 12))
    assert late.overdue and late.days_late == 10


def test_due_list_most_overdue_first_employers_only(db, member):
    older = make_member(db, "44306184100047", activated=datetime(2024, 1, 10, tzinfo=UTC))
    pending = make_member(db, "55210055400017", activated=datetime(2024, 1, 1, tzinfo=UTC))
    pending.status = "pending"
    independent = make_member(db, "40483304800022", activated=datetime(2024, 1, 1, tzinfo=UTC))
    independent.kind = "independent"
    fiche.draft_from_declarations(db, None, older.id)
    db.flush()
    due = fiche.due_list(db, date(2026, 7, 1))
    assert [item.member.id for item in due] == [older.id, member.id]
    assert due[0].overdue and due[0].draft_version == 1


def test_pdf_has_one_page_per_part(db, iprp, member):
    draft = fiche.draft_from_declarations(db, iprp, member.id)
    pdf = fiche.render_pdf(draft, member, "SPSTI Santé Travail")
    assert pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
    assert len(pages) >= len(fiche.PLAN)  # each part starts a page; long parts run over
