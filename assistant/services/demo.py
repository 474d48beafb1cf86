"""Demonstration data: a small living service for newcomers and demos (never for production)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.core.timeutil import PARIS, today_paris
from assistant.database import utcnow
from assistant.models import (
    Centre,
    CentreKind,
    Member,
    MemberKind,
    MemberStatus,
    MemberUser,
    Modality,
    OpeningHours,
    Role,
    Slot,
    StaffUser,
    TariffKind,
    VisitStatus,
    WorkPattern,
)
from assistant.services.membership import adhesion, tariffs
from assistant.services.membership.staff import create_staff
from assistant.services.prevention import risk_entries
from assistant.services.visits import booking, planning, slot_offers, visit_requests
from assistant.services.workforce import employees as workforce
from assistant.services.workforce import mobile_proof

DEMO_PASSWORD = "demo-spsti-2026"

CENTRES = [
    dict(
        name="Centre de santé au travail Paris 11",
        kind=CentreKind.FIXED,
        address="12 rue de la Roquette",
        postcode="75011",
        city="Paris",
        phone="+33143000000",
        notes="Métro Bastille. Accès de plain-pied, ascenseur.",
        hours=[(d, time(8, 30), time(12, 30)) for d in range(5)]
        + [(d, time(13, 30), time(17, 30)) for d in range(5)],
    ),
    dict(
        name="Centre mobile (camion)",
        kind=CentreKind.MOBILE,
        address="Zones d'activités de Seine-Saint-Denis",
        postcode="93200",
        city="Saint-Denis",
        phone="+33143000001",
        notes="Tournée affichée chaque mois dans votre espace.",
        hours=[(1, time(9, 0), time(16, 0)), (3, time(9, 0), time(16, 0))],
    ),
    dict(
        name="Téléconsultation",
        kind=CentreKind.TELE,
        address=None,
        postcode=None,
        city=None,
        phone="+33143000002",
        notes="Par vidéo, lien envoyé avec la convocation.",
        hours=[(d, time(9, 0), time(17, 0)) for d in range(5)],
    ),
]

STAFF = [
    ("admin@demo.spsti.fr", "Alice Administratrice", Role.ADMIN, None),
    ("secretariat@demo.spsti.fr", "Samia Secrétaire", Role.SECRETARY, 0),
    ("dr.martin@demo.spsti.fr", "Dr Claire Martin", Role.DOCTOR, 0),
    ("dr.nguyen@demo.spsti.fr", "Dr Minh Nguyen", Role.DOCTOR, 1),
    ("infirmier@demo.spsti.fr", "Hugo Infirmier", Role.NURSE, 0),
    ("iprp@demo.spsti.fr", "Inès Préventrice", Role.IPRP, 0),
    ("pdp@demo.spsti.fr", "Paul Cellule-PDP", Role.PDP, 0),
]


# weekly sessions: (staff e-mail, centre index, weekdays, start, end), 30-minute slots
SESSIONS = [
    ("dr.martin@demo.spsti.fr", 0, (0, 1, 3), time(9, 0), time(12, 0)),
    ("dr.martin@demo.spsti.fr", 0, (0, 3), time(14, 0), time(17, 0)),
    ("dr.martin@demo.spsti.fr", 2, (4,), time(9, 0), time(12, 0)),
    ("dr.nguyen@demo.spsti.fr", 1, (1, 3), time(9, 0), time(12, 0)),
    ("dr.nguyen@demo.spsti.fr", 2, (2,), time(14, 0), time(17, 0)),
    ("infirmier@demo.spsti.fr", 0, (0, 1, 2, 3, 4), time(9, 0), time(12, 0)),
    ("infirmier@demo.spsti.fr", 2, (1, 3), time(14, 0), time(16, 30)),
]
SLOT_WEEKS = 4

EMPLOYEES = [
    dict(
        last_name="Petit",
        first_name="Julie",
        birth_date=date(1988, 3, 14),
        job="Boulangère",
        contract_type="cdi",
        exposures=["manual_handling", "heat_cold"],
        night_worker=True,
        phone="+33611223344",
        hired_days_ago=900,
    ),
    dict(
        last_name="Benali",
        first_name="Karim",
        birth_date=date(2009, 9, 2),
        job="Apprenti boulanger",
        contract_type="apprenti",
        exposures=["manual_handling"],
        night_worker=False,
        # a minor on the kneading machine and the dough sheeter (travaux réglementés, with the
        # employer's déclaration de dérogation): a yearly aptitude exam by the doctor, before
        # assignment (R4153-40, R4624-23 II) — overdue in the demo, for the team to organise
        regulated_work=True,
        phone="+33622334455",
        hired_days_ago=20,
    ),
    dict(
        last_name="Laurent",
        first_name="Sophie",
        birth_date=date(1981, 6, 30),
        job="Vendeuse",
        contract_type="cdi",
        exposures=["postures"],
        night_worker=False,
        phone=None,
        hired_days_ago=2400,
    ),
]


def _demo_visits(session, employer, employees, staff_by_email, centre, now) -> None:
    """One visit that took place yesterday, for the nurse to record its outcome, and one booked
    last week for the coming days, so that the reminder worker has something to send."""
    nurse = staff_by_email["infirmier@demo.spsti.fr"]
    yesterday = datetime.combine(today_paris(now) - timedelta(days=1), time(10, 0), PARIS)
    past = Slot(
        staff_id=nurse.id,
        centre_id=centre.id,
        starts_at=yesterday,
        ends_at=yesterday + timedelta(minutes=30),
        minutes=30,
        modality=Modality.ON_SITE,
    )
    session.add(past)
    session.flush()
    # asked ten days ago and booked then for yesterday: the demo's past, not a booking made now
    # (no convocation is queued for it); the one request service creates the row
    ten_days_ago = now - timedelta(days=10)
    done = visit_requests.request_visit(
        session,
        "demo",
        member=employer,
        employee=employees[2],
        request=visit_requests.Request("vip_periodique", "employer"),
        now=ten_days_ago,
        auto=False,
    )
    done.slot_id, done.status, done.booked_at = past.id, VisitStatus.BOOKED, ten_days_ago
    last_week = now - timedelta(days=7)
    soon = visit_requests.request_visit(
        session,
        "demo",
        member=employer,
        employee=employees[0],
        request=visit_requests.Request("vip_initiale", "employer"),
        now=last_week,
        auto=False,
    )
    slot = slot_offers.compatible_slots(session, soon, now=now, limit=1)
    if slot:
        booking.book(session, "demo", soon, slot[0], last_week)


def _demo_pdp_case(session, employees, staff_by_email, now) -> None:
    """Sophie's case, raised by her médecin du travail after a long sick leave: analysed, a plan
    adopted three months ago, its 3-month follow-up due today (the cell's queue shows it)."""
    from assistant.services.pdp import cases, plan

    sophie, cell = employees[2], staff_by_email["pdp@demo.spsti.fr"]
    doctor = staff_by_email["dr.martin@demo.spsti.fr"]
    asked = now - timedelta(days=120)
    case = cases.raise_request(
        session,
        doctor,
        raised_by="occupational_doctor",
        channel="staff",
        trigger="pre_reprise",
        description="Lombalgie chronique, arrêt depuis quatre mois ; reprise envisagée en caisse.",
        contact="Téléphone personnel, l'après-midi",
        contract_suspended=True,
        leave_from=today_paris(asked) - timedelta(days=90),
        employee=sophie,
        now=asked,
    )
    plan.assign(session, case, doctor, cell)
    plan.record_analysis(
        session, case, cell, doctor, "Port de charges à éviter, station debout limitée.", asked
    )
    adopted = now - timedelta(days=92)
    plan.add_action(session, case, cell, "workstation_study", adopted, note="Étude du poste caisse")
    plan.add_action(session, case, cell, "adjustment", adopted, note="Siège assis-debout en caisse")
    plan.adopt_plan(session, case, cell, plan.add_months(today_paris(now), -3))


def is_empty(session: Session) -> bool:
    counts = [
        session.scalar(select(func.count()).select_from(model))
        for model in (StaffUser, Centre, Member)
    ]
    return not any(counts)


def load(session: Session) -> list[tuple[str, str]]:
    """Add the demo service; returns the back-office accounts created (e-mail, role)."""
    risk_entries.seed(session)  # the catalogue as shipped, when the migrations did not load it
    centres = []
    for spec in CENTRES:
        spec = dict(spec)
        hours = spec.pop("hours")
        centre = Centre(**spec)
        centre.hours = [OpeningHours(weekday=d, opens=o, closes=c) for d, o, c in hours]
        session.add(centre)
        centres.append(centre)
    session.flush()

    accounts, doctors = [], []
    for email, name, role, centre_index in STAFF:
        centre_id = None if centre_index is None else centres[centre_index].id
        user = create_staff(session, "demo", email, name, role, DEMO_PASSWORD, centre_id)
        accounts.append((email, role.value))
        if role == Role.DOCTOR:
            doctors.append(user)

    tariffs.load_grid(
        session,
        "demo",
        [
            (TariffKind.EMPLOYEE, Decimal("110.00"), date(2026, 1, 1)),
            (TariffKind.EMPLOYEE, Decimal("115.00"), date(2027, 1, 1)),
            (TariffKind.INDEPENDENT, Decimal("120.00"), date(2026, 1, 1)),
        ],
    )

    now = utcnow()
    employer, independent = (
        Member(
            kind=MemberKind.EMPLOYER,
            status=MemberStatus.ACTIVE,
            siret="73282932000074",
            siren="732829320",
            legal_name="Boulangerie Dupont SARL",
            naf_code="10.71C",
            address="4 place du Marché",
            postcode="75011",
            city="Paris",
            headcount=6,
            contact_name="Marc Dupont",
            email="contact@boulangerie-dupont.fr",
            phone="+33612345678",
            doctor_id=doctors[0].id,
            centre_id=centres[0].id,
            created_at=now,
            activated_at=now,
        ),
        Member(
            kind=MemberKind.INDEPENDENT,
            status=MemberStatus.ACTIVE,
            siret="44306184100047",
            siren="443061841",
            legal_name="Léa Moreau, menuisière",
            birth_date=date(1982, 4, 9),
            naf_code="43.32A",
            postcode="93200",
            city="Saint-Denis",
            headcount=0,
            contact_name="Léa Moreau",
            phone="+33698765432",
            doctor_id=doctors[1].id,
            centre_id=centres[1].id,
            created_at=now,
            activated_at=now,
        ),
    )
    for member in (employer, independent):
        member.contract_accepted_at = now
        member.payment_method = "transfer"
        member.yearly_amount = adhesion.yearly_amount(
            session, member.kind, member.headcount, today_paris(now)
        )
        session.add(member)
    session.flush()
    owner = MemberUser(member_id=employer.id, email=employer.email)
    owner.set_password(DEMO_PASSWORD)
    session.add_all([owner, MemberUser(member_id=independent.id, phone=independent.phone)])
    adhesion.record_score(session, employer, {"q1_duerp": True, "q3_action_plan": True})
    adhesion.record_score(
        session, independent, {"q1_duerp": True, "q3_action_plan": True, "q4_plan_reviewed": True}
    )
    session.flush()
    today = today_paris(now)
    employees = []
    for spec in EMPLOYEES:
        spec = dict(spec)
        hired = today - timedelta(days=spec.pop("hired_days_ago"))
        employees.append(
            workforce.add_employee(session, "demo", employer.id, hire_date=hired, **spec)
        )

    staff_by_email = {user.email: user for user in session.scalars(select(StaffUser))}
    # Julie proved her mobile to the doctor at her last visit (her whole space opens with it);
    # Karim's number is only the contact his employer typed (a space without anything personal)
    julie = mobile_proof.worker_of(session, employees[0])
    julie.phone = employees[0].phone
    julie.phone_proven_at = now - timedelta(days=30)
    julie.phone_proven_by = staff_by_email["dr.martin@demo.spsti.fr"].get_id()
    for email, centre_index, weekdays, starts, ends in SESSIONS:
        for weekday in weekdays:
            session.add(
                WorkPattern(
                    staff_id=staff_by_email[email].id,
                    centre_id=centres[centre_index].id,
                    weekday=weekday,
                    starts=starts,
                    ends=ends,
                    slot_minutes=30,
                    valid_from=today,
                )
            )
    session.flush()
    planning.generate_slots(session, today, SLOT_WEEKS * 7)
    _demo_visits(session, employer, employees, staff_by_email, centres[0], now)
    _demo_pdp_case(session, employees, staff_by_email, now)
    accounts += [(employer.email, "member"), (independent.phone, "member (SMS code)")]
    return accounts
