"""Paying the cotisation by bank transfer: the service's account (its settings) and the member's
payment reference, an ISO 11649 creditor reference ("RF" + two check digits + `ADH` and the
member's number), computed from the member, never stored: the same on every screen and message.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency
from schwifty import BIC, IBAN
from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

from assistant.core import settings as service_settings


class BankAccountError(ValueError):
    """The service's bank account in the configuration is not a valid IBAN and BIC."""


def checked_account(holder: str, iban: str, bic: str) -> tuple[str, str, str]:
    """The account as configured, checked (schwifty) and normalised: (holder, IBAN, BIC); all
    empty when none is configured. Raises BankAccountError for a wrong or partial one."""
    holder, iban, bic = (" ".join((value or "").split()) for value in (holder, iban, bic))
    if not (holder or iban or bic):
        return "", "", ""
    if not (holder and iban and bic):
        raise BankAccountError("SERVICE_ACCOUNT_HOLDER, SERVICE_IBAN and SERVICE_BIC go together")
    try:
        checked_iban = IBAN(iban)
        checked_bic = BIC(bic)
    except ValueError as error:
        raise BankAccountError(f"the service's bank account is not valid: {error}") from error
    return holder, checked_iban.compact, checked_bic.compact


def reference(member) -> str:
    """The member's payment reference: `RF09ADH000042` for member 42 (ISO 11649)."""
    body = f"ADH{member.id:06d}"
    return iso11649.compact(f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}")


def grouped(iban: str) -> str:
    """An IBAN as printed: groups of four characters."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def plain_amount(amount: Decimal, locale: str) -> str:
    """`110,00 €` / `€110.00` with ordinary spaces (Babel's no-break spaces are not GSM-7)."""
    text = format_currency(amount, "EUR", locale=locale)
    return text.replace("\u202f", " ").replace("\xa0", " ")


@dataclass(frozen=True)
class Transfer:
    """What a member paying by transfer needs: to whom, where (the IBAN grouped by four), how
    much (as text, in the member's language) and with which reference. `account` is False when
    the service has configured none: it sends its details itself."""

    holder: str
    iban: str
    bic: str
    amount: str
    reference: str

    @property
    def account(self) -> bool:
        return bool(self.iban)


def transfer(member, locale: str | None = None) -> Transfer | None:
    """The transfer instructions of a member paying by transfer (None for any other)."""
    if member is None or member.payment_method != "transfer" or member.id is None:
        return None
    settings = service_settings.of(member)
    amount = member.yearly_amount
    return Transfer(
        holder=settings.bank_holder,
        iban=grouped(settings.bank_iban),
        bic=settings.bank_bic,
        amount=plain_amount(amount, locale or member.locale or "fr") if amount is not None else "",
        reference=reference(member),
    )
