"""Issue 12: the visit journeys of `dialogs/visits.py`, played by SMS, by the chat of a person
signed in with a one-time code and by the pages of the employee's space, reach the same stored
result from the same answers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from assistant.core.timeutil import PARIS, today_paris
from assistant.database import utcnow
from assistant.models import DialogueState, Slot, Visit
from assistant.services.visits import slot_offers
from tests.factories import OTHER_SIRET
from tests.sms.conftest import Phone
from tests.sms.helpers import employee_login, say, texting_employee

NUMBER = "+33781234567"


@pytest.mark.parametrize("channel", ["sms", "chat"])
def test_a_pre_reprise_is_one_journey_by_sms_and_in_the_chat(sms_app, sms_db, channel, sms_slots):
    texting_employee(sms_db)
    second = texting_employee(sms_db, siret=OTHER_SIRET, name="Garage Leroy")
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


def _listed(page: str) -> list[int]:
    """The slot ids a slot page lists, in order (what it sends back with the pick)."""
    listed = re.search(r'name="listed" value="([\d ]*)"', page).group(1).split()
    shown = re.findall(r'name="slot" id="slot-\d+" value="(\d+)"', page)
    assert listed == shown
    return [int(slot_id) for slot_id in listed]


class WebSpace:
    """The employee's space played as a browser would: the request page, the slot page (pick
    the slot listed at a position, the same page moves a booked visit), the cancel page."""

    def __init__(self, client, session, employee_id: int):
        self.client, self.session, self.employee_id = client, session, employee_id
        employee_login(client, session, NUMBER)

    def request(self) -> list[int]:
        response = self.client.post(
            f"/salarie/demande/{self.employee_id}", data={"visit_type": "demande"}
        )
        assert response.status_code == 302 and response.location.endswith("/creneau")
        self.slots_url = response.location
        return self.offer()

    def offer(self) -> list[int]:
        self.listed = _listed(self.client.get(self.slots_url).get_data(as_text=True))
        return self.listed

    def pick(self, position: int) -> None:
        data = {"slot": self.listed[position - 1], "listed": " ".join(map(str, self.listed))}
        response = self.client.post(self.slots_url, data=data)
        assert response.status_code == 302 and response.location.endswith("/salarie/")

    def cancel(self) -> None:
        url = self.slots_url.replace("/creneau", "/annuler")
        assert "Oui, annuler" in self.client.get(url).get_data(as_text=True)
        assert self.client.post(url).status_code == 302


class Text:
    """SMS or the chat: the keywords, a number to pick, OUI to cancel."""

    def __init__(self, send, session):
        self.send, self.session = send, session

    def offered(self) -> list[int]:
        self.session.rollback()
        return list(self.session.scalar(select(DialogueState)).answers["_slots"])

    def request(self) -> list[int]:
        assert "Répondez 1, 2 ou 3." in self.send("RDV")
        return self.offered()

    def offer(self) -> list[int]:
        assert "Répondez 1, 2 ou 3." in self.send("DEPLACER")
        return self.offered()

    def pick(self, position: int) -> None:
        reply = self.send(str(position))
        assert "réservé" in reply or "déplacé" in reply

    def cancel(self) -> None:
        assert "OUI" in self.send("ANNULER")
        assert "annulé" in self.send("OUI")


@pytest.mark.parametrize("channel", ["sms", "chat", "web"])
def test_request_pick_move_and_cancel_store_the_same_visit_on_every_channel(
    sms_app,
    sms_db,
    channel,
    sms_slots,
):
    """A request, the slot listed second, a move to the slot then listed second, a cancel: the
    web lists more slots than a message, earliest first; a message spreads its three over
    several days (issue 15: not three of the same morning); the journeys end the same."""
    employee = texting_employee(sms_db)
    free = list(
        sms_db.scalars(
            select(Slot)
            .where(Slot.starts_at > utcnow() + slot_offers.LEAD_TIME)
            .order_by(Slot.starts_at, Slot.id)
        )
    )

    def listed(leaving=None) -> list[int]:
        """What the channel lists first: the soonest slots, or by text the first of each day."""
        ids = [slot.id for slot in free if slot.id != leaving]
        if channel == "web":
            return ids[:3]
        days = {}
        for slot in free:
            if slot.id != leaving:
                days.setdefault(slot.starts_at.astimezone(PARIS).date(), slot.id)
        return list(days.values())[:3]

    client = sms_app.test_client()
    if channel == "web":
        person = WebSpace(client, sms_db, employee.id)
    elif channel == "chat":
        employee_login(client, sms_db, NUMBER)
        person = Text(lambda text: say(client, text), sms_db)
    else:
        person = Text(Phone(client, NUMBER).send, sms_db)

    first = listed()
    assert person.request()[:3] == first
    person.pick(2)
    second = listed(leaving=first[1])  # a move leaves its own slot out
    assert person.offer()[:2] == second[:2]
    person.pick(2)
    person.cancel()

    sms_db.rollback()
    (visit,) = sms_db.scalars(select(Visit)).all()
    assert (visit.member_id, visit.employee_id) == (employee.member_id, employee.id)
    assert (visit.visit_type, visit.requested_by, visit.confidential) == (
        "demande",
        "employee",
        False,
    )
    assert (visit.status, visit.slot_id) == ("cancelled", second[1])
    assert visit.actor == visit.cancelled_by == f"employee:{NUMBER}"
    assert [(event["what"], event.get("slot"), event["by"]) for event in visit.history] == [
        ("requested", None, f"employee:{NUMBER}"),
        ("booked", first[1], f"employee:{NUMBER}"),
        ("moved", second[1], f"employee:{NUMBER}"),
        ("cancelled", second[1], f"employee:{NUMBER}"),
    ]
    assert sms_db.scalar(select(DialogueState)) is None
