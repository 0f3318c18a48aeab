"""Settings of the Qadam registry, read from the environment.

Every value that changes between machines comes from a ``QADAM_*`` environment variable. The helpers
below refuse values they do not understand instead of guessing, so a typo in production fails at
start-up with the variable's name rather than running with a silent default.

Environment:
    QADAM_DATA_DIR        folder of the embedded SQLite database (default ``./qadam-data``)
    QADAM_DATABASE_URL    database URL (e.g. ``postgres://user@host:5432/qadam``); overrides SQLite
    QADAM_SECRET_KEY      secret key (or QADAM_SECRET_KEY_FILE); required unless QADAM_DEBUG=1 or QADAM_DEMO=1
    QADAM_DEBUG           ``1``/``0`` (also true/false, yes/no, on/off); default off
    QADAM_DEMO            ``1`` when running the embedded synthetic demo (a fixed dev key is allowed)
    QADAM_ALLOWED_HOSTS   comma-separated host names (default ``127.0.0.1,localhost``)
    QADAM_CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. ``https://qadam.example.kz``
    QADAM_TIME_ZONE       IANA time zone (default ``Asia/Almaty``)
    QADAM_LANGUAGE        default language when a user has not chosen one: kk, ru or en (default en)
    QADAM_SECURE_COOKIES  ``1`` to mark session/CSRF cookies Secure (default: on outside DEBUG/demo/tests)
    QADAM_SESSION_SECONDS session lifetime in seconds (default 8 hours)
    QADAM_DB_CONN_MAX_AGE seconds a database connection is kept open (default 60)
    QADAM_STATIC_ROOT     where ``collectstatic`` puts files in production (default ``<data dir>/static``)
    QADAM_TRANSITION_MONTHS  the worklist shows patients turning 18 within this many months (default 12)
    QADAM_RESPONSE_BASELINE_MONTHS  a treatment-response baseline is the last result at most this many
                          months before the course start (default 3)
    QADAM_FHIR_BASE       canonical base URL of the registry's FHIR code systems and Questionnaires
    QADAM_RESEARCH_KEY    secret behind research-export pseudonyms and date shifts (or QADAM_RESEARCH_KEY_FILE;
                          default: derived from the secret key)
    QADAM_RESEARCH_SHIFT_DAYS  research exports shift each patient's dates by up to ± this many days (default 182)

``qadam`` commands on the embedded SQLite database keep a generated key in ``<data dir>/secret_key``
(see ``qadam.config.launcher``), so only deployments on ``QADAM_DATABASE_URL`` must set the key.
"""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Return a boolean variable; anything but a known spelling of true/false is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off. Got {raw!r} instead.")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return an integer variable within the given bounds."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer. Got {raw!r} instead.") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ImproperlyConfigured(f"{name} must be in {minimum}..{maximum}. Got {value} instead.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated list variable without empty entries."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """Return a variable that must be one of ``choices``."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}. Got {raw!r} instead.")
    return value


def env_secret(name: str) -> str:
    """Return a secret from ``NAME`` or from the file named by ``NAME_FILE`` (Docker/Kubernetes secrets)."""
    value = os.environ.get(name, "")
    file_name = os.environ.get(f"{name}_FILE", "")
    if value and file_name:
        raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
    if file_name:
        try:
            value = Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE points to {file_name!r}, which cannot be read: {error}.") from None
    return value


def env_time_zone(name: str, default: str) -> str:
    """Return an IANA time zone name that this Python knows."""
    value = (os.environ.get(name) or default).strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Asia/Almaty. Got {value!r} instead."
        ) from None
    return value


def data_dir() -> Path:
    """Return the data folder: ``QADAM_DATA_DIR`` or ``./qadam-data``."""
    return Path(os.environ.get("QADAM_DATA_DIR") or "qadam-data").expanduser().resolve()


# Write-ahead log: readers never wait for the writer, and a commit appends to the log instead of
# rewriting pages through a rollback journal. synchronous=NORMAL syncs the log at checkpoints rather
# than at every commit: still never corrupt, though a power cut (not a crash of the process) may
# lose the last transactions. Both are the SQLite documentation's advice for an embedded
# application database (https://www.sqlite.org/wal.html, https://www.sqlite.org/pragma.html#pragma_synchronous).
# WAL needs the data folder on a local file system (not a network share).
SQLITE_PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"


def database_config() -> dict:
    """Return the default database: ``QADAM_DATABASE_URL`` or SQLite inside the data folder."""
    url = os.environ.get("QADAM_DATABASE_URL", "").strip()
    if url:
        try:
            config = dj_database_url.parse(url, conn_max_age=env_int("QADAM_DB_CONN_MAX_AGE", 60, minimum=0))
        except ValueError as error:
            raise ImproperlyConfigured(f"QADAM_DATABASE_URL is not a database URL Qadam understands: {error}") from None
        if not config.get("ENGINE"):
            raise ImproperlyConfigured(f"QADAM_DATABASE_URL has an unknown scheme. Got {url.split(':', 1)[0]!r}.")
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(data_dir() / "qadam.sqlite3"),
        "OPTIONS": {
            # Busy timeout: wait up to 20 s for a concurrent writer instead of failing at once (SQLite
            # serialises writes); IMMEDIATE takes the write lock when a transaction starts, so two
            # writers never deadlock upgrading a read lock.
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": SQLITE_PRAGMAS,
        },
    }


DEBUG = env_bool("QADAM_DEBUG", False)
DEMO = env_bool("QADAM_DEMO", False)
# pytest exports PYTEST_VERSION before any plugin imports these settings.
TESTING = bool(os.environ.get("PYTEST_VERSION"))
EMBEDDED = DEBUG or DEMO or TESTING

# A fixed key is acceptable only where no real data can exist: development, tests and the synthetic demo.
_DEV_SECRET_KEY = "qadam-development-only-key-never-use-with-real-patients"
SECRET_KEY = env_secret("QADAM_SECRET_KEY")
if not SECRET_KEY:
    if not EMBEDDED:
        raise ImproperlyConfigured(
            "QADAM_SECRET_KEY (or QADAM_SECRET_KEY_FILE) must be set. "
            "Commands run through `qadam` on the embedded SQLite database create one in the data folder; "
            "set QADAM_DEBUG=1 for local development."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("QADAM_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("QADAM_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "qadam.centers.admin_config.RegistryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "qadam.centers",
    "qadam.patients",
    "qadam.assessments",
    "qadam.audit",
    "qadam.web",
    "qadam.demo",
    "qadam.api",
    "qadam.therapy",
    "qadam.monitoring",
    "qadam.reports",
    "qadam.interop",
    "qadam.interop.imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "qadam.config.urls"
WSGI_APPLICATION = "qadam.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Languages: English is the fallback; a user's profile language (centers.UserProfile) wins once chosen.
LANGUAGE_CODE = env_choice("QADAM_LANGUAGE", "en", ("kk", "ru", "en"))
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["qadam.locale.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_time_zone("QADAM_TIME_ZONE", "Asia/Almaty")

STATIC_URL = "static/"
# collectstatic's target for production; the embedded modes serve from the app folders instead.
STATIC_ROOT = None if EMBEDDED else Path(os.environ.get("QADAM_STATIC_ROOT") or data_dir() / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files once collected; the demo serves straight from the app folders.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if EMBEDDED
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Serve app static files without collectstatic when running the demo or in development.
WHITENOISE_USE_FINDERS = EMBEDDED
WHITENOISE_AUTOREFRESH = DEBUG

SECURE_COOKIES = env_bool("QADAM_SECURE_COOKIES", not EMBEDDED)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("QADAM_SESSION_SECONDS", 8 * 3600, minimum=300)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Research exports (qadam.interop.research): pseudonyms and per-patient date shifts come from this key.
RESEARCH_EXPORT_KEY = env_secret("QADAM_RESEARCH_KEY")
RESEARCH_DATE_SHIFT_DAYS = env_int("QADAM_RESEARCH_SHIFT_DAYS", 182, minimum=1, maximum=3650)

# Monitoring (qadam.monitoring) and treatment response (qadam.reports).
QADAM_TRANSITION_MONTHS = env_int("QADAM_TRANSITION_MONTHS", 12, minimum=1, maximum=60)
QADAM_RESPONSE_BASELINE_MONTHS = env_int("QADAM_RESPONSE_BASELINE_MONTHS", 3, minimum=1, maximum=24)

# FHIR R4 (qadam.interop.fhir): the canonical base of our Questionnaires and code systems. Unset, the
# package's own default is used, so identifiers stay stable across deployments that do not choose one.
if os.environ.get("QADAM_FHIR_BASE"):
    QADAM_FHIR_BASE = os.environ["QADAM_FHIR_BASE"].rstrip("/")
