"""User-facing names of the domain's enumerations, lazily translated (one place for each)."""

from flask_babel import lazy_gettext as _l

from assistant.models import CentreKind, MemberKind, MemberStatus, Role, TariffKind

TARIFF_KIND = {
    TariffKind.EMPLOYEE: _l("Par salarié et par an (offre socle)"),
    TariffKind.INDEPENDENT: _l("Par travailleur indépendant et par an (offre spécifique)"),
}

CENTRE_KIND = {
    CentreKind.FIXED: _l("Centre fixe"),
    CentreKind.MOBILE: _l("Centre mobile"),
    CentreKind.TELE: _l("Téléconsultation"),
}

ROLE = {
    Role.ADMIN: _l("Administrateur"),
    Role.SECRETARY: _l("Secrétaire médical"),
    Role.DOCTOR: _l("Médecin du travail"),
    Role.NURSE: _l("Infirmier en santé au travail"),
    Role.IPRP: _l("Préventeur (IPRP)"),
    Role.PDP: _l("Cellule PDP"),
}

MEMBER_KIND = {
    MemberKind.EMPLOYER: _l("Employeur"),
    MemberKind.INDEPENDENT: _l("Travailleur indépendant"),
}

MEMBER_STATUS = {
    MemberStatus.PENDING: _l("En attente de validation"),
    MemberStatus.ACTIVE: _l("Active"),
    MemberStatus.CLOSED: _l("Clôturée"),
}

CONTRACT = {
    "cdi": _l("CDI"),
    "cdd": _l("CDD"),
    "interim": _l("Intérim"),
    "saisonnier": _l("Saisonnier"),
    "apprenti": _l("Apprenti"),
    "short": _l("Contrat court (moins de 45 jours)"),
}

WEEKDAY = [
    _l("lundi"),
    _l("mardi"),
    _l("mercredi"),
    _l("jeudi"),
    _l("vendredi"),
    _l("samedi"),
    _l("dimanche"),
]
