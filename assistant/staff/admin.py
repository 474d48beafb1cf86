"""The administrator's pages: the tariff grid and the audit journal."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from assistant.core.timeutil import today_paris
from assistant.extensions import db
from assistant.models import Role
from assistant.services import audit
from assistant.services.membership import tariffs
from assistant.staff.access import journal_rows, role_required
from assistant.staff.blueprint import bp
from forms.staff import TariffRateForm


@bp.route("/tarifs", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def tariff_grid():
    form = TariffRateForm()
    today = today_paris()
    if form.validate_on_submit():
        tariffs.set_rate(
            db.session, current_user, form.kind.data, form.amount.data, form.effective_from.data
        )
        db.session.commit()
        flash(_("Tarif enregistré."), "success")
        return redirect(url_for("staff.tariff_grid"))
    status = 400 if form.errors else 200
    return render_template(
        "staff/tariffs.html", form=form, grid=tariffs.grid(db.session, today), today=today
    ), status


@bp.post("/tarifs/<int:rate_id>/supprimer")
@role_required(Role.ADMIN)
def tariff_delete(rate_id: int):
    try:
        tariffs.delete_rate(db.session, current_user, rate_id, today_paris())
    except tariffs.TariffError:
        flash(
            _("Ce tarif est déjà en vigueur (ou n'existe plus) : il ne peut pas être supprimé."),
            "error",
        )
        return redirect(url_for("staff.tariff_grid"))
    db.session.commit()
    flash(_("Tarif supprimé."), "success")
    return redirect(url_for("staff.tariff_grid"))


@bp.get("/journal")
@role_required(Role.ADMIN)
def audit_log():
    # entries about a confidential visit are masked as its rule says (care_team.visit_view)
    return render_template("staff/audit.html", entries=journal_rows(audit.recent(db.session)))
