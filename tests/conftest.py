import time
from dataclasses import dataclass

import pyotp
import pytest
from django.urls import reverse

from partnership.models import User
from partnership.roles import Role

from .factories import TEST_PASSWORD, TEST_TOTP_SECRET, PartnershipFactory, member


@pytest.fixture(autouse=True)
def _clean_cache():
    """Sign-in lockouts and used-code markers live in the cache: start each test with a clean one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _broker_breaker_closed():
    """A test that took the broker down must not leave the next one skipping it (partnership/outbox.py)."""
    from partnership import outbox

    outbox._breaker["open_until"] = 0.0
    yield
    outbox._breaker["open_until"] = 0.0


@pytest.fixture
def published(monkeypatch):
    """Task messages handed to the broker (partnership/outbox.py), captured instead of Redis:
    a list of (task name, args tuple, kwargs)."""
    from partnership import outbox

    sent = []
    monkeypatch.setattr(outbox, "_publish", lambda task, args, kwargs: sent.append((task, tuple(args), kwargs)))
    return sent


@pytest.fixture
def broker_down(monkeypatch):
    """Every attempt to hand a task to the broker fails as it does when Redis refuses connections."""
    from kombu.exceptions import OperationalError

    from partnership import outbox

    def down(task, args, kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:63799. Connection refused.")

    monkeypatch.setattr(outbox, "_publish", down)


@dataclass
class Cast:
    """The users every access test runs against (HC's alice/bob/charlie)."""

    partnership: object
    other_partnership: object
    lead: User  # area lead of `partnership`: may read and write
    reader: User  # steering member of `partnership`: read-only
    outsider: User  # area lead of another partnership: sees nothing of `partnership`


@pytest.fixture
def cast(db) -> Cast:
    partnership = PartnershipFactory(slug="own")
    other = PartnershipFactory(slug="other")
    return Cast(
        partnership=partnership,
        other_partnership=other,
        lead=member(partnership, Role.AREA_LEAD, email="lead@own.example"),
        reader=member(partnership, Role.STEERING_MEMBER, email="reader@own.example"),
        outsider=member(other, Role.AREA_LEAD, email="lead@other.example"),
    )


def current_totp() -> str:
    return pyotp.TOTP(TEST_TOTP_SECRET).now()


def sign_in(client, user, *, totp: bool | None = None):
    """Sign in through the real pages: password, then the second factor when the user has one."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    if response.url == reverse("mfa_authenticate"):
        response = client.post(reverse("mfa_authenticate"), {"code": current_totp()})
        assert response.status_code == 302
    return response


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker in this process, consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING") as worker:
        yield worker


def wait_for(predicate, timeout=20.0) -> bool:
    """Poll until `predicate()` is true (work done by the worker), for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False
