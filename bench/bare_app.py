"""The baseline of bench/sms_webhook.py: a bare Flask app answering the SMS webhook's URL.

No database, no signature check, no templates: only Flask's routing and a constant TwiML reply,
so that the benchmark can tell what the real webhook costs on top of the framework itself.
"""

from __future__ import annotations

from flask import Flask

TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    "<Response><Message>Bonjour, ceci est une réponse constante.</Message></Response>"
)

app = Flask(__name__)


@app.post("/sms/inbound")
def inbound():
    return TWIML, 200, {"Content-Type": "text/xml; charset=utf-8"}
