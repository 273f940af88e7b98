"""Configuration: environment values win everywhere, production refuses unsafe settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from config import ConfigurationError, normalise_database_url


def set_production_sms_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production also needs its contact key and Twilio settings (tests/sms/test_settings.py)."""
    monkeypatch.setenv("CONTACT_ENCRYPTION_KEY", "A" * 43 + "=")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t" * 32)
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+447911123456")


def test_production_refuses_to_start_without_its_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY, DATABASE_URL"):
        create_app("production")


def test_production_refuses_a_short_secret_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    with pytest.raises(ConfigurationError, match="32 characters"):
        create_app("production")


def test_production_starts_with_its_secrets_and_secure_cookies(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    set_production_sms_settings(monkeypatch)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SECRET_KEY"] == "s" * 40
    assert not app.debug


@pytest.mark.parametrize("name", ["development", "testing", "production"])
def test_every_configuration_honours_database_url_and_secret_key(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    set_production_sms_settings(monkeypatch)
    app = create_app(name)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url
    assert app.config["SECRET_KEY"] == "k" * 40


def test_an_unknown_configuration_name_is_refused_clearly() -> None:
    with pytest.raises(ConfigurationError, match="Unknown configuration 'staging'"):
        create_app("staging")


def test_postgres_urls_use_the_psycopg_driver() -> None:
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    from sqlalchemy import text

    from app.extensions import db

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'w.db'}"})
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
