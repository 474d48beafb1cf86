"""App-wide web glue: template helpers, error pages in the user's language."""

from __future__ import annotations

import re

from flask import current_app, render_template, request
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    get_locale,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape

from assistant import labels
from assistant.core.parsing import shown_phone
from assistant.core.text import date_format, datetime_format
from assistant.error_summary import error_summary
from assistant.services.prevention import naf
from assistant.services.visits import visit_lookup
from assistant.services.visits.place_text import place_name, place_notes


def _error(status: int, title: str, message: str):
    return render_template("error.html", title=title, message=message, status=status), status


def _size(count: int) -> str:
    """Bytes as people read them: 20 Mo, 400 Ko."""
    if count >= 1024 * 1024:
        return _("%(count)s Mo", count=format_decimal(count / (1024 * 1024), "0.#"))
    return _("%(count)s Ko", count=format_decimal(count / 1024, "0"))


def init_app(app) -> None:
    @app.context_processor
    def _template_globals():
        return {
            "current_locale": str(get_locale() or "fr"),
            "service_name": current_app.config["SERVICE_NAME"],
            "service_phone": current_app.config["SERVICE_PHONE"],
            "development": current_app.config["DEVELOPMENT"],
            "lang_url": _lang_url,
            "labels": labels,
            # between a label and its value: "Réservé : …" in French, "Booked: …" in English
            "colon": ": " if str(get_locale() or "fr").startswith("en") else " : ",
        }

    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters["money"] = lambda amount: format_currency(amount, "EUR")
    app.jinja_env.filters["score"] = lambda value: format_decimal(value, "0.#")
    app.jinja_env.filters["date"] = lambda value, fmt="long": format_date(
        value, date_format(fmt, str(get_locale()))
    )
    app.jinja_env.filters["datetime"] = shown_datetime
    app.jinja_env.filters["phone"] = shown_phone
    app.jinja_env.filters["own_links"] = own_links
    app.jinja_env.globals["error_summary"] = error_summary
    app.jinja_env.globals["canceller"] = visit_lookup.canceller
    app.jinja_env.filters["place_name"] = lambda centre: place_name(centre, str(get_locale()))
    app.jinja_env.filters["place_notes"] = lambda centre: place_notes(centre, str(get_locale()))
    # "43.22A — Plumbing, heat and air-conditioning installation" in English
    app.jinja_env.filters["naf"] = lambda code: (
        f"{code} — {naf.label(code, str(get_locale()))}" if naf.label(code, "fr") else code
    )

    @app.errorhandler(CSRFError)
    def _csrf_error(_error_):
        return _error(
            400,
            _("Formulaire expiré"),
            _(
                "Ce formulaire a expiré ou n'a pas été envoyé depuis notre site. "
                "Revenez en arrière, rechargez la page et envoyez-le à nouveau."
            ),
        )

    @app.errorhandler(403)
    def _forbidden(_error_):
        return _error(
            403, _("Accès refusé"), _("Votre compte ne permet pas d'accéder à cette page.")
        )

    @app.errorhandler(404)
    def _not_found(_error_):
        return _error(
            404,
            _("Page introuvable"),
            _("Cette adresse ne correspond à aucune page. Vérifiez-la ou revenez à l'accueil."),
        )

    @app.errorhandler(405)
    def _method_not_allowed(_error_):
        return _error(
            405, _("Action impossible"), _("Cette action n'est pas possible sur cette page.")
        )

    @app.errorhandler(413)
    def _too_large(_error_):
        return _error(
            413,
            _("Envoi trop volumineux"),
            _(
                "Ce que vous avez envoyé est trop volumineux pour cette page. Pour les "
                "effectifs, envoyez un fichier CSV de %(size)s au plus.",
                size=_size(current_app.config["IMPORT_MAX_BYTES"]),
            ),
        )

    @app.errorhandler(500)
    def _server_error(_error_):
        return _error(
            500,
            _("Une erreur est survenue"),
            _(
                "Nous n'avons pas pu traiter votre demande. Rien n'a été enregistré ; "
                "réessayez dans un instant ou appelez-nous."
            ),
        )


def shown_datetime(value, fmt: str = "short") -> str:
    """A moment in Paris time, to the minute: « 23/11/2026 04:46 », or with a longer date
    « 23 novembre 2026 à 04:46 » (never seconds nor the UTC offset)."""
    locale = str(get_locale())
    if fmt == "short":
        return format_datetime(value, datetime_format("short", locale))
    day = format_date(value, date_format(fmt, locale))
    return _("%(day)s à %(time)s", day=day, time=format_time(value, "HH:mm"))


def own_links(text: str) -> Markup:
    """A text (a chat reply) escaped, with the links to this site made clickable; no other
    address becomes a link."""
    base = str(escape(current_app.config["PUBLIC_BASE_URL"].rstrip("/")))
    return Markup(
        re.sub(
            re.escape(base) + r"/(?:[\w/~%?=#.-]*[\w/~%=#-])?",  # no final dot or comma
            lambda found: f'<a href="{found.group(0)}">{found.group(0)}</a>',
            str(escape(text)),
        )
    )


def _lang_url(lang: str) -> str:
    """The current page in another language (the choice then sticks in the session)."""
    args = request.args.to_dict(flat=True)
    args["lang"] = lang
    from urllib.parse import urlencode

    return f"{request.path}?{urlencode(args)}"


def pdf_response(pdf: bytes, filename: str, inline: bool = False):
    """A PDF document as a download (or shown in the browser when `inline`)."""
    from flask import Response

    disposition = "inline" if inline else "attachment"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


def send_code(phone: str, purpose: str, *, deliver: bool = True) -> bool:
    """`otp.send_code` for a web page: this address's cap counts, and past any cap the message
    is flashed and False returned."""
    from flask import flash

    from assistant.database import utcnow
    from assistant.extensions import db
    from assistant.services.membership import otp

    try:
        otp.send_code(
            db.session,
            phone,
            purpose,
            utcnow(),
            locale=str(get_locale() or "fr"),
            ip=request.remote_addr,
            limits=otp.CodeLimits.from_config(current_app.config),
            deliver=deliver,
        )
    except otp.TooManyCodes:
        flash(str(otp.TOO_MANY_CODES_MESSAGE), "error")
        return False
    return True
