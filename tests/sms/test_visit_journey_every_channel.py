"""Issue 12: the visit journeys of `dialogs/visits.py`, played by SMS and by the chat of a person
signed in with a one-time code, reach the same stored result from the same messages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from assistant.models import DialogueState, Visit
from assistant.timeutil import today_paris
from tests.sms.conftest import Phone
from tests.sms.test_chat import employee_login, say
from tests.sms.test_visits_sms import make_employee, make_planning

NUMBER = "+33781234567"


@pytest.mark.parametrize("channel", ["sms", "chat"])
def test_a_pre_reprise_is_one_journey_by_sms_and_in_the_chat(sms_app, sms_db, channel):
    make_planning(sms_db)
    make_employee(sms_db, siret="73282932000074", name="Boulangerie Dupont")
    second = make_employee(sms_db, siret="55203253400646", name="Garage Leroy")
    client = sms_app.test_client()
    if channel == "sms":
        send = Phone(client, NUMBER).send
    else:
        employee_login(client, sms_db, NUMBER)

        def send(text):
            return say(client, text)

    started = today_paris() - timedelta(days=45)
    assert "Garage Leroy" in send("RDV PRE-REPRISE")
    assert "arrêt" in send("2")
    offer = send(started.strftime("%d/%m/%Y"))
    assert "Répondez 1, 2 ou 3." in offer
    sms_db.rollback()
    offered = sms_db.scalar(select(DialogueState)).answers["_slots"]
    reply = send("deux")
    assert "réservé" in reply and "employeur n'en est pas informé" in reply

    sms_db.rollback()
    (visit,) = sms_db.scalars(select(Visit)).all()
    assert (visit.employee_id, visit.member_id) == (second.id, second.member_id)
    assert visit.visit_type == "pre_reprise" and visit.confidential
    assert visit.event_date == started and visit.requested_by == "employee"
    assert visit.status == "booked" and visit.slot_id == offered[1]
    assert visit.actor == f"employee:{NUMBER}"
    assert sms_db.scalar(select(DialogueState)) is None  # the journey ended itself
