"""The payment reference of a member paying by transfer (issue 15): an ISO 11649 creditor
reference, stable and one per member, with the service's account grouped by four."""

from stdnum import iso11649

from assistant.services.membership import payment
from tests.factories import OTHER_SIRET, SIRET, make_member


def test_the_reference_is_a_valid_creditor_reference_one_per_member(db):
    first = make_member(db, SIRET, payment_method="transfer")
    second = make_member(db, OTHER_SIRET, payment_method="transfer")
    reference = payment.reference(first)
    assert iso11649.is_valid(reference) and reference.endswith(f"ADH{first.id:06d}")
    assert reference == payment.reference(first)  # the same on every screen and message
    assert reference != payment.reference(second)


def test_transfer_instructions_only_for_a_transfer(db):
    from decimal import Decimal

    member = make_member(db, SIRET, payment_method="transfer", yearly_amount=Decimal("440"))
    transfer = payment.transfer(member, "fr")
    assert transfer.iban == "FR76 3000 6000 0112 3456 7890 189" and transfer.bic == "AGRIFRPP"
    assert transfer.amount == "440,00 €" and transfer.account
    assert payment.transfer(make_member(db, OTHER_SIRET, payment_method="sepa")) is None
