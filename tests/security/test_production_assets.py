"""Pages render with production's hashed-manifest static storage, after a real collectstatic."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.urls import reverse


@pytest.fixture
def manifest_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    # Changing STORAGES resets django's staticfiles_storage (django.test.signals.storages_changed).
    call_command("collectstatic", "--noinput", verbosity=0)
    assert "Manifest" in type(staticfiles_storage._wrapped).__name__


@pytest.mark.django_db
def test_pages_render_with_the_manifest_storage(client, manifest_storage):
    for name in ("account_login", "accessibility", "privacy"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "nhsuk-frontend.min." in html
        assert "/static/vendor/nhsuk/nhsuk-frontend.min.css" not in html  # hashed name, not the plain one
