"""Django settings for angsur, read from environment variables (django-environ).

DJANGO_ENV selects the profile: "development" (default: DEBUG on, plain-HTTP cookies,
SQLite file) or "production" (DEBUG off, secure cookies, HSTS, a real secret required).
"""

from decimal import Decimal
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

ANGSUR_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = ANGSUR_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
else:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY",
        default="angsur-development-only-key-never-use-in-production-3f9c2b7e1d",
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "angsur.org",
    "angsur.audit",
    "angsur.workflow",
    "angsur.dealers",
    "angsur.products",
    "angsur.origination",
    "angsur.servicing",
    "angsur.collection",
    "angsur.remedial",
    "angsur.performance",
    "angsur.documents",
    "angsur.web",
    "angsur.devdata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "angsur.audit.middleware.RequestIdMiddleware",
    "angsur.web.middleware.SecurityHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "angsur.web.middleware.IndonesianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "angsur.web.middleware.UserLanguageMiddleware",
    "angsur.web.middleware.RefuseNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "angsur.web.middleware.DomainErrorMiddleware",
    "angsur.web.dbstats.SQLiteOptimizeMiddleware",
]

ROOT_URLCONF = "angsur.urls"
WSGI_APPLICATION = "angsur.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "angsur.web.context_processors.shell",
            ],
            "builtins": ["angsur.web.templatetags.money"],
        },
    }
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'angsur.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL + IMMEDIATE so concurrent writers queue instead of failing mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: opening one (and SQLite's PRAGMAs) per request cost more than a whole quote.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# SQLite: refresh the planner statistics (PRAGMA optimize) at most this often per connection.
ANGSUR_SQLITE_OPTIMIZE_SECONDS = env.int("ANGSUR_SQLITE_OPTIMIZE_SECONDS", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: per-process memory by default; DJANGO_CACHE_URL (e.g. a shared Redis or Memcached) in a
# multi-process deployment. It holds configuration read on every request (token → user, pricing
# terms) for ANGSUR_CONFIG_CACHE_SECONDS, invalidated on change (angsur/caching.py); 0 turns it off.
CACHES = {"default": env.cache_url("DJANGO_CACHE_URL", default="locmemcache://angsur")}
ANGSUR_CONFIG_CACHE_SECONDS = env.int("ANGSUR_CONFIG_CACHE_SECONDS", default=30)

AUTH_USER_MODEL = "org.User"
# Django's ModelBackend, refusing a locked account on every path that calls authenticate().
AUTHENTICATION_BACKENDS = ["angsur.org.backends.LockoutAwareModelBackend"]
PASSWORD_HASHERS = [
    # Argon2id at OWASP's parameters (19 MiB, 2 iterations): see angsur/org/hashers.py.
    "angsur.org.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed logins (angsur/org/services.py: login_authenticate) are counted over a window, per client
# address and per account. An address with too many failures is slowed down: refused for a delay that
# doubles with each further failure, up to the lock-out time; the account is not locked by it. An account
# is locked (for everyone, until the time passes or head office unlocks it) only when its failures come
# from several addresses.
ANGSUR_LOGIN_FAILURE_WINDOW_MINUTES = env.int("ANGSUR_LOGIN_FAILURE_WINDOW_MINUTES", default=60)
ANGSUR_LOGIN_MAX_FAILURES = env.int("ANGSUR_LOGIN_MAX_FAILURES", default=5)
ANGSUR_LOGIN_LOCK_MIN_ADDRESSES = env.int("ANGSUR_LOGIN_LOCK_MIN_ADDRESSES", default=3)
ANGSUR_LOGIN_LOCKOUT_MINUTES = env.int("ANGSUR_LOGIN_LOCKOUT_MINUTES", default=15)
ANGSUR_LOGIN_ADDRESS_MAX_FAILURES = env.int("ANGSUR_LOGIN_ADDRESS_MAX_FAILURES", default=10)
ANGSUR_LOGIN_THROTTLE_SECONDS = env.int("ANGSUR_LOGIN_THROTTLE_SECONDS", default=30)
# Behind the TLS-terminating proxy every request comes from the proxy: the client address is then the
# last X-Forwarded-For entry (the one the proxy appended; entries to its left are the client's say-so).
ANGSUR_LOGIN_TRUST_FORWARDED_FOR = env.bool("DJANGO_BEHIND_PROXY", default=False)
# API bearer tokens expire this many days after they are issued.
ANGSUR_API_TOKEN_DAYS = env.int("ANGSUR_API_TOKEN_DAYS", default=30)

# Sessions and cookies: field staff share phones; sessions end with the browser and after 8 idle hours.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_PROXY", default=False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Jakarta")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "static")
# WhiteNoise warns about a missing root on every start; collectstatic fills it in production.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploaded documents live outside the web root and are served only through permission-checked views.
MEDIA_ROOT = env.path("ANGSUR_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
    "loggers": {
        # One line per record: Django's own console handler (DEBUG) would print each again beside the root's.
        "django": {"handlers": [], "propagate": True},
        # A 4xx is an answer the user gets with a message (a refused quote, a stale version), not a warning
        # for the operator: only server errors are logged. Refused logins are in the audit trail.
        "django.request": {"level": env.str("ANGSUR_REQUEST_LOG_LEVEL", default="ERROR")},
    },
}

# Money: installment rounding defaults (products override per rate card).
ANGSUR_DEFAULT_ROUNDING_UNIT = env.int("ANGSUR_DEFAULT_ROUNDING_UNIT", default=1000)
ANGSUR_DEFAULT_ROUNDING_DIRECTION = env.str("ANGSUR_DEFAULT_ROUNDING_DIRECTION", default="up")

# Uploads (documents, survey photos): images and PDF only, at most this size.
ANGSUR_MAX_UPLOAD_BYTES = env.int("ANGSUR_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Issue 17: what an attacker tried -------------------------------------------------------------------

# /api/docs: django-ninja renders Swagger UI from its own static files (ninja/swagger-ui-bundle.js, …) when
# it is an installed app, instead of from a CDN: the docs work offline and under the strict policy below.
INSTALLED_APPS += ["ninja"]

# Content-Security-Policy (Django's middleware): the app loads only its own scripts, styles and images;
# no inline script or style attribute, no plugin, no framing, forms post only to the app. `data:` images
# are the blank favicon and Swagger UI's icons; `blob:` the photo preview of the survey form.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Permissions-Policy: the pages (URL names) that may use the camera or the GPS; every other page may not.
ANGSUR_SENSOR_PAGES = {
    "survey_form": ["camera", "geolocation"],
    "application_new": ["geolocation"],
}

# Images (documents, survey photos): refused above this many pixels before they are decoded (a 17 KB
# PNG can declare 12,000 × 12,000 pixels and take over 1 GB to render), and stored downscaled so that
# their longest side is at most ANGSUR_IMAGE_MAX_SIDE pixels.
ANGSUR_MAX_IMAGE_PIXELS = env.int("ANGSUR_MAX_IMAGE_PIXELS", default=40_000_000)
ANGSUR_IMAGE_MAX_SIDE = env.int("ANGSUR_IMAGE_MAX_SIDE", default=2048)

# --- What the dealer is told (origination/selectors.py: dealer_notice, origination/reasons.py) ----------

# A counter-offer's installment is shown to the dealer only this many DSR points under the ceiling (at the
# ceiling, installment / ceiling is the customer's verified income).
ANGSUR_DEALER_INSTALLMENT_MARGIN_PCT = Decimal(env.str("ANGSUR_DEALER_INSTALLMENT_MARGIN_PCT", default="1"))
if env.str("ANGSUR_DEALER_NEUTRAL_REASON_CODES", default=""):
    ANGSUR_DEALER_NEUTRAL_REASON_CODES = frozenset(env.list("ANGSUR_DEALER_NEUTRAL_REASON_CODES"))
ANGSUR_DEALER_NEUTRAL_REASON = env.str("ANGSUR_DEALER_NEUTRAL_REASON", default="")
ANGSUR_DEALER_NEUTRAL_REMEDY = env.str("ANGSUR_DEALER_NEUTRAL_REMEDY", default="")

# Approving without every required document of the product: the decider's level needed (1 credit analyst,
# 2 chief credit analyst, 3 branch manager), with the reason recorded and audited.
ANGSUR_DOCUMENT_OVERRIDE_LEVEL = env.int("ANGSUR_DOCUMENT_OVERRIDE_LEVEL", default=2)

# The smallest amount financed a free simulation (`angsur quote`, POST /api/quotes without a product) prices,
# in rupiah; a product's rate card has its own minimum.
ANGSUR_MIN_FINANCED = env.int("ANGSUR_MIN_FINANCED", default=1_000_000)

# Side effects after commit and batch work (end-of-day chunks) go through Django's tasks framework
# with a database-backed queue (django-tasks-db): `uv run angsur db_worker` takes them. Tests and
# the demo may run them at once with ANGSUR_TASKS_IMMEDIATE=true.
TASKS = {
    "default": (
        {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
        if env.bool("ANGSUR_TASKS_IMMEDIATE", default=False)
        else {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "eod"]}
    )
}

# `angsur eod-prune`: the days of daily end-of-day snapshots kept (each month's last close stays for ever).
ANGSUR_EOD_KEEP_DAYS = env.int("ANGSUR_EOD_KEEP_DAYS", default=400)
