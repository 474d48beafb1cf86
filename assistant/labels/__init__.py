"""What the users read for the domain's codes and enumerations: one map per thing, one wording
for it on the web, by SMS and in the documents (issue 13). Lazily translated with the core's `_l`,
so that the services and the journeys read them without Flask; a document prints the French
source (`assistant.core.text.french`). Choices lists are built from these maps, never restated.

The keys are the enumerations' members, or the codes stored and answered (StrEnum members and
their codes look the same entry up). tests/test_layout.py keeps label maps out of other modules.
"""

from assistant.core.text import _l
from assistant.models import (
    CentreKind,
    ContractType,
    InaptitudeStep,
    MemberKind,
    MemberStatus,
    Modality,
    OutcomeKind,
    PaymentMethod,
    Role,
    TariffKind,
    VisitStatus,
)

# ---------------------------------------------------------------- members and tariffs

TARIFF_KIND = {
    TariffKind.EMPLOYEE: _l("Par salarié et par an (offre socle)"),
    TariffKind.INDEPENDENT: _l("Par travailleur indépendant et par an (offre spécifique)"),
}

MEMBER_KIND = {
    MemberKind.EMPLOYER: _l("Employeur"),
    MemberKind.INDEPENDENT: _l("Travailleur indépendant"),
}

MEMBER_STATUS = {
    MemberStatus.PENDING: _l("Adhésion en attente de validation"),
    MemberStatus.ACTIVE: _l("Adhésion active"),
    MemberStatus.CLOSED: _l("Adhésion clôturée"),
    MemberStatus.REFUSED: _l("Adhésion refusée"),
}

PAYMENT_METHOD = {
    PaymentMethod.SEPA: _l("Prélèvement SEPA"),
    PaymentMethod.TRANSFER: _l("Virement bancaire"),
}

# the web adhesion's steps (assistant/public/adhesion.py), by their slug in the URL
ADHESION_STEP = {
    "entreprise": _l("Votre entreprise"),
    "identite": _l("Vous"),
    "activite": _l("Votre activité"),
    "activite-choix": _l("Votre code d'activité (NAF)"),
    "coordonnees": _l("Vos coordonnées"),
    "risques": _l("Vos risques"),
    "prevention": _l("Votre culture de prévention"),
    "paiement": _l("Paiement"),
    "contrat": _l("Contrat"),
}

# the web prevention score's steps (assistant/public/score.py)
SCORE_STEP = {
    "salaries": _l("Votre entreprise"),
    "prevention": _l("Votre prévention"),
}

# ---------------------------------------------------------------- staff and places

ROLE = {
    Role.ADMIN: _l("Administrateur"),
    Role.SECRETARY: _l("Secrétaire médical"),
    Role.DOCTOR: _l("Médecin du travail"),
    Role.NURSE: _l("Infirmier en santé au travail"),
    Role.IPRP: _l("Préventeur (IPRP)"),
    Role.PDP: _l("Cellule PDP"),
}

CENTRE_KIND = {
    CentreKind.FIXED: _l("Centre fixe"),
    CentreKind.MOBILE: _l("Centre mobile"),
    CentreKind.TELE: _l("Téléconsultation"),
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

# ---------------------------------------------------------------- workforce and follow-up

CONTRACT = {
    ContractType.CDI: _l("CDI"),
    ContractType.CDD: _l("CDD"),
    ContractType.INTERIM: _l("Intérim"),
    ContractType.SAISONNIER: _l("Saisonnier"),
    ContractType.APPRENTI: _l("Apprentissage"),
    ContractType.SHORT: _l("Contrat court (moins de 45 jours)"),
}

# the follow-up categories (assistant.services.followup.followup_table.Category, a StrEnum)
FOLLOWUP_CATEGORY = {
    "SIR": _l("Suivi individuel renforcé (SIR)"),
    "SIA": _l("Suivi individuel adapté (SIA)"),
    "SI": _l("Suivi individuel (VIP)"),
    "VIP_COLLECTIVE": _l("VIP collective (contrats courts)"),
    "ALL": _l("Visite due quelle que soit la catégorie"),
}

# what else a risk needs to trigger a follow-up rule (followup_table.conditions), after "seulement
# pour"; a condition without a label is shown as written in the rules table
FOLLOWUP_CONDITION = {
    "flag:radiation_cat_a": _l("un travailleur classé en catégorie A"),
    "flag:radiation_cat_b": _l("un travailleur classé en catégorie B"),
}

# the classification of a worker exposed to ionising radiation (Employee.radiation_category)
RADIATION_CATEGORY = {
    "": _l("Pas de travailleur classé"),
    "A": _l("Travailleur classé en catégorie A"),
    "B": _l("Travailleur classé en catégorie B"),
}

# who sees the worker at the visits of a follow-up (followup_table.Performer, a StrEnum)
PERFORMER = {
    "pluridisciplinary_team": _l("L'équipe pluridisciplinaire"),
    "health_professional": _l("Le médecin du travail ou un infirmier"),
    "doctor_first": _l("Le médecin du travail la première fois, puis le médecin ou un infirmier"),
    "doctor": _l("Le médecin du travail"),
}

# ---------------------------------------------------------------- prevention

# the risk catalogue's families (assistant.models.risk.FAMILIES)
RISK_FAMILY = {
    "physical": _l("Risques physiques"),
    "chemical": _l("Risques chimiques"),
    "biological": _l("Risques biologiques"),
    "organisational": _l("Risques liés à l'organisation du travail"),
    "psychosocial": _l("Risques psychosociaux"),
}

# a declaration's four drawers (assistant.services.prevention.declarations.DRAWERS)
DECLARATION_DRAWER = {
    "organisation": _l("Organisation"),
    "activites": _l("Activités"),
    "prevention": _l("Prévention en place"),
    "risques": _l("Risques professionnels"),
}

# ---------------------------------------------------------------- visits

VISIT_STATUS = {
    VisitStatus.REQUESTED: _l("Demandée"),
    VisitStatus.BOOKED: _l("Réservée"),
    VisitStatus.DONE: _l("Effectuée"),
    VisitStatus.NO_SHOW: _l("Absence non excusée"),
    VisitStatus.CANCELLED: _l("Annulée"),
}

# who cancelled a visit, as its reader is told ("Annulée le 3 mars par l'employeur"), by the
# kind of `visit.cancelled_by` (audit.actor_label: "staff:3", "member:5", "employee:+33…",
# "phone:+33…" for an independent by text, "system")
CANCELLED_BY = {
    "service": _l("le service de santé au travail"),
    "employer": _l("l'employeur"),
    "employee": _l("le salarié"),
    "you": _l("vous-même"),
}

MODALITY = {
    Modality.ON_SITE: _l("Sur place (centre fixe)"),
    Modality.MOBILE: _l("Centre mobile"),
    Modality.TELE: _l("Téléconsultation"),
}

# how a worker's consent to teleconsultation was given (visit.TeleConsent.channel)
TELE_CONSENT_CHANNEL = {
    "web": _l("dans son espace"),
    "sms": _l("par SMS"),
    "staff": _l("de vive voix, enregistré par le service"),
}

# what a space's page says once the worker gave or withdrew it (dialogs/tele_consent.py's outcome)
TELE_CONSENT_SAID = {
    "tele_consent_given": _l(
        "Votre accord est enregistré : vos visites pourront se faire en vidéo."
    ),
    "tele_consent_withdrawn": _l("Votre accord est retiré : vos visites se feront en personne."),
}

# how a requested visit's slot is found (the visit request journey)
PLACEMENT = {
    "auto": _l("Réserver automatiquement le premier créneau libre"),
    "choose": _l("Choisir moi-même le créneau"),
}

# the causes of an absence before a reprise (visits.visit_deadlines.ABSENCE_CAUSES)
ABSENCE_CAUSE = {
    "maternity": _l("Congé de maternité"),
    "occupational_disease": _l("Maladie professionnelle"),
    "work_accident": _l("Accident du travail"),
    "illness": _l("Maladie ou accident non professionnel"),
}

# who asked for a pré-reprise the staff record (R4624-29): the worker, or a doctor for them
PRE_REPRISE_ASKED_BY = {
    "worker": _l("Le travailleur lui-même"),
    "treating_doctor": _l("Le médecin traitant"),
    "medecin_conseil": _l("Le médecin-conseil de l'assurance maladie"),
    "medecin_travail": _l("Le médecin du travail"),
}

# the document a visit ends with: its title on the pages and on the PDF
OUTCOME_KIND = {
    OutcomeKind.ATTESTATION: _l("Attestation de suivi individuel de l'état de santé"),
    OutcomeKind.APTITUDE: _l("Avis d'aptitude"),
    OutcomeKind.INAPTITUDE: _l("Avis d'inaptitude"),
    OutcomeKind.PRESENCE: _l("Attestation de présence"),
    OutcomeKind.RECOMMENDATIONS: _l("Recommandations (visite de pré-reprise)"),
    OutcomeKind.NO_CONTRAINDICATION: _l("Attestation d'absence de contre-indication médicale"),
    OutcomeKind.CONTRAINDICATION: _l("Contre-indication médicale"),
    OutcomeKind.EXPOSURES: _l("État des expositions"),
}

INAPTITUDE_STEP = {
    InaptitudeStep.WORKSTATION_STUDY: _l("Étude du poste"),
    InaptitudeStep.FICHE_ENTREPRISE: _l(
        "Étude des conditions de travail et date d'actualisation de la fiche d'entreprise"
    ),
    InaptitudeStep.EMPLOYER_EXCHANGE: _l("Échange avec l'employeur"),
    InaptitudeStep.SECOND_EXAM: _l("Second examen (facultatif, dans les 15 jours)"),
}
# what the professional writes on the document, by visit type (the employer's proposals else)
OUTCOME_TEXT_FIELD = {
    "pre_reprise": _l("Recommandations pour le retour au travail (remises au seul salarié)"),
    "post_exposition": _l("Précisions sur les expositions et surveillance post-exposition"),
    "aci": _l("Engins ou travaux concernés, précisions (remis au seul salarié)"),
}

# what a sentence may ask for, by SMS and in the chat (assistant/sms/intents.py), asked back
INTENT = {
    "book": _l("prendre rendez-vous (envoyez RDV)"),
    "cancel": _l("annuler un rendez-vous (envoyez ANNULER)"),
    "move": _l("déplacer un rendez-vous (envoyez DEPLACER)"),
    "score": _l("votre score de prévention (envoyez SCORE)"),
    "join": _l("adhérer (envoyez ADHERER)"),
    "risks": _l("déclarer vos risques (envoyez RISQUES)"),
    "pdp": _l("la cellule maintien en emploi (envoyez PDP)"),
    "menu": _l("voir le menu (envoyez MENU)"),
}

# the maps of the journal and of the PDP cell, in modules of their own
from assistant.labels.journal import (  # noqa: E402, F401
    AUDIT_ACTION,
    AUDIT_DETAIL,
    AUDIT_DETAIL_FORMAT,
    AUDIT_RECORD,
)
from assistant.labels.pdp import (  # noqa: E402, F401
    PDP_ACTION,
    PDP_ASKED_BY_TOLD,
    PDP_CHANNEL,
    PDP_CONSENT_CHANNEL,
    PDP_CONSENT_SCOPE,
    PDP_CONSENT_SCOPE_SHORT,
    PDP_DISCLOSURE,
    PDP_JOURNAL,
    PDP_OUTCOME,
    PDP_RAISED_BY,
    PDP_REQUEST_STEP,
    PDP_REVIEW,
    PDP_STAGE,
    PDP_STAGE_EMPLOYER,
    PDP_STAGE_TOLD,
    PDP_TRIGGER,
)
