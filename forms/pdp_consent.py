"""The PDP consent's buttons (the worker's page, the cell's case page): each a small POST form
whose fields are read by the view (`case`, `scope`, `agree`); this form carries the CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm


class PdpConsentForm(FlaskForm):
    """The CSRF token of a consent button."""
