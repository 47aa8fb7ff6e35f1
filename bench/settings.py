"""Settings for the benchmark server and harness (`make bench SCALE=N`): production-like, on loopback.

The local settings with DEBUG off and the bench database (`BENCH_DATABASE_NAME`, default cyp_bench)
instead of the developer's. Production's own settings module needs HTTPS, SMTP and secrets from the
environment; this keeps what decides speed as in production (DEBUG off, persistent database
connections, the database cache, the same middleware and apps) and changes only what a loopback run
needs: plain HTTP, email kept in memory (the breach sweep must never email anyone), and a Redis
database of its own for the Celery broker (BENCH_REDIS_URL), so queued notifications never reach a
developer's worker. `bench.urls` adds one trivial authenticated POST as W2's baseline.
"""

import os

from config.settings.local import *  # noqa: F403
from config.settings.local import DATABASES, LOGGING

BENCH_DATABASE_NAME = os.environ.get("BENCH_DATABASE_NAME", "cyp_bench")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
DATABASES = {"default": {**DATABASES["default"], "NAME": BENCH_DATABASE_NAME, "CONN_MAX_AGE": 600}}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:63799/6")
CELERY_BROKER_URL = REDIS_URL
# In memory by default; the soak's long-lived processes use the dummy backend (BENCH_EMAIL_BACKEND),
# since locmem keeps every message for the life of the process and would look like a leak.
EMAIL_BACKEND = os.environ.get("BENCH_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
WHITENOISE_AUTOREFRESH = False
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}
