"""Every journey the text player plays (SMS and the chat), by name: a conversation's row names its
journey, and the player finds it here."""

from dialogs.adhesion import EMPLOYER, INDEPENDENT, PHONE_CODE, RATING
from dialogs.checkup import SCORE
from dialogs.declaration import DECLARATION
from dialogs.member_proof import MEMBER_PROOF
from dialogs.pdp import PDP_PROOF, PDP_REQUEST
from dialogs.pdp_consent import PDP_CONSENT
from dialogs.tele_consent import TELE_CONSENT
from dialogs.visits import BOOK, CANCEL, MOVE

JOURNEYS = {
    j.name: j
    for j in (
        EMPLOYER,
        INDEPENDENT,
        PHONE_CODE,
        RATING,
        SCORE,
        DECLARATION,
        BOOK,
        MOVE,
        CANCEL,
        TELE_CONSENT,
        MEMBER_PROOF,
        PDP_REQUEST,
        PDP_PROOF,
        PDP_CONSENT,
    )
}
