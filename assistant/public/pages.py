"""The service's public pages (SPEC 4.1): missions, offers, places, booking, PDP, tariffs; and
the health check of the hosting."""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template, send_from_directory
from sqlalchemy import select

from assistant.core.timeutil import today_paris
from assistant.extensions import db
from assistant.models import Centre
from assistant.public.blueprint import bp
from assistant.services.membership import tariffs


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers and feed readers ask for it at the root, whatever the page links to."""
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=86400)


@bp.get("/offre")
def offer():
    return render_template("public/offer.html")


@bp.get("/contrat")
def contract():
    """The contract's terms, linked to before it is accepted (web, SMS and chat adhesions)."""
    return render_template("public/contract.html")


@bp.get("/independants")
def independents():
    return render_template("public/independents.html")


@bp.get("/lieux")
def places():
    centres = db.session.scalars(
        select(Centre).where(Centre.active.is_(True)).order_by(Centre.kind, Centre.name)
    ).all()
    return render_template("public/places.html", centres=centres)


@bp.get("/rendez-vous")
def booking():
    return render_template("public/booking.html")


@bp.get("/pdp")
def pdp():
    # the number the SMS come from (Twilio's), the one to text PDP to
    return render_template("public/pdp.html", sms_number=current_app.config["TWILIO_FROM"])


@bp.get("/tarifs")
def tariff_grid():
    today: date = today_paris()
    return render_template("public/tariffs.html", grid=tariffs.grid(db.session, today), today=today)


@bp.get("/healthz")
def healthz():
    db.session.execute(select(1))
    return {"status": "ok"}
