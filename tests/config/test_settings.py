"""Settings from the environment, the launcher, and migrations that match the models."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from qadam.config import settings as qadam_settings
from qadam.config.launcher import LauncherError, split_data_dir
from qadam.config.settings import database_config, env_bool, env_choice, env_int, env_list, env_secret, env_time_zone


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1", True), ("TRUE", True), (" yes ", True), ("on", True), ("0", False), ("off", False), ("", False)],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("QADAM_X", raw)
    assert env_bool("QADAM_X", not value) is value


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("QADAM_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"QADAM_X must be one of .* Got 'maybe' instead"):
        env_bool("QADAM_X", False)


def test_env_int_checks_type_and_bounds(monkeypatch):
    monkeypatch.setenv("QADAM_X", "12")
    assert env_int("QADAM_X", 1, minimum=0) == 12
    monkeypatch.setenv("QADAM_X", "twelve")
    with pytest.raises(ImproperlyConfigured, match="must be an integer. Got 'twelve'"):
        env_int("QADAM_X", 1)
    monkeypatch.setenv("QADAM_X", "-5")
    with pytest.raises(ImproperlyConfigured, match="must be in 0..None. Got -5"):
        env_int("QADAM_X", 1, minimum=0)


def test_env_list_choice_and_time_zone(monkeypatch):
    monkeypatch.setenv("QADAM_X", "a.kz, b.kz,,")
    assert env_list("QADAM_X", []) == ["a.kz", "b.kz"]
    monkeypatch.setenv("QADAM_X", "de")
    with pytest.raises(ImproperlyConfigured, match="must be one of kk, ru, en. Got 'de'"):
        env_choice("QADAM_X", "en", ("kk", "ru", "en"))
    monkeypatch.setenv("QADAM_X", "Asia/Aqtau")
    assert env_time_zone("QADAM_X", "UTC") == "Asia/Aqtau"
    monkeypatch.setenv("QADAM_X", "Mars/Olympus")
    with pytest.raises(ImproperlyConfigured, match="IANA time zone"):
        env_time_zone("QADAM_X", "UTC")


def test_env_secret_reads_a_file_and_refuses_both(monkeypatch, tmp_path):
    key = tmp_path / "key"
    key.write_text("s3cret\n")
    monkeypatch.delenv("QADAM_S", raising=False)
    monkeypatch.setenv("QADAM_S_FILE", str(key))
    assert env_secret("QADAM_S") == "s3cret"
    monkeypatch.setenv("QADAM_S", "other")
    with pytest.raises(ImproperlyConfigured, match="either QADAM_S or QADAM_S_FILE"):
        env_secret("QADAM_S")
    monkeypatch.delenv("QADAM_S")
    monkeypatch.setenv("QADAM_S_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_secret("QADAM_S")


def test_database_defaults_to_sqlite_in_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("QADAM_DATABASE_URL", raising=False)
    monkeypatch.setenv("QADAM_DATA_DIR", str(tmp_path))
    config = database_config()
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "qadam.sqlite3")


def test_the_embedded_database_uses_the_write_ahead_log_and_waits_for_writers(monkeypatch, tmp_path):
    from django.db.utils import ConnectionHandler

    monkeypatch.delenv("QADAM_DATABASE_URL", raising=False)
    monkeypatch.setenv("QADAM_DATA_DIR", str(tmp_path))
    wrapper = ConnectionHandler({"default": database_config()})["default"]
    # A new connection exactly as Django opens one (the settings' init commands run), outside the
    # test database.
    raw = wrapper.get_new_connection(wrapper.get_connection_params())
    try:
        pragmas = {
            name: raw.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "busy_timeout")
        }
    finally:
        raw.close()
    # synchronous 1 = NORMAL; busy_timeout in milliseconds
    assert pragmas == {"journal_mode": "wal", "synchronous": 1, "busy_timeout": 20000}
    assert wrapper.transaction_mode == "IMMEDIATE"
    assert (tmp_path / "qadam.sqlite3").exists()


def test_database_url_selects_postgresql(monkeypatch):
    monkeypatch.setenv("QADAM_DATABASE_URL", "postgres://qadam:pw@db.example:5433/registry")
    config = database_config()
    assert (config["ENGINE"], config["NAME"], config["HOST"], config["PORT"]) == (
        "django.db.backends.postgresql",
        "registry",
        "db.example",
        5433,
    )
    monkeypatch.setenv("QADAM_DATABASE_URL", "mongodb://x/y")
    with pytest.raises(ImproperlyConfigured, match="QADAM_DATABASE_URL"):
        database_config()


def test_languages_and_formats_are_configured():
    assert [code for code, _name in qadam_settings.LANGUAGES] == ["kk", "ru", "en"]
    assert qadam_settings.FORMAT_MODULE_PATH == ["qadam.locale.formats"]
    assert "django.middleware.locale.LocaleMiddleware" in qadam_settings.MIDDLEWARE
    assert str(qadam_settings.LOCALE_PATHS[0]).endswith(os.path.join("qadam", "locale"))


def _import_settings(env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("QADAM_", "PYTEST", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-c", "import qadam.config.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _import_settings({"QADAM_DATABASE_URL": "postgres://x@y/z"})
    assert result.returncode == 1
    assert "QADAM_SECRET_KEY (or QADAM_SECRET_KEY_FILE) must be set" in result.stderr
    assert _import_settings({"QADAM_DATABASE_URL": "postgres://x@y/z", "QADAM_SECRET_KEY": "k"}).returncode == 0
    assert _import_settings({"QADAM_DEBUG": "1"}).returncode == 0


def test_a_bad_value_names_the_variable_at_start_up():
    result = _import_settings({"QADAM_SECRET_KEY": "k", "QADAM_DEBUG": "sometimes"})
    assert result.returncode == 1 and "QADAM_DEBUG must be one of" in result.stderr


def test_the_launcher_finds_data_dir_anywhere():
    assert split_data_dir(["migrate", "--data-dir", "/d", "--noinput"]) == ("/d", ["migrate", "--noinput"])
    assert split_data_dir(["--data-dir=/d", "audit", "verify"]) == ("/d", ["audit", "verify"])
    assert split_data_dir(["demo", "--port", "9000"]) == (None, ["demo", "--port", "9000"])
    assert split_data_dir(["shell", "--", "--data-dir", "x"]) == (None, ["shell", "--", "--data-dir", "x"])
    for bad in (["--data-dir"], ["--data-dir", "--port"], ["--data-dir="]):
        with pytest.raises(LauncherError):
            split_data_dir(bad)


def test_the_launcher_keeps_a_secret_key_in_the_embedded_data_dir(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("QADAM_", "PYTEST", "DJANGO_"))}
    result = subprocess.run(
        [sys.executable, "-m", "qadam", "--data-dir", str(tmp_path / "data"), "check"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    key_file = tmp_path / "data" / "secret_key"
    assert len(key_file.read_text()) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_the_shipped_icd10_codes_are_loaded():
    from qadam.patients.icd10 import shipped_codes
    from qadam.patients.models import Icd10Code

    shipped = {row["code"] for row in shipped_codes()}
    assert shipped <= set(Icd10Code.objects.values_list("code", flat=True))
    for code in [
        "G12.0",
        "G12.1",
        "G70.0",
        "I63.9",
        "I69.3",
        "G81.1",
        "M54.5",
        "M51.1",
        "F03",
        "G30.9",
        "G35",
        "G40.9",
        "G71.0",
        "G63.2",
        "B02.2",
        "G50.0",
    ]:
        assert code in shipped, code
    for row in shipped_codes():
        assert row["title_en"] and row["title_kk"] and row["title_ru"], row["code"]
