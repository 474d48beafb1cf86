"""No double booking under real concurrency: 50 threads, each with its own database connection,
book the same slot at the same instant. Exactly one wins, on SQLite and on PostgreSQL (the
`database` fixture is whichever the run uses)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from assistant.database import commit_retrying, make_engine
from assistant.models import Slot, Visit, VisitStatus
from assistant.models.visit import HOLDS_SLOT
from assistant.services.visits import booking, visit_requests
from tests.factories import MONDAY, NOW, make_employee, make_member, make_planning

RACERS = 50


def test_fifty_connections_book_one_slot_and_exactly_one_wins(app, database):
    url, options = database
    engine = make_engine(url, poolclass=NullPool, **options)  # one real connection per thread
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    with sessions() as session:
        make_planning(session, first=MONDAY, days=7)
        member = make_member(session)
        # one worker each: a worker has one open request of a type
        visits = [
            visit_requests.request_visit(
                session,
                "test",
                member=member,
                employee=make_employee(session, member, last_name=f"R{n}"),
                request=visit_requests.Request("demande", "employer"),
                now=NOW,
                auto=False,
            ).id
            for n in range(RACERS)
        ]
        slot_id = session.scalar(select(Slot.id).order_by(Slot.starts_at))
        session.commit()

    start = threading.Barrier(RACERS)

    def race(visit_id: int) -> str:
        with app.app_context(), sessions() as session:
            start.wait()

            def attempt() -> str:
                visit = session.get(Visit, visit_id)
                booking.book(session, f"racer:{visit_id}", visit, session.get(Slot, slot_id), NOW)
                return "won"

            try:
                return commit_retrying(session, attempt)
            except booking.SlotTaken:
                session.rollback()
                return "taken"

    with ThreadPoolExecutor(RACERS) as pool:
        results = list(pool.map(race, visits))

    assert results.count("won") == 1
    assert results.count("taken") == RACERS - 1
    with sessions() as session:
        holders = session.scalar(
            select(func.count())
            .select_from(Visit)
            .where(Visit.slot_id == slot_id, Visit.status.in_(HOLDS_SLOT))
        )
        waiting = session.scalar(
            select(func.count()).select_from(Visit).where(Visit.status == VisitStatus.REQUESTED)
        )
    assert holders == 1 and waiting == RACERS - 1
    engine.dispose()
