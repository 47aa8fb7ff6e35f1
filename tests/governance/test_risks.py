"""The risk register: score and rating bands, the 5 x 5 matrix, common risks, keep and remove."""

import datetime

import pytest
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from partnership import signals
from partnership.models import Action, AuditEvent, Membership, Partnership, Risk, RiskRating
from partnership.models.audit import AuditAction
from partnership.models.risks import rating_for
from partnership.services import risks as service

from ..conftest import sign_in
from ..factories import PartnershipFactory
from .factories import ActionFactory, RiskFactory

pytestmark = pytest.mark.django_db

UID = "partnership_seed_common_risks"


@pytest.fixture
def seeding_receiver():
    """Importing partnership.signals (above) connects the receiver; PartnershipConfig.ready() will
    import it once the lead wires it. Connecting again with the same dispatch_uid is a no-op."""
    post_save.connect(signals.seed_common_risks_for_new_partnership, sender=Partnership, dispatch_uid=UID)


def own_risks(partnership):
    """The partnership's risks other than the seeded common ones."""
    return Risk.objects.for_partnership(partnership).filter(seed_key="")


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


# --- score and rating --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (1, "low"),
        (3, "low"),
        (4, "moderate"),
        (6, "moderate"),
        (8, "high"),
        (12, "high"),
        (15, "extreme"),
        (25, "extreme"),
    ],
)
def test_rating_bands(score, rating):
    assert rating_for(score) == RiskRating(rating)


def test_every_cell_of_the_matrix_has_a_rating():
    possible = {likelihood * impact for likelihood in range(1, 6) for impact in range(1, 6)}
    assert {rating_for(s) for s in possible} == set(RiskRating)


def test_the_score_is_generated_by_the_database(cast):
    risk = RiskFactory(partnership=cast.partnership, likelihood=4, impact=5)
    risk.refresh_from_db()
    assert risk.score == 20 and risk.rating == RiskRating.EXTREME


# --- common risks ------------------------------------------------------------------------------


def test_a_new_partnership_starts_with_the_common_risks_proposed_once(seeding_receiver):
    partnership = PartnershipFactory()
    risks = Risk.objects.for_partnership(partnership)
    assert risks.count() == 6
    assert set(risks.values_list("status", flat=True)) == {Risk.Status.PROPOSED}
    assert set(risks.values_list("seed_key", flat=True)) == {c.key for c in service.COMMON_RISKS}
    titles = set(risks.values_list("title", flat=True))
    assert {
        "Staff turnover in schools and CYPMHS",
        "Lack of capacity in schools",
        "Lack of capacity in CYPMHS",
    } <= titles
    assert {"Changes to funding", "Leadership change", "Organisational restructuring"} <= titles
    assert all(r.description for r in risks)
    assert {r.review_date for r in risks} == {days(service.SEED_REVIEW_DAYS)}
    assert sorted(r.reference for r in risks) == [f"R00{n}" for n in range(1, 7)]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="partnership.risk").count() == 6

    partnership.name = "Renamed"
    partnership.save()  # not a new partnership: nothing more
    assert service.seed_common_risks(partnership) == []
    assert risks.count() == 6


def test_seeding_adds_only_the_missing_common_risks(cast):
    Risk.objects.for_partnership(cast.partnership).delete()  # whether or not the receiver seeded them
    first = service.seed_common_risks(cast.partnership)
    assert len(first) == 6
    Risk.objects.filter(pk=first[0].pk).update(status=Risk.Status.OPEN, likelihood=5)
    Risk.objects.filter(pk=first[1].pk).delete()
    again = service.seed_common_risks(cast.partnership)
    assert [r.seed_key for r in again] == [first[1].seed_key]
    assert Risk.objects.get(pk=first[0].pk).likelihood == 5
    assert service.seed_common_risks(cast.partnership) == []
    assert not Risk.objects.for_partnership(cast.other_partnership).filter(pk__in=[r.pk for r in first]).exists()


# --- the register page -------------------------------------------------------------------------


@pytest.fixture
def register(cast):
    return {
        "extreme": RiskFactory(partnership=cast.partnership, title="Funding cliff", likelihood=5, impact=4),
        "low": RiskFactory(partnership=cast.partnership, title="Room bookings", likelihood=1, impact=2),
        "high": RiskFactory(
            partnership=cast.partnership, title="Overdue review risk", likelihood=3, impact=3, review_date=days(-1)
        ),
        "closed": RiskFactory(
            partnership=cast.partnership, title="Closed risk", likelihood=2, impact=2, status=Risk.Status.CLOSED
        ),
        "proposed": RiskFactory(
            partnership=cast.partnership, title="Proposed risk", likelihood=3, impact=2, status=Risk.Status.PROPOSED
        ),
        "other": RiskFactory(partnership=cast.other_partnership, title="Another area's risk"),
    }


def test_the_register_is_sorted_by_score_with_ratings_as_words(client, cast, register):
    sign_in(client, cast.reader)
    html = client.get(reverse("risk_list", args=[cast.partnership.slug])).content.decode()
    positions = [html.index(register[k].title) for k in ("extreme", "high", "proposed", "closed", "low")]
    assert positions == sorted(positions)
    for word in ("Extreme", "High", "Moderate", "Low"):
        assert word in html
    assert "nhsuk-tag--red" in html and "nhsuk-tag--green" in html
    assert "Review overdue" in html
    assert html.count("Review overdue") == 1
    assert "Another area" not in html
    assert "Keep" not in html.split("<h2>Risks</h2>")[1]  # the reader sees no keep button


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ({"status": "closed"}, {"closed"}),
        ({"status": "proposed"}, {"proposed"}),
        ({"rating": "extreme"}, {"extreme"}),
        ({"rating": "moderate"}, {"closed", "proposed"}),
        ({"rating": "high", "status": "open"}, {"high"}),
    ],
)
def test_the_register_filters(client, cast, register, query, keys):
    sign_in(client, cast.reader)
    html = client.get(reverse("risk_list", args=[cast.partnership.slug]), query).content.decode()
    table = html.split("<h2>Risks</h2>")[1]
    assert {k for k, r in register.items() if r.title in table} == keys


def test_the_matrix_counts_open_risks_per_cell_with_headers_and_a_caption(client, cast, register):
    RiskFactory(partnership=cast.partnership, likelihood=5, impact=4)
    rows = service.matrix(Risk.objects.for_partnership(cast.partnership).filter(status=Risk.Status.OPEN))
    cell = {(r["likelihood"], c["impact"]): c for r in rows for c in r["cells"]}
    assert cell[(5, 4)]["count"] == 2
    assert cell[(3, 3)]["count"] == 1
    assert cell[(2, 2)]["count"] == 0  # closed
    assert cell[(3, 2)]["count"] == 0  # proposed
    assert sum(c["count"] for c in cell.values()) == 4
    assert [r["likelihood"] for r in rows] == [5, 4, 3, 2, 1]
    sign_in(client, cast.reader)
    html = client.get(reverse("risk_list", args=[cast.partnership.slug])).content.decode()
    matrix = html.split('app-risk-matrix">')[1].split("</table>")[0]
    assert "<caption" in matrix and 'scope="row"' in matrix and 'scope="col"' in matrix
    assert "5 Almost certain" in matrix and "5 Catastrophic" in matrix
    assert "Score 20, Extreme" in matrix


def test_an_empty_register_says_so(client, cast):
    Risk.objects.for_partnership(cast.partnership).delete()
    sign_in(client, cast.reader)
    assert (
        "No risks match these filters."
        in client.get(reverse("risk_list", args=[cast.partnership.slug])).content.decode()
    )


# --- create and edit ---------------------------------------------------------------------------


def _risk_data(**overrides):
    data = {
        "title": "Loss of the MHST in the east of the county",
        "description": "Wave funding ends in March.",
        "likelihood": "3",
        "impact": "5",
        "owner": "",
        "controls": "Bid submitted.",
        "review_date": days(30).isoformat(),
    }
    data.update(overrides)
    return data


def test_the_lead_adds_a_risk(client, cast):
    sign_in(client, cast.lead)
    response = client.post(reverse("risk_create", args=[cast.partnership.slug]), _risk_data(owner=cast.reader.pk))
    risk = own_risks(cast.partnership).get()
    assert response.status_code == 302
    assert (risk.score, risk.rating, risk.status, risk.owner) == (15, RiskRating.EXTREME, Risk.Status.OPEN, cast.reader)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(risk.pk)).exists()


def test_the_form_describes_each_point_of_the_scales(client, cast):
    sign_in(client, cast.lead)
    html = client.get(reverse("risk_create", args=[cast.partnership.slug])).content.decode()
    for text in ("1 Rare", "5 Almost certain", "1 Negligible", "5 Catastrophic", "May happen only in exceptional"):
        assert text in html
    assert 'type="radio"' in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"likelihood": "7"}, "Select the likelihood: a number between 1 and 5"),
        ({"impact": "0"}, "Select the impact: a number between 1 and 5"),
        ({"likelihood": "abc"}, "Select the likelihood: a number between 1 and 5"),
        ({"likelihood": ""}, "Select the likelihood"),
        ({"impact": ""}, "Select the impact"),
        ({"title": ""}, "Enter the title"),
        ({"review_date": ""}, "Enter the review date"),
        ({"review_date": "2001-01-01"}, "Enter a review date that is today or in the future"),
        ({"owner": "999999"}, "Select the owner from the list"),
    ],
)
def test_bad_risk_values_are_shown_in_the_error_summary(client, cast, overrides, message):
    sign_in(client, cast.lead)
    response = client.post(reverse("risk_create", args=[cast.partnership.slug]), _risk_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert not own_risks(cast.partnership).exists()


def test_an_outsider_cannot_be_a_risk_owner(client, cast):
    sign_in(client, cast.lead)
    response = client.post(reverse("risk_create", args=[cast.partnership.slug]), _risk_data(owner=cast.outsider.pk))
    assert "Select the owner from the list" in response.content.decode()


def test_closing_a_risk_is_audited_with_its_changes(client, cast):
    risk = RiskFactory(partnership=cast.partnership, likelihood=3, impact=4)
    sign_in(client, cast.lead)
    data = _risk_data(
        title=risk.title, likelihood="2", impact="4", review_date=risk.review_date.isoformat(), status="closed"
    )
    response = client.post(reverse("risk_edit", args=[cast.partnership.slug, risk.pk]), data)
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.status == Risk.Status.CLOSED and risk.score == 8
    event = AuditEvent.objects.get(object_type="partnership.risk", object_id=str(risk.pk))
    assert event.action == AuditAction.STATE_CHANGE
    assert event.detail["changed"]["likelihood"] == ["3", "2"]
    assert event.detail["changed"]["status"] == ["open", "closed"]


def test_a_risk_with_an_overdue_review_can_be_edited_without_moving_the_date(client, cast):
    risk = RiskFactory(partnership=cast.partnership, review_date=days(-3))
    sign_in(client, cast.lead)
    data = _risk_data(review_date=days(-3).isoformat(), status="open")
    assert client.post(reverse("risk_edit", args=[cast.partnership.slug, risk.pk]), data).status_code == 302


# --- keep and remove ---------------------------------------------------------------------------


def test_keeping_a_proposed_risk_opens_it(client, cast):
    risk = RiskFactory(partnership=cast.partnership, status=Risk.Status.PROPOSED)
    sign_in(client, cast.lead)
    html = client.get(reverse("risk_list", args=[cast.partnership.slug])).content.decode()
    assert reverse("risk_keep", args=[cast.partnership.slug, risk.pk]) in html
    assert reverse("risk_remove", args=[cast.partnership.slug, risk.pk]) in html
    response = client.post(reverse("risk_keep", args=[cast.partnership.slug, risk.pk]))
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.status == Risk.Status.OPEN
    event = AuditEvent.objects.get(action=AuditAction.STATE_CHANGE, object_id=str(risk.pk))
    assert event.detail["status"] == ["proposed", "open"]


def test_keeping_an_open_risk_changes_nothing(client, cast):
    risk = RiskFactory(partnership=cast.partnership, status=Risk.Status.CLOSED)
    sign_in(client, cast.lead)
    assert client.post(reverse("risk_keep", args=[cast.partnership.slug, risk.pk])).status_code == 302
    risk.refresh_from_db()
    assert risk.status == Risk.Status.CLOSED
    assert not AuditEvent.objects.filter(object_type="partnership.risk", object_id=str(risk.pk)).exists()


def test_removing_a_proposed_risk_asks_first_then_deletes_and_audits_its_title(client, cast):
    risk = RiskFactory(partnership=cast.partnership, status=Risk.Status.PROPOSED, title="Leadership change")
    url = reverse("risk_remove", args=[cast.partnership.slug, risk.pk])
    sign_in(client, cast.lead)
    page = client.get(url)
    assert page.status_code == 200 and "Remove risk" in page.content.decode()
    assert Risk.objects.filter(pk=risk.pk).exists()
    assert client.post(url).status_code == 302
    assert not Risk.objects.filter(pk=risk.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETE)
    assert event.detail["title"] == "Leadership change"
    assert event.object_id == str(risk.pk) and event.partnership_id == cast.partnership.pk


def test_an_open_risk_is_closed_not_removed(client, cast):
    risk = RiskFactory(partnership=cast.partnership, status=Risk.Status.OPEN)
    sign_in(client, cast.lead)
    response = client.post(reverse("risk_remove", args=[cast.partnership.slug, risk.pk]))
    assert response.status_code == 200
    assert "Close an open risk instead" in response.content.decode()
    assert Risk.objects.filter(pk=risk.pk).exists()


def test_a_proposed_risk_with_actions_cannot_be_removed(client, cast):
    risk = RiskFactory(partnership=cast.partnership, status=Risk.Status.PROPOSED)
    ActionFactory(partnership=cast.partnership, source=Action.Source.RISK, source_risk=risk)
    sign_in(client, cast.lead)
    response = client.post(reverse("risk_remove", args=[cast.partnership.slug, risk.pk]))
    assert response.status_code == 200
    assert "mitigating actions" in response.content.decode()
    assert Risk.objects.filter(pk=risk.pk).exists()


# --- the risk page -----------------------------------------------------------------------------


def test_the_risk_page_lists_its_mitigating_actions(client, cast):
    risk = RiskFactory(partnership=cast.partnership)
    organisation = Membership.objects.get(user=cast.reader, partnership=cast.partnership).organisation
    ActionFactory(
        partnership=cast.partnership,
        owner=cast.reader,
        owner_organisation=organisation,
        source=Action.Source.RISK,
        source_risk=risk,
        title="Train two more senior leads",
    )
    ActionFactory(partnership=cast.partnership, title="Unrelated action")
    sign_in(client, cast.lead)
    html = client.get(reverse("risk_detail", args=[cast.partnership.slug, risk.pk])).content.decode()
    assert "Train two more senior leads" in html and "Unrelated action" not in html
    assert reverse("risk_action_add", args=[cast.partnership.slug, risk.pk]) in html


def test_another_partnerships_risk_is_404(client, cast):
    foreign = RiskFactory(partnership=cast.other_partnership, status=Risk.Status.PROPOSED)
    sign_in(client, cast.lead)
    for name in ("risk_detail", "risk_edit", "risk_remove", "risk_action_add"):
        assert client.get(reverse(name, args=[cast.partnership.slug, foreign.pk])).status_code == 404
    assert client.post(reverse("risk_keep", args=[cast.partnership.slug, foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Risk.Status.PROPOSED
