"""Panah settings: one module, driven by environment variables, zero-config on SQLite.

Every variable is listed in `.env.example`. `PANAH_ENV=production` switches on the production
posture (no DEBUG, no generated keys, secure cookies); everything else has a safe default.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
import django.conf.locale
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from panah.settings.env import ConfigError, env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("PANAH_VAR_DIR", str(PROJECT_DIR / "var")))

PANAH_ENV = env_str("PANAH_ENV", "development")
if PANAH_ENV not in {"development", "production", "test"}:
    raise ConfigError("PANAH_ENV must be development, production or test")
PRODUCTION = PANAH_ENV == "production"

DEBUG = env_bool("PANAH_DEBUG", default=False)


def _development_secret_key() -> str:
    """Return a per-checkout secret key kept in var/ (development and demo only)."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = env_secret("PANAH_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ConfigError("PANAH_SECRET_KEY (or PANAH_SECRET_KEY_FILE) is required in production")
    SECRET_KEY = _development_secret_key()

ALLOWED_HOSTS = env_list("PANAH_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("PANAH_CSRF_TRUSTED_ORIGINS")

# --- Field encryption keys -------------------------------------------------------------------
# Key material never lives in the database: it comes from PANAH_KEYS (JSON) or the key file.
# A development key ring is generated into var/ on first run; production refuses to start
# without one (see panah.core.crypto).
PANAH_KEYS = env_secret("PANAH_KEYS")
PANAH_KEY_FILE = Path(env_str("PANAH_KEY_FILE", str(VAR_DIR / "keys.json")))
PANAH_GENERATE_DEV_KEYS = env_bool("PANAH_GENERATE_DEV_KEYS", default=not PRODUCTION)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs' Swagger UI from local static files, not a CDN (CF-1)
    "panah.core",
    "panah.accounts",
    "panah.audit",
    "panah.places",
    "panah.people",
    "panah.cases",
    "panah.helpline",
    "panah.rules",
    "panah.rights",
    "panah.messaging",
    "panah.advocates",
    "panah.dispatch",
    "panah.duplicates",
    "panah.selfservice",
    "panah.channels",
    "panah.api",
    "panah.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "panah.accounts.middleware.SessionTimeoutMiddleware",
    "panah.accounts.middleware.ActiveUserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "panah.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "panah.urls"
WSGI_APPLICATION = "panah.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "panah.accounts.context_processors.membership",
                "panah.rights.context_processors.helpline",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# --- Database --------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("PANAH_SQLITE_PATH", str(VAR_DIR / "panah.sqlite3")),
            "OPTIONS": {
                # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock
                # at BEGIN so two writers queue on busy_timeout instead of failing mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks (Django tasks API, database backend) -------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Authentication --------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("PANAH_SESSION_AGE", 12 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
EMAIL_BACKEND = env_str("PANAH_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("PANAH_FROM_EMAIL", "panah@localhost")

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("PANAH_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything is served from Panah itself: no CDN, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- Languages -------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ur", _("Urdu")),
    ("ps", _("Pashto")),
    ("fa", _("Dari")),
]
LANGUAGES_BIDI = ["ur", "ps", "fa"]
LOCALE_PATHS = [BASE_DIR / "locale"]

# Django ships no language info for Pashto, and names "fa" Persian: Panah's "fa" is Dari.
django.conf.locale.LANG_INFO = {
    **django.conf.locale.LANG_INFO,
    "ps": {"bidi": True, "code": "ps", "name": "Pashto", "name_local": "پښتو"},
    "fa": {"bidi": True, "code": "fa", "name": "Dari", "name_local": "دری"},
}
USE_I18N = True
FORMAT_MODULE_PATH = ["panah.formats"]  # date and number formats per language
USE_TZ = True
# With USE_TZ every stored time is UTC; TIME_ZONE is only the zone times are shown and entered
# in: Pakistan Standard Time unless configured otherwise.
TIME_ZONE = env_str("PANAH_DISPLAY_TIME_ZONE", "Asia/Karachi")

# --- Static files (served locally by WhiteNoise, never from a CDN) ----------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Logging: no personal data, ever ---------------------------------------------------------
# Request URLs carry only opaque ids (UUIDs, case references); bodies are never logged.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("PANAH_LOG_LEVEL", "INFO")},
    "loggers": {
        # django.request logs the request object on errors; keep the level but never bodies.
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every leaflet at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Panah domain settings ------------------------------------------------------------------
PANAH_CASE_REFERENCE_PREFIX = env_str("PANAH_CASE_REFERENCE_PREFIX", "PNH")
PANAH_CUSTODY_WARNING_HOURS = env_int("PANAH_CUSTODY_WARNING_HOURS", 20)
PANAH_DEFAULT_PHONE_REGION = env_str("PANAH_DEFAULT_PHONE_REGION", "PK")
# Outbound SMS/WhatsApp: the backend class (issue 4 adds the providers) and the file backend's
# output file.
PANAH_MESSAGING_BACKEND = env_str("PANAH_MESSAGING_BACKEND", "panah.messaging.backends.FileBackend")
PANAH_MESSAGING_FILE = env_str("PANAH_MESSAGING_FILE", str(VAR_DIR / "outbox.jsonl"))
# Where Panah is reached from outside, for links in messages (alerts' answer links).
PANAH_BASE_URL = env_str("PANAH_BASE_URL", "http://127.0.0.1:8000")
# Dispatch: minutes an advocate has to answer an alert, and how many unanswered alerts
# (refusals or silences) before the coordinator on duty is alerted.
PANAH_DISPATCH_ANSWER_MINUTES = env_int("PANAH_DISPATCH_ANSWER_MINUTES", 10)
PANAH_DISPATCH_MAX_UNANSWERED = env_int("PANAH_DISPATCH_MAX_UNANSWERED", 3)
# The refugee helpline's number, as printed in know-your-rights articles, SMS and leaflets.
PANAH_HELPLINE_NUMBER = env_str("PANAH_HELPLINE_NUMBER", "")
# Provider channels (SMS, WhatsApp, voice): the largest webhook body accepted (bytes, checked
# before anything is read or stored), the providers' API addresses (tests point them at a local
# server) and the time one provider request may take.
PANAH_CHANNELS_MAX_BODY = env_int("PANAH_CHANNELS_MAX_BODY", 64 * 1024)
PANAH_TWILIO_API_URL = env_str("PANAH_TWILIO_API_URL", "https://api.twilio.com")
PANAH_META_GRAPH_URL = env_str("PANAH_META_GRAPH_URL", "https://graph.facebook.com/v21.0")
PANAH_CHANNELS_SEND_TIMEOUT = env_int("PANAH_CHANNELS_SEND_TIMEOUT", 10)
# Seconds a server process remembers a webhook's channel instead of reading it per message
# (0: read it every time). Another process sees a deactivated channel within this time.
PANAH_CHANNELS_WEBHOOK_CACHE_SECONDS = env_int("PANAH_CHANNELS_WEBHOOK_CACHE_SECONDS", 10)
# On PostgreSQL, messages that webhook threads of one process store at the same moment share
# one statement and one commit, up to this many (1: each message alone). See docs/channels.md.
PANAH_CHANNELS_GROUP_COMMIT_MAX = env_int("PANAH_CHANNELS_GROUP_COMMIT_MAX", 32)
# Self-service line: minutes of silence after which a sender's session starts again (at the
# language question, or at the menu in the language they chose before).
PANAH_SELFSERVICE_SESSION_MINUTES = env_int("PANAH_SELFSERVICE_SESSION_MINUTES", 30)
# Urgent arrest cases one sender may open on the line per day before an operator decides.
PANAH_SELFSERVICE_URGENT_CASES_PER_DAY = env_int("PANAH_SELFSERVICE_URGENT_CASES_PER_DAY", 2)
# Voice menu (docs/channels.md, "Voice"): the languages Twilio may speak with <Say> where no
# real recording exists, as `panah-language=twilio-language[:voice]` (English only by default:
# Twilio has no Pashto or Dari voice); the longest voicemail in seconds.
PANAH_VOICE_SAY = env_list("PANAH_VOICE_SAY", ["en=en-GB"])
PANAH_VOICE_VOICEMAIL_SECONDS = env_int("PANAH_VOICE_VOICEMAIL_SECONDS", 120)
# Call-backs: unanswered attempts before a request is closed, and minutes between attempts.
PANAH_CALLBACK_MAX_ATTEMPTS = env_int("PANAH_CALLBACK_MAX_ATTEMPTS", 3)
PANAH_CALLBACK_RETRY_MINUTES = env_int("PANAH_CALLBACK_RETRY_MINUTES", 60)
