"""The live scoring page of one table, without JavaScript: one form for all seven domains."""

from html import unescape

import pytest
from django.urls import reverse

from cascade.models import DomainScore, Workshop
from cascade.services.scoring import NOTE_MAX_LENGTH, record_score
from cascade.services.workshops import close_workshop
from partnership.models import AuditEvent
from partnership.models.audit import AuditAction
from partnership.roles import Role

from ..conftest import sign_in
from ..factories import member
from .factories import DOMAIN_CODES as CODES
from .factories_scoring import make_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(cast):
    return make_table(cast.partnership, label="Blue")


def page_url(table, slug="own"):
    return reverse("cascade_table_score", args=[slug, table.pk])


def text_of(response) -> str:
    return unescape(response.content.decode())


def all_domains(scores, **notes) -> dict:
    return {code: str(score) for code, score in zip(CODES, scores, strict=True)} | notes


def score_events():
    return AuditEvent.objects.filter(object_type="cascade.domainscore")


def test_the_page_shows_all_seven_domains_with_every_level_and_its_guidance(client, cast, table):
    sign_in(client, cast.lead)
    response = client.get(page_url(table))
    assert response.status_code == 200
    html = text_of(response)
    assert "Table Blue" in html and "data-scoring" in html and "js/cascade-scoring" in html
    domains = list(table.workshop.framework.domains.order_by("position"))
    assert [d.code for d in domains] == list(CODES)
    for domain in domains:
        assert f"{domain.letter}: {domain.title}" in html
        assert f'data-url="/api/v1/cascade/tables/{table.pk}/scores/{domain.code}/"' in html
        for text in domain.guidance:
            assert text in html
        for note in ("what_works", "what_gets_in_the_way", "evidence"):
            assert f'name="{domain.code}-{note}"' in html
    for label in ("0 Major challenge", "1 Good elements of practice", "2 Widespread good practice", "3 Gold standard"):
        assert html.count(label) == 7
    assert "0 of 7 domains scored" in html
    assert "css/cascade.css" in html


def test_posting_every_domain_saves_each_through_record_score(client, cast, table):
    sign_in(client, cast.lead)
    data = all_domains([0, 1, 2, 3, 2, 1, 0], **{"clarity-what_works": "A shared map", "clarity-evidence": "Minutes"})
    response = client.post(page_url(table), data)
    assert response.status_code == 302 and response.url == page_url(table)
    saved = {s.domain.code: s.score for s in DomainScore.objects.filter(table=table).select_related("domain")}
    assert saved == dict(zip(CODES, [0, 1, 2, 3, 2, 1, 0], strict=True))
    clarity = DomainScore.objects.get(table=table, domain__code="clarity")
    assert (clarity.what_works, clarity.evidence, clarity.updated_by) == ("A shared map", "Minutes", cast.lead)
    assert score_events().filter(action=AuditAction.CREATE).count() == 7

    page = text_of(client.get(page_url(table)))
    assert "Table Blue: 7 domains saved." in page and "7 of 7 domains scored" in page
    assert 'id="clarity" name="clarity" type="radio" value="0" checked' in page
    assert "A shared map" in page

    # The same form again changes nothing and writes no audit event; one correction is one event.
    client.post(page_url(table), data | {"structures": "3"})
    assert score_events().count() == 8
    assert DomainScore.objects.get(table=table, domain__code="structures").score == 3


def test_domains_left_blank_are_skipped(client, cast, table):
    sign_in(client, cast.lead)
    response = client.post(page_url(table), {"clarity": "2"})
    assert response.status_code == 302
    assert list(DomainScore.objects.filter(table=table).values_list("domain__code", flat=True)) == ["clarity"]
    response = client.post(page_url(table), {}, follow=True)
    assert "Nothing to save" in text_of(response)


@pytest.mark.parametrize(
    ("data", "message", "anchor"),
    [
        ({"clarity": "4"}, "Clarity on roles and remit: enter a score from 0 (major challenge)", "#clarity"),
        ({"structures": "<script>"}, "enter a score from 0", "#structures"),
        (
            {"evidence_based": "", "evidence_based-what_works": "Good"},
            "choose a level to save its notes",
            "#evidence_based",
        ),
        (
            {"clarity": "1", "clarity-evidence": "x" * (NOTE_MAX_LENGTH + 1)},
            f"keep the note to {NOTE_MAX_LENGTH} characters",
            "#id_clarity-evidence",
        ),
    ],
)
def test_refused_input_is_shown_in_the_error_summary_and_nothing_is_saved(client, cast, table, data, message, anchor):
    sign_in(client, cast.lead)
    response = client.post(page_url(table), all_domains([1] * 7) | data)
    assert response.status_code == 200
    html = text_of(response)
    assert "There is a problem" in html
    summary = html[html.index("nhsuk-error-summary") : html.index("<h1>")]
    assert message.lower() in summary.lower()
    assert f'href="{anchor}"' in summary
    assert "<title>Error:" in html
    assert not DomainScore.objects.filter(table=table).exists()
    assert not score_events().exists()


def test_a_service_refusal_rolls_back_every_domain_of_the_post(client, cast, table, monkeypatch):
    """record_score's own refusals (here a closed workshop) are shown, and earlier domains undone."""
    sign_in(client, cast.lead)
    calls = []

    def closes_after_the_first(**kwargs):
        if calls:
            close_workshop(workshop=table.workshop, by=cast.lead)
        calls.append(kwargs["domain"])
        return record_score(**kwargs)

    monkeypatch.setattr("cascade.views.scoring.record_score", closes_after_the_first)
    response = client.post(page_url(table), all_domains([2] * 7))
    assert response.status_code == 200
    html = text_of(response)
    assert "This workshop is closed, so its scores can't be changed. Ask the area lead to reopen it." in html
    assert calls == ["clarity", "agreed_contact"]
    assert not DomainScore.objects.filter(table=table).exists()
    assert not score_events().exists()


def test_a_closed_workshop_is_read_only_even_for_the_area_lead(client, cast, table):
    record_score(table=table, by=cast.lead, domain="clarity", score=2, what_works="Named link workers")
    close_workshop(workshop=table.workshop, by=cast.lead)
    sign_in(client, cast.lead)
    html = text_of(client.get(page_url(table)))
    assert "This workshop is closed, so its scores can't be changed. Only the area lead can reopen it." in html
    assert "Go to the workshop to reopen it" in html  # the area lead can
    assert "data-scoring" not in html and "cascade-scoring.js" not in html and 'type="radio"' not in html
    assert "2 Widespread good practice" in html and "Named link workers" in html and "Not scored" in html
    guidance = table.workshop.framework.domains.get(code="clarity").guidance[2]
    assert guidance in html

    response = client.post(page_url(table), {"clarity": "3"})
    assert response.status_code == 200
    assert "This workshop is closed" in text_of(response)
    assert DomainScore.objects.get(table=table).score == 2


def test_a_facilitator_sees_the_closed_message_without_the_reopen_link(client, cast, table):
    facilitator = member(cast.partnership, Role.FACILITATOR)
    close_workshop(workshop=table.workshop, by=cast.lead)
    sign_in(client, facilitator)
    html = text_of(client.get(page_url(table)))
    assert "Only the area lead can reopen it" in html and "Go to the workshop to reopen it" not in html


def test_a_facilitator_scores(client, cast, table):
    facilitator = member(cast.partnership, Role.FACILITATOR)
    sign_in(client, facilitator)
    assert "data-scoring" in text_of(client.get(page_url(table)))
    assert client.post(page_url(table), {"agreed_contact": "3"}).status_code == 302
    assert DomainScore.objects.get(table=table).updated_by == facilitator


@pytest.mark.parametrize("role", [Role.STEERING_MEMBER, Role.COMMISSIONER])
def test_readers_and_commissioners_read_the_scores_but_cannot_post(client, cast, table, role):
    record_score(table=table, by=cast.lead, domain="clarity", score=1)
    user = member(cast.partnership, role)
    sign_in(client, user)
    response = client.get(page_url(table))
    assert response.status_code == 200
    html = text_of(response)
    assert "Only the workshop's facilitators and the area lead can change them" in html
    assert "1 Good elements of practice" in html and 'type="radio"' not in html
    assert client.post(page_url(table), {"clarity": "3"}).status_code == 403
    assert DomainScore.objects.get(table=table).score == 1


def test_outsiders_and_other_partnerships_tables_get_404(client, cast, table):
    sign_in(client, cast.outsider)
    assert client.get(page_url(table)).status_code == 404
    assert client.post(page_url(table), {"clarity": "3"}).status_code == 404
    # their own slug with our table's id is a 404 as well
    assert client.get(page_url(table, slug="other")).status_code == 404
    theirs = make_table(cast.other_partnership)
    client.logout()
    sign_in(client, cast.lead)
    assert client.get(page_url(theirs)).status_code == 404
    assert client.post(page_url(theirs), {"clarity": "3"}).status_code == 404
    assert not DomainScore.objects.exists()


def test_a_round_two_workshop_table_has_its_own_page(client, cast):
    table = make_table(cast.partnership, round=Workshop.Round.TWO, cohort="South", label="3")
    sign_in(client, cast.lead)
    assert "South, round 2" in text_of(client.get(page_url(table)))
