"""The administrator's pages: the staff accounts, the tariff grid and the audit journal."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from assistant.core.timeutil import today_paris
from assistant.extensions import db
from assistant.models import Role, StaffUser
from assistant.services import audit
from assistant.services.membership import staff as staff_accounts
from assistant.services.membership import tariffs
from assistant.staff import journal
from assistant.staff.access import journal_rows, role_required
from assistant.staff.blueprint import bp
from forms.staff import StaffAccountForm, TariffRateForm


@bp.get("/comptes")
@role_required(Role.ADMIN)
def staff_accounts_list():
    return render_template("staff/accounts.html", accounts=staff_accounts.list_staff(db.session))


@bp.route("/comptes/<int:staff_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def staff_account(staff_id: int):
    """A staff account: the administrator says whether a nurse works in advanced practice (the
    mid-career visit, L4624-2-2)."""
    user = db.session.get(StaffUser, staff_id)
    if user is None:
        abort(404)
    # a box left unticked posts nothing: the account's value is the form's on GET only
    form = StaffAccountForm(obj=user if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            staff_accounts.set_advanced_practice(
                db.session, current_user, user, form.advanced_practice.data
            )
        except staff_accounts.StaffError:
            form.advanced_practice.errors = [
                _("Seul un infirmier peut exercer en pratique avancée.")
            ]
        else:
            db.session.commit()
            flash(_("Compte enregistré."), "success")
            return redirect(url_for("staff.staff_accounts_list"))
    status = 400 if form.errors else 200
    return render_template("staff/account.html", user=user, form=form), status


@bp.route("/tarifs", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def tariff_grid():
    form = TariffRateForm()
    today = today_paris()
    if form.validate_on_submit():
        try:
            tariffs.set_rate(
                db.session,
                current_user,
                form.kind.data,
                form.amount.data,
                form.effective_from.data,
                today,
            )
        except tariffs.FutureDateRequired as error:
            form.effective_from.errors = [str(error.message)]
        else:
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
    return render_template(
        "staff/audit.html", entries=journal_rows(audit.recent(db.session)), journal=journal
    )
