"""The PDP cell's words (SPEC 4.7): triggers, stages, who asked, actions, follow-ups, outcomes,
the case's journal and the consent, as each reader is told them."""

from assistant.core.text import _l
from assistant.models.pdp import (
    PdpActionKind,
    PdpChannel,
    PdpOutcome,
    PdpRaisedBy,
    PdpReviewKind,
    PdpStage,
    PdpTrigger,
)

# ---------------------------------------------------------------- the PDP cell (SPEC 4.7)

# what brings the request, as the person asking reads it (the journey's choices, the pages)
PDP_TRIGGER = {
    PdpTrigger.ACCIDENT_OR_DISEASE: _l("Accident grave ou maladie professionnelle"),
    PdpTrigger.PRE_REPRISE: _l("Visite de pré-reprise"),
    PdpTrigger.REPRISE: _l("Visite de reprise"),
    PdpTrigger.MID_CAREER: _l("Visite de mi-carrière"),
    PdpTrigger.ON_REQUEST: _l("Visite à la demande"),
    PdpTrigger.LIAISON: _l("Rendez-vous de liaison"),
    PdpTrigger.NONE: _l("Aucun de ces événements"),
}
# where a case stands, in plain words for the person it is about (never its content; the
# back-office says it its own way)
PDP_STAGE_TOLD = {
    PdpStage.ALERT: _l("Reçue, la cellule va vous contacter"),
    PdpStage.ANALYSIS: _l("En cours d'étude avec le médecin du travail"),
    PdpStage.PLAN: _l("Accompagnement en cours"),
    PdpStage.CLOSED: _l("Accompagnement terminé"),
}
# where a case stands, as the employer reads it with the employee's consent (scope `stage`)
PDP_STAGE_EMPLOYER = {
    PdpStage.ALERT: _l("Demande reçue"),
    PdpStage.ANALYSIS: _l("Situation étudiée avec le médecin du travail"),
    PdpStage.PLAN: _l("Accompagnement en cours"),
    PdpStage.CLOSED: _l("Accompagnement terminé"),
}
# who asked the cell, as the worker reads it in their space
PDP_ASKED_BY_TOLD = {
    PdpRaisedBy.WORKER: _l("Vous-même"),
    PdpRaisedBy.EMPLOYER: _l("Votre employeur"),
    PdpRaisedBy.OCCUPATIONAL_DOCTOR: _l("Le médecin du travail"),
    PdpRaisedBy.TREATING_DOCTOR: _l("Votre médecin traitant"),
    PdpRaisedBy.MEDECIN_CONSEIL: _l("Le médecin-conseil de l'assurance maladie"),
}
# the pages of the request on the web (assistant/pdp_pages.py)
PDP_REQUEST_STEP = {
    "situation": _l("Votre situation"),
    "demande": _l("Votre demande"),
}
PDP_STAGE = {
    PdpStage.ALERT: _l("Alerte reçue"),
    PdpStage.ANALYSIS: _l("Analyse faite"),
    PdpStage.PLAN: _l("Plan adopté"),
    PdpStage.CLOSED: _l("Clos"),
}
PDP_RAISED_BY = {
    PdpRaisedBy.WORKER: _l("Le travailleur"),
    PdpRaisedBy.EMPLOYER: _l("L'employeur"),
    PdpRaisedBy.OCCUPATIONAL_DOCTOR: _l("Le médecin du travail"),
    PdpRaisedBy.TREATING_DOCTOR: _l("Le médecin traitant"),
    PdpRaisedBy.MEDECIN_CONSEIL: _l("Le médecin-conseil de l'assurance maladie"),
}
PDP_CHANNEL = {
    PdpChannel.SMS: _l("SMS"),
    PdpChannel.CHAT: _l("Chat"),
    PdpChannel.WEB: _l("Site web"),
    PdpChannel.STAFF: _l("Enregistrée par le service"),
}
PDP_ACTION = {
    PdpActionKind.WORKSTATION_STUDY: _l("Étude de poste"),
    PdpActionKind.ADJUSTMENT: _l("Aménagement de poste"),
    PdpActionKind.ESSAI_ENCADRE: _l("Essai encadré (2 semaines, renouvelable une fois)"),
    PdpActionKind.RQTH: _l("Accompagnement vers la RQTH"),
    PdpActionKind.TRAINING: _l("Formation ou bilan de compétences"),
    PdpActionKind.SOCIAL: _l("Accompagnement social"),
    PdpActionKind.PSYCHOLOGICAL: _l("Soutien psychologique (2 rendez-vous au plus)"),
}
PDP_REVIEW = {
    PdpReviewKind.MONTH_3: _l("Suivi à 3 mois"),
    PdpReviewKind.MONTH_6: _l("Suivi à 6 mois"),
    PdpReviewKind.YEAR_1: _l("Bilan d'impact à un an"),
}
PDP_OUTCOME = {
    PdpOutcome.KEPT: _l("Maintenu dans son emploi"),
    PdpOutcome.ADJUSTED: _l("Poste aménagé"),
    PdpOutcome.REDEPLOYED: _l("Reclassement"),
    PdpOutcome.INAPTITUDE: _l("Inaptitude"),
    PdpOutcome.LEFT: _l("A quitté l'entreprise ou son activité"),
}
# what the case's journal says of each audited action (never its detail: it may be content)
PDP_JOURNAL = {
    "create": _l("Demande reçue"),
    "inform_employer": _l("Employeur informé qu'une demande existe"),
    "read": _l("Lecture du dossier"),
    "assign": _l("Dossier confié"),
    "add_staff": _l("Intervenant ajouté"),
    "analysis": _l("Analyse enregistrée"),
    "add_action": _l("Action ajoutée"),
    "action_done": _l("Action faite"),
    "adopt_plan": _l("Plan adopté"),
    "review": _l("Suivi fait"),
    "close": _l("Dossier clos"),
    "ask_consent": _l("Accord demandé au travailleur"),
    "consent_give": _l("Accord du travailleur enregistré"),
    "consent_revoke": _l("Accord du travailleur retiré"),
    "disclose": _l("Information transmise à l'employeur"),
    "disclosure_refused": _l("Transmission à l'employeur refusée (pas d'accord)"),
}
# ---------------------------------------------------------------- the PDP cell: consent

# what the employer would be told with the worker's consent (PdpConsent.scope), said in full
# before anyone agrees (the SMS says it shorter, in templates/sms/pdp_consent_ask.txt)
PDP_CONSENT_SCOPE = {
    "stage": _l(
        "que la cellule PDP vous accompagne et à quelle étape en est votre dossier, sans rien de "
        "son contenu"
    ),
    "adjustments": _l(
        "les aménagements de votre poste que la cellule recommande, par un courrier que votre "
        "employeur télécharge dans son espace"
    ),
    "plan": _l(
        "les actions de votre plan qui ont besoin de votre employeur (étude de poste, essai "
        "encadré, formation)"
    ),
}
# the same, as the staff name it
PDP_CONSENT_SCOPE_SHORT = {
    "stage": _l("Le suivi et son étape"),
    "adjustments": _l("Les aménagements de poste (courrier)"),
    "plan": _l("Les actions du plan qui concernent l'employeur"),
}
# how a consent was given or withdrawn (PdpConsent.channel, revoked_channel)
PDP_CONSENT_CHANNEL = {
    "sms": _l("par SMS"),
    "chat": _l("par la messagerie du site"),
    "web": _l("dans son espace"),
    "staff": _l("de vive voix, enregistré par la cellule"),
}
# what was told to the employer (PdpDisclosure.what)
PDP_DISCLOSURE = {
    "adjustment_letter": _l("Courrier d'aménagement de poste envoyé à l'employeur"),
    "adjustment_letter_download": _l("Courrier d'aménagement téléchargé par l'employeur"),
}
