"""The one settings module of Relais, configured from the environment.

RELAIS_PROFILE selects `production` (the default: secure, refuses to start
without a real SECRET_KEY) or `development` (DEBUG, console e-mail, a
throw-away key). Every other value comes from an environment variable or a
`.env` file next to the project; see docs/configuration.md.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django_countries.data import COUNTRIES as ISO_COUNTRIES

from relais.core.countries import cldr_overrides
from relais.core.crypto import key_ring_parse

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

PROFILE = env.str("RELAIS_PROFILE", default="production")
if PROFILE not in ("production", "development"):
    raise ImproperlyConfigured(
        f"RELAIS_PROFILE must be 'production' or 'development', not {PROFILE!r}."
    )
PRODUCTION = PROFILE == "production"

DEVELOPMENT_SECRET_KEY = "development-only-not-secret-" + "x" * 40
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else DEVELOPMENT_SECRET_KEY)
if PRODUCTION and (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY == DEVELOPMENT_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters "
        "in production (python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must not be on in production.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"],
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # before django.contrib.admin, as the library requires
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # django-ninja: in INSTALLED_APPS so its documentation page uses the
    # shipped Swagger UI files (static), never a CDN.
    "ninja",
    "corsheaders",
    # Each app's rules.py (django-rules), loaded when Django starts.
    "rules.apps.AutodiscoverRulesConfig",
    "relais.core",
    "relais.audit",
    "relais.search",
    "django_otp_webauthn",
    "relais.accounts",
    "relais.directory",
    "relais.verification",
    "relais.knowledge",
    "relais.referrals",
    "relais.api",
    "relais.opendata",
    "relais.events",
]

MIDDLEWARE = [
    # First, so that its line times the whole answer and every other line
    # carries the request id.
    "relais.core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before any middleware that may answer, so that every API answer (429
    # included) carries the CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Outside CsrfViewMiddleware: a refused CSRF check is a refusal too.
    "relais.audit.middleware.RefusalAuditMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "relais.accounts.middleware.SessionLimitsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "relais.accounts.middleware.TwoFactorRequiredMiddleware",
    "relais.core.middleware.NoStoreForSignedInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: turns a lockout into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "relais.urls"
WSGI_APPLICATION = "relais.wsgi.application"

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
                "relais.core.context_processors.site",
                "relais.accounts.context_processors.standing",
            ],
            # Stands in for Django's `date` filter: dates in each language's form.
            "builtins": ["relais.core.templatetags.dates"],
        },
    },
]

# Databases: SQLite (WAL) by default, PostgreSQL in production via DATABASE_URL.
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'relais.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue on
            # the busy timeout instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=20),
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
            ),
        }
    )
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

_VALIDATION = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATION}.UserAttributeSimilarityValidator"},
    {
        "NAME": f"{_VALIDATION}.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": f"{_VALIDATION}.CommonPasswordValidator"},
    {"NAME": "relais.accounts.passwords.MaximumLengthValidator"},
    # Repeats, sequences and zxcvbn's much larger lists of common passwords.
    {
        "NAME": "relais.accounts.passwords.GuessabilityValidator",
        "OPTIONS": {"min_score": 3},
    },
]

# Sessions: a signed-in session ends after 30 idle minutes, 12 hours in all, at
# sign-out, password change and deactivation (relais.accounts.middleware).
RELAIS_SESSION_IDLE_SECONDS = env.int("RELAIS_SESSION_IDLE_SECONDS", default=30 * 60)
RELAIS_SESSION_ABSOLUTE_SECONDS = env.int(
    "RELAIS_SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60
)
# Exports, two-factor changes and role changes need a sign-in this recent.
RELAIS_REAUTHENTICATION_SECONDS = env.int(
    "RELAIS_REAUTHENTICATION_SECONDS", default=10 * 60
)
# Password reset, access requests and invitations answer no sooner than this,
# so their timing does not tell whether an address has an account
# (relais.core.timing).
RELAIS_STEADY_RESPONSE_SECONDS = env.float(
    "RELAIS_STEADY_RESPONSE_SECONDS", default=0.8
)
SESSION_COOKIE_AGE = RELAIS_SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
RELAIS_INVITATION_VALID_DAYS = env.int("RELAIS_INVITATION_VALID_DAYS", default=7)
# Access requests hold personal data: each is deleted this many days after it
# was made, decided or not (`relais purge-access-requests`, run daily).
RELAIS_ACCESS_REQUEST_RETENTION_DAYS = env.int(
    "RELAIS_ACCESS_REQUEST_RETENTION_DAYS", default=30
)
# A suggested correction may name staff of the organisation: once answered,
# it is deleted after this many days (`relais purge`, run daily).
RELAIS_CORRECTION_SUGGESTION_RETENTION_DAYS = env.int(
    "RELAIS_CORRECTION_SUGGESTION_RETENTION_DAYS", default=365
)

# Lockout (django-axes): 5 failed sign-ins for one e-mail address, then a
# 30-minute cool-off (ASVS 2.2.1: slow online guessing down for good).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# Locked per account, not per address: colleagues behind one office address
# must not lock each other out. Per-address limits come from RELAIS_RATE_LIMITS
# ("login"), hence axes' warning about ip_address is silenced.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Relais"

# Passkeys (django-otp-webauthn): a second factor after the password, never
# instead of it. The relying party is the host name users see (no port, no
# scheme); passkeys registered for one name do not work under another.
OTP_WEBAUTHN_RP_NAME = "Relais"
OTP_WEBAUTHN_RP_ID = env.str(
    "WEBAUTHN_RP_ID",
    default=(ALLOWED_HOSTS[0] if ALLOWED_HOSTS else "") if PRODUCTION else "localhost",
)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "WEBAUTHN_ALLOWED_ORIGINS",
    default=[f"https://{OTP_WEBAUTHN_RP_ID}"]
    if PRODUCTION
    else ["http://localhost:8000"],
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# Caches hold the rate-limit counters (and the scheduled jobs' last runs).
# Production runs several processes, often on several servers: a per-process
# cache would give each its own budget, so it needs a shared one, Redis
# (redis://host:6379/0) or the database (dbcache://relais_cache, after
# `relais createcachetable`).
_CACHE_URL = env.str("CACHE_URL", default="") or (
    "" if PRODUCTION else "locmemcache://relais"
)
_PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
CACHES = {"default": env.cache_url_config(_CACHE_URL) if _CACHE_URL else {}}
if PRODUCTION and CACHES["default"].get("BACKEND", "") in ("", *_PER_PROCESS_CACHES):
    raise ImproperlyConfigured(
        "CACHE_URL must name a cache every process shares in production: "
        "redis://host:6379/0, or dbcache://relais_cache after "
        "`relais createcachetable`."
    )
# Requests allowed per client address and window (seconds) before a 429 answer.
RELAIS_RATE_LIMITS = {
    "login": (env.int("RELAIS_RATE_LIMIT_LOGIN", default=20), 300),
    "password_reset": (env.int("RELAIS_RATE_LIMIT_PASSWORD_RESET", default=5), 3600),
    "invitation": (env.int("RELAIS_RATE_LIMIT_INVITATION", default=30), 3600),
    "access_request": (
        env.int("RELAIS_RATE_LIMIT_ACCESS_REQUEST", default=5),
        3600,
    ),
    "api": (env.int("RELAIS_RATE_LIMIT_API", default=120), 60),
    "pdf": (env.int("RELAIS_RATE_LIMIT_PDF", default=20), 600),
    "search": (env.int("RELAIS_RATE_LIMIT_SEARCH", default=120), 60),
    "download": (env.int("RELAIS_RATE_LIMIT_DOWNLOAD", default=30), 600),
    "event_registration": (
        env.int("RELAIS_RATE_LIMIT_EVENT_REGISTRATION", default=10),
        3600,
    ),
    "correction_suggestion": (
        env.int("RELAIS_RATE_LIMIT_CORRECTION_SUGGESTION", default=20),
        3600,
    ),
}

# CORS (django-cors-headers): any site may read the public JSON APIs from a
# browser; no cookies are sent or accepted, and only reads are allowed.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language"]
CORS_EXPOSE_HEADERS = ["Content-Language", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 86400

# Audit trail: entries are chained with an HMAC whose key lives outside the database.
DEVELOPMENT_AUDIT_HMAC_KEY = "development-only-audit-key-" + "y" * 40
AUDIT_HMAC_KEY = env.str(
    "AUDIT_HMAC_KEY", default="" if PRODUCTION else DEVELOPMENT_AUDIT_HMAC_KEY
)
if PRODUCTION and (
    len(AUDIT_HMAC_KEY) < 32 or AUDIT_HMAC_KEY == DEVELOPMENT_AUDIT_HMAC_KEY
):
    raise ImproperlyConfigured(
        "AUDIT_HMAC_KEY must be set to a random value of at least 32 characters "
        "in production, kept outside the database "
        "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
    )
# The trail's head, signed, outside the database: removal of the latest
# entries is detected (relais/audit/checkpoint.py). Best on other storage.
AUDIT_CHECKPOINT_PATH = env.str(
    "AUDIT_CHECKPOINT_PATH",
    default=str(BASE_DIR / "var" / "audit-checkpoint.json") if PRODUCTION else "",
)
# Refused POST/PUT/PATCH/DELETE requests recorded per account and address a minute.
AUDIT_REFUSALS_PER_MINUTE = env.int("AUDIT_REFUSALS_PER_MINUTE", default=10)

if PRODUCTION and AUDIT_HMAC_KEY == SECRET_KEY:
    raise ImproperlyConfigured(
        "AUDIT_HMAC_KEY must differ from SECRET_KEY: one leaked key must not "
        "also forge the audit trail."
    )

# Field encryption at rest (relais.core.crypto, docs/security.md): a list of
# "key_id:base64key"; the first encrypts, all decrypt (rotation).
DEVELOPMENT_ENCRYPTION_KEY = "devonly:ZGV2ZWxvcG1lbnQtb25seS1ub3Qtc2VjcmV0LWtleSE="
RELAIS_ENCRYPTION_KEYS = env.list(
    "RELAIS_ENCRYPTION_KEYS",
    default=[] if PRODUCTION else [DEVELOPMENT_ENCRYPTION_KEY],
)
if PRODUCTION and (
    not RELAIS_ENCRYPTION_KEYS
    or any(k.partition(":")[0] == "devonly" for k in RELAIS_ENCRYPTION_KEYS)
):
    raise ImproperlyConfigured(
        "RELAIS_ENCRYPTION_KEYS must be set in production to key_id:base64key, "
        "kept outside the database (python -c 'import base64, os; "
        'print("k1:" + base64.b64encode(os.urandom(32)).decode())\').'
    )
key_ring_parse(RELAIS_ENCRYPTION_KEYS)

# Languages: the seven of the platform. URLs carry the language prefix.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("ro", _("Romanian")),
    ("bg", _("Bulgarian")),
    ("es", _("Spanish")),
    ("sv", _("Swedish")),
]
LOCALE_PATHS = [BASE_DIR / "relais" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Brussels")

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "fr", "nl", "ro", "bg", "es", "sv")

# Country names come from the CLDR in the reader's language (core/countries.py).
# "EU" is an ISO 3166-1 exceptionally reserved code, used for EU-level bodies.
COUNTRIES_OVERRIDE = {
    **cldr_overrides(ISO_COUNTRIES),
    "EU": _("European Union"),
}

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
# Production names static files by content hash (a manifest); WhiteNoise also
# stores gzip and Brotli copies unless RELAIS_STATIC_COMPRESSION is off (when
# the proxy compresses, or to make collectstatic quick in the production test).
if not PRODUCTION:
    _STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"
elif env.bool("RELAIS_STATIC_COMPRESSION", default=True):
    _STATIC_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
else:
    _STATIC_STORAGE = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _STATIC_STORAGE},
}

# E-mail: console in development, SMTP (EMAIL_URL) in production.
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL",
    default="consolemail://" if not PRODUCTION else "smtp://localhost:25",
)
vars().update(EMAIL_CONFIG)
# Seconds before a silent mail server is given up (Django waits forever).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="relais@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers and cookies. Production values satisfy `check --deploy`.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
# Map tiles of the results map: a Leaflet URL template, by default the
# OpenStreetMap Foundation's standard tiles (its tile usage policy applies:
# interactive use, attribution shown). Empty: markers on a plain background and
# no request to a tile server. The attribution may hold links (<a href>).
_OSM_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_ATTRIBUTION = (
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
RELAIS_MAP_TILE_URL = env.str("RELAIS_MAP_TILE_URL", default=_OSM_TILE_URL)
RELAIS_MAP_ATTRIBUTION = env.str(
    "RELAIS_MAP_ATTRIBUTION",
    default=_OSM_ATTRIBUTION if RELAIS_MAP_TILE_URL == _OSM_TILE_URL else "",
)
_MAP_TILE_ORIGINS = []
if RELAIS_MAP_TILE_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(RELAIS_MAP_TILE_URL)
    if (
        _tiles.scheme not in ("https", "http")
        or (PRODUCTION and _tiles.scheme != "https")
        or not _tiles.netloc
        or not all(part in _tiles.path for part in ("{z}", "{x}", "{y}"))
    ):
        raise ImproperlyConfigured(
            "RELAIS_MAP_TILE_URL must be an https:// address with {z}, {x} and {y} "
            "in its path (http:// in development), or empty for no map tiles."
        )
    # A {s} subdomain becomes a wildcard in the Content-Security-Policy.
    _MAP_TILE_ORIGINS = [f"{_tiles.scheme}://{_tiles.netloc}".replace("{s}", "*")]
# Content-Security-Policy (django-csp): scripts only from this site, with a
# per-response nonce; no inline script, no framing; images also from the map
# tile server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_MAP_TILE_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs: one JSON object per line on stdout in production (relais.core.logs:
# request id, no query strings, no e-mail or IP addresses); plain text in
# development. LOG_FORMAT chooses otherwise.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'text'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "relais.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "relais.core.logs.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own request warnings repeat what the request line says.
    "loggers": {"django.request": {"level": "ERROR"}},
}

# Directory rules.
# A listing not verified for this many months: its administrators are reminded,
# it shows "not verified for N months", it leaves the default search.
RELAIS_VERIFICATION_REMIND_AFTER_MONTHS = env.int(
    "RELAIS_VERIFICATION_REMIND_AFTER_MONTHS", default=11
)
RELAIS_VERIFICATION_STALE_AFTER_MONTHS = env.int(
    "RELAIS_VERIFICATION_STALE_AFTER_MONTHS", default=12
)
RELAIS_VERIFICATION_HIDE_AFTER_MONTHS = env.int(
    "RELAIS_VERIFICATION_HIDE_AFTER_MONTHS", default=18
)
if not (
    0
    < RELAIS_VERIFICATION_REMIND_AFTER_MONTHS
    <= RELAIS_VERIFICATION_STALE_AFTER_MONTHS
    <= RELAIS_VERIFICATION_HIDE_AFTER_MONTHS
):
    raise ImproperlyConfigured(
        "RELAIS_VERIFICATION_REMIND_AFTER_MONTHS, _STALE_AFTER_MONTHS and "
        "_HIDE_AFTER_MONTHS must be positive and in that order (e.g. 11, 12, 18)."
    )
# The address of the site, for links in e-mails sent outside a request
# (`relais verification-reminders`), e.g. https://relais.example.org
RELAIS_SITE_URL = env.str(
    "RELAIS_SITE_URL", default="" if PRODUCTION else "http://127.0.0.1:8000"
).rstrip("/")
RELAIS_DIRECTORY_PAGE_SIZE = 20
# Imports (docs/hsds.md): the largest file accepted, what a zip may unpack to,
# and the compression ratio above which a zip member is taken for a zip bomb.
RELAIS_IMPORT_MAX_BYTES = env.int("RELAIS_IMPORT_MAX_BYTES", default=100 * 1000 * 1000)
RELAIS_IMPORT_MAX_UNCOMPRESSED_BYTES = env.int(
    "RELAIS_IMPORT_MAX_UNCOMPRESSED_BYTES", default=2000 * 1000 * 1000
)
RELAIS_IMPORT_MAX_COMPRESSION_RATIO = env.int(
    "RELAIS_IMPORT_MAX_COMPRESSION_RATIO", default=200
)
# JSON nested deeper than this is refused before it is parsed (HSDS needs ~12).
RELAIS_IMPORT_MAX_JSON_DEPTH = env.int("RELAIS_IMPORT_MAX_JSON_DEPTH", default=64)
# SQLite only: the page cache of the connection running an import, in MB (the
# default 2 MB makes a large import re-read its indexes from the OS over and over).
RELAIS_IMPORT_SQLITE_CACHE_MB = env.int("RELAIS_IMPORT_SQLITE_CACHE_MB", default=16)
# Uploaded files wait here between the preview and the confirmation (never served).
RELAIS_IMPORT_PENDING_DIR = env.path(
    "RELAIS_IMPORT_PENDING_DIR", default=BASE_DIR / "var" / "imports"
)
# Scheduled jobs (periodic management commands, run by systemd timers or
# cron; see deploy/): hours after its last success each counts as late in
# /healthz/ready. Daily jobs get two hours of slack.
RELAIS_SCHEDULED_JOBS = {
    "verification-reminders": env.int("RELAIS_JOB_HOURS_VERIFICATION_REMINDERS", 26),
    "purge-access-requests": env.int("RELAIS_JOB_HOURS_PURGE_ACCESS_REQUESTS", 26),
    "audit-verify": env.int("RELAIS_JOB_HOURS_AUDIT_VERIFY", 26),
    "purge": env.int("RELAIS_JOB_HOURS_PURGE", 26),
    # Hourly.
    "referral-reminders": env.int("RELAIS_JOB_HOURS_REFERRAL_REMINDERS", 3),
    "event-reminders": env.int("RELAIS_JOB_HOURS_EVENT_REMINDERS", 26),
    "purge-event-participants": env.int(
        "RELAIS_JOB_HOURS_PURGE_EVENT_PARTICIPANTS", 26
    ),
}
# Referrals (docs/referrals.md): days the receiving organisation has to answer
# (a third of it for urgent referrals) before a reminder, and as many again
# before the country coordinator is told; months after a referral ends before
# its personal data and documents are deleted; the largest document accepted.
RELAIS_REFERRAL_ANSWER_DAYS = env.int("RELAIS_REFERRAL_ANSWER_DAYS", default=5)
RELAIS_REFERRAL_RETENTION_MONTHS = env.int(
    "RELAIS_REFERRAL_RETENTION_MONTHS", default=12
)
RELAIS_REFERRAL_DOCUMENT_MAX_BYTES = env.int(
    "RELAIS_REFERRAL_DOCUMENT_MAX_BYTES", default=10 * 1000 * 1000
)
if RELAIS_REFERRAL_ANSWER_DAYS < 1 or RELAIS_REFERRAL_RETENTION_MONTHS < 1:
    raise ImproperlyConfigured(
        "RELAIS_REFERRAL_ANSWER_DAYS and RELAIS_REFERRAL_RETENTION_MONTHS must be "
        "at least 1."
    )
# /healthz/ready fails when a directory the platform writes to (pending
# imports, a SQLite database) has less free space than this, in MB.
RELAIS_HEALTH_MIN_FREE_DISK_MB = env.int("RELAIS_HEALTH_MIN_FREE_DISK_MB", default=500)
# Events: participants' personal data (names, e-mail addresses, organisations)
# is deleted this many months after the event ends; counts and feedback remain.
RELAIS_EVENTS_RETENTION_MONTHS = env.int("RELAIS_EVENTS_RETENTION_MONTHS", default=6)
if RELAIS_EVENTS_RETENTION_MONTHS < 1:
    raise ImproperlyConfigured("RELAIS_EVENTS_RETENTION_MONTHS must be at least 1.")
# A guest's registration nobody confirmed is deleted this many days after it
# was made (sooner once registration for its event closes): it holds a name
# and an address someone typed, and blocks that address from registering again.
RELAIS_EVENTS_UNCONFIRMED_REGISTRATION_DAYS = env.int(
    "RELAIS_EVENTS_UNCONFIRMED_REGISTRATION_DAYS", default=7
)
if RELAIS_EVENTS_UNCONFIRMED_REGISTRATION_DAYS < 1:
    raise ImproperlyConfigured(
        "RELAIS_EVENTS_UNCONFIRMED_REGISTRATION_DAYS must be at least 1."
    )
