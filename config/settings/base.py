"""Settings shared by every environment.

This is the only settings module that reads the environment (through config.env); local, test and
production override values, they never read os.environ themselves.
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.core import RESERVED_ATTRS

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# --- environment -------------------------------------------------------------------------------
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
DATABASE_URL = env_str("DATABASE_URL", "")
DATABASE_SSL_REQUIRE = env_bool("DATABASE_SSL_REQUIRE", True)  # production only; off for a same-host database
REDIS_URL = env_str("REDIS_URL", "")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@cyp-partnership.local")
# The site's own address, for links in emails sent by Celery (which has no request to build them from).
SITE_URL = env_str("SITE_URL", "").rstrip("/")
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
# Behind a load balancer that sets X-Forwarded-For / X-Forwarded-Proto; off unless told. The client
# address is taken TRUSTED_PROXY_COUNT hops from the right of X-Forwarded-For, never the left (forgeable).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "")
# Fernet keys that encrypt TOTP secrets at rest, newest first (comma-separated). Required in production.
MFA_ENCRYPTION_KEYS = env_list("MFA_ENCRYPTION_KEYS", [])
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")

# --- applications ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "partnership",
    "cascade",
    "referrals",
    "mhst",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "partnership.middleware.RequestContextMiddleware",
    "partnership.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "partnership.middleware.AbsoluteSessionTimeoutMiddleware",
    "partnership.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "partnership.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        # Pages: Jinja2 with the NHS.UK design-system macros (ADR 0003).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "partnership.context_processors.layout",
            ],
        },
    },
    {
        # The Django admin, the DRF browsable API, and allauth pages we have not restyled.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- data --------------------------------------------------------------------------------------
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CONN_MAX_AGE = 60

CACHES = {
    # The database cache keeps sign-in throttling shared across web processes and working when
    # Redis is down (Redis is the Celery broker only).
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
        # Culling would evict sign-in lockouts and used-code markers: keep far more entries than
        # a partnership ever has (expired rows are removed as new ones are written).
        "OPTIONS": {"MAX_ENTRIES": 5_000_000},
    }
}

# --- request size ------------------------------------------------------------------------------
# A form body (files aside) of at most 2.5 MB; one file per upload form (the importers check each
# file's type and size themselves: cascade.services.imports, mhst.services.activity_import).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 5

# --- identity and sessions ---------------------------------------------------------------------
AUTH_USER_MODEL = "partnership.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "partnership.auth.AccountAdapter"
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT  # so per-address throttling sees the client, not the proxy
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_MAX_EMAIL_ADDRESSES = 1  # one address per account, set by administrators
ACCOUNT_CHANGE_EMAIL = False  # a reset request for an unknown address sends nothing
ACCOUNT_RATE_LIMITS = {
    # Five wrong passwords for one account in fifteen minutes locks that account's sign-in for the
    # rest of the window; twenty a minute from one address is throttled.
    "login_failed": "20/m/ip,5/15m/key",
    "reset_password": "20/m/ip,5/m/key",
    # API tokens issued from the account page (partnership.views.kernel.api_tokens).
    "issue_api_token": "10/h/user,30/h/ip",
}
# A reset link works once (it is bound to the password it replaces) and for one hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
ACCOUNT_FORMS = {"login": "partnership.forms.SignInForm"}
MFA_FORMS = {
    "authenticate": "partnership.forms.SecurityCodeForm",
    "reauthenticate": "partnership.forms.ReauthenticateCodeForm",
    "activate_totp": "partnership.forms.ActivateAuthenticatorForm",
}
MFA_ADAPTER = "partnership.auth.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CYP Partnership"
# Accept the code of the 30-second step either side, as RFC 6238 advises: a code typed as the app
# rolls over (or with a little clock drift) still works. allauth's default, 0, rejects those.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10

SESSION_COOKIE_AGE = 30 * 60  # idle timeout: the cookie is renewed on every request
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partnership.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: each view opens exactly what it needs.
    "DEFAULT_PERMISSION_CLASSES": ["partnership.api.permissions.DenyAll"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Strict by default: an empty or mistyped query value is a 400 naming it, a bad page a 404.
    "DEFAULT_FILTER_BACKENDS": ["partnership.api.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "partnership.api.schema.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": [
        "partnership.api.throttling.AnonRateThrottle",
        "partnership.api.throttling.UserRateThrottle",
    ],
}
# Requests per account (token or session) and per client address for anonymous callers (the schema,
# the docs); an empty value turns that throttle off. Far above a person's or a duty team script's
# pace: they stop a runaway script or a scrape, not work.
API_THROTTLE_RATES = {
    "anon": env_str("API_THROTTLE_ANON", "120/min") or None,
    "user": env_str("API_THROTTLE_USER", "1200/min") or None,
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "TOKEN_PREFIX": "cyp_",
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CYP mental health partnership API",
    "DESCRIPTION": "The API the CYPMHS duty team uses to work the single point of access, and read-only "
    "access to each partnership's governance records (groups, actions, risks, the directory of services). "
    "Authenticate with `Authorization: Token <token>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- background work ---------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/London"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# The broker is never waited for in a request (partnership/outbox.py): no publish retries, a short
# connect timeout; what could not be sent is sent by the outbox relay when Redis is back.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2, "max_retries": 0}
CELERY_TASK_PUBLISH_RETRY = False
# Years after a referral ended (closed, signposted, not accepted) before its identifiable details
# are removed (referrals/retention.py; docs/data-protection.md).
REFERRAL_RETENTION_YEARS = env_int("REFERRAL_RETENTION_YEARS", 8)
OUTBOX_RELAY_SECONDS = env_int("OUTBOX_RELAY_SECONDS", 10)
# A message sent this long ago and still not done (its worker died) is sent again; the task's
# effect is keyed on the message, so a late first delivery does no harm.
OUTBOX_RETRY_AFTER = env_int("OUTBOX_RETRY_AFTER", 300)
CELERY_BEAT_SCHEDULE = {
    # The outbox relay: effects recorded with their change (notifications) reach the broker at least
    # once, and board packs left queued by a broker outage are queued again.
    "outbox-relay": {
        "task": "partnership.tasks.relay_outbox",
        "schedule": float(OUTBOX_RELAY_SECONDS),
    },
    # Referrals: each warning is sent once per referral (or rota gap) and threshold (SentNotification keys).
    "referral-waiting-time-warnings": {
        "task": "referrals.tasks.warn_waiting_times",
        "schedule": crontab(minute="*/15"),
    },
    # Retention: ended referrals lose the child's identifiable details after REFERRAL_RETENTION_YEARS.
    "referral-retention": {
        "task": "referrals.tasks.pseudonymise_expired_referrals",
        "schedule": crontab(hour=2, minute=30),
    },
    "duty-rota-gaps": {
        "task": "referrals.tasks.flag_rota_gaps",
        "schedule": crontab(hour=8, minute=5),
    },
    # Dashboards: rebuild the referral rollups of partnerships whose referrals changed (a change also
    # queues a rebuild at once); every partnership's nightly, so waiting-time RAGs move with the days.
    "referral-rollups-stale": {
        "task": "referrals.tasks.refresh_referral_rollups",
        "schedule": crontab(minute="*/5"),
    },
    "referral-rollups-nightly": {
        "task": "referrals.tasks.refresh_referral_rollups",
        "schedule": crontab(hour=1, minute=30),
        "kwargs": {"everything": True},
    },
    "sign-in-failure-digest": {
        "task": "partnership.tasks.send_sign_in_failure_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Governance reminders: each task is idempotent per object and period (SentNotification keys).
    "stale-lead-contact-confirmations": {
        "task": "partnership.tasks.request_stale_lead_confirmations",
        "schedule": crontab(hour=8, minute=0),
    },
    "action-due-and-overdue-reminders": {
        "task": "partnership.tasks.send_action_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    "terms-of-reference-review-reminders": {
        "task": "partnership.tasks.send_terms_review_reminders",
        "schedule": crontab(hour=7, minute=45),
    },
    "mou-review-reminders": {
        "task": "partnership.tasks.send_mou_review_reminders",
        "schedule": crontab(hour=7, minute=50),
    },
}
REDIS_HEALTH_TIMEOUT_SECONDS = 1.0

# --- email -------------------------------------------------------------------------------------
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_USE_TLS = True

# --- internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- static files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- security headers (tightened further in production) ---------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- service -----------------------------------------------------------------------------------
SERVICE_NAME = "CYP Mental Health Partnership"
DEMO_DATA_ALLOWED = False

# --- logging: no child's details are ever logged; events carry the request id -------------------
# LOG_FORMAT: "plain" (one readable line) or "json" (one JSON object a line, for a log collector).
# Unset, it is plain here and json in production. Lines carry request_id, and inside a Celery task
# task_name and task_id (partnership.logging.RequestIdFilter).
LOG_FORMAT = env_str("LOG_FORMAT", "")
LOG_FORMATS = ("plain", "json")


def logging_settings(log_format: str, level: str) -> dict:
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "partnership.logging.RequestIdFilter"},
            "redact": {"()": "partnership.logging.RedactDatabaseValues"},
        },
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]%(task)s %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": ["levelname", "name", "message", "request_id", "task_name", "task_id"],
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",  # ISO 8601, UTC
                # Extras passed with `extra=` are kept, except these: `request` (django.request's) would
                # print the full path with its query string.
                "reserved_attrs": [*RESERVED_ATTRS, "task", "request"],
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id", "redact"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
        },
    }


LOGGING = logging_settings(LOG_FORMAT or "plain", LOG_LEVEL)
