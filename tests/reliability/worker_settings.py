"""Settings of the Celery worker subprocess that tests/reliability/ starts: the test settings, with
email written to files (CYP_TEST_MAIL_DIR) so that the test, in another process, can count them."""

import os

from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["CYP_TEST_MAIL_DIR"]
