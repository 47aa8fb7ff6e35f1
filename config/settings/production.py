"""Production settings: everything secret comes from the environment, and is required."""

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    BEHIND_PROXY,
    DATABASE_SSL_REQUIRE,
    DATABASE_URL,
    EMAIL_HOST,
    LOG_FORMAT,
    LOG_LEVEL,
    MFA_ENCRYPTION_KEYS,
    REDIS_URL,
    SECRET_KEY,
    SITE_URL,
    logging_settings,
)

DEBUG = False

for _name, _value in {
    "DJANGO_SECRET_KEY": SECRET_KEY,
    "DJANGO_ALLOWED_HOSTS": ALLOWED_HOSTS,
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "EMAIL_HOST": EMAIL_HOST,
    "MFA_ENCRYPTION_KEYS": MFA_ENCRYPTION_KEYS,
    "SITE_URL": SITE_URL,
}.items():
    if not _value:
        raise ImproperlyConfigured(f"{_name} must be set in production.")

if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be the site's https:// address in production (links in emails use it).")

for _key in MFA_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError as exc:
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), comma-separated."
        ) from exc

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=60, conn_health_checks=True, ssl_require=DATABASE_SSL_REQUIRE
    )
}
# A partitioned network fails a request in seconds (the 503 page), instead of hanging it.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
CELERY_BROKER_URL = REDIS_URL

SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEMO_DATA_ALLOWED = False

# One JSON object a line for the log collector, unless LOG_FORMAT=plain.
LOGGING = logging_settings(LOG_FORMAT or "json", LOG_LEVEL)
