"""No child's details in logs, task arguments or emails (issue 8 item 6).

The whole referral journey runs through the real pages and API: the school signs in, starts a
referral, fills in every section and submits it; the duty clinician claims it through the API,
asks a question, the school answers, both send messages, the clinician reads the referral and
accepts it. Every log record of every logger at every level (django.request, celery, the audit...)
is captured, every task sent to Celery is recorded (and run in-process), every email is kept by
the locmem backend, and the audit trail's rows are read: none of them may carry the child's name,
date of birth (in any usual format), NHS number (with or without spaces) or postcode.
"""

import datetime
import json
import logging
import re
import traceback
import uuid

import pytest
from celery.app.task import Task
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from partnership.models import AuditEvent
from partnership.models.audit import AuditAction
from referrals.models import Referral, Status

from ..conftest import sign_in
from ..referrals.factories import complete_fields, make_world

pytestmark = pytest.mark.django_db

FIRST, LAST, NHS, POSTCODE = "Zebedee", "Quagmire", "9434765919", "NS1 2AB"


def _dob() -> datetime.date:
    today = timezone.localdate()
    return datetime.date(today.year - 13, 3, 7)


def child_values(dob: datetime.date) -> set[str]:
    """What must never appear, compared case-insensitively."""
    formats = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%-d %B %Y", "%d %b %Y", "%-d %b %Y")
    formats += ("%Y%m%d", "%d%m%Y", "%B %-d, %Y")
    return {
        FIRST,
        LAST,
        NHS,
        f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}",
        f"{NHS[:3]}-{NHS[3:6]}-{NHS[6:]}",
        POSTCODE,
        POSTCODE.replace(" ", ""),
        *(dob.strftime(f) for f in formats),
    }


def leaks(text: str, values: set[str]) -> set[str]:
    lowered = text.lower()
    return {value for value in values if value.lower() in lowered}


class _Everything(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        parts = [record.name, record.levelname, record.getMessage(), repr(record.args)]
        parts += [f"{k}={v!r}" for k, v in record.__dict__.items() if k not in _STANDARD]
        if record.exc_info:
            parts.append("".join(traceback.format_exception(*record.exc_info)))
        self.lines.append(" ".join(parts))


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


@pytest.fixture
def captured_logs():
    """Every record of every logger, at every level, while the test runs."""
    handler = _Everything()
    root = logging.getLogger()
    saved = {name: lg.level for name, lg in logging.root.manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    saved_root, saved_disabled = root.level, logging.root.manager.disable
    logging.disable(logging.NOTSET)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in saved:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(saved_root)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)
    logging.disable(saved_disabled)


@pytest.fixture
def sent_tasks(monkeypatch):
    """Every task sent (delay/apply_async, or handed to the broker by the outbox), with its arguments,
    then run here and now."""
    import referrals.tasks  # noqa: F401 (registers the tasks the journey sends, as a worker would)
    from config.celery import app
    from partnership import outbox

    sent = []

    def apply_async(self, args=None, kwargs=None, **options):
        sent.append((self.name, json.dumps([args, kwargs, {k: str(v) for k, v in options.items()}], default=str)))
        return self.apply(args=args, kwargs=kwargs)

    def publish(task, args, kwargs):
        sent.append((task, json.dumps([args, kwargs], default=str)))
        app.tasks[task].apply(args=args, kwargs=kwargs, throw=True)

    monkeypatch.setattr(Task, "apply_async", apply_async)
    monkeypatch.setattr(outbox, "_publish", publish)
    return sent


def test_the_scanner_finds_a_planted_detail(captured_logs):
    """The control: a leak is seen in a log record's message, its arguments and its extras."""
    values = child_values(_dob())
    logging.getLogger("referrals.anything").debug("referral for %s", "Zebedee")
    logging.getLogger("celery.worker").info("ok", extra={"nhs": "943 476 5919"})
    logging.getLogger("django.request").warning(_dob().strftime("born %d/%m/%Y"))
    text = "\n".join(captured_logs.lines)
    assert leaks(text, values) == {"Zebedee", "943 476 5919", _dob().strftime("%d/%m/%Y")}


def _section_data(dob):
    fields = complete_fields(date_of_birth=dob, child_first_name=FIRST, child_last_name=LAST, postcode=POSTCODE)
    data = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in fields.items()}
    data["nhs_number"] = f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}"
    data["consent_share_outcome"] = "yes"
    data.update({"gender": "female", "ethnicity": "", "safeguarding_concern": "no", "dsl_aware": "not_applicable"})
    data.update(dict.fromkeys(("risk_self_harm", "risk_suicidal_thoughts", "risk_harm_to_others"), "no"))
    data["gillick_considered"] = "yes"
    return data


def _api(client, name, pk, key, body, etag):
    return client.post(
        reverse(name, args=[pk]),
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Token {key}", "If-Match": etag},
    )


def test_the_referral_journey_leaves_no_child_details_in_logs_tasks_or_emails(
    captured_logs, sent_tasks, django_capture_on_commit_callbacks
):
    dob = _dob()
    values = child_values(dob)
    world = make_world()
    slug = world.partnership.slug
    school, spa, api = Client(), Client(), Client()
    _, key = AuthToken.objects.create(user=world.clinician)
    with django_capture_on_commit_callbacks(execute=True):
        # the school drafts and submits
        sign_in(school, world.referrer)
        started = school.post(reverse("referrals_start", args=[slug]), {"idempotency_key": str(uuid.uuid4())})
        assert started.status_code == 302, started.content.decode()[:300]
        referral = Referral.objects.get(created_by=world.referrer)
        data = _section_data(dob)
        for section in ("child", "urgency", "situation", "background", "assessment", "recommendation", "consent"):
            url = reverse("referrals_school_edit", kwargs={"slug": slug, "pk": referral.pk, "section": section})
            response = school.post(url, data)
            errors = re.findall(r'nhsuk-error-summary__list">(.*?)</ul>', response.content.decode(), re.S)
            assert response.status_code == 302, (section, errors)
        referral.refresh_from_db()
        assert (referral.child_first_name, referral.nhs_number, referral.date_of_birth) == (FIRST, NHS, dob)
        check = reverse("referrals_school_check", kwargs={"slug": slug, "pk": referral.pk})
        assert school.post(check, {"version": referral.version}).status_code == 302
        referral.refresh_from_db()
        assert referral.status == Status.SUBMITTED

        # the duty clinician works it through the API; the school answers; both send messages
        detail = api.get(reverse("api_referral_detail", args=[referral.pk]), headers={"Authorization": f"Token {key}"})
        assert detail.status_code == 200 and FIRST in detail.content.decode()
        claimed = _api(api, "api_referral_claim", referral.pk, key, {}, detail["ETag"])
        assert claimed.status_code == 200
        question = {"question": "Is the GP involved?"}
        asked = _api(api, "api_referral_request_information", referral.pk, key, question, claimed["ETag"])
        assert asked.status_code == 200
        referral.refresh_from_db()
        answer = reverse("referrals_school_answer", kwargs={"slug": slug, "pk": referral.pk})
        assert school.post(answer, {"answer": "Yes, in October.", "version": referral.version}).status_code == 302
        message = reverse("referrals_school_message", kwargs={"slug": slug, "pk": referral.pk})
        assert school.post(message, {"body": "Mum has called us."}).status_code == 302
        sign_in(spa, world.clinician)
        page = spa.get(reverse("referrals_triage_detail", kwargs={"slug": slug, "pk": referral.pk}))
        assert page.status_code == 200 and FIRST in page.content.decode()
        reply = reverse("referrals_triage_message", kwargs={"slug": slug, "pk": referral.pk})
        assert spa.post(reply, {"message-body": "Thank you, noted."}).status_code == 302
        referral.refresh_from_db()
        if referral.status == Status.SUBMITTED:  # the answer returned it to the queue
            claimed = _api(api, "api_referral_claim", referral.pk, key, {}, referral.etag)
            assert claimed.status_code == 200
            referral.refresh_from_db()
        decision = {"decision": "accept", "thrive": "getting_help", "service": world.service.pk}
        accepted = _api(api, "api_referral_triage", referral.pk, key, decision, referral.etag)
        assert accepted.status_code == 200, accepted.content
        # a refused request and a not-found one, so django.request logs something too
        assert api.get("/api/v1/referrals/999999/", headers={"Authorization": f"Token {key}"}).status_code == 404
        assert school.post(check, {"version": 0}).status_code in (200, 302)

    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert sent_tasks, "the journey sent no task: the test would prove nothing"
    assert mail.outbox, "the journey sent no email: the test would prove nothing"
    assert captured_logs.lines, "nothing was logged: the capture is broken"

    found = {}
    for line in captured_logs.lines:
        if hit := leaks(line, values):
            found.setdefault("logs", []).append((sorted(hit), line[:300]))
    for name, arguments in sent_tasks:
        if hit := leaks(arguments, values):
            found.setdefault("tasks", []).append((sorted(hit), name, arguments[:300]))
    for email in mail.outbox:
        parts = [email.subject, email.body] + [content for content, _ in getattr(email, "alternatives", [])]
        if hit := leaks("\n".join(parts), values):
            found.setdefault("emails", []).append((sorted(hit), email.subject))
    # the audit trail (a log kept in the database) names objects by id, never by the child's details
    for event in AuditEvent.objects.all():
        if hit := leaks(json.dumps([event.object_type, event.object_id, event.detail], default=str), values):
            found.setdefault("audit", []).append((sorted(hit), event.action))
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_CHILD_DETAILS).exists()
    assert not found, json.dumps(found, indent=1, default=str)
