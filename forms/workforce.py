"""Workforce forms: one employee, and the CSV file to import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from assistant import labels
from assistant.core.parsing import Reprompt, parse_date, parse_phone
from assistant.core.text import lazy_risk_label
from assistant.core.timeutil import today_paris
from assistant.services.workforce.employee_values import (
    NIGHT_WORK,
    REASON_MAX,
    date_errors,
    situation_errors,
)
from forms.wizard import MultiCheckboxField


class LenientDate:
    """A date typed as people do (12/03/1980, 12 mars 1980); the parsed date goes in .parsed."""

    def __init__(self, optional: bool = False):
        self.optional = optional

    def __call__(self, form, field):
        field.parsed = None
        if not (field.data or "").strip():
            if self.optional:
                return
            raise ValidationError(_l("Indiquez une date, par exemple 12/03/1980."))
        try:
            field.parsed = parse_date(field.data)
        except Reprompt as reprompt:
            raise ValidationError(str(reprompt.message)) from None


def _risk_choices(catalogue, keep=()):
    """The entries offered, and the inactive ones this employee already has (kept on save)."""
    offered = [r for r in catalogue.offered() if r.code != NIGHT_WORK]  # asked as the flag
    codes = {r.code for r in offered}
    kept = [catalogue[c] for c in keep if c not in codes and c in catalogue and c != NIGHT_WORK]
    return [SelectChoice(r.code, lazy_risk_label(r)) for r in (*offered, *kept)]


class MobilePhone:
    """An optional French or international mobile number; the E.164 form goes in .parsed."""

    def __call__(self, form, field):
        field.parsed = None
        if not (field.data or "").strip():
            return
        try:
            field.parsed = parse_phone(field.data)
        except Reprompt as reprompt:
            raise ValidationError(str(reprompt.message)) from None


class WholeDays:
    """An optional count of days, typed as a whole number; the number goes in .parsed."""

    def __call__(self, form, field):
        field.parsed = None
        text = (field.data or "").strip()
        if not text:
            return
        if not text.isdigit():
            raise ValidationError(_l("Indiquez un nombre de jours, par exemple 30."))
        field.parsed = int(text)


class SituationsForm(FlaskForm):
    """What else the employer declares that changes the follow-up (no health data): on the
    employer's employee form, and on the staff's page of the employee."""

    regulated_work = BooleanField(
        _l("Jeune de moins de 18 ans affecté à des travaux réglementés (avec dérogation)")
    )
    radiation_category = SelectField(
        _l("Rayonnements ionisants"),
        choices=[SelectChoice(code, label) for code, label in labels.RADIATION_CATEGORY.items()],
        default="",
    )
    sir_employer = BooleanField(
        _l("Poste inscrit sur votre liste de suivi individuel renforcé (article R4624-23 III)")
    )
    sir_employer_reason = TextAreaField(
        _l("Justification écrite de cette inscription"), validators=[Length(max=REASON_MAX)]
    )
    heavy_loads = BooleanField(_l("Manutention manuelle de charges de plus de 55 kg"))
    exposure_ended_on = StringField(
        _l("Fin de l'exposition aux risques particuliers, ou départ en retraite"),
        validators=[LenientDate(optional=True)],
        render_kw={"placeholder": "jj/mm/aaaa"},
    )
    working_days = StringField(
        _l("Jours de travail effectif (contrat court ou saisonnier)"),
        validators=[WholeDays()],
        render_kw={"inputmode": "numeric"},
    )

    def situations(self) -> dict:
        return {
            "regulated_work": self.regulated_work.data,
            "radiation_category": self.radiation_category.data or None,
            "sir_employer": self.sir_employer.data,
            "sir_employer_reason": self.sir_employer_reason.data,
            "heavy_loads": self.heavy_loads.data,
            "exposure_ended_on": self.exposure_ended_on.parsed,
            "working_days": self.working_days.parsed,
        }

    def show(self, employee) -> None:
        """Fill the fields with what the employee has."""
        self.regulated_work.data = employee.regulated_work
        self.radiation_category.data = employee.radiation_category or ""
        self.sir_employer.data = employee.sir_employer
        self.sir_employer_reason.data = employee.sir_employer_reason or ""
        self.heavy_loads.data = employee.heavy_loads
        ended = employee.exposure_ended_on
        self.exposure_ended_on.data = ended.strftime("%d/%m/%Y") if ended else ""
        self.working_days.data = str(employee.working_days or "")

    def check_situations(self, hire_date, contract_end) -> bool:
        """The situations against the contract's dates: an error on each field that is wrong."""
        values = {**self.situations(), "hire_date": hire_date, "contract_end": contract_end}
        if not values["sir_employer"]:
            values["sir_employer_reason"] = None
        else:
            values["sir_employer_reason"] = (values["sir_employer_reason"] or "").strip() or None
        return self.show_errors(situation_errors(values, today_paris()))

    def show_errors(self, errors) -> bool:
        """Each (field, message) on its field, all at once (a field this form has not: on the
        form itself); True when there are none."""
        for name, message in errors:
            if name in self:
                self[name].errors = [*self[name].errors, message]
            else:
                self.form_errors.append(message)
        return not errors


class EmployeeForm(SituationsForm):
    last_name = StringField(
        _l("Nom"), validators=[DataRequired(_l("Indiquez le nom.")), Length(max=100)]
    )
    first_name = StringField(
        _l("Prénom"), validators=[DataRequired(_l("Indiquez le prénom.")), Length(max=100)]
    )
    birth_date = StringField(
        _l("Date de naissance"), validators=[LenientDate()], render_kw={"placeholder": "jj/mm/aaaa"}
    )
    job = StringField(
        _l("Poste"), validators=[DataRequired(_l("Indiquez le poste.")), Length(max=200)]
    )
    hire_date = StringField(
        _l("Date d'embauche"), validators=[LenientDate()], render_kw={"placeholder": "jj/mm/aaaa"}
    )
    contract_type = SelectField(
        _l("Contrat"),
        choices=[SelectChoice(kind.value, label) for kind, label in labels.CONTRACT.items()],
    )
    contract_end = StringField(
        _l("Fin du contrat (si CDD, intérim…)"),
        validators=[LenientDate(optional=True)],
        render_kw={"placeholder": "jj/mm/aaaa"},
    )
    exposures = MultiCheckboxField(_l("Expositions"), validate_choice=False)
    night_worker = BooleanField(_l("Travailleur de nuit"))
    phone = StringField(
        _l("Mobile du salarié"), validators=[MobilePhone()], render_kw={"autocomplete": "off"}
    )

    def __init__(self, *args, risks, keep_exposures=(), **kwargs):
        """`risks`: the app's reading of the risk catalogue (`risk_catalogue.Catalogue`)."""
        super().__init__(*args, **kwargs)
        self.exposures.choices = _risk_choices(risks, keep_exposures)

    def validate(self, extra_validators=None) -> bool:
        """The fields, then what the service checks of the whole employee, every error on its
        field at once (the dates, the situations)."""
        valid = super().validate(extra_validators)
        hired = getattr(self.hire_date, "parsed", None)
        end = getattr(self.contract_end, "parsed", None)
        dates = {"birth_date": getattr(self.birth_date, "parsed", None), "hire_date": hired}
        valid = (
            self.show_errors(date_errors({**dates, "contract_end": end}, today_paris())) and valid
        )
        if hired is None or not hasattr(self.exposure_ended_on, "parsed"):
            return valid
        if not hasattr(self.working_days, "parsed"):
            return valid
        return self.check_situations(hired, end) and valid


class LeaveForm(FlaskForm):
    left_on = StringField(
        _l("Date de départ"), validators=[LenientDate()], render_kw={"placeholder": "jj/mm/aaaa"}
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("Fichier CSV des salariés"), validators=[FileRequired(_l("Choisissez un fichier CSV."))]
    )
