import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_carry_security_headers(client):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


def test_the_inline_script_carries_the_csp_nonce(client):
    response = client.get(reverse("account_login"))
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "a-production-grade-secret-key-with-plenty-of-entropy-9f8e7d6c5b4a3210",
    "DJANGO_ALLOWED_HOSTS": "cyp.example.nhs.uk",
    "DATABASE_URL": "postgres://cyp@127.0.0.1:1/cyp",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "EMAIL_HOST": "smtp.example.org",
    "MFA_ENCRYPTION_KEYS": "Ghb-buor0v751MQVN0nRAk9L7PSkZlssFLkrNquDuK0=",
    "SITE_URL": "https://cyp.example.nhs.uk",
}


OURS = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_", "MFA_", "SITE_URL")


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", [k for k in PRODUCTION_ENV if k != "DJANGO_SETTINGS_MODULE"])
def test_production_settings_refuse_to_start_without_required_environment(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_production_settings_refuse_a_malformed_encryption_key():
    result = _manage("check", env={**PRODUCTION_ENV, "MFA_ENCRYPTION_KEYS": "not-a-fernet-key"})
    assert result.returncode != 0
    assert "MFA_ENCRYPTION_KEYS" in result.stderr


def test_demo_app_is_not_installed_in_production():
    result = _manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "Unknown command: 'seed_demo'" in result.stderr
