import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)


def test_dependency_direction_between_apps_holds():
    """import-linter contracts in pyproject.toml: partnership imports no feature app, and so on."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_docker_compose_describes_the_production_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "version" not in compose  # obsolete in the Compose specification
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("web", "worker", "beat"):
        service = services[name]
        env = service["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY"} <= set(env)
        assert "build" in service or "image" in service
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services
            assert condition["condition"] in {"service_healthy", "service_started", "service_completed_successfully"}
    assert "gunicorn" in str(services["web"]["command"])
    assert "worker" in str(services["worker"]["command"]) and "beat" in str(services["beat"]["command"])
    for name in ("postgres", "redis", "web"):
        assert "test" in services[name]["healthcheck"]
    for volume in (v.split(":")[0] for s in services.values() for v in s.get("volumes", [])):
        assert volume.startswith((".", "/")) or volume in compose.get("volumes", {}), volume


def test_dockerfile_runs_as_non_root_and_serves_with_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER " in dockerfile and "USER root" not in dockerfile.split("USER ")[-1]
    assert "gunicorn" in dockerfile
    assert "uv sync --frozen" in dockerfile


def test_the_dockerfile_collectstatic_step_loads_production_settings():
    """Docker cannot run here, so run the image's build-time settings load with its own values."""
    import os
    import re

    dockerfile = (ROOT / "Dockerfile").read_text()
    step = dockerfile.split("collectstatic")[0].rsplit("RUN ", 1)[1]
    env = dict(re.findall(r"([A-Z_]+)=(\S+)", step))
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "EMAIL_HOST", "MFA_ENCRYPTION_KEYS"} <= set(env)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
