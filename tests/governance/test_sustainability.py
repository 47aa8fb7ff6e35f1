from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import AuditEvent, FundingStream, Risk, SustainabilityPlan
from partnership.models.audit import AuditAction
from partnership.roles import Role
from partnership.services import sustainability as plan_service

from ..conftest import sign_in
from ..factories import UserFactory, member
from .factories import RiskFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 15, 10, 0)), tick=False):
        yield


def plan_url(cast):
    return reverse("sustainability_plan", args=[cast.partnership.slug])


def stream(plan, name, ends_on, **kwargs):
    return FundingStream.objects.create(
        plan=plan, name=name, funder=kwargs.pop("funder", "ICB"), ends_on=ends_on, **kwargs
    )


def test_without_a_plan_the_page_offers_to_start_it_to_the_lead_only(client, cast):
    sign_in(client, cast.lead)
    html = client.get(plan_url(cast)).content.decode()
    assert "has no sustainability plan yet" in html and "Start the plan" in html
    client.logout()
    sign_in(client, cast.reader)
    html = client.get(plan_url(cast)).content.decode()
    assert "has no sustainability plan yet" in html and "Start the plan" not in html


def test_starting_the_plan_saves_every_field_and_links_open_risks(client, cast):
    commissioner = member(cast.partnership, Role.COMMISSIONER, full_name="Casey Commissioner")
    funding = RiskFactory(partnership=cast.partnership, title="Funding ends", likelihood=4, impact=5)
    RiskFactory(partnership=cast.partnership, title="Closed risk", status=Risk.Status.CLOSED)
    RiskFactory(partnership=cast.other_partnership, title="Someone else's risk")
    sign_in(client, cast.lead)
    page = client.get(reverse("sustainability_edit", args=[cast.partnership.slug])).content.decode()
    assert "Funding ends" in page and "Closed risk" not in page and "Someone else&#39;s risk" not in page
    assert "Casey Commissioner" in page and cast.outsider.full_name not in page
    response = client.post(
        reverse("sustainability_edit", args=[cast.partnership.slug]),
        {
            "accountable_owner": commissioner.pk,
            "embedding": "Mapped to LTP priorities",
            "funding_summary": "MHST funded to 2028",
            "review_date": "2027-03-31",
            "risks": [funding.pk],
        },
    )
    assert response.status_code == 302
    plan = SustainabilityPlan.objects.get(partnership=cast.partnership)
    assert plan.accountable_owner == commissioner
    assert plan.review_date == date(2027, 3, 31)
    assert list(plan.risks.all()) == [funding]
    assert plan.updated_by == cast.lead
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(plan.pk)).exists()
    update = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(plan.pk))
    assert update.detail["changed"]["risks"] == ["[]", f"['{funding.reference}']"]
    html = client.get(plan_url(cast)).content.decode()
    for text in ("Casey Commissioner", "Mapped to LTP priorities", "MHST funded to 2028", "31 March 2027"):
        assert text in html
    assert "Funding ends" in html and ">20<" in html and "Extreme" in html


def test_the_plan_rejects_an_owner_or_risk_from_elsewhere(cast):
    stranger = UserFactory()
    with pytest.raises(ValidationError):
        plan_service.save_plan(
            partnership=cast.partnership,
            by=cast.lead,
            accountable_owner=stranger,
            embedding="",
            funding_summary="",
            review_date=None,
            risks=[],
        )
    with pytest.raises(ValidationError):
        plan_service.save_plan(
            partnership=cast.partnership,
            by=cast.lead,
            accountable_owner=None,
            embedding="",
            funding_summary="",
            review_date=None,
            risks=[RiskFactory(partnership=cast.other_partnership)],
        )
    assert not SustainabilityPlan.objects.exists()


def test_an_owner_who_is_not_a_member_cannot_be_chosen_in_the_form(client, cast):
    stranger = UserFactory()
    sign_in(client, cast.lead)
    response = client.post(
        reverse("sustainability_edit", args=[cast.partnership.slug]), {"accountable_owner": stranger.pk}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_a_bad_review_date_is_shown_in_the_error_summary(client, cast):
    sign_in(client, cast.lead)
    response = client.post(reverse("sustainability_edit", args=[cast.partnership.slug]), {"review_date": "31/02/2027"})
    assert response.status_code == 200
    assert "Enter the review date as a real date" in response.content.decode()


def test_funding_flags_at_their_boundaries():
    plan = SustainabilityPlan()

    def flag(ends_on):
        return plan_service.funding_flag(FundingStream(plan=plan, ends_on=ends_on), TODAY)

    assert flag(date(2026, 6, 14)) == "ended"
    assert flag(date(2026, 6, 15)) == "ending_soon"
    assert flag(date(2026, 12, 15)) == "ending_soon"
    assert flag(date(2026, 12, 16)) == ""


def test_the_plan_page_flags_ending_and_ended_funding_and_an_overdue_review(client, cast):
    plan = SustainabilityPlan.objects.create(partnership=cast.partnership, review_date=date(2026, 6, 14))
    stream(plan, "Ended pilot", date(2026, 3, 31))
    stream(plan, "Schools Link", date(2026, 9, 30), annual_amount=Decimal("180000"))
    stream(plan, "MHST wave 9", date(2028, 3, 31))
    sign_in(client, cast.reader)
    html = client.get(plan_url(cast)).content.decode()
    assert "Review overdue" in html
    assert html.count(">Ended<") + html.count("Ended\n") >= 1
    assert "Ends within 6 months" in html
    assert "£180,000.00" in html
    assert html.count("Ends within 6 months") == 1
    assert "Remove" not in html  # the reader cannot remove


def test_a_review_date_today_is_not_overdue(client, cast):
    SustainabilityPlan.objects.create(partnership=cast.partnership, review_date=TODAY)
    sign_in(client, cast.reader)
    assert "Review overdue" not in client.get(plan_url(cast)).content.decode()


def test_adding_a_funding_stream_starts_the_plan_if_needed_and_is_audited(client, cast):
    sign_in(client, cast.lead)
    response = client.post(
        reverse("funding_stream_add", args=[cast.partnership.slug]),
        {"name": "Early Help grant", "funder": "Council", "annual_amount": "95000", "ends_on": "2027-03-31"},
    )
    assert response.status_code == 302
    added = FundingStream.objects.get()
    assert added.plan.partnership == cast.partnership
    assert added.annual_amount == Decimal("95000") and added.ends_on == date(2027, 3, 31)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(added.pk)).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "funder": "ICB", "ends_on": "2027-03-31"}, "Enter the name"),
        ({"name": "X", "funder": "ICB", "ends_on": ""}, "Enter the date the funding ends"),
        ({"name": "X", "funder": "ICB", "ends_on": "2027-13-01"}, "Enter the date the funding ends as a real date"),
        (
            {"name": "X", "funder": "ICB", "ends_on": "2027-03-31", "annual_amount": "-1"},
            "Enter an amount of 0 or more",
        ),
        (
            {"name": "X", "funder": "ICB", "ends_on": "2027-03-31", "annual_amount": "lots"},
            "Enter the amount as a number",
        ),
    ],
)
def test_funding_stream_errors_are_shown(client, cast, data, message):
    sign_in(client, cast.lead)
    response = client.post(reverse("funding_stream_add", args=[cast.partnership.slug]), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode() and message in response.content.decode()
    assert not FundingStream.objects.exists()


def test_removing_a_funding_stream_asks_first_and_is_audited(client, cast):
    plan = SustainabilityPlan.objects.create(partnership=cast.partnership)
    doomed = stream(plan, "Old pilot", date(2026, 3, 31))
    url = reverse("funding_stream_remove", args=[cast.partnership.slug, doomed.pk])
    sign_in(client, cast.lead)
    assert "Remove Old pilot?" in client.get(url).content.decode()
    assert FundingStream.objects.filter(pk=doomed.pk).exists()
    assert client.post(url).status_code == 302
    assert not FundingStream.objects.filter(pk=doomed.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETE)
    assert event.detail["name"] == "Old pilot" and event.partnership_id == cast.partnership.pk


def test_another_partnerships_funding_stream_is_404(client, cast):
    other_plan = SustainabilityPlan.objects.create(partnership=cast.other_partnership)
    theirs = stream(other_plan, "Theirs", date(2027, 1, 1))
    sign_in(client, cast.lead)
    assert client.get(reverse("funding_stream_remove", args=[cast.partnership.slug, theirs.pk])).status_code == 404
    assert client.post(reverse("funding_stream_remove", args=[cast.partnership.slug, theirs.pk])).status_code == 404
    assert FundingStream.objects.filter(pk=theirs.pk).exists()


def test_a_linked_risk_that_closed_stays_selectable_so_saving_does_not_drop_it(client, cast):
    risk = RiskFactory(partnership=cast.partnership, title="Leadership change", status=Risk.Status.CLOSED)
    plan = SustainabilityPlan.objects.create(partnership=cast.partnership)
    plan.risks.add(risk)
    sign_in(client, cast.lead)
    assert (
        "Leadership change" in client.get(reverse("sustainability_edit", args=[cast.partnership.slug])).content.decode()
    )
