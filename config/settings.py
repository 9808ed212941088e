"""Maillage settings, read from the environment.

Every component has an embedded default that needs no server (SQLite, in-memory channel
layer, local-memory cache, local files, console e-mail) and switches to its production
choice when the matching variable is set. See README.md, "Environment variables".
"""

from __future__ import annotations

import ipaddress
import sys
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local `.env` file is optional; real deployments set variables in the environment.
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be development, production or test, not {DJANGO_ENV!r}."
    )
PRODUCTION = DJANGO_ENV == "production"
TESTING = DJANGO_ENV == "test" or "pytest" in sys.modules

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION and not TESTING)

_DEV_SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET_KEY)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    sys.exit(
        "Maillage refuses to start in production without SECRET_KEY: set it to a random "
        'string of at least 50 characters (python -c "import secrets; '
        'print(secrets.token_urlsafe(50))").'
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    # daphne first: it replaces runserver with an ASGI server that also speaks websockets.
    "daphne",
    "core.accounts",
    "core.territories",
    "core.workspaces",
    "core.notifications",
    "core.activity",
    "core",
    "public_site",
    "geodirectory",
    "forum",
    "calendars",
    "extranet.dashboard",
    "extranet.network",
    "extranet.files",
    "extranet.chat",
    "extranet.documents",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.humanize",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "channels",
    "django_htmx",
    "django_tasks",
    "taggit",
    "modelcluster",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every response gets the policy, and late views can use the nonce.
    "core.csp.ContentSecurityPolicyMiddleware",
    # Before the session, CSRF and message middleware: it sees the cookies they set.
    "core.http_cache.CacheHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.RequireMFAForAdministratorsMiddleware",
    "core.views.LoginRequiredMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "public_site.middleware.CachedSiteMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "core" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.platform",
                # {{ CSP_NONCE }}: the nonce of inline <script>/<style> (core/csp.py).
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'maillage.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers go on while one writer commits; IMMEDIATE takes the write
            # lock at BEGIN, so concurrent writers queue instead of failing mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
    # Browser tests serve the test database from another process: it must be a file.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("TEST_SQLITE_PATH", default=str(VAR_DIR / "test.sqlite3"))
    }
# Connections are kept between requests and consumer events (a new SQLite connection runs
# its PRAGMAs again; a new PostgreSQL one costs a round of authentication).
# (Not in tests: a connection kept by a consumer's thread would stop the test database
# from being dropped.)
DATABASES["default"].setdefault(
    "CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if TESTING else 60)
)
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and channel layer ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="maillage"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "config.channel_layer.ChannelLayer",
            "CONFIG": {
                # redis-py 8's pool refuses a 101st connection at once ("Too many
                # connections"): sockets reconnecting together after a restart all join their
                # groups at the same moment, so a process needs room for them.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": env.int("CHANNEL_LAYER_MAX_CONNECTIONS", default=2000),
                    }
                ],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="maillage"),
                "capacity": 1000,
                "expiry": 60,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 1000, "expiry": 60},
        }
    }

# Largest websocket frame a consumer accepts; daphne enforces it too (see Makefile).
WEBSOCKET_MAX_MESSAGE_BYTES = env.int("WEBSOCKET_MAX_MESSAGE_BYTES", default=64 * 1024)
# How often a live consumer re-checks that its user is still active and signed in.
WEBSOCKET_RECHECK_SECONDS = env.int("WEBSOCKET_RECHECK_SECONDS", default=60)
# A session found holding is believed this long by a socket receiving events (sign-outs,
# password changes and closed accounts close sockets at once regardless); and how long a
# process gathers its sockets' session checks into one query.
WEBSOCKET_SESSION_CHECK_SECONDS = env.float("WEBSOCKET_SESSION_CHECK_SECONDS", default=2.0)
WEBSOCKET_CHECK_BATCH_SECONDS = env.float("WEBSOCKET_CHECK_BATCH_SECONDS", default=0.005)
# Frames a socket may send: a burst, then so many per second (a token bucket per socket).
# Past it a frame is refused ("rate_limited"); a socket that keeps on is closed (4429).
WEBSOCKET_FRAME_BURST = env.int("WEBSOCKET_FRAME_BURST", default=20)
WEBSOCKET_FRAMES_PER_SECOND = env.float("WEBSOCKET_FRAMES_PER_SECOND", default=2.0)

# Chat (extranet/chat): messages a person may post per minute, fewer for accounts younger
# than CHAT_NEW_ACCOUNT_DAYS (counted in the cache, shared by every process).
CHAT_MESSAGES_PER_MINUTE = env.int("CHAT_MESSAGES_PER_MINUTE", default=60)
CHAT_MESSAGES_PER_MINUTE_NEW = env.int("CHAT_MESSAGES_PER_MINUTE_NEW", default=15)
CHAT_NEW_ACCOUNT_DAYS = env.int("CHAT_NEW_ACCOUNT_DAYS", default=7)

# Sessions are read on every request and by live sockets: cached, written through to the
# database (local memory by default, Redis with REDIS_URL).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- HTTP caching (core/http_cache.py) --------------------------------------------------------
# How long browsers and shared caches may keep a public page shown to anonymous visitors.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=300)
# A shared cache in front (Varnish…) that accepts PURGE requests: pages that change are
# purged at once (Wagtail's front-end cache invalidation). See README.md.
FRONTEND_CACHE_PURGE_URL = env.str("FRONTEND_CACHE_PURGE_URL", default="")
if FRONTEND_CACHE_PURGE_URL:
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": FRONTEND_CACHE_PURGE_URL,
        }
    }

# --- Background tasks -------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
elif TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Maillage <noreply@maillage.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Search -----------------------------------------------------------------------------------
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
# The database backend: SQLite FTS5, or PostgreSQL full text with French stemming.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "french"}
}

# --- Forum --------------------------------------------------------------------------------
# Posting is rate-limited per account, more strictly for accounts younger than a week.
FORUM_RATE_WINDOW_SECONDS = env.int("FORUM_RATE_WINDOW_SECONDS", default=600)
FORUM_POSTS_PER_WINDOW = env.int("FORUM_POSTS_PER_WINDOW", default=20)
FORUM_POSTS_PER_WINDOW_NEW = env.int("FORUM_POSTS_PER_WINDOW_NEW", default=5)
FORUM_NEW_ACCOUNT_AGE = timedelta(days=env.int("FORUM_NEW_ACCOUNT_DAYS", default=7))
FORUM_MAX_ATTACHMENTS = 5
# Public workshop registrations accepted per hour from one address (a town hall's desk
# registers many people: facilitators register on their behalf from the extranet instead).
WORKSHOP_REGISTRATIONS_PER_HOUR = env.int("WORKSHOP_REGISTRATIONS_PER_HOUR", default=20)
FORUM_ATTACHMENT_MAX_BYTES = env.int("FORUM_ATTACHMENT_MAX_BYTES", default=10 * 2**20)

# --- Geocoding and maps ---------------------------------------------------------------------
GEOCODER = env.str("GEOCODER", default="gazetteer")
if GEOCODER not in {"gazetteer", "ban"}:
    raise ImproperlyConfigured(f"GEOCODER must be gazetteer or ban, not {GEOCODER!r}.")
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard:home"
ACCOUNT_ADAPTER = "core.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "core.accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Maillage] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Failed sign-ins are throttled per IP address and per account (allauth, in the cache).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/300s/key"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Maillage"

INVITATION_VALIDITY_DAYS = env.int("INVITATION_VALIDITY_DAYS", default=14)

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "fr"
# The language people write the content in (pages, news, places, posts): marked as such
# when the interface is shown in another one (core's {% content_lang %}, WCAG 3.1.2).
CONTENT_LANGUAGE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "core" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("fr", _("French"))]

# --- Static and media files ----------------------------------------------------------------------
STATIC_URL = "/static/"
# Front-end packages installed from npm and copied by frontend/build.mjs (see Makefile).
STATICFILES_DIRS = [BASE_DIR / "frontend" / "dist"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2.5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PROFILE_PHOTO_MAX_BYTES = 2 * 1024 * 1024
# Outside tests, `collectstatic` (run by `make run`) writes hashed names with gzip and Brotli
# copies (config/staticfiles.py); tests link plain names and need no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "config.staticfiles.HashedCompressedStorage"
        )
    },
}
# Shared storage (extranet/files) keeps its bytes in the "files" storage: the local disk under
# MEDIA_ROOT by default, or an S3-compatible bucket with
# STORAGE_URL=s3://<bucket>[/<prefix>]?endpoint_url=https://…&region_name=…
# (credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; see README, "Files").
STORAGE_URL = env.str("STORAGE_URL", default="")
if STORAGE_URL:
    from urllib.parse import parse_qsl, urlsplit

    _storage = urlsplit(STORAGE_URL)
    if _storage.scheme != "s3":
        raise ImproperlyConfigured("STORAGE_URL must start with s3://")
    STORAGES["files"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _storage.hostname,
            "location": _storage.path.strip("/"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env.int("FILES_PRESIGNED_SECONDS", default=300),
            "file_overwrite": False,
            **dict(parse_qsl(_storage.query)),
        },
    }
else:
    STORAGES["files"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
FILES_MAX_UPLOAD_MB = env.int("FILES_MAX_UPLOAD_MB", default=200)
FILES_DEFAULT_QUOTAS = {
    "personal": env.int("FILES_QUOTA_PERSONAL_MB", default=1024) * 2**20,
    "group": env.int("FILES_QUOTA_GROUP_MB", default=5 * 1024) * 2**20,
    "network": env.int("FILES_QUOTA_NETWORK_MB", default=20 * 1024) * 2**20,
}
FILES_TRASH_DAYS = env.int("FILES_TRASH_DAYS", default=30)
# A local-disk deployment behind nginx: downloads answered by nginx from this internal
# location (X-Accel-Redirect) instead of streaming through Python. Empty: Python streams.
FILES_X_ACCEL_PREFIX = env.str("FILES_X_ACCEL_PREFIX", default="")
# Share links: downloads per hour from one address, password attempts per hour.
FILES_SHARE_DOWNLOADS_PER_HOUR = env.int("FILES_SHARE_DOWNLOADS_PER_HOUR", default=120)
FILES_SHARE_PASSWORD_TRIES_PER_HOUR = env.int("FILES_SHARE_PASSWORD_TRIES_PER_HOUR", default=10)

# Co-edited documents (extranet/documents): the largest update a client may send, the largest
# a document's log may grow (compaction shrinks it), how many logged updates trigger a
# compaction, how long a stretch of editing runs before an automatic snapshot, and the frames
# a document socket may send (typing sends many small ones).
DOCUMENTS_UPDATE_MAX_BYTES = env.int("DOCUMENTS_UPDATE_MAX_BYTES", default=64 * 1024)
DOCUMENTS_MAX_BYTES = env.int("DOCUMENTS_MAX_BYTES", default=8 * 2**20)
DOCUMENTS_COMPACT_EVERY = env.int("DOCUMENTS_COMPACT_EVERY", default=500)
DOCUMENTS_SNAPSHOT_SECONDS = env.int("DOCUMENTS_SNAPSHOT_SECONDS", default=600)
DOCUMENTS_FRAME_BURST = env.int("DOCUMENTS_FRAME_BURST", default=200)
DOCUMENTS_FRAMES_PER_SECOND = env.float("DOCUMENTS_FRAMES_PER_SECOND", default=50.0)

# The embedded server serves static files itself, through WhiteNoise (compressed copies, a
# year of cache for hashed names); behind a proxy that serves STATIC_ROOT, turn it off.
SERVE_STATIC = env.bool("SERVE_STATIC", default=True)
if SERVE_STATIC and not TESTING:
    # (Not in tests: WhiteNoise lists STATIC_ROOT each time a test client starts, ~0.1 s;
    # tests/core/test_static_files.py tests it on files it collects itself.)
    MIDDLEWARE.insert(1, "config.staticfiles.StaticFilesMiddleware")
# Under DEBUG, files are also found where they live (a file added since the last
# collectstatic); otherwise only collectstatic's output is served.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Wagtail -------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Maillage"
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: editors' e-mail hashes are not sent to a third party (and the admin's policy
# allows images from the site only); Wagtail shows its own default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
TAGGIT_CASE_INSENSITIVE = True

# --- Security ------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every page (django-csp, core/csp.py adds the map tiles' origin
# and the site's websocket origin per request). Scripts and styles come from static files;
# inline code only with the page's nonce ({{ CSP_NONCE }}), never style="" attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # data: for the QR code of two-factor authentication (allauth draws it inline).
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The Wagtail admin (/admin/) in place of those directives. Wagtail 8 writes inline <script>
# (date and time pickers, inline panels, choosers) and style="" attributes without a nonce
# hook, and shows the preview of a page in a frame of the admin itself. Only the admin's
# editors (the coordinator) see these pages; object-src, base-uri and form-action stay.
CONTENT_SECURITY_POLICY_WAGTAIL_ADMIN = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "frame-ancestors": [SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The reverse proxies in front of daphne (addresses or networks, e.g. "127.0.0.1,10.0.0.0/8").
# Only a connection from one of them may say, in X-Forwarded-For and X-Forwarded-Proto, who
# the client is and whether it came over HTTPS (core/proxies.py, applied in config/asgi.py
# for HTTP and websockets). Empty: no forwarded header is believed, from anyone. This
# replaces SECURE_PROXY_SSL_HEADER, which believes the header whoever sends it.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is neither an IP address nor a network "
            "(e.g. 127.0.0.1 or 10.0.0.0/8)."
        ) from None
# allauth must not read X-Forwarded-For on its own: REMOTE_ADDR is already the client's, and
# core.accounts.adapter hands allauth that one address (core.proxies.client_address).
ALLAUTH_TRUSTED_PROXY_COUNT = 0
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "daphne": {"level": "WARNING"},
        # The immediate task backend logs every task at INFO.
        "django_tasks": {"level": "WARNING"},
    },
}
