"""Helpers shared by the tests of the PDP consent (SMS, the worker's page, the cell's side, the
employer's letters): a case asked by the worker, one worked up to an adjustment."""

from __future__ import annotations

from datetime import timedelta

from assistant.database import utcnow
from assistant.models.pdp import PdpCase
from assistant.services.pdp import cases, consent, plan
from tests.factories import make_staff_user

DESCRIPTION = "Mal au dos, je ne tiens plus au pétrin."
ADJUSTMENT = "Poste assis-debout au façonnage, pétrin mécanique à hauteur réglable."


def worker_asks(session, employee, description: str = DESCRIPTION, **values) -> PdpCase:
    """The worker's request for help (contract not suspended: the employer is told it exists);
    flushed."""
    return cases.raise_request(
        session,
        f"phone:{employee.phone}",
        raised_by="worker",
        channel="sms",
        trigger=values.pop("trigger", "reprise"),
        description=description,
        contact=values.pop("contact", "le soir après 18 h"),
        employee=employee,
        now=values.pop("now", utcnow() - timedelta(days=10)),
        identity_proven=True,
        **values,
    )


def with_adjustment(session, case: PdpCase, note: str = ADJUSTMENT, analysis: str = "Analyse."):
    """The case analysed with the médecin du travail and an adjustment of the post planned;
    returns the doctor."""
    doctor = make_staff_user(session, "doctor")
    now = utcnow() - timedelta(days=5)
    plan.record_analysis(session, case, "staff:1", doctor, analysis, now)
    plan.add_action(session, case, "staff:1", "adjustment", now, note=note)
    return doctor


def asked(session, case: PdpCase, scope: str = "adjustments") -> PdpCase:
    """The cell asked the worker's consent for `scope`; flushed."""
    consent.ask(session, case, "staff:1", scope, utcnow() - timedelta(days=1))
    session.flush()
    return case
