"""Each e-mail speaks to its addressee: the employer is told about its employee's visit (never
"vous est remise, ainsi qu'à votre employeur"), an independent is not hired."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.models import OutboxMessage
from assistant.services.visits import visit_requests, visit_type_table
from tests.factories import NOW, OTHER_SIRET, make_member

EMPLOYER_TYPES = [
    code
    for code, kind in visit_type_table.visit_types().items()
    if "employer" in kind.requesters and not kind.confidential
]


def _mail(db, to):
    return db.scalars(
        select(OutboxMessage).where(OutboxMessage.channel == "email", OutboxMessage.recipient == to)
    ).all()[-1]


def test_the_employers_convocation_does_not_say_you_and_your_employer_receive(
    db, plan, employer, employee
):
    request = visit_requests.Request(visit_type="vip_initiale", requested_by="employer")
    visit_requests.request_visit(
        db, "test", member=employer, employee=employee, request=request, now=NOW
    )
    body = _mail(db, employer.email).body
    assert "ainsi qu'à votre employeur" not in body
    assert "Faire le point sur votre état de santé" not in body
    assert "votre salarié" in body.split("Comment se passe la visite")[1]


@pytest.mark.parametrize("code", EMPLOYER_TYPES)
def test_every_text_for_the_employer_speaks_of_its_employee(code):
    kind = visit_type_table.get(code)
    for text in (kind.conduct("fr", "employer"), kind.objectives("fr", "employer")):
        assert "votre employeur" not in text and "votre état de santé" not in text, code
    for text in (kind.conduct("en", "employer"), kind.objectives("en", "employer")):
        assert "your employer" not in text and "your health" not in text, code


def test_an_independents_fitness_exam_is_not_named_a_hiring(db, plan):
    member = make_member(db, OTHER_SIRET, kind="independent")
    member.phone, member.email = "+33698765432", "moi@independant.example"
    request = visit_requests.Request(visit_type="sir_embauche", requested_by="independent")
    visit_requests.request_visit(db, "test", member=member, employee=None, request=request, now=NOW)
    mail = _mail(db, member.email)
    assert "embauche" not in mail.subject + mail.body
    assert "Examen médical d'aptitude (début d'activité" in mail.subject
    assert "votre employeur" not in mail.body
    kind = visit_type_table.get("sir_embauche")
    assert "hiring" not in kind.label("en", "independent").lower()
    assert "embauche" in kind.label("fr")  # an employee's is a hiring exam
