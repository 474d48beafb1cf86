"""What one SMS costs the database: the statements of one webhook request, counted on the engine.

Everything the request executes counts — the inbound row's own insert and update, savepoints —
except the `BEGIN` that SQLite's driver is sent as a statement (PostgreSQL's is not one). A
plain dialogue turn must stay a few statements (issue 12: a turn does little), `RDV` and a
booking pick a dozen.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.sms.conftest import Phone
from tests.sms.helpers import texting_independent

PLAIN_TURN = 6
RDV = 12
PICK = 14


class Statements:
    """The SQL statements the engine runs while the `with` block runs, and its commits."""

    def __init__(self, engine):
        self.engine, self.seen, self.commits = engine, [], 0

    def _executed(self, _conn, _cursor, statement, _parameters, _context, _executemany):
        if not statement.lstrip().upper().startswith("BEGIN"):
            self.seen.append(" ".join(statement.split()))

    def _committed(self, _conn):
        self.commits += 1

    def __enter__(self):
        self.seen, self.commits = [], 0
        event.listen(self.engine, "before_cursor_execute", self._executed)
        event.listen(self.engine, "commit", self._committed)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._executed)
        event.remove(self.engine, "commit", self._committed)

    def listing(self) -> str:
        return "\n".join(f"  {n}. {s[:150]}" for n, s in enumerate(self.seen, 1))


@pytest.fixture
def statements(sms_app):
    # a first request of the app reads the risk catalogue (once per process every
    # RISK_CATALOGUE_TTL seconds, not once per turn): done before counting
    Phone(sms_app.test_client(), "+33699999999").send("menu")
    return Statements(sms_app.extensions["database"]["engine"])


def costs(statements, phone, text: str) -> tuple[str, Statements]:
    with statements:
        reply = phone.send(text)
    return reply, statements


def test_every_plain_turn_of_the_score_stays_within_budget(phone, statements):
    """A new number's first message, a keyword starting a journey, its answers, a reprompt, and
    the answer that ends it (the score is recorded): each at most PLAIN_TURN statements."""
    turns = [("menu", "SCORE"), ("SCORE", "salariés"), ("bof", "OUI ou NON")]
    turns += [(answer, "") for answer in ("oui", "oui", "non", "oui", "oui", "non")]
    turns += [("oui", "/5")]
    for text, expected in turns:
        reply, seen = costs(statements, phone, text)
        assert expected in reply, (text, reply)
        assert len(seen.seen) <= PLAIN_TURN, f"{text!r}: {len(seen.seen)}\n{seen.listing()}"
        # the message is committed before it is handled (SPEC 5), then the turn and its reply
        assert seen.commits == 2, text


def test_the_webhook_stores_its_row_in_the_count(phone, statements):
    """The count is of the whole request: the inbound row's insert is among the statements."""
    _reply, seen = costs(statements, phone, "menu")
    assert any(s.startswith("INSERT INTO inbound_sms") for s in seen.seen), seen.listing()
    assert any(s.startswith("UPDATE inbound_sms") for s in seen.seen), seen.listing()


def test_rdv_stays_within_budget(phone, sms_db, statements, sms_slots):
    texting_independent(sms_db)
    phone.send("menu")  # the number is known: its profile exists
    reply, seen = costs(statements, phone, "RDV")
    assert "Répondez 1, 2 ou 3." in reply, reply
    assert len(seen.seen) <= RDV, f"RDV: {len(seen.seen)}\n{seen.listing()}"


def test_a_sentence_asking_for_a_visit_costs_what_rdv_costs(phone, sms_db, statements, sms_slots):
    """Issue 15: a sentence is read in Python (`assistant/sms/intents.py`), with no statement of
    its own; then it is RDV."""
    texting_independent(sms_db)
    phone.send("menu")
    reply, seen = costs(statements, phone, "Bonjour, je voudrais prendre rendez-vous svp")
    assert "Répondez 1, 2 ou 3." in reply, reply
    assert len(seen.seen) <= RDV, f"sentence: {len(seen.seen)}\n{seen.listing()}"


def test_a_booking_pick_stays_within_budget(phone, sms_db, statements, sms_slots):
    texting_independent(sms_db)
    phone.send("menu")
    phone.send("RDV")
    reply, seen = costs(statements, phone, "2")
    assert "Centre de Paris 11" in reply, reply
    assert len(seen.seen) <= PICK, f"pick: {len(seen.seen)}\n{seen.listing()}"


def test_who_writes_from_a_number_is_one_statement(sms_db, statements):
    """`phone_reach.holder`, looked up by every booking message: an independent member who is also
    employed (proven mobile), one statement."""
    from assistant.core.timeutil import today_paris
    from assistant.services.workforce import phone_reach
    from tests.sms.helpers import NUMBER, texting_employee

    texting_independent(sms_db)
    texting_employee(sms_db)
    with statements as seen:
        found = phone_reach.holder(sms_db, NUMBER, today_paris())
    assert [m.legal_name for m in found.members] == ["Nina Roux"]
    assert [(a.employee.last_name, a.proven) for a in found.employments] == [("Durand", True)]
    assert len(seen.seen) == 1, seen.listing()
