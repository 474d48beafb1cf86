"""The employee's own space (/salarie): sign-in by code, visits, health situation, mobile."""

from assistant.employee import (  # noqa: F401  (they register their routes)
    account,
    pdp,
    pdp_consent,
    private,
    visits,
)
from assistant.employee.blueprint import bp

__all__ = ["bp"]
