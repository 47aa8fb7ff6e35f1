"""Settings for a developer's machine (`make run`)."""

import base64
import hashlib

import dj_database_url

from .base import *  # noqa: F403
from .base import DATABASE_URL, DEMO_PASSWORD, INSTALLED_APPS, MFA_ENCRYPTION_KEYS, REDIS_URL, SECRET_KEY, SITE_URL

DEBUG = True
SECRET_KEY = SECRET_KEY or "local-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# A local-only key derived from the secret key, so demo TOTP secrets are encrypted here as in production.
MFA_ENCRYPTION_KEYS = MFA_ENCRYPTION_KEYS or [
    base64.urlsafe_b64encode(hashlib.sha256(f"mfa:{SECRET_KEY}".encode()).digest()).decode()
]

LOCAL_DATABASE_URL = "postgres://cyp@127.0.0.1:54329/cyp"
LOCAL_REDIS_URL = "redis://127.0.0.1:63799/0"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL or LOCAL_DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
REDIS_URL = REDIS_URL or LOCAL_REDIS_URL
CELERY_BROKER_URL = REDIS_URL

INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
DEMO_DATA_ALLOWED = True
DEMO_PASSWORD = DEMO_PASSWORD or "local-demo-password"

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SITE_URL = SITE_URL or "http://127.0.0.1:8000"

# Serve static files straight from static/ (no collectstatic needed outside production).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
