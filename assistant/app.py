"""The Flask application factory: `create_app` builds the web app and wires every service: what
the services read from every session it opens (the service's settings, the app's own risk
catalogue, kept current before requests)."""

from __future__ import annotations

import os
from pathlib import Path

import flask_babel
from flask import Flask, request
from sqlalchemy.exc import OperationalError, ProgrammingError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

import assistant.core.text
from assistant import logins, sessions
from assistant.config import Config
from assistant.core import messages, settings
from assistant.extensions import babel, csrf, db
from assistant.i18n import TRANSLATIONS_DIR, compile_catalogs, select_locale
from assistant.services.prevention import risk_catalogue

# endpoints that take a file, with the larger body limit IMPORT_MAX_BYTES
UPLOAD_ENDPOINTS = {"member.workforce_import"}
# pages that show personal data (besides the member, staff and employee blueprints' own hook)
NO_STORE_BLUEPRINTS = {"member", "staff", "employee"}
NO_STORE_PREFIXES = ("sms.chat", "public.adhesion")


class IdConverter(IntegerConverter):
    """`<int:…>` in every URL: a number past the ids' range is no page (404), not an error of
    the database driver. Ids are INTEGER columns on PostgreSQL (BIGINT would be 2**63 - 1)."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _check_bank_account(config) -> None:
    """The account members pay by transfer to: a wrong IBAN or BIC stops the app at its start
    (rather than members paying nobody); kept normalised (compact) for the messages."""
    from assistant.services.membership import payment

    try:
        account = payment.checked_account(
            config["SERVICE_ACCOUNT_HOLDER"], config["SERVICE_IBAN"], config["SERVICE_BIC"]
        )
    except payment.BankAccountError as error:
        raise RuntimeError(str(error)) from error
    config["SERVICE_ACCOUNT_HOLDER"], config["SERVICE_IBAN"], config["SERVICE_BIC"] = account


def create_app(config: Config | None = None) -> Flask:
    # INSTANCE_PATH, else Flask's: instance/ beside the package in a checkout, and
    # <prefix>/var/assistant.app-instance for an installed one (never in site-packages)
    instance = os.environ.get("INSTANCE_PATH")
    app = Flask(
        __name__,
        template_folder=str(messages.TEMPLATES),
        instance_path=str(Path(instance).resolve()) if instance else None,
    )
    app.config.from_object(config or Config(Path(app.instance_path)))
    if hops := app.config["TRUSTED_PROXIES"]:
        # only behind proxies we run: anyone can send X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def _request_context():
        # before CSRF's hook, which reads the form: the body limit must be known by then
        if request.endpoint in UPLOAD_ENDPOINTS:
            request.max_content_length = app.config["IMPORT_MAX_BYTES"]
        from assistant.services import audit

        audit.set_request_ip(request.remote_addr)

    @app.teardown_request
    def _end_request_context(_exc):
        from assistant.services import audit

        audit.set_request_ip(None)

    risks = app.extensions["risks"] = risk_catalogue.RiskCatalogue()  # this app's own copy

    @app.before_request
    def _refresh_risk_catalogue():
        # at most every RISK_CATALOGUE_TTL seconds, and no session opened in between: this runs
        # before every request
        ttl = app.config["RISK_CATALOGUE_TTL"]
        database = app.extensions["database"]
        if risks.checked_within(database["engine"], ttl):
            return
        with database["sessionmaker"]() as session:
            try:
                risks.refresh(session, max_age=ttl)
            except (OperationalError, ProgrammingError) as error:  # no table yet: not migrated
                app.logger.warning("risk catalogue not read from the database: %s", error)

    _check_bank_account(app.config)
    compile_catalogs()
    # what the services read from their session (assistant/core/settings.py, risk_catalogue.of)
    db.init_app(
        app,
        info={
            settings.KEY: settings.Settings.from_config(app.config),
            risk_catalogue.KEY: risks,
        },
    )
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(TRANSLATIONS_DIR),
    )
    logins.init_app(app)
    sessions.init_app(app)
    assistant.core.text.install(flask_babel.gettext)
    assistant.core.text.install_locale(flask_babel.get_locale)

    from assistant import cli, views
    from assistant.dev import bp as dev_bp
    from assistant.employee import bp as employee_bp
    from assistant.member import bp as member_bp
    from assistant.public import bp as public_bp
    from assistant.sms import bp as sms_bp
    from assistant.staff import bp as staff_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(sms_bp)
    app.register_blueprint(member_bp, url_prefix="/espace")
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(employee_bp, url_prefix="/salarie")
    if app.config["DEVELOPMENT"]:
        app.register_blueprint(dev_bp, url_prefix="/dev")
    views.init_app(app)
    cli.init_app(app)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
        )
        endpoint = request.endpoint or ""
        if request.blueprint in NO_STORE_BLUEPRINTS or endpoint.startswith(NO_STORE_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        if app.config["PUBLIC_BASE_URL"].startswith("https://"):
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={app.config['HSTS_MAX_AGE']}"
            )
        return response

    return app
