"""Finding members: by SIRET/SIREN, name or phone (the back-office search)."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from assistant.models import Member


def search(session: Session, query: str, limit: int = 50) -> list[Member]:
    digits = re.sub(r"\D", "", query)
    conditions = [func.lower(Member.legal_name).contains(query.lower())]
    if len(digits) >= 9:
        conditions.append(Member.siret.startswith(digits[:14]))
    if len(digits) >= 6:
        phone_tail = digits[-9:]  # 06 12 34 56 78 and +33 6 12 34 56 78 end alike
        conditions.append(Member.phone.endswith(phone_tail))
    return list(
        session.scalars(
            select(Member).where(or_(*conditions)).order_by(Member.legal_name).limit(limit)
        )
    )
