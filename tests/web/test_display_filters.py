"""The Jinja filters that write phones and moments (one way everywhere, issue 15)."""

from datetime import UTC, datetime

import pytest
from flask import render_template_string
from flask_babel import force_locale


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+33612345678", "06 12 34 56 78"),
        ("+33123456789", "01 23 45 67 89"),
        ("+442079460958", "+44 20 7946 0958"),
        ("01 23 45 67 89", "01 23 45 67 89"),
        ("standard", "standard"),
        (None, ""),
    ],
)
def test_phones_read_as_people_write_them(app, stored, shown):
    with app.test_request_context():
        assert render_template_string("{{ n|phone }}", n=stored) == shown


def test_moments_are_paris_time_to_the_minute(app):
    moment = datetime(2026, 11, 23, 3, 46, 56, tzinfo=UTC)
    with app.test_request_context():
        assert render_template_string("{{ m|datetime }}", m=moment) == "23/11/2026 04:46"
        long = render_template_string("{{ m|datetime('long') }}", m=moment)
        assert long == "23 novembre 2026 à 04:46"
        with force_locale("en"):
            english = render_template_string("{{ m|datetime('long') }}", m=moment)
            short = render_template_string("{{ m|datetime }}", m=moment)
        assert english == "23 November 2026 at 04:46"  # a European English date, no US order
        assert short == "23 Nov 2026, 04:46"
