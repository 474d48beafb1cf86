"""Back-office forms: staff login, a staff account, the tariff grid, a worker's health situation
and mobile proof, access outside one's team, a pré-reprise asked for a worker."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import TextInput

from assistant import labels
from assistant.services.membership import care_team


class AmountField(DecimalField):
    """A money amount typed as people do: `110,50`, `110.50`, `1 200 €`."""

    widget = TextInput()  # a number input refuses `110,50` and `1 200 €`

    def process_formdata(self, valuelist):
        if valuelist:
            cleaned = valuelist[0]
            for junk in ("€", " ", "\u00a0", "\u202f"):
                cleaned = cleaned.replace(junk, "")
            valuelist = [cleaned.replace(",", ".")]
        super().process_formdata(valuelist)


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[
            DataRequired(_l("Indiquez votre adresse e-mail.")),
            Email(_l("Cette adresse e-mail n'est pas valide.")),
        ],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired(_l("Indiquez votre mot de passe.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class StaffAccountForm(FlaskForm):
    """What the administrator sets on a staff account."""

    advanced_practice = BooleanField(
        _l("Infirmier en pratique avancée (IPA)"),
        description=_l(
            "Un infirmier en pratique avancée peut assurer la visite de mi-carrière, comme le "
            "médecin du travail."
        ),
    )


class TariffRateForm(FlaskForm):
    kind = SelectField(
        _l("Cotisation"),
        choices=[SelectChoice(kind.value, label) for kind, label in labels.TARIFF_KIND.items()],
        validators=[InputRequired()],
    )
    amount = AmountField(
        _l("Montant annuel (€)"),
        places=2,
        validators=[
            InputRequired(_l("Indiquez un montant, par exemple 110,00.")),
            NumberRange(
                min=0, max=100000, message=_l("Le montant doit être compris entre 0 et 100 000 €.")
            ),
        ],
        render_kw={"inputmode": "decimal"},
    )
    effective_from = DateField(
        _l("En vigueur à partir du"),
        validators=[InputRequired(_l("Indiquez une date d'effet."))],
    )


class HealthForm(FlaskForm):
    pregnant = BooleanField(_l("Grossesse, allaitement ou accouchement récent"))
    invalidity_pension = BooleanField(_l("Pension d'invalidité"))
    disabled = BooleanField(_l("Travailleur handicapé reconnu"))


class OutsideTeamForm(FlaskForm):
    reason = TextAreaField(
        _l("Motif de l'accès"),
        description=_l(
            "Par exemple : remplacement d'un confrère, visite assurée pour un autre centre. "
            "Le motif est tracé dans le journal."
        ),
        validators=[Length(max=care_team.MAX_REASON)],
    )
    next = HiddenField()


class ProofForm(FlaskForm):
    phone = StringField(_l("Numéro de mobile donné par le salarié"))
    code = StringField(_l("Code lu par le salarié"))


class DeclineReferralForm(FlaskForm):
    """The worker declines the visit with the médecin du travail offered (CSRF only)."""


class PreRepriseForm(FlaskForm):
    """A pré-reprise the staff record for a worker (R4624-29): asked by the worker, the treating
    doctor, the médecin-conseil or the médecin du travail; confidential."""

    asked_by = SelectField(
        _l("Demandée par"),
        choices=[SelectChoice(code, label) for code, label in labels.PRE_REPRISE_ASKED_BY.items()],
        validators=[InputRequired(_l("Indiquez qui demande la visite."))],
    )
    stoppage_start = DateField(
        _l("Début de l'arrêt de travail"),
        validators=[InputRequired(_l("Indiquez le premier jour de l'arrêt de travail."))],
    )
    stoppage_end = DateField(
        _l("Fin prévue de l'arrêt de travail (si elle est connue)"), validators=[Optional()]
    )
    reason = TextAreaField(
        _l("Motif (facultatif)"),
        validators=[Length(max=2000, message=_l("%(max)s caractères au plus."))],
    )


class RefusalForm(FlaskForm):
    """Refusing an adhesion: the reason, which the member reads in the e-mail."""

    reason = TextAreaField(
        _l("Motif du refus (envoyé à l'adhérent)"),
        validators=[
            DataRequired(message=_l("Indiquez le motif du refus.")),
            Length(max=500, message=_l("%(max)d caractères au plus.")),
        ],
        render_kw={"rows": 3},
    )
