"""Craftwork settings: one module, driven by environment variables.

Every external part has an embedded default (docs/architecture.md, "Engines behind
interfaces"; production in docs/operations.md), so a bare machine runs the whole platform. Set
``DJANGO_ENV=production`` for the production profile; it refuses to start
without a strong ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CRAFTWORK_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DJANGO_ENV = env("DJANGO_ENV", "test" if "pytest" in sys.modules else "development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = DJANGO_ENV == "test"

# --- Security -----------------------------------------------------------------

_DEV_SECRET_KEY = "django-insecure-craftwork-development-key-never-use-in-production"
SECRET_KEY = env("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
if PRODUCTION and (
    len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs SECRET_KEY: at least 50 random characters, "
        "not starting with 'django-insecure'."
    )

DEBUG = env_bool("DEBUG", DJANGO_ENV == "development")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ENV=production needs ALLOWED_HOSTS.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

if PRODUCTION:
    # Behind a load balancer that terminates TLS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes and the metrics scrape come from inside the cluster, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^ready/$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Browser features every page gets (an empty list: off). A view needing one says so with
# craftwork.core.middleware.permissions_policy (camera/microphone for interviews, ...).
PERMISSIONS_POLICY = {"camera": [], "microphone": [], "geolocation": []}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from this site's own files, or an inline
# script carrying the request's nonce ({{ request.csp_nonce }}); never inline handlers. Styles
# may be inline (style attributes in templates and htmx's indicator style); they run no code.
# CSP_EXTRA_SOURCES adds origins (e.g. an S3 media host) to images and media.
_CSP_EXTRA = env("CSP_EXTRA_SOURCES", "").split()
from csp.constants import NONCE as CSP_NONCE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", CSP_NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_CSP_EXTRA],
        "media-src": ["'self'", "blob:", *_CSP_EXTRA],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

# --- Applications ---------------------------------------------------------------

INSTALLED_APPS = [
    "craftwork.accounts.admin_config.AdminConfig",  # django.contrib.admin, login through accounts
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_htmx",
    "template_partials",
    "channels",
    "csp",
    "craftwork.core",
    "craftwork.accounts",
    "craftwork.staffroles",
    "craftwork.profiles",
    "craftwork.notifications",
    "craftwork.jobs",
    "craftwork.recruiting",
    "craftwork.catalog",
    "craftwork.credentials",
    "craftwork.candidates",
    "craftwork.payments",
    "craftwork.billing",
    "craftwork.contracts",
    "craftwork.commerce",
    "craftwork.reviews",
    "craftwork.moderation",
    "craftwork.messaging",
    "craftwork.console",
    "craftwork.web",
    "craftwork.ops",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "craftwork.ops.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "craftwork.core.middleware.ApiErrorShapeMiddleware",
    "craftwork.core.middleware.BodySizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "craftwork.core.middleware.RequestContextMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "craftwork.core.middleware.NulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "craftwork.ops.middleware.UserContextMiddleware",
    "craftwork.accounts.middleware.UserLanguageMiddleware",
    "craftwork.console.middleware.ActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "craftwork.core.middleware.RateLimitHeadersMiddleware",
    "craftwork.core.middleware.PrivateCacheMiddleware",
    "craftwork.core.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "craftwork.urls"
WSGI_APPLICATION = "craftwork.wsgi.application"
ASGI_APPLICATION = "craftwork.asgi.application"

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
                "craftwork.web.context_processors.navigation",
                "craftwork.notifications.context_processors.notifications",
                "craftwork.commerce.context_processors.cart",
                "craftwork.messaging.context_processors.messaging",
                "craftwork.recruiting.context_processors.workspaces",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'craftwork.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of failing on a lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME", "") or None}
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env_bool("DB_POOL", PRODUCTION):
        # Under ASGI every request would open its own connection; a pool per worker reuses them.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env_int("DB_POOL_MIN", 2),
            "max_size": env_int("DB_POOL_MAX", 10),
            "timeout": 10,
        }
# Query counts, durations and errors per database (django-prometheus's wrappers of the same
# backends; METRICS_DB=0 uses Django's own). Off in tests: pytest-django recognises SQLite by
# Django's own engine name (in-memory test databases).
if env_bool("METRICS_DB", not TESTING):
    DATABASES["default"]["ENGINE"] = {
        "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
        "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
    }.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, channel layer, tasks ---------------------------------------------

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "craftwork.ops.cache.CountingRedisCache", "LOCATION": REDIS_URL}
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "craftwork.ops.cache.CountingLocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "sqlite://")
if CELERY_BROKER_URL == "sqlite://":
    # A broker that needs no server: a first-in-first-out queue in one SQLite file
    # (craftwork/core/broker.py). It offers no fanout, so no remote control or gossip.
    CELERY_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"path": str(CELERY_DIR / "broker.sqlite3")}
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
# Messages to people (verification, password reset, invitations, phone codes, notification
# emails and SMS) have a queue of their own with its own worker, so a backlog of background
# work never holds them up.
# How long a queued event dispatch owns its event before the outbox sweep may queue it again.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300)
# How long the total of a public HTML list ("1,234 gigs found") is reused before it is counted
# again (craftwork/core/paginator.py); the rows themselves are always read fresh.
LIST_COUNT_CACHE_SECONDS = env_int("LIST_COUNT_CACHE_SECONDS", 60)
CELERY_TASK_DEFAULT_QUEUE = "celery"
MAIL_QUEUE = "mail"
CELERY_TASK_ROUTES = {
    "craftwork.accounts.tasks.*": {"queue": MAIL_QUEUE},
    "craftwork.notifications.tasks.deliver": {"queue": MAIL_QUEUE},
    "craftwork.notifications.tasks.send_phone_code": {"queue": MAIL_QUEUE},
    "craftwork.recruiting.tasks.send_rejection_email": {"queue": MAIL_QUEUE},
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per slot; the embedded broker hands out a few per poll instead.
CELERY_WORKER_PREFETCH_MULTIPLIER = 4 if CELERY_BROKER_URL == "sqlite://" else 1
CELERY_TASK_IGNORE_RESULT = True
# Worker and beat log through Django's LOGGING (JSON in production), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic jobs (every one is safe to run twice). Apps add theirs here.
CELERY_BEAT_SCHEDULE: dict = {
    "recruiting.reject-due-knockouts": {
        "task": "craftwork.recruiting.tasks.reject_due_knockouts",
        "schedule": 300.0,
    },
    "recruiting.expire-offers": {
        "task": "craftwork.recruiting.tasks.expire_offers",
        "schedule": 300.0,
    },
    "core.redispatch-stale-events": {
        "task": "craftwork.core.tasks.redispatch_stale_events",
        "schedule": 30.0,
    },
    "core.purge-idempotency-records": {
        "task": "craftwork.core.tasks.purge_idempotency_records",
        "schedule": 3600.0,
    },
    "notifications.run-reminders": {
        "task": "craftwork.notifications.tasks.run_reminders",
        "schedule": 300.0,
    },
    "notifications.send-daily-digests": {
        "task": "craftwork.notifications.tasks.send_daily_digests",
        "schedule": 900.0,
    },
    "notifications.requeue-stale-deliveries": {
        "task": "craftwork.notifications.tasks.requeue_stale_deliveries",
        "schedule": 900.0,
    },
    "jobs.expire-invitations": {
        "task": "craftwork.jobs.tasks.expire_job_invitations",
        "schedule": 900.0,
    },
    "credentials.expire-and-remind": {
        "task": "craftwork.credentials.tasks.expire_and_remind",
        "schedule": 24 * 3600.0,
    },
    "contracts.run-due-timers": {
        "task": "craftwork.contracts.tasks.run_due_timers",
        "schedule": 300.0,
    },
    "commerce.release-abandoned-checkouts": {
        "task": "craftwork.commerce.tasks.release_abandoned_checkouts",
        "schedule": 300.0,
    },
    "reviews.publish-due-reviews": {
        "task": "craftwork.reviews.tasks.publish_due_reviews",
        "schedule": 900.0,
    },
    "ops.reconcile-ledger": {
        "task": "craftwork.ops.tasks.reconcile_ledger",
        "schedule": float(env_int("RECONCILE_INTERVAL_SECONDS", 3600)),
    },
}
# A submitted milestone or timesheet is approved automatically after this many days.
CONTRACT_REVIEW_WINDOW_DAYS = env_int("CONTRACT_REVIEW_WINDOW_DAYS", 14)
# A delivered gig order the buyer does not answer completes after this many days.
GIG_AUTO_COMPLETE_DAYS = env_int("GIG_AUTO_COMPLETE_DAYS", 3)
# A session nobody reports a problem with completes this many hours after its end.
SESSION_AUTO_COMPLETE_HOURS = env_int("SESSION_AUTO_COMPLETE_HOURS", 24)
# A client's report that the mentor did not show up is refunded unless contested within this.
SESSION_ABSENCE_CONTEST_HOURS = env_int("SESSION_ABSENCE_CONTEST_HOURS", 48)
# Each side of a completed contract may review the other within this many days.
REVIEW_WINDOW_DAYS = env_int("REVIEW_WINDOW_DAYS", 14)
# Extra words and domains that hold a public text for moderation (comma-separated; staff can
# add more on /moderation/terms/).
MODERATION_BLOCKED_WORDS = env_list("MODERATION_BLOCKED_WORDS")
MODERATION_BLOCKED_DOMAINS = env_list("MODERATION_BLOCKED_DOMAINS")

# --- Auth -----------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
# Every password check (web, API, admin, anything calling authenticate()) is accounts.services.user_login.
AUTHENTICATION_BACKENDS = ["craftwork.accounts.backends.EmailPasswordBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
EMAIL_VERIFICATION_TIMEOUT = env_int("EMAIL_VERIFICATION_TIMEOUT", 60 * 60 * 24 * 3)
# Login protection (craftwork/accounts/lockout.py): failures of one email from one address
# are free up to LOGIN_FAILURE_LIMIT, then pause that pair from LOGIN_BACKOFF_SECONDS doubling
# up to LOGIN_LOCKOUT_SECONDS; LOGIN_ACCOUNT_FAILURE_LIMIT failures from everywhere within
# LOGIN_LOCKOUT_SECONDS pause password sign-in to the account (the owner gets a sign-in link,
# valid LOGIN_LINK_TIMEOUT seconds); LOGIN_IP_FAILURE_LIMIT failures from one address over any
# emails pause that address.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
LOGIN_BACKOFF_SECONDS = env_int("LOGIN_BACKOFF_SECONDS", 30)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 50)
LOGIN_LINK_TIMEOUT = env_int("LOGIN_LINK_TIMEOUT", 60 * 60)
ORGANIZATION_INVITATION_DAYS = 14
# A job invitation a freelancer has not answered expires after this many days.
JOB_INVITATION_DAYS = env_int("JOB_INVITATION_DAYS", 7)

# --- API ------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "craftwork.accounts.authentication.RevocableJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "craftwork.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "craftwork.core.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "craftwork.core.api.throttling.UserRateThrottle",
        "craftwork.core.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("THROTTLE_USER", "2000/hour"),
        "anon": env("THROTTLE_ANON", "600/hour"),
        "auth": env("THROTTLE_AUTH", "30/minute"),
        "signup": env("THROTTLE_SIGNUP", "20/hour"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "craftwork.core.api.parsers.JSONParser",
        "craftwork.core.api.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(
        "rest_framework.renderers.BrowsableAPIRenderer"
    )
# The staff console counts daily active users with one insert per person per day
# (craftwork.console.middleware). Tests that count queries per request would see it, so tests
# that check the counting turn it on for themselves.
CONSOLE_RECORD_ACTIVITY = env_bool("CONSOLE_RECORD_ACTIVITY", not TESTING)
if TESTING or env_bool("DISABLE_THROTTLING", False):
    # Tests that check throttling turn it on for themselves.
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].update(
        {
            "user": "100000/hour",
            "anon": "100000/hour",
            "auth": "100000/hour",
            "signup": "100000/hour",
        }
    )

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": env("JWT_SIGNING_KEY", SECRET_KEY),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

# --- Client address and login protection ------------------------------------------

# How many reverse proxies in front of the app append to X-Forwarded-For (0: the header is
# ignored, REMOTE_ADDR is the client). The client is the right-most address they did not add.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_HOPS
# A WebSocket opens with a single-use ticket (POST /api/v1/auth/ws-ticket/) valid this long.
WEBSOCKET_TICKET_SECONDS = env_int("WEBSOCKET_TICKET_SECONDS", 30)

SPECTACULAR_SETTINGS = {
    "TITLE": "Craftwork API",
    "DESCRIPTION": (
        "The Craftwork marketplace API. Authenticate with a JWT (`Authorization: Bearer <access>`) "
        "from `/api/v1/auth/token/`, or with the web session. Every error has the shape "
        '`{"error": {"code", "message", "details"}}`. Lists are cursor-paginated: '
        "`{next, previous, results}` with `next`/`previous` links (`cursor`, `page_size` ≤ 100), "
        "no total count. "
        "Money-moving POSTs accept an `Idempotency-Key` header."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "craftwork.core.api.schema.document_errors",
    ],
    # One name per shared choice set (drf-spectacular warns, and check --deploy fails, otherwise).
    "ENUM_NAME_OVERRIDES": {
        "UserRoleEnum": "craftwork.accounts.api.serializers.ROLE_CHOICES",
        "MembershipRoleEnum": "craftwork.accounts.models.Membership.Role",
        "SalaryPeriodEnum": "craftwork.recruiting.models.SalaryPeriod",
        "CountryEnum": "craftwork.profiles.countries.COUNTRY_CHOICES",
        "LanguageEnum": "django.conf.settings.LANGUAGES",
        "CurrencyEnum": "craftwork.core.money.CURRENCY_CHOICES",
        "MarketCurrencyEnum": "craftwork.profiles.models.Currency",
        "CredentialStatusEnum": "craftwork.credentials.models.Credential.Status",
        "CandidateVisibilityEnum": "craftwork.candidates.models.Visibility",
        "JobVisibilityEnum": "craftwork.jobs.models.Visibility",
        "PaymentStatusEnum": "craftwork.payments.models.Payment.Status",
        "RefundStatusEnum": "craftwork.payments.models.Refund.Status",
        "RefundOriginEnum": "craftwork.payments.models.Refund.Origin",
        "WithdrawalStatusEnum": "craftwork.payments.models.Payout.Status",
        "PayoutMethodStatusEnum": "craftwork.payments.models.PayoutMethod.Status",
        "PayoutMethodKindEnum": "craftwork.payments.models.PayoutMethod.Kind",
        "EscrowDisputeStatusEnum": "craftwork.payments.models.Dispute.Status",
        "EscrowDisputeOutcomeEnum": "craftwork.payments.models.Dispute.Outcome",
        "LedgerAccountKindEnum": "craftwork.payments.models.AccountKind",
        "LedgerTransactionKindEnum": "craftwork.payments.models.TransactionKind",
        "ReceiptSeriesEnum": "craftwork.payments.models.Receipt.Series",
        "ShopItemKindEnum": "craftwork.commerce.models.ItemKind",
        "CheckoutStatusEnum": "craftwork.commerce.models.CheckoutStatus",
        "CheckoutLineStatusEnum": "craftwork.commerce.models.LineStatus",
    },
}

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_ALLOW_ALL_ORIGINS = env_bool("CORS_ALLOW_ALL_ORIGINS", False)
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "x-csrftoken",
    "x-requested-with",
)
CORS_EXPOSE_HEADERS = (
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "retry-after",
)

IDEMPOTENCY_KEY_TTL_HOURS = 24
# A request still running after this long (its worker died) no longer holds its Idempotency-Key.
IDEMPOTENCY_LEASE_SECONDS = env_int("IDEMPOTENCY_LEASE_SECONDS", 120)
# A transaction the database aborts for a deadlock or serialization failure runs again
# (core/db.py), at most this many times in all, after a short jittered pause.
DB_RETRY_ATTEMPTS = env_int("DB_RETRY_ATTEMPTS", 5)
DB_RETRY_BASE_DELAY_SECONDS = 0.02
# The largest JSON or form body the API and the web accept (uploads have their own limits).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MAX_IMAGE_UPLOAD_BYTES = env_int("MAX_IMAGE_UPLOAD_BYTES", 5 * 1024 * 1024)
MAX_DOCUMENT_UPLOAD_BYTES = env_int("MAX_DOCUMENT_UPLOAD_BYTES", 10 * 1024 * 1024)

# --- Internationalisation -------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "craftwork" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files --------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STORAGE_BACKEND = env("STORAGE_BACKEND", "local")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if STORAGE_BACKEND == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
elif STORAGE_BACKEND == "gcs":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.gcloud.GoogleCloudStorage",
        "OPTIONS": {"bucket_name": env("GS_BUCKET_NAME"), "default_acl": "projectPrivate"},
    }

# Private documents (credentials): outside MEDIA_ROOT, no URL, streamed only by permission-checked views.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES["private"] = {"BACKEND": "craftwork.credentials.storage.PrivateFileSystemStorage"}
if STORAGE_BACKEND == "s3":
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **STORAGES["default"]["OPTIONS"],
            # A separate private bucket; without one, a "private/" prefix of the (private-ACL) default.
            "bucket_name": env("AWS_PRIVATE_STORAGE_BUCKET_NAME") or env("AWS_STORAGE_BUCKET_NAME"),
            "location": "" if env("AWS_PRIVATE_STORAGE_BUCKET_NAME") else "private",
            "file_overwrite": False,
        },
    }
elif STORAGE_BACKEND == "gcs":
    STORAGES["private"] = {
        "BACKEND": "storages.backends.gcloud.GoogleCloudStorage",
        "OPTIONS": {
            "bucket_name": env("GS_PRIVATE_BUCKET_NAME") or env("GS_BUCKET_NAME"),
            "location": "" if env("GS_PRIVATE_BUCKET_NAME") else "private",
            "default_acl": "private",
        },
    }

# --- Email and SMS ---------------------------------------------------------------

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Craftwork <no-reply@craftwork.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = env("SMS_BACKEND", "console")
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER")
# Web Push (notifications to browsers and the installed app). Keys from `manage.py webpush_keys`;
# in development a pair is made on first use and kept in var/. Without keys push is off.
WEBPUSH_VAPID_PUBLIC_KEY = env("WEBPUSH_VAPID_PUBLIC_KEY")
WEBPUSH_VAPID_PRIVATE_KEY = env("WEBPUSH_VAPID_PRIVATE_KEY")
WEBPUSH_KEY_FILE = VAR_DIR / "webpush-vapid.json" if DJANGO_ENV == "development" else None
WEBPUSH_CONTACT = env("WEBPUSH_CONTACT", "mailto:support@craftwork.local")
# Push services a browser's subscription may point at (the server POSTs there; nothing else).
WEBPUSH_SERVICE_HOSTS = env_list(
    "WEBPUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,android.googleapis.com,updates.push.services.mozilla.com,"
    "*.push.services.mozilla.com,*.notify.windows.com,web.push.apple.com,*.push.apple.com",
)
WEBPUSH_ALLOW_HTTP_ENDPOINTS = env_bool("WEBPUSH_ALLOW_HTTP_ENDPOINTS", False)
WEBPUSH_TTL_SECONDS = env_int("WEBPUSH_TTL_SECONDS", 60 * 60 * 24)
WEBPUSH_TIMEOUT_SECONDS = env_int("WEBPUSH_TIMEOUT_SECONDS", 10)
WEBPUSH_MAX_DEVICES = env_int("WEBPUSH_MAX_DEVICES", 10)

# --- Payments ----------------------------------------------------------------------

PAYMENTS_PROVIDER = env("PAYMENTS_PROVIDER", "sandbox")
# The sandbox takes no money: `check --deploy` refuses it in production unless a staging
# site says so explicitly.
ALLOW_SANDBOX_PAYMENTS = env_bool("ALLOW_SANDBOX_PAYMENTS", False)
SANDBOX_WEBHOOK_SECRET = env("SANDBOX_WEBHOOK_SECRET", "whsec_sandbox_" + SECRET_KEY[-24:])
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
# Stripe Connect country for new Express accounts (two letters).
STRIPE_CONNECT_COUNTRY = env("STRIPE_CONNECT_COUNTRY", "US")
# The sandbox delivers its webhook events through the task queue; CHAOS sends each twice,
# in random order (to see duplicates and out-of-order delivery handled).
SANDBOX_WEBHOOK_AUTO_DELIVER = env_bool("SANDBOX_WEBHOOK_AUTO_DELIVER", True)
SANDBOX_WEBHOOK_CHAOS = env_bool("SANDBOX_WEBHOOK_CHAOS", False)
# Smallest withdrawal, in minor units of the wallet's currency (1000 = $10.00).
PAYOUT_MINIMUM_MINOR = env_int("PAYOUT_MINIMUM_MINOR", 1000)
# Days a released earning stays pending before it can be withdrawn.
PAYMENTS_CLEARING_DAYS = env_int("PAYMENTS_CLEARING_DAYS", 5)
# Days the other party has to answer a dispute before it is decided for the opener.
DISPUTE_RESPONSE_DAYS = env_int("DISPUTE_RESPONSE_DAYS", 5)
if (
    PRODUCTION
    and PAYMENTS_PROVIDER == "stripe"
    and not (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET)
):
    raise ImproperlyConfigured(
        "PAYMENTS_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET."
    )

# --- Benchmarks ---------------------------------------------------------------------

# Mounts /bench/floor/, a bare view running one trivial query (the machine's floor).
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)

# --- Operations: metrics, logs, errors ---------------------------------------------

# GET /metrics (Prometheus) answers only `Authorization: Bearer <METRICS_TOKEN>`; without a
# token it is open in development and closed in production (craftwork/ops/views.py).
METRICS_TOKEN = env("METRICS_TOKEN")
# A scrape reads the business numbers from the database at most this often per process.
METRICS_COLLECT_SECONDS = env_int("METRICS_COLLECT_SECONDS", 10)

SENTRY_DSN = env("SENTRY_DSN")
RELEASE = env("RELEASE", env("SENTRY_RELEASE"))
if SENTRY_DSN:
    from craftwork.ops import sentry as _sentry

    _sentry.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", DJANGO_ENV),
        release=RELEASE,
        traces_sample_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# One JSON object per line in production (LOG_FORMAT=json|console), with the request id and
# the user id, secrets scrubbed (craftwork/ops/logs.py).
from craftwork.ops import logs as _logs  # noqa: E402

LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "console")
_logs.configure_structlog()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"structured": _logs.formatter(json_output=LOG_FORMAT == "json")},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per task run: noise in the embedded platform's console, where seeding runs
        # thousands of tasks in-process. Failures are still logged.
        "celery.app.trace": {"level": env("CELERY_TRACE_LOG_LEVEL", "WARNING")},
        # One line per request: on in production, where it is the access log.
        "craftwork.request": {
            "level": env("ACCESS_LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")
        },
        "craftwork.task": {"level": env("ACCESS_LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
    },
}
