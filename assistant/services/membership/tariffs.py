"""The tariff grid: which rate applies on a date, the amount due, and staff edits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core.text import _l
from assistant.models import TariffKind, TariffRate
from assistant.services import audit


class TariffError(ValueError):
    pass


class FutureDateRequired(TariffError):
    """A change must start after today; `message` is fit to show."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def rate_on(session: Session, kind: str, on: date) -> TariffRate | None:
    """The rate in force on a date: the one with the latest effective date not after it."""
    return session.scalar(
        select(TariffRate)
        .where(TariffRate.kind == kind, TariffRate.effective_from <= on)
        .order_by(TariffRate.effective_from.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class GridRow:
    kind: str
    current: TariffRate | None
    upcoming: list[TariffRate]
    past: list[TariffRate]


def grid(session: Session, on: date) -> list[GridRow]:
    rows = []
    for kind in TariffKind:
        rates = list(
            session.scalars(
                select(TariffRate)
                .where(TariffRate.kind == kind)
                .order_by(TariffRate.effective_from)
            )
        )
        current = rate_on(session, kind, on)
        rows.append(
            GridRow(
                kind=kind,
                current=current,
                upcoming=[r for r in rates if r.effective_from > on],
                past=[r for r in rates if r.effective_from <= on and r is not current],
            )
        )
    return rows


def amount_due(session: Session, kind: str, count: int, on: date) -> Decimal:
    """Yearly cotisation: the rate in force times the number of employees (or 1 independent)."""
    rate = rate_on(session, kind, on)
    if rate is None:
        raise TariffError(f"no {kind} rate in force on {on.isoformat()}")
    return (rate.amount * max(count, 0)).quantize(Decimal("0.01"))


def _check(kind: str, amount: Decimal) -> None:
    if kind not in {k.value for k in TariffKind}:
        raise TariffError(f"unknown tariff kind {kind!r}")
    if amount < 0:
        raise TariffError("a rate cannot be negative")


def _described(rate: TariffRate | None) -> str:
    if rate is None:
        return "none"
    return f"{rate.amount:.2f} from {rate.effective_from.isoformat()}"


def set_rate(
    session: Session, actor, kind: str, amount: Decimal, effective_from: date, today: date
) -> TariffRate:
    """Announce a rate from a date after `today`, or change the amount of one still to come.

    A rate in force (or past) is never changed: members were billed with it and the public page
    showed it. A change is a new rate from a future date; the audit keeps the old and new values.
    """
    _check(kind, amount)
    if effective_from <= today:
        raise FutureDateRequired(
            _l(
                "Un tarif en vigueur ne se modifie pas : choisissez une date d'effet postérieure "
                "au %(today)s.",
                today=today.strftime("%d/%m/%Y"),
            )
        )
    rate = session.scalar(
        select(TariffRate).where(
            TariffRate.kind == kind, TariffRate.effective_from == effective_from
        )
    )
    if rate is None:
        before = rate_on(session, kind, effective_from)
        rate = TariffRate(kind=kind, amount=amount, effective_from=effective_from)
        rate.created_by_id = getattr(actor, "id", None)
        session.add(rate)
        action, detail = "create", f"{kind} {amount:.2f} from {effective_from.isoformat()}"
        detail += f" (until then: {_described(before)})"
    else:
        action = "update"
        detail = (
            f"{kind} from {effective_from.isoformat()}: {rate.amount:.2f} -> {amount:.2f} "
            "(not yet in force)"
        )
        rate.amount = amount
    session.flush()
    audit.record(session, actor, action, "tariff_rate", rate.id, detail)
    return rate


def load_grid(session: Session, actor, rates: list[tuple[str, Decimal, date]]) -> None:
    """The opening grid of a new service (its history, past dates included): only into a grid
    that has no rate of that kind yet. Every later change goes through `set_rate`."""
    started = set(session.scalars(select(TariffRate.kind).distinct()))
    for kind, amount, effective_from in rates:
        _check(kind, amount)
        if kind in started:
            raise TariffError(f"the {kind} grid already has rates: use set_rate")
        rate = TariffRate(kind=kind, amount=amount, effective_from=effective_from)
        rate.created_by_id = getattr(actor, "id", None)
        session.add(rate)
        session.flush()
        audit.record(session, actor, "create", "tariff_rate", rate.id, f"{kind} {_described(rate)}")


def delete_rate(session: Session, actor, rate_id: int, today: date) -> None:
    """Only rates not yet in force may be deleted: past amounts were invoiced and stay."""
    rate = session.get(TariffRate, rate_id)
    if rate is None:
        raise TariffError("no such rate")
    if rate.effective_from <= today:
        raise TariffError("a rate already in force cannot be deleted")
    audit.record(
        session,
        actor,
        "delete",
        "tariff_rate",
        rate.id,
        f"{rate.kind} {rate.amount} from {rate.effective_from.isoformat()}",
    )
    session.delete(rate)
    session.flush()
