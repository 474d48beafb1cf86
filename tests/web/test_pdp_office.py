"""The PDP cell's back-office (issue 16, SPEC 4.7): who opens which page and does which action
(every role × every page and action), the audit row of each read, the plan's limits refused with
the message on the field and nothing typed lost, the queue's order by urgency, the follow-ups due
on the staff home, an alert recorded by the staff, the case's journal without its content."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.models import AuditEntry, OutboxMessage
from assistant.models.pdp import PdpAction, PdpCase, PdpCaseMember, PdpReview
from assistant.services.pdp import cases, plan
from tests.factories import PASSWORD, make_employee, make_member, make_staff_user
from tests.web.helpers import fresh, read

SECRET = "Douleurs au dos, ne tient plus au pétrin"
CONTACT = "le soir au 06 11 22 33 44"
ROLES = ("admin", "secretary", "doctor", "other_doctor", "nurse", "iprp", "pdp")


@dataclass
class World:
    emails: dict[str, str]
    ids: dict[str, int]
    case_id: int
    action_id: int
    review_id: int
    ready_id: int  # a second case, analysed with an action: its plan ready to adopt


def ask(db, employee, *, trigger="none", suspended=False, leave_from=None, days_ago=0, **extra):
    """A request of the employee, made `days_ago` days ago (flushed)."""
    return cases.raise_request(
        db,
        "phone:+33781234567",
        raised_by="worker",
        channel="sms",
        trigger=trigger,
        description=extra.pop("description", SECRET),
        contact=CONTACT,
        contract_suspended=suspended,
        leave_from=leave_from,
        employee=employee,
        now=utcnow() - timedelta(days=days_ago),
        **extra,
    )


def planned(db, case, doctor, adopted_days_ago: int):
    """The case analysed, with a workstation study, its plan adopted that many days ago."""
    plan.record_analysis(db, case, "staff:0", doctor, "Étude de poste à prévoir.", utcnow())
    action = plan.add_action(db, case, "staff:0", "workstation_study", utcnow())
    plan.adopt_plan(db, case, "staff:0", today_paris() - timedelta(days=adopted_days_ago))
    db.flush()
    return action


@pytest.fixture
def world(db, employer, employee) -> World:
    """Every role's account (the doctor in charge of the employer, another doctor), and the
    employee's case analysed, planned 100 days ago (its 3-month follow-up due); committed."""
    staff = {role: make_staff_user(db, role) for role in ("admin", "secretary", "nurse", "iprp")}
    staff["pdp"] = make_staff_user(db, "pdp", name="Paula Cellule")
    staff["doctor"] = make_staff_user(db, "doctor", name="Dr Claire Martin")
    staff["other_doctor"] = make_staff_user(db, "doctor", name="Dr Autre")
    employer.doctor_id = staff["doctor"].id
    case = ask(db, employee, trigger="reprise", suspended=True, leave_from=date(2026, 9, 1))
    action = planned(db, case, staff["doctor"], 100)
    review = db.scalar(
        select(PdpReview).where(PdpReview.case_id == case.id, PdpReview.kind == "month_3")
    )
    ready = ask(db, employee, description="Un autre dossier")
    plan.record_analysis(db, ready, "staff:0", staff["doctor"], "Aménagement", utcnow())
    plan.add_action(db, ready, "staff:0", "rqth", utcnow())
    db.commit()
    return World(
        {role: user.email for role, user in staff.items()},
        {role: user.id for role, user in staff.items()},
        case.id,
        action.id,
        review.id,
        ready.id,
    )


def sign_in(client, email):
    response = client.post("/staff/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.data


# --- the matrix: every role × every page and action --------------------------------------

PAGES = {  # url (formatted with the world) → the roles that open it
    "/staff/pdp": {"admin", "secretary", "doctor", "other_doctor", "pdp"},
    "/staff/pdp/{case}": {"doctor", "pdp"},
    "/staff/pdp/{case}/journal": {"admin", "pdp"},
    "/staff/pdp/alerte": {"doctor", "other_doctor", "pdp"},
}

WORKERS = {"doctor", "pdp"}  # who works the case: the cell and the médecin du travail in charge
ACTIONS = {  # (url, form) → the roles allowed
    ("/staff/pdp/{case}/confier", "assignee={pdp}"): {"pdp"},
    ("/staff/pdp/{case}/intervenants", "staff_id={nurse}"): {"pdp"},
    ("/staff/pdp/{case}/analyse", "doctor={doctor}&analysis=Reprise+à+mi-temps"): WORKERS,
    ("/staff/pdp/{case}/actions", "kind=social&action_note=Assistante+sociale"): WORKERS,
    ("/staff/pdp/{case}/actions/{action}/fait", ""): WORKERS,
    ("/staff/pdp/{ready}/plan", ""): WORKERS,
    ("/staff/pdp/{case}/suivis/{review}", "r{review}-note=Tient+bien"): WORKERS,
    ("/staff/pdp/{case}/cloture", "outcome=kept&outcome_note=Maintenu"): {"pdp"},
}


def fill(text: str, world: World) -> str:
    return text.format(
        case=world.case_id,
        action=world.action_id,
        review=world.review_id,
        ready=world.ready_id,
        **world.ids,
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", PAGES)
def test_every_role_on_every_pdp_page(client, world, role, url):
    sign_in(client, world.emails[role])
    response = client.get(fill(url, world))
    assert response.status_code == (200 if role in PAGES[url] else 403), (role, url)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_role_on_every_pdp_action(client, db, world, role, action):
    url, form = action
    sign_in(client, world.emails[role])
    response = client.post(
        fill(url, world),
        data=fill(form, world),
        content_type="application/x-www-form-urlencoded",
    )
    fresh(db)
    writes = db.scalars(
        select(AuditEntry.action).where(
            AuditEntry.record_type == "pdp_case",
            AuditEntry.actor == f"staff:{world.ids[role]}",
            AuditEntry.action != "read",
        )
    ).all()
    if role in ACTIONS[action]:
        assert response.status_code == 302, (role, url, read(response)[:2000])
        assert writes, (role, url)
    else:
        assert response.status_code == 403, (role, url)
        assert writes == []


def test_a_nurse_added_to_a_case_reads_that_case_only(client, db, world, employee):
    other_case = ask(db, employee, description="Autre situation")
    db.add(PdpCaseMember(case_id=world.case_id, staff_id=world.ids["nurse"], added_by="staff:0"))
    db.commit()
    sign_in(client, world.emails["nurse"])
    assert client.get(f"/staff/pdp/{world.case_id}").status_code == 200
    assert client.get(f"/staff/pdp/{other_case.id}").status_code == 403
    queue = client.get("/staff/pdp")
    assert queue.status_code == 200
    links = set(re.findall(r'href="/staff/pdp/(\d+)"', read(queue)))
    assert links == {str(world.case_id)}


def test_the_cell_adds_a_nurse_who_then_reads_the_case(client, db, world):
    sign_in(client, world.emails["pdp"])
    response = client.post(
        f"/staff/pdp/{world.case_id}/intervenants", data={"staff_id": world.ids["nurse"]}
    )
    assert response.status_code == 302
    client.post("/staff/logout")
    sign_in(client, world.emails["nurse"])
    assert client.get(f"/staff/pdp/{world.case_id}").status_code == 200


# --- confidentiality: what an overseer sees; the audit row of each read ------------------


@pytest.mark.parametrize("role", ["admin", "secretary"])
def test_administrators_and_secretaries_see_that_a_case_exists_and_its_stage_only(
    client, world, role
):
    sign_in(client, world.emails[role])
    page = read(client.get("/staff/pdp"))
    assert f"n° {world.case_id}" in page and "Plan adopté" in page
    for content in (SECRET, CONTACT, "Durand", "Boulangerie Dupont", "Reprise", "arrêt"):
        assert content not in page, content
    assert f'href="/staff/pdp/{world.case_id}"' not in page


def test_the_other_doctor_sees_no_case_of_a_member_not_in_charge(client, world):
    sign_in(client, world.emails["other_doctor"])
    page = read(client.get("/staff/pdp"))
    assert f"n° {world.case_id}" not in page and "Durand" not in page


@pytest.mark.parametrize("role", ["pdp", "doctor"])
def test_each_read_of_a_case_is_audited(client, db, world, role):
    sign_in(client, world.emails[role])
    for _ in range(2):
        page = read(client.get(f"/staff/pdp/{world.case_id}"))
        assert SECRET in page and CONTACT in page and "Alex Durand" in page
    fresh(db)
    reads = db.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "read",
            AuditEntry.record_type == "pdp_case",
            AuditEntry.record_id == str(world.case_id),
        )
    ).all()
    assert [r.actor for r in reads] == [f"staff:{world.ids[role]}"] * 2


@pytest.mark.parametrize("role", ["admin", "secretary", "other_doctor", "nurse", "iprp"])
def test_a_refused_read_is_not_a_read(client, db, world, role):
    sign_in(client, world.emails[role])
    assert client.get(f"/staff/pdp/{world.case_id}").status_code == 403
    fresh(db)
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "read")) is None


def test_the_journal_says_who_when_and_what_without_the_content(client, db, world):
    sign_in(client, world.emails["pdp"])
    client.get(f"/staff/pdp/{world.case_id}")
    client.post(
        f"/staff/pdp/{world.case_id}/actions",
        data={"kind": "psychological", "action_note": "Psychologue du travail"},
    )
    client.post("/staff/logout")
    sign_in(client, world.emails["admin"])
    page = read(client.get(f"/staff/pdp/{world.case_id}/journal"))
    assert "Paula Cellule" in page  # who
    for what in ("Demande reçue", "Lecture du dossier", "Analyse enregistrée", "Action ajoutée"):
        assert what in page, what
    for content in (SECRET, CONTACT, "psychological", "Psychologue", "+33781234567", "Durand"):
        assert content not in page, content


def test_the_service_journal_hides_the_content_of_pdp_entries(client, db, world):
    """The whole journal (/staff/journal) does not give away what the case's journal hides."""
    sign_in(client, world.emails["pdp"])
    client.post(f"/staff/pdp/{world.case_id}/actions", data={"kind": "psychological"})
    client.post("/staff/logout")
    sign_in(client, world.emails["admin"])
    page = read(client.get("/staff/journal"))
    assert "Dossier PDP" in page
    assert "psychological" not in page and "+33781234567" not in page


# --- the limits, through the web ---------------------------------------------------------


def test_a_third_psychological_appointment_is_refused_on_its_field(client, db, world):
    sign_in(client, world.emails["pdp"])
    url = f"/staff/pdp/{world.case_id}/actions"
    for _ in range(2):
        assert client.post(url, data={"kind": "psychological"}).status_code == 302
    response = client.post(
        url, data={"kind": "psychological", "action_note": "Un troisième, à sa demande"}
    )
    assert response.status_code == 400
    page = read(response)
    assert re.search(r'class="error" id="kind-error">[^<]*limité à deux rendez-vous', page), page[
        -3000:
    ]
    assert "Un troisième, à sa demande</textarea>" in page  # what was typed is kept
    fresh(db)
    kinds = db.scalars(select(PdpAction.kind).where(PdpAction.case_id == world.case_id)).all()
    assert kinds.count("psychological") == 2


def test_a_second_renewal_of_the_essai_encadre_is_refused_on_its_field(client, db, world):
    sign_in(client, world.emails["pdp"])
    url = f"/staff/pdp/{world.case_id}/actions"
    first = {"kind": "essai_encadre", "starts_on": "2026-12-07"}
    assert client.post(url, data=first).status_code == 302
    assert client.post(url, data={"kind": "essai_encadre"}).status_code == 302  # the renewal
    response = client.post(url, data={**first, "action_note": "Encore deux semaines"})
    assert response.status_code == 400
    page = read(response)
    assert "ne se renouvelle qu'une fois" in page
    assert 'value="2026-12-07"' in page and "Encore deux semaines</textarea>" in page
    fresh(db)
    assert db.scalar(
        select(PdpAction.ends_on).where(PdpAction.case_id == world.case_id, PdpAction.rank == 2)
    ) == date(2027, 1, 3)


def test_an_essai_encadre_needs_its_first_day(client, world):
    sign_in(client, world.emails["pdp"])
    response = client.post(f"/staff/pdp/{world.case_id}/actions", data={"kind": "essai_encadre"})
    assert response.status_code == 400
    assert "premier jour de l'essai encadré" in read(response)


def test_the_analysis_is_made_with_a_doctor_and_keeps_the_text_when_refused(client, world):
    sign_in(client, world.emails["pdp"])
    response = client.post(
        f"/staff/pdp/{world.case_id}/analyse",
        data={"doctor": world.ids["nurse"], "analysis": "Texte long à garder"},
    )
    assert response.status_code == 400
    assert "Texte long à garder</textarea>" in read(response)


# --- the queue's order, what is due on the home ------------------------------------------


def test_the_queue_puts_suspended_contracts_and_the_longest_leaves_first(client, db, world):
    employer = db.get(PdpCase, world.case_id).member
    people = {
        name: make_employee(db, employer, last_name=name) for name in ("Aa", "Bb", "Cc", "Dd")
    }
    calm = ask(db, people["Aa"], days_ago=30)  # oldest, not urgent
    recent_leave = ask(db, people["Bb"], suspended=True, leave_from=date(2026, 10, 1))
    long_leave = ask(db, people["Cc"], suspended=True, leave_from=date(2026, 8, 1))
    reprise = ask(db, people["Dd"], trigger="reprise", days_ago=2)
    db.commit()
    sign_in(client, world.emails["pdp"])
    page = read(client.get("/staff/pdp"))
    order = [int(i) for i in re.findall(r'href="/staff/pdp/(\d+)"', page)]
    seen = list(dict.fromkeys(order))
    assert seen == [
        long_leave.id,
        world.case_id,
        recent_leave.id,
        reprise.id,
        calm.id,
        world.ready_id,
    ]


def test_the_home_shows_the_cells_queue_and_the_follow_ups_due(client, db, world, employee):
    fresh_case = ask(db, employee, description="Pas encore dû")
    planned(db, fresh_case, db.get(PdpCase, world.case_id).analysed_with, 10)
    db.commit()
    sign_in(client, world.emails["pdp"])
    page = read(client.get("/staff/"))
    assert "Cellule PDP" in page
    assert f'href="/staff/pdp/{world.case_id}"' in page
    due = page.split("Suivis à faire", 1)[1]
    assert "Suivi à 3 mois" in due and f"/staff/pdp/{world.case_id}#suivi" in due
    assert f"/staff/pdp/{fresh_case.id}#" not in due  # its follow-up is in 80 days


def test_the_follow_up_due_later_appears_on_the_home_when_due(client, db, world, employee):
    case = ask(db, employee)
    planned(db, case, db.get(PdpCase, world.case_id).analysed_with, 92)  # due today
    db.commit()
    sign_in(client, world.emails["doctor"])
    due = read(client.get("/staff/")).split("Suivis à faire", 1)[1]
    assert f"/staff/pdp/{case.id}#suivi" in due


@pytest.mark.parametrize("role", ["admin", "secretary", "other_doctor", "nurse", "iprp"])
def test_the_home_shows_no_case_to_whoever_does_not_read_them(client, world, role):
    sign_in(client, world.emails[role])
    page = read(client.get("/staff/"))
    assert "Suivis à faire" not in page and "Durand" not in page
    assert f"/staff/pdp/{world.case_id}" not in page


def test_completing_the_follow_up_takes_it_off_the_home(client, db, world):
    sign_in(client, world.emails["pdp"])
    response = client.post(
        f"/staff/pdp/{world.case_id}/suivis/{world.review_id}",
        data={f"r{world.review_id}-note": "Tient bien au poste aménagé"},
    )
    assert response.status_code == 302
    due = read(client.get("/staff/")).split("Suivis à faire", 1)[1]
    assert f"/staff/pdp/{world.case_id}#" not in due and "Aucun suivi à faire" in due
    fresh(db)
    assert db.get(PdpReview, world.review_id).note == "Tient bien au poste aménagé"


# --- the menu ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_offers_the_cell_to_whoever_may_open_it(client, world, role):
    sign_in(client, world.emails[role])
    nav = read(client.get("/staff/")).split('<ul class="nav">', 1)[1].split("</ul>", 1)[0]
    assert ('href="/staff/pdp"' in nav) == (role in PAGES["/staff/pdp"])


# --- an alert recorded by the staff ------------------------------------------------------


def test_the_cell_records_an_alert_of_the_treating_doctor_without_telling_the_employer(
    client, db, world, employer, employee
):
    mails = db.scalars(select(OutboxMessage.id).where(OutboxMessage.channel == "email")).all()
    sign_in(client, world.emails["pdp"])
    page = read(client.get(f"/staff/pdp/alerte?adherent={employer.id}"))
    assert "Alex Durand" in page
    response = client.post(
        f"/staff/pdp/alerte?adherent={employer.id}",
        data={
            "member": employer.id,
            "employee": employee.id,
            "source": "treating_doctor",
            "trigger": "pre_reprise",
            "contract_suspended": "y",
            "leave_from": "2026-10-05",
            "leave_until": "2027-01-31",
            "description": "Le médecin traitant s'inquiète du retour",
            "contact": "Cabinet du Dr Roux",
        },
    )
    assert response.status_code == 302
    fresh(db)
    case = db.scalar(select(PdpCase).order_by(PdpCase.id.desc()).limit(1))
    assert (case.raised_by, case.channel, case.employee_id) == (
        "treating_doctor",
        "staff",
        employee.id,
    )
    assert case.contract_suspended and case.leave_from == date(2026, 10, 5)
    assert case.raised_actor == f"staff:{world.ids['pdp']}"
    assert response.headers["Location"].endswith(f"/staff/pdp/{case.id}")
    assert (
        db.scalars(select(OutboxMessage.id).where(OutboxMessage.channel == "email")).all() == mails
    )


def test_a_doctor_records_an_alert_for_an_independent(client, db, world):
    independent = make_member(
        db, "44306184100047", kind="independent", status="active", legal_name="Lina Roux"
    )
    db.commit()
    sign_in(client, world.emails["doctor"])
    response = client.post(
        f"/staff/pdp/alerte?adherent={independent.id}",
        data={
            "member": independent.id,
            "source": "occupational_doctor",
            "trigger": "mid_career",
            "description": "Visite de mi-carrière : usure",
        },
    )
    assert response.status_code == 302
    fresh(db)
    case = db.scalar(select(PdpCase).where(PdpCase.member_id == independent.id))
    assert case.employee_id is None and case.raised_by == "occupational_doctor"


def test_an_alert_without_description_keeps_what_was_typed(client, world, employer, employee):
    sign_in(client, world.emails["pdp"])
    response = client.post(
        f"/staff/pdp/alerte?adherent={employer.id}",
        data={
            "member": employer.id,
            "employee": employee.id,
            "source": "medecin_conseil",
            "trigger": "reprise",
            "contact": "Dr Blanc, CPAM",
            "description": "",
        },
    )
    assert response.status_code == 400
    page = read(response)
    assert 'value="Dr Blanc, CPAM"' in page and 'id="description-error"' in page


def test_an_alert_for_another_members_employee_is_refused(client, db, world, other, employee):
    db.commit()
    sign_in(client, world.emails["pdp"])
    response = client.post(
        f"/staff/pdp/alerte?adherent={other.id}",
        data={
            "member": other.id,
            "employee": employee.id,
            "source": "occupational_doctor",
            "trigger": "none",
            "description": "x",
        },
    )
    assert response.status_code == 400
    fresh(db)
    assert db.scalar(select(PdpCase).where(PdpCase.member_id == other.id)) is None


def test_closing_a_case_takes_it_out_of_the_queue(client, db, world):
    sign_in(client, world.emails["pdp"])
    response = client.post(
        f"/staff/pdp/{world.case_id}/cloture", data={"outcome": "adjusted", "outcome_note": ""}
    )
    assert response.status_code == 302
    queue = read(client.get("/staff/pdp"))
    assert f'href="/staff/pdp/{world.case_id}"' not in queue.split("Dossiers clos")[0]
    fresh(db)
    assert db.get(PdpCase, world.case_id).outcome == "adjusted"
