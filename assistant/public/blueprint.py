"""The public site's blueprint (/): pages anyone may read, no sign-in."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__)
