"""The 503 answers while the database is unreachable, in-process (the real outage, with a private
PostgreSQL stopped under a running server, is tests/partnership/test_postgres_restart.py)."""

import pytest
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from partnership.views.kernel import database_unavailable


def _page_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def _page_broken(request):
    raise ValueError("a bug")


@api_view(["GET"])
@permission_classes([AllowAny])
def _api_down(request):
    raise InterfaceError("connection already closed")


def _page_ok(request):
    return HttpResponse("ok")


urlpatterns = [
    path("page-down/", _page_down),
    path("page-broken/", _page_broken),
    path("api/v1/down/", _api_down),
    path("ok/", _page_ok),
]
handler500 = "partnership.views.server_error"

for _view in (_page_down, _page_broken, _page_ok):
    _view.login_required = False  # reachable without signing in, like the real public pages

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


def test_a_page_answers_503_with_the_friendly_page_when_the_database_is_unreachable(client):
    response = client.get("/page-down/", headers={"X-Request-ID": "outage-12345678"})
    assert response.status_code == 503
    body = response.content.decode()
    assert "Sorry, the service is unavailable" in body
    assert "it has not been saved" in body
    assert "Connection refused" not in body and "127.0.0.1" not in body
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Request-ID"] == "outage-12345678"


def test_the_api_answers_503_json_when_the_database_is_unreachable(client):
    response = client.get("/api/v1/down/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "service_unavailable"
    assert "connection" not in response.json()["message"].lower()
    assert response["Retry-After"] == "30"


def test_any_other_error_is_still_the_500_page(client):
    response = client.get("/page-broken/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert not response.has_header("Retry-After")


def test_database_unavailable_follows_the_exception_chain():
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as exc:
            raise RuntimeError("while rendering") from exc
    except RuntimeError as outer:
        assert database_unavailable(outer)
    assert database_unavailable(InterfaceError())
    assert not database_unavailable(DatabaseError("a constraint"))
    assert not database_unavailable(ValueError())
    assert not database_unavailable(None)
