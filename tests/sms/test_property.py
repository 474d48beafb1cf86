"""Whatever a phone sends, the webhook answers short TwiML and the conversation stays consistent."""

from __future__ import annotations

import itertools
from xml.etree import ElementTree

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from assistant.core.segments import fits
from assistant.models import DialogueState, InboundSms, Member
from assistant.sms.conversation import JOURNEYS
from tests.conftest import make_app
from tests.sms.conftest import BASE, TOKEN, Phone

WORDS = (
    "MENU", "aide", "ADHERER", "adhérer", "RISQUES", "SCORE", "scrore", "RDV", "ANNULER",
    "DEPLACER", "PDP", "STOP", "START", "ENGLISH", "FRANCAIS", "HELP", "oui", "non", "ouii",
    "yes", "1", "2", "3", "5", "0", "7", "boulangerie", "coiffeuse", "Nina Roux",
    "552 100 554 00013", "12 mars 1980", "31/02/1980", "93200", "bruit, produits chimiques",
    "poussière de bois", "06 12 34 56 78", "nina@example.fr", "123456", "aucune",
    "FR76 3000 6000 0112 3456 7890 189", "",
)  # fmt: skip

bodies = st.one_of(
    st.text(max_size=1600),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(WORDS),
    st.builds(
        lambda word, noise, before: f"{noise} {word}" if before else f"{word} {noise}",
        st.sampled_from(WORDS),
        st.text(max_size=12),
        st.booleans(),
    ),
    st.sampled_from(("😀", "\x00", "\r\n", "\u202f", "ê" * 1600, "€" * 800, " " * 50)),
)

HYPOTHESIS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Service:
    """One app and database for a whole hypothesis run (examples share and grow its state)."""

    def __init__(self, tmp_path, database, load_demo):
        self.app = make_app(tmp_path, database, TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=BASE)
        self.sessionmaker = self.app.extensions["database"]["sessionmaker"]
        with self.sessionmaker() as session:
            load_demo(session)
            session.commit()
            self.member_phones = sorted(
                session.scalars(select(Member.phone).where(Member.phone.is_not(None)))
            )
        self.client = self.app.test_client()
        self.sids: dict[str, str] = {}  # MessageSid → first reply
        self.numbers = itertools.count(1)

    def close(self):
        self.app.extensions["database"]["engine"].dispose()

    def send(self, number: str, body: str, sid: str | None = None) -> str:
        response = Phone(self.client, number).post(body, sid=sid or self.new_sid())
        assert response.status_code == 200, response.data
        assert response.mimetype == "text/xml"
        root = ElementTree.fromstring(response.data)
        assert root.tag == "Response"
        messages = [m.text or "" for m in root.iter("Message")]
        assert len(messages) <= 1
        reply = messages[0] if messages else ""
        assert reply.strip(), f"silence for {body!r}"
        assert fits(reply), reply
        sid = sid or self.last_sid
        if sid in self.sids:
            assert reply == self.sids[sid]  # a retry gets the first reply again
        else:
            self.sids[sid] = reply
        return reply

    def new_sid(self) -> str:
        self.last_sid = f"SMprop{next(self.numbers):026x}"
        return self.last_sid

    def check_consistent(self, number: str) -> None:
        with self.sessionmaker() as session:
            states = session.scalars(
                select(DialogueState).where(DialogueState.key == f"sms:{number}")
            ).all()
            assert len(states) <= 1
            for state in states:
                journey = JOURNEYS.get(state.journey)
                assert journey is not None, state.journey
                assert isinstance(state.answers, dict)
                journey.next_question(state.answers)  # answers the journey can still play
                assert 0 <= state.tries < 3
            stored = session.scalar(select(func.count()).select_from(InboundSms))
            assert stored == len(self.sids)
            unhandled = session.scalar(
                select(func.count()).select_from(InboundSms).where(InboundSms.handled_at.is_(None))
            )
            assert unhandled == 0


def test_any_body_gets_a_short_twiml_reply(tmp_path, database, load_demo):
    service = Service(tmp_path, database, load_demo)
    phones = ["+33781234567", "+33600000001", *service.member_phones[:1]]

    @HYPOTHESIS
    @given(body=bodies, number=st.sampled_from(phones), retry=st.integers(0, 9))
    def one_message(body, number, retry):
        sid = None
        if retry == 0 and service.sids:  # now and then, Twilio retries an earlier message
            sid = sorted(service.sids)[len(service.sids) // 2]
        service.send(number, body, sid=sid)
        service.check_consistent(number)

    try:
        one_message()
    finally:
        service.close()


def test_any_sequence_from_one_phone_stays_consistent(tmp_path, database, load_demo):
    service = Service(tmp_path, database, load_demo)
    counter = itertools.count(1)

    @settings(HYPOTHESIS, max_examples=60)
    @given(messages=st.lists(st.one_of(st.sampled_from(WORDS), bodies), min_size=1, max_size=8))
    def conversation(messages):
        number = f"+3375{next(counter):07d}"  # a new phone for every sequence
        for body in messages:
            service.send(number, body)
            service.check_consistent(number)

    try:
        conversation()
    finally:
        service.close()
