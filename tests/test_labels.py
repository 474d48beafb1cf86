"""The label maps (assistant/labels.py): every code has its label, and a document reads the French
of the same label the pages show in either language."""

from __future__ import annotations

import pytest

from assistant import labels
from assistant.core.text import french
from assistant.models import (
    CentreKind,
    ContractType,
    MemberKind,
    MemberStatus,
    Modality,
    OutcomeKind,
    PaymentMethod,
    Role,
    TariffKind,
    VisitStatus,
)
from assistant.models.pdp import (
    PdpActionKind,
    PdpChannel,
    PdpOutcome,
    PdpRaisedBy,
    PdpReviewKind,
    PdpStage,
    PdpTrigger,
)
from assistant.models.risk import FAMILIES
from assistant.services.followup.followup_table import Category
from assistant.services.prevention.declarations import DRAWERS
from assistant.services.visits.visit_deadlines import ABSENCE_CAUSES

COVERED = {
    "TARIFF_KIND": list(TariffKind),
    "MEMBER_KIND": list(MemberKind),
    "MEMBER_STATUS": list(MemberStatus),
    "PAYMENT_METHOD": list(PaymentMethod),
    "ROLE": list(Role),
    "CENTRE_KIND": list(CentreKind),
    "CONTRACT": list(ContractType),
    "FOLLOWUP_CATEGORY": list(Category),
    "RISK_FAMILY": list(FAMILIES),
    "DECLARATION_DRAWER": list(DRAWERS),
    "VISIT_STATUS": list(VisitStatus),
    "MODALITY": list(Modality),
    "ABSENCE_CAUSE": list(ABSENCE_CAUSES),
    "OUTCOME_KIND": list(OutcomeKind),
    "PDP_TRIGGER": list(PdpTrigger),
    "PDP_STAGE": list(PdpStage),
    "PDP_RAISED_BY": list(PdpRaisedBy),
    "PDP_CHANNEL": list(PdpChannel),
    "PDP_ACTION": list(PdpActionKind),
    "PDP_REVIEW": list(PdpReviewKind),
    "PDP_OUTCOME": list(PdpOutcome),
}


@pytest.mark.parametrize("name", COVERED)
def test_every_code_has_exactly_one_label(name):
    labelled, codes = getattr(labels, name), COVERED[name]
    assert sorted(map(str, labelled)) == sorted(map(str, codes))
    for code in codes:  # a stored code finds the entry its enumeration's member keys
        assert str(code) in labelled


def test_a_document_prints_the_french_label_whatever_the_language(app):
    label = labels.ABSENCE_CAUSE["illness"]
    with app.test_request_context("/?lang=en"):
        from flask_babel import refresh

        refresh()
        shown = str(label)
    assert french(label) == "Maladie ou accident non professionnel"
    assert shown != french(label)
