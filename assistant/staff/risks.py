"""Back-office pages of the risk catalogue (administrators): the list by family, editing, adding.
An edit is applied at once to this app's copy of the catalogue (`app.extensions["risks"]`)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from assistant import labels
from assistant.extensions import db
from assistant.models import Role
from assistant.models.risk import FAMILIES
from assistant.services.followup import followup_table
from assistant.services.prevention import risk_entries
from assistant.staff.access import role_required
from assistant.staff.blueprint import bp
from forms.risks import NewRiskEntryForm, RiskEntryForm

RESERVED_CODES = {"nouveau"}  # a code that would shadow a URL of this module


def _implications(code: str) -> list[dict]:
    """What an entry implies for the follow-up, as lines to show (from the follow-up rules)."""
    locale = str(get_locale())
    lines = []
    for rule in followup_table.implications(code):
        details = []
        if rule.max_months:
            details.append(_("au plus tous les %(months)s mois", months=rule.max_months))
        if rule.before_assignment:
            details.append(_("visite avant l'affectation"))
        only = followup_table.conditions(rule, code)
        if only:
            who = ", ".join(str(labels.FOLLOWUP_CONDITION.get(c, c)) for c in sorted(only))
            details.append(_("seulement pour %(who)s", who=who))
        lines.append(
            {
                "category": str(labels.FOLLOWUP_CATEGORY.get(rule.category, rule.category)),
                "rule": rule.label(locale),
                "details": ", ".join(details),
            }
        )
    return lines


def _synonym_lines(entry) -> str:
    return "\n".join(risk_entries.split_synonyms(entry.synonyms))


@bp.get("/risques")
@role_required(Role.ADMIN)
def risk_catalogue():
    entries = risk_entries.entries(db.session)
    families = [
        (family, labels.RISK_FAMILY[family], [e for e in entries if e.family == family])
        for family in FAMILIES
    ]
    return render_template(
        "staff/risks/list.html",
        families=families,
        implications={e.code: _implications(e.code) for e in entries},
        synonyms={e.code: risk_entries.split_synonyms(e.synonyms) for e in entries},
    )


def _field_error(form, error: risk_entries.RiskCatalogueError) -> None:
    field = getattr(form, error.field, None)
    if field is None:
        form.form_errors.append(str(error.message))
    else:
        field.errors = [*field.errors, str(error.message)]


@bp.route("/risques/<code>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def risk_edit(code: str):
    entry = risk_entries.entry(db.session, code)
    if entry is None:
        abort(404)
    form = RiskEntryForm(
        data={
            "family": entry.family,
            "label_fr": entry.label_fr,
            "label_en": entry.label_en,
            "synonyms": _synonym_lines(entry),
            "active": entry.active,
        }
    )
    status = 200
    if form.validate_on_submit():
        try:
            risk_entries.update_entry(
                db.session,
                current_user,
                code,
                family=form.family.data,
                label_fr=form.label_fr.data,
                label_en=form.label_en.data,
                synonyms=form.synonyms.data,
                active=form.active.data,
                ip=request.remote_addr,
            )
        except risk_entries.RiskCatalogueError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            current_app.extensions["risks"].refresh(db.session)
            flash(_("Le risque « %(label)s » est enregistré.", label=form.label_fr.data), "success")
            return redirect(url_for("staff.risk_catalogue", _anchor=f"risk-{code}"))
    if request.method == "POST":
        status = 400
    return render_template(
        "staff/risks/edit.html",
        form=form,
        entry=entry,
        family_label=labels.RISK_FAMILY.get(entry.family, entry.family),
        implications=_implications(code),
    ), status


@bp.route("/risques/nouveau", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def risk_new():
    form = NewRiskEntryForm(data={"active": True})
    status = 200
    if form.validate_on_submit():
        code = form.code.data.strip()
        try:
            if code in RESERVED_CODES:
                raise risk_entries.RiskCatalogueError(
                    "code", _("Ce code est réservé : choisissez-en un autre.")
                )
            risk_entries.create_entry(
                db.session,
                current_user,
                code,
                family=form.family.data,
                label_fr=form.label_fr.data,
                label_en=form.label_en.data,
                synonyms=form.synonyms.data,
                active=form.active.data,
                ip=request.remote_addr,
            )
        except risk_entries.RiskCatalogueError as error:
            db.session.rollback()
            _field_error(form, error)
        else:
            db.session.commit()
            current_app.extensions["risks"].refresh(db.session)
            flash(
                _("Le risque « %(label)s » est ajouté au catalogue.", label=form.label_fr.data),
                "success",
            )
            return redirect(url_for("staff.risk_catalogue", _anchor=f"risk-{code}"))
    if request.method == "POST":
        status = 400
    return render_template("staff/risks/new.html", form=form), status
