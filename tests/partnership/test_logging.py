"""Log lines as configured in settings.LOGGING: JSON (LOG_FORMAT=json, production's default) with
time, level, logger, message and request_id, plus task_name and task_id inside a Celery task."""

import io
import json
import logging
import logging.config

import pytest
from celery import shared_task
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import logging_settings
from partnership.models import TaskFailure

from ..conftest import wait_for


@shared_task(name="tests.logging.log_a_line")
def log_a_line(partnership_id: int) -> None:
    logging.getLogger("tests.logging").warning("Working on partnership %s", partnership_id)


class Captured:
    def __init__(self, stream):
        self.stream = stream

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines() if line.strip()]


@pytest.fixture
def json_log():
    """A handler built from the settings' own JSON configuration (formatter and filters), on the root logger."""
    config = logging_settings("json", "INFO")
    configurator = logging.config.DictConfigurator(config)
    handler_config = config["handlers"]["console"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configurator.configure_formatter(config["formatters"][handler_config["formatter"]]))
    for name in handler_config["filters"]:
        handler.addFilter(configurator.configure_filter(config["filters"][name]))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield Captured(stream)
    finally:
        root.removeHandler(handler)


@pytest.mark.django_db
def test_a_request_logs_json_lines_carrying_its_request_id(client, json_log):
    response = client.get("/no-such-page/?q=Jane", headers={"X-Request-ID": "req-12345678"})
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-12345678"
    lines = [line for line in json_log.lines() if line["logger"] == "django.request"]
    assert lines, json_log.stream.getvalue()
    line = lines[0]
    assert line["request_id"] == "req-12345678"
    assert line["level"] == "WARNING"
    assert line["message"] == "Not Found: /no-such-page/"
    assert line["time"].endswith("+00:00")  # ISO 8601, UTC
    assert line["task_name"] is None and line["task_id"] is None
    assert line["status_code"] == 404
    assert "Jane" not in json_log.stream.getvalue()  # the query string is never logged


def test_a_line_outside_any_request_has_a_dash_for_request_id(json_log):
    logging.getLogger("tests.logging").info("Started")
    (line,) = json_log.lines()
    assert line == {
        "level": "INFO",
        "logger": "tests.logging",
        "message": "Started",
        "request_id": "-",
        "task_name": None,
        "task_id": None,
        "time": line["time"],
    }


def test_the_plain_format_carries_the_request_id_too():
    config = logging_settings("plain", "INFO")
    assert "[%(request_id)s]" in config["formatters"]["plain"]["format"]
    assert config["handlers"]["console"]["formatter"] == "plain"


def test_an_unknown_log_format_is_refused_at_start_up():
    with pytest.raises(ImproperlyConfigured):
        logging_settings("xml", "INFO")


def test_production_logs_json_unless_told_otherwise():
    from config.settings import base

    assert base.LOG_FORMAT in ("", "plain", "json")
    assert logging_settings("json", "INFO")["handlers"]["console"]["formatter"] == "json"
    source = (base.BASE_DIR / "config/settings/production.py").read_text()
    assert 'LOGGING = logging_settings(LOG_FORMAT or "json", LOG_LEVEL)' in source


@pytest.mark.celery
def test_worker_log_lines_carry_the_task_name_and_id(celery_worker, json_log):
    result = log_a_line.delay(42)
    assert wait_for(lambda: any(line.get("task_id") == result.id for line in json_log.lines()))
    (line,) = [line for line in json_log.lines() if line["logger"] == "tests.logging"]
    assert line["task_name"] == "tests.logging.log_a_line"
    assert line["task_id"] == result.id
    assert line["message"] == "Working on partnership 42"
    assert line["request_id"] == "-"
    assert not TaskFailure.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_database_error_quoting_a_childs_details_is_logged_without_them(json_log):
    """PostgreSQL quotes the refused row in its message; the traceback and message lose those values."""
    from django.db import IntegrityError, connection

    child = ["Zebedee", "2014-03-02", "9434765919"]  # as parameters, as the code sends them
    insert = "INSERT INTO child_probe VALUES (%s, %s, %s)"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE child_probe (name text NOT NULL, born text, nhs text UNIQUE)")
        cursor.execute(insert, child)
        try:
            cursor.execute(insert, child)  # the NHS number again: "Key (nhs)=(...) already exists"
        except IntegrityError as error:
            logging.getLogger("django.request").error("Internal Server Error: %s", error, exc_info=True)
        nameless = [None, child[1], "Quagmire"]
        try:
            cursor.execute(insert, nameless)  # "Failing row contains (...)"
        except IntegrityError:
            logging.getLogger("celery.app.trace").exception("Task failed")
    written = json_log.stream.getvalue()
    assert "[redacted]" in written and "child_probe" in written  # the error is still there to debug
    for secret in ("Zebedee", "2014-03-02", "9434765919", "Quagmire"):
        where = written.find(secret)
        assert where == -1, written[max(0, where - 300) : where + 50]
