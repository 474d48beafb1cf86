"""The employee's own space (/salarie): sign-in by code, visits, health situation, mobile."""

from assistant.employee import account, pdp_consent, private, visits  # noqa: F401  (they register their routes)
from assistant.employee.blueprint import bp

__all__ = ["bp"]
