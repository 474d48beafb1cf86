"""The application factory: configuration from the environment, the store's settings."""

from pathlib import Path

import pytest
from sqlalchemy import text

from assistant.app import create_app
from assistant.config import Config
from assistant.extensions import db


def test_development_secret_key_is_generated_once_and_kept(tmp_path):
    env = {"APP_ENV": "development"}
    first = Config(tmp_path, env).SECRET_KEY
    second = Config(tmp_path, env).SECRET_KEY
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Config(tmp_path, {"APP_ENV": "production"})


def test_configuration_comes_from_the_environment(tmp_path):
    config = Config(
        tmp_path,
        {
            "SECRET_KEY": "s" * 32,
            "PORT": "8123",
            "DATABASE_URL": "postgresql://u@h/d",
            "MEMBERS_AUTO_ACTIVATE": "0",
            "TWILIO_FROM": "+33700000000",
            "PUBLIC_BASE_URL": "https://sante.example/",
        },
    )
    assert config.PORT == 8123
    assert config.DATABASE_URL == "postgresql://u@h/d"
    assert config.MEMBERS_AUTO_ACTIVATE is False
    assert config.TWILIO_FROM == "+33700000000"
    assert config.PUBLIC_BASE_URL == "https://sante.example"
    assert config.SESSION_COOKIE_SECURE is True


def test_default_database_is_sqlite_under_instance(tmp_path):
    config = Config(tmp_path, {"SECRET_KEY": "s" * 32})
    assert config.DATABASE_URL == f"sqlite:///{Path(tmp_path) / 'assistant.db'}"
    assert config.MEMBERS_AUTO_ACTIVATE is True


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    config = Config(
        tmp_path,
        {"SECRET_KEY": "s", "APP_ENV": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
    )
    app = create_app(config)
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_dev_pages_exist_only_in_development(tmp_path, app):
    assert app.test_client().get("/dev/sms").status_code == 404
    config = Config(
        tmp_path,
        {"SECRET_KEY": "s", "APP_ENV": "development", "DATABASE_URL": app.config["DATABASE_URL"]},
    )
    config.ENGINE_OPTIONS = app.config["ENGINE_OPTIONS"]
    dev_app = create_app(config)
    assert dev_app.test_client().get("/dev/sms").status_code == 200
    with dev_app.app_context():
        db.engine.dispose()


def test_health_check_reaches_the_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
