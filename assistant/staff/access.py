"""Who may see what in the back-office: one decorator, one check, used by every staff view."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from assistant.models import Role, StaffUser


def has_role(user, *roles: str) -> bool:
    """Administrators manage the service; they do not get medical or PDP data by default."""
    return isinstance(user, StaffUser) and user.is_active and user.role in roles


def role_required(*roles: Role | str):
    allowed = {str(role) for role in roles}

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not has_role(current_user, *allowed):
                abort(403)
            return view(*args, **kwargs)

        wrapper.allowed_roles = frozenset(allowed)
        return wrapper

    return decorator
