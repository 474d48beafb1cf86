"""Back-office planning forms: places, weekly sessions, absences, slot generation, assignment."""

from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from assistant import labels
from assistant.models import CentreKind

SLOT_MIN, SLOT_MAX = 10, 240
MAX_WEEKS = 26


class CentreForm(FlaskForm):
    name = StringField(
        _l("Nom du lieu"),
        validators=[DataRequired(_l("Indiquez le nom du lieu.")), Length(max=200)],
    )
    kind = SelectField(
        _l("Type de lieu"),
        choices=[SelectChoice(kind.value, label) for kind, label in labels.CENTRE_KIND.items()],
        default=CentreKind.FIXED.value,
    )
    address = StringField(_l("Adresse"), validators=[Length(max=300)])
    postcode = StringField(_l("Code postal"), validators=[Optional(), Length(max=10)])
    city = StringField(_l("Ville"), validators=[Optional(), Length(max=120)])
    phone = StringField(_l("Téléphone"), validators=[Optional(), Length(max=20)])
    active = BooleanField(_l("Lieu actif (ouvert aux rendez-vous)"), default=True)

    def validate_address(self, field):
        if self.kind.data == CentreKind.FIXED and not (field.data or "").strip():
            raise ValidationError(_l("Indiquez l'adresse d'un centre fixe."))


def _overlaps(a_from: date, a_until: date | None, b_from: date, b_until: date | None) -> bool:
    return (a_until is None or b_from <= a_until) and (b_until is None or a_from <= b_until)


class WorkPatternForm(FlaskForm):
    """A weekly session. The view gives the places (`centres`: id → Centre) and the
    professional's other sessions (`others`) so that the form can refuse an overlap."""

    centre_id = SelectField(_l("Lieu"), validate_choice=False)
    weekday = SelectField(
        _l("Jour de la semaine"),
        choices=[SelectChoice(str(day), label) for day, label in enumerate(labels.WEEKDAY)],
    )
    starts = TimeField(
        _l("Début"), validators=[InputRequired(_l("Indiquez l'heure de début, par exemple 09:00."))]
    )
    ends = TimeField(
        _l("Fin"), validators=[InputRequired(_l("Indiquez l'heure de fin, par exemple 12:00."))]
    )
    slot_minutes = IntegerField(
        _l("Durée d'un créneau (minutes)"),
        default=30,
        validators=[
            InputRequired(_l("Indiquez la durée d'un créneau en minutes.")),
            NumberRange(
                min=SLOT_MIN,
                max=SLOT_MAX,
                message=_l("La durée d'un créneau doit être comprise entre 10 et 240 minutes."),
            ),
        ],
    )
    valid_from = DateField(
        _l("Valable à partir du"),
        validators=[InputRequired(_l("Indiquez la date de début de validité."))],
    )
    valid_until = DateField(_l("Jusqu'au (facultatif)"), validators=[Optional()])

    def __init__(self, *args, centres=None, others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.centres = centres or {}
        self.others = list(others)
        self.centre_id.choices = [
            SelectChoice(
                str(centre.id),
                centre.name if centre.active else _l("%(name)s (inactif)", name=centre.name),
            )
            for centre in self.centres.values()
        ]

    def validate_centre_id(self, field):
        try:
            centre = self.centres.get(int(field.data))
        except (TypeError, ValueError):
            centre = None
        if centre is None:
            raise ValidationError(_l("Choisissez un lieu."))
        if not centre.active:
            raise ValidationError(
                _l("Ce lieu est inactif : réactivez-le ou choisissez un lieu actif.")
            )

    def validate_weekday(self, field):
        if field.data not in {str(day) for day in range(7)}:
            raise ValidationError(_l("Choisissez un jour de la semaine."))

    def validate_ends(self, field):
        starts: time | None = self.starts.data
        if starts is None or field.data is None:
            return
        if field.data <= starts:
            raise ValidationError(_l("L'heure de fin doit être après l'heure de début."))
        minutes = self.slot_minutes.data
        length = datetime.combine(date.min, field.data) - datetime.combine(date.min, starts)
        if isinstance(minutes, int) and length.total_seconds() < minutes * 60:
            raise ValidationError(_l("La séance est plus courte qu'un créneau."))

    def validate_valid_until(self, field):
        if field.data is not None and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(
                _l("La fin de validité doit être le même jour que le début ou après.")
            )

    def validate_starts(self, field):
        ends, valid_from, valid_until = self.ends.data, self.valid_from.data, self.valid_until.data
        if field.data is None or ends is None or valid_from is None or ends <= field.data:
            return
        for other in self.others:
            if (
                str(other.weekday) == self.weekday.data
                and other.starts < ends
                and field.data < other.ends
                and _overlaps(other.valid_from, other.valid_until, valid_from, valid_until)
            ):
                raise ValidationError(
                    _l(
                        "Ce professionnel a déjà une séance ce jour-là de %(starts)s à %(ends)s : "
                        "les séances ne doivent pas se chevaucher.",
                        starts=other.starts.strftime("%H:%M"),
                        ends=other.ends.strftime("%H:%M"),
                    )
                )


class EndPatternForm(FlaskForm):
    ends_on = DateField(
        _l("Dernier jour de la séance"),
        validators=[InputRequired(_l("Indiquez le dernier jour de la séance."))],
    )


WHOM = [
    SelectChoice("staff", _l("Absence d'un professionnel")),
    SelectChoice("centre", _l("Fermeture d'un lieu")),
]


class AbsenceForm(FlaskForm):
    whom = RadioField(_l("Il s'agit d'une"), choices=WHOM, default="staff")
    staff_id = SelectField(_l("Professionnel"), validate_choice=False)
    centre_id = SelectField(_l("Lieu"), validate_choice=False)
    starts_on = DateField(_l("Du"), validators=[InputRequired(_l("Indiquez le premier jour."))])
    ends_on = DateField(
        _l("Au (inclus)"), validators=[InputRequired(_l("Indiquez le dernier jour."))]
    )
    reason = StringField(_l("Motif (facultatif)"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, professionals=(), centres=(), **kwargs):
        super().__init__(*args, **kwargs)
        blank = [SelectChoice("", _l("— choisir —"))]
        self.staff_id.choices = blank + [
            SelectChoice(str(p.id), p.full_name) for p in professionals
        ]
        self.centre_id.choices = blank + [SelectChoice(str(c.id), c.name) for c in centres]
        self._staff_ids = {str(p.id) for p in professionals}
        self._centre_ids = {str(c.id) for c in centres}

    def validate_staff_id(self, field):
        if self.whom.data == "staff" and field.data not in self._staff_ids:
            raise ValidationError(_l("Choisissez le professionnel absent."))

    def validate_centre_id(self, field):
        if self.whom.data == "centre" and field.data not in self._centre_ids:
            raise ValidationError(_l("Choisissez le lieu fermé."))

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Le dernier jour doit être le même que le premier ou après."))


class GenerateForm(FlaskForm):
    weeks = IntegerField(
        _l("Nombre de semaines"),
        default=4,
        validators=[
            InputRequired(_l("Indiquez un nombre de semaines.")),
            NumberRange(
                min=1,
                max=MAX_WEEKS,
                message=_l("Indiquez un nombre de semaines entre 1 et %(max)s.", max=MAX_WEEKS),
            ),
        ],
    )


class SlotFilterForm(FlaskForm):
    """Filters of the compatible slots (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    centre = SelectField(_l("Lieu"), validate_choice=False)
    modality = SelectField(_l("Modalité"), validate_choice=False)
    after = DateField(_l("À partir du"), validators=[Optional()])

    def __init__(self, *args, centres=(), modalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.centre.choices = [SelectChoice("", _l("Tous les lieux"))] + [
            SelectChoice(str(c.id), c.name) for c in centres
        ]
        self.modality.choices = [SelectChoice("", _l("Toutes"))] + [
            SelectChoice(m, labels.MODALITY[m]) for m in modalities
        ]

    def centre_id(self) -> int | None:
        return int(self.centre.data) if (self.centre.data or "").isdigit() else None

    def chosen_modality(self) -> str | None:
        return self.modality.data if self.modality.data in labels.MODALITY else None


class AssignForm(FlaskForm):
    slot_id = IntegerField(_l("Créneau"), validators=[InputRequired(_l("Choisissez un créneau."))])
