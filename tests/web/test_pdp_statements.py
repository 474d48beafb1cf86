"""What the PDP cell's pages cost the database: the statements of one request, counted on the
engine, must not grow with the number of cases (no lazy load per row, no case read one by one to
learn whose it is). `bench/pdp_queue.py` measures the same pages at a service's size."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event

from assistant.core.timeutil import today_paris
from assistant.database import utcnow
from assistant.services.pdp import cases, plan
from tests.factories import PASSWORD, make_centre, make_employee, make_member, make_staff_user


class Statements:
    """The SQL statements the engine runs while the `with` block runs (SQLite's BEGIN aside)."""

    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def _executed(self, _conn, _cursor, statement, *_rest):
        if not statement.lstrip().upper().startswith("BEGIN"):
            self.seen.append(" ".join(statement.split()))

    def __enter__(self):
        self.seen = []
        event.listen(self.engine, "before_cursor_execute", self._executed)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._executed)

    def listing(self) -> str:
        return "\n".join(f"  {n}. {s[:150]}" for n, s in enumerate(self.seen, 1))


def make_cases(db, numbers: range, doctor, cell, centre) -> None:
    """Open cases of as many members in the doctor's charge (by its own name or by its centre),
    one in three an independent's, every other one given to the cell, every fourth planned 100
    days ago (its 3-month follow-up due), and a closed case for every five; committed."""
    now = utcnow()
    for i in numbers:
        independent = i % 3 == 0
        charge = {"doctor_id": doctor.id} if i % 2 else {"centre_id": centre.id}
        member = make_member(
            db,
            f"{40_000_000_000_000 + i:014d}",
            "independent" if independent else "employer",
            status="active",
            legal_name=f"Adhérent {i}",
            **charge,
        )
        whose = {"member": member}
        if not independent:
            whose = {"employee": make_employee(db, member, last_name=f"Nom{i}")}
        case = cases.raise_request(
            db,
            "staff:0",
            raised_by="occupational_doctor",
            channel="staff",
            trigger="reprise" if i % 2 else "none",
            description="Une situation",
            contract_suspended=i % 5 == 0,
            leave_from=date(2026, 9, 1) if i % 5 == 0 else None,
            now=now - timedelta(days=i),
            **whose,
        )
        if i % 2:
            plan.assign(db, case, "staff:0", cell)
        if i % 4 == 0:
            plan.record_analysis(db, case, "staff:0", doctor, "Étude", now)
            plan.add_action(db, case, "staff:0", "workstation_study", now)
            plan.adopt_plan(db, case, "staff:0", today_paris() - timedelta(days=100))
        if i % 5 == 0:
            closed = cases.raise_request(
                db,
                "staff:0",
                raised_by="occupational_doctor",
                channel="staff",
                trigger="none",
                description="Une autre situation",
                now=now,
                **whose,
            )
            plan.close(db, closed, "staff:0", "kept", now)
    db.commit()


PAGES = ("/staff/", "/staff/pdp")


def counted(app, clients) -> dict[str, Statements]:
    engine = app.extensions["database"]["engine"]
    seen = {}
    for role, client in clients.items():
        for url in PAGES:
            client.get(url)  # a first request reads the risk catalogue (once a while): not counted
            with Statements(engine) as statements:
                response = client.get(url)
            assert response.status_code == 200, (role, url)
            seen[f"{role} {url}"] = statements
    return seen


def test_the_pdp_pages_statements_do_not_grow_with_the_cases(app, db):
    """The queue with its closed cases and the staff home, for the cell and for a doctor in
    charge: as many statements with 50 cases as with 5."""
    centre = make_centre(db)
    doctor = make_staff_user(db, "doctor", name="Dr Claire Martin", centre_id=centre.id)
    cell = make_staff_user(db, "pdp", name="Paula Cellule")
    make_cases(db, range(5), doctor, cell, centre)
    clients = {}
    for who in (cell, doctor):
        client = clients[str(who.role)] = app.test_client()
        response = client.post("/staff/login", data={"email": who.email, "password": PASSWORD})
        assert response.status_code == 302
    few = counted(app, clients)
    make_cases(db, range(5, 50), doctor, cell, centre)
    many = counted(app, clients)
    for page, statements in many.items():
        assert len(statements.seen) == len(few[page].seen), (
            f"{page}: {len(statements.seen)} statements with 50 cases, "
            f"{len(few[page].seen)} with 5\n{statements.listing()}"
        )


def test_the_queue_is_paged_and_the_home_shows_the_soonest_follow_ups(app, db, monkeypatch):
    """At a service's size the cell's queue is read a page at a time (the most urgent first) and
    the home lists the soonest follow-ups with a count of the others."""
    from assistant.staff import pdp as pages

    monkeypatch.setattr(pages, "PAGE", 10)
    monkeypatch.setattr(pages, "HOME_DUE", 3)
    centre = make_centre(db)
    doctor = make_staff_user(db, "doctor", centre_id=centre.id)
    cell = make_staff_user(db, "pdp")
    make_cases(db, range(1, 26), doctor, cell, centre)  # 25 open, 6 follow-ups due
    client = app.test_client()
    client.post("/staff/login", data={"email": cell.email, "password": PASSWORD})
    first = client.get("/staff/pdp").get_data(as_text=True)
    assert first.count("/staff/pdp/") - first.count("/staff/pdp/alerte") >= 10
    assert "Page 1 sur 3 (25 dossiers ouverts)" in first and 'rel="next"' in first
    last = client.get("/staff/pdp?page=3").get_data(as_text=True)
    assert "Page 3 sur 3" in last and 'rel="next"' not in last and 'rel="prev"' in last
    assert "Page 3 sur 3" in client.get("/staff/pdp?page=99").get_data(as_text=True)
    home = client.get("/staff/").get_data(as_text=True)
    assert home.count("Suivi à 3 mois du dossier") == 3
    assert "et 3 autres suivis à faire" in home
