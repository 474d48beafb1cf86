"""Risk self-assessments: versions never overwritten, diffs, main_risks kept in sync, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assistant.models import AuditEntry, Member, RiskDeclaration
from assistant.services.prevention import declarations, risk_catalogue
from dialogs.declaration import DECLARATION, to_declaration
from dialogs.engine import Context
from tests.factories import make_member


def drawers(risks=("noise",), **answers):
    organisation = {"in_group": False, "has_cse": True, "competent_employee": False, "sites": 1}
    prevention = {"has_duerp": True, "has_action_plan": False, "has_training": True}
    data = {
        "organisation": organisation,
        "activites": {"trades": "Boulangerie, vente"},
        "prevention": {**prevention, "has_ppe": True},
        "risques": {"risks": list(risks)},
    }
    for key, value in answers.items():
        for drawer in data.values():
            if key in drawer:
                drawer[key] = value
    return data


def test_versions_are_added_never_overwritten(db, member):
    first = declarations.declare(db, "member:1", member.id, drawers())
    second = declarations.declare(db, "member:1", member.id, drawers(has_cse=False))
    db.commit()
    assert (first.version, second.version) == (1, 2)
    assert first.data["organisation"]["has_cse"] is True  # the old version is kept as it was
    assert [d.version for d in declarations.history(db, member.id)] == [1, 2]
    assert declarations.latest(db, member.id).id == second.id
    assert second.created_by == "member:1" and second.created_at.tzinfo is not None


def test_an_identical_declaration_is_not_stored_again(db, member):
    first = declarations.declare(db, "member:1", member.id, drawers(risks=["noise", "chemical"]))
    # same content, risks in another order: still the same declaration
    again = declarations.declare(
        db, "phone:+33600000000", member.id, drawers(risks=["chemical", "noise"])
    )
    db.commit()
    assert again.id == first.id
    assert db.scalars(select(RiskDeclaration)).all() == [first]


def test_the_version_is_a_database_constraint(db, member):
    declarations.declare(db, "member:1", member.id, drawers())
    db.add(RiskDeclaration(member_id=member.id, version=1, data={}, created_by="x"))
    with pytest.raises(IntegrityError):
        db.flush()


def test_main_risks_follow_the_latest_declaration(db, member):
    declarations.declare(db, "member:1", member.id, drawers(risks=["noise", "wood_dust"]))
    assert member.main_risks == ["noise", "wood_dust"]
    declarations.declare(db, "member:1", member.id, drawers(risks=["screen"]))
    db.commit()
    assert db.get(Member, member.id).main_risks == ["screen"]


def test_unknown_risk_codes_are_refused(db, member):
    with pytest.raises(ValueError, match="unknown risk codes"):
        declarations.declare(db, "member:1", member.id, drawers(risks=["not_a_risk"]))


def test_add_risks_keeps_the_other_drawers_and_adds_to_the_adhesion_risks(db):
    member = make_member(db, "44306184100047", kind="independent", risks=["noise"])
    first = declarations.add_risks(db, "phone:+33698765432", member.id, ["wood_dust"])
    assert first.version == 1 and first.data["risques"]["risks"] == ["noise", "wood_dust"]
    declarations.declare(db, "member:2", member.id, drawers(risks=["noise"]))
    third = declarations.add_risks(db, "phone:+33698765432", member.id, ["screen"])
    assert third.version == 3
    assert third.data["risques"]["risks"] == ["noise", "screen"]
    assert third.data["activites"] == {"trades": "Boulangerie, vente"}
    assert member.main_risks == ["noise", "screen"]


def test_diff_names_each_change_per_drawer(db, member):
    older = drawers(risks=["noise", "wood_dust"])
    newer = drawers(risks=["noise", "screen"], has_cse=False, sites=3, trades="Boulangerie")
    catalogue = risk_catalogue.of(db).catalogue()
    changes = declarations.diff(older, newer, catalogue)
    assert [(c.drawer, c.key, c.kind) for c in changes] == [
        ("organisation", "has_cse", "changed"),
        ("organisation", "sites", "changed"),
        ("activites", "trades", "changed"),
        ("risques", "risks", "added"),
        ("risques", "risks", "removed"),
    ]
    texts = [c.text for c in changes]
    assert texts[0] == "Avez-vous un comité social et économique (CSE) ? : oui → non"
    assert texts[1] == "Nombre de sites ou d'établissements : 1 → 3"
    assert texts[3] == "Risque ajouté : Travail sur écran"
    assert texts[4] == "Risque retiré : Poussières de bois"
    assert changes[0].drawer_title == "Organisation"
    assert declarations.diff(older, older, catalogue) == []


def test_every_declaration_is_audited(db, member):
    stored = declarations.declare(db, "member:7", member.id, drawers())
    declarations.declare(db, "member:7", member.id, drawers())  # identical: nothing new
    db.commit()
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.record_type == "risk_declaration")
    ).all()
    assert [(e.actor, e.action, e.record_id) for e in entries] == [
        ("member:7", "create", str(stored.id))
    ]


def test_members_are_isolated(db, member, other):
    declarations.declare(db, "member:1", member.id, drawers(risks=["noise"]))
    declarations.declare(db, "member:1", member.id, drawers(risks=["screen"]))
    theirs = declarations.declare(db, "member:2", other.id, drawers(risks=["asbestos"]))
    db.commit()
    assert theirs.version == 1  # numbering is per member
    assert [d.member_id for d in declarations.history(db, other.id)] == [other.id]
    assert declarations.latest(db, member.id).data["risques"]["risks"] == ["screen"]
    assert db.get(Member, other.id).main_risks == ["asbestos"]


def test_the_journey_skips_cse_questions_for_an_independent_and_matches_text_by_sms(db):
    answers = {"_kind": "independent"}
    context = Context(session=db)
    replies = iter(
        ["non", "1", "menuisier", "oui", "non", "oui", "non", "poussière de bois", "oui"]
    )
    asked = []
    while (question := DECLARATION.next_question(answers)) is not None:
        asked.append(question.key)
        answers = DECLARATION.accept(answers, question, next(replies), context)
    assert "has_cse" not in asked and "competent_employee" not in asked
    assert asked[-2:] == ["risks", "risks_confirm"]
    data = to_declaration(answers)
    assert data["organisation"] == {"in_group": False, "sites": 1}
    assert data["risques"] == {"risks": ["wood_dust"]}


def test_the_journey_asks_what_a_declaration_keeps_in_its_words_and_order():
    """The service holds a declaration's answers and their questions; the journey asks them."""
    kept = [q for q in DECLARATION.questions if q.key in declarations.FIELDS]
    assert [q.key for q in kept] == list(declarations.FIELDS)
    for question in kept:
        field = declarations.FIELDS[question.key]
        assert (question.step, question.text({}, Context())) == (field.drawer, str(field.question))
    assert [q.key for q in DECLARATION.questions if q not in kept] == ["risks_confirm"]
