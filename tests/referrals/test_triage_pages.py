"""Triage in the browser: the referral's page (audited), claim and release, the four decisions,
first contact, close, reassign and messages; stale forms show what changed; never a 500."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import AuditEvent
from partnership.models.audit import AuditAction
from partnership.roles import Role
from referrals.models import InformationRequest, Message, NotAcceptedReason, Status, StatusChange
from referrals.services.transitions import reassign

from ..conftest import sign_in
from ..factories import member
from ..governance.factories import DirectoryServiceFactory
from .factories import act, make_world, referral_in

pytestmark = pytest.mark.django_db

STALE = "Someone else changed this referral while you were looking at it"


@pytest.fixture
def world():
    return make_world()


def url(world, referral, name="referrals_triage_detail", *extra):
    return reverse(name, args=[world.partnership.slug, referral.pk, *extra])


def drawn(prefix, referral, **fields):
    """A form's POST as the page draws it from `referral` now, plus `fields` (prefixed)."""
    referral.refresh_from_db()
    data = {
        f"{prefix}-version": referral.version,
        f"{prefix}-drawn_status": referral.status,
        f"{prefix}-drawn_claimant": referral.claimed_by_id or "",
        f"{prefix}-drawn_at": timezone.now().isoformat(),
    }
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    return data


def text(response) -> str:
    return html.unescape(response.content.decode())


def name_of(user):
    return user.full_name or user.email


def test_the_page_shows_everything_the_school_sent_and_is_audited(client, world):
    referral = referral_in(world, "submitted")
    sign_in(client, world.clinician)
    before = AuditEvent.objects.filter(action=AuditAction.VIEW_CHILD_DETAILS).count()
    response = client.get(url(world, referral))
    assert response.status_code == 200
    body = text(response)
    for shown in ("Zebedee Quagmire", "9434765919", "Panic attacks in class", "Attendance has dropped", "NS1 2AB"):
        assert shown in body
    assert referral.reference in body
    assert "Submitted" in body and "Green: day 0" in body
    assert f"By {name_of(world.referrer)}" in body  # the timeline names people for the duty team
    assert "Claim this referral" in body
    events = AuditEvent.objects.filter(action=AuditAction.VIEW_CHILD_DETAILS).order_by("-id")
    assert events.count() == before + 1
    event = events.first()
    assert event.actor == world.clinician
    assert event.detail == {"reference": referral.reference, "where": "triage page"}
    assert "Zebedee" not in str(event.detail)


def test_a_page_shown_again_after_an_error_is_audited_too(client, world):
    referral = referral_in(world, "in_triage")
    sign_in(client, world.clinician)
    before = AuditEvent.objects.filter(action=AuditAction.VIEW_CHILD_DETAILS).count()
    response = client.post(url(world, referral, "referrals_triage_decide", "accept"), drawn("accept", referral))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_CHILD_DETAILS).count() == before + 1


def test_claim_then_a_second_clinician_is_told_it_is_already_claimed(client, world):
    referral = referral_in(world, "submitted")
    first, second = world.clinician, world.second_clinician
    seen_by_second = drawn("claim", referral)  # both opened the page at the same version
    sign_in(client, first)
    response = client.post(url(world, referral, "referrals_triage_claim"), drawn("claim", referral))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.claimed_by) == (Status.IN_TRIAGE, first)
    assert "You claimed" in text(client.get(response.url))

    client.logout()
    sign_in(client, second)
    response = client.post(url(world, referral, "referrals_triage_claim"), seen_by_second)
    assert response.status_code == 409
    body = text(response)
    assert STALE in body
    assert f"Already claimed by {name_of(first)}." in body
    assert "Status: Submitted before, In triage now" in body
    assert f"Claimed by: nobody before, {name_of(first)} now" in body
    assert f"Submitted to In triage, by {name_of(first)}" in body  # the status change made since
    referral.refresh_from_db()
    assert referral.claimed_by == first
    assert StatusChange.objects.filter(referral=referral, to_status=Status.IN_TRIAGE).count() == 1

    # reloading: no claim button, no decisions, and a clear sentence
    body = text(client.get(url(world, referral)))
    assert "Claim this referral" not in body and "Accept the referral" not in body
    assert "Another clinician has claimed this referral" in body


def test_only_the_claimant_or_the_duty_lead_may_decide(client, world):
    referral = referral_in(world, "in_triage")  # claimed by world.clinician
    sign_in(client, world.second_clinician)
    data = drawn("accept", referral, thrive="getting_help", service=world.service.pk)
    response = client.post(url(world, referral, "referrals_triage_decide", "accept"), data)
    assert response.status_code == 403
    assert "Another clinician has claimed this referral: ask the duty lead to reassign it." in text(response)
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE

    client.logout()
    sign_in(client, world.duty_lead)
    response = client.post(url(world, referral, "referrals_triage_decide", "accept"), data)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED and referral.decided_by == world.duty_lead


def test_accept_needs_a_thrive_grouping_and_a_service_of_the_partnership(client, world):
    referral = referral_in(world, "in_triage")
    sign_in(client, world.clinician)
    decide = url(world, referral, "referrals_triage_decide", "accept")
    page = text(client.get(url(world, referral)))
    assert "Getting Help" in page and "Focused, goal-based, evidence-based help" in page  # THRIVE hints
    assert world.service.name in page

    response = client.post(decide, drawn("accept", referral, explanation="Kept"))
    assert response.status_code == 200
    body = text(response)
    assert "There is a problem" in body
    assert "Select the THRIVE grouping" in body and "Select the service the referral is allocated to" in body
    assert "Kept" in body  # what was typed stays

    elsewhere = DirectoryServiceFactory()  # another partnership's service
    response = client.post(decide, drawn("accept", referral, thrive="nonsense", service=elsewhere.pk))
    body = text(response)
    assert "Select the THRIVE grouping" in body and "Select the service from the list" in body

    response = client.post(
        decide, drawn("accept", referral, thrive="getting_help", service=world.service.pk, explanation="See you soon")
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert (referral.thrive, referral.allocated_service) == ("getting_help", world.service)
    assert referral.decision_explanation == "See you soon"
    body = text(client.get(response.url))
    assert "accepted" in body.lower() and "Getting Help" in body and "Record first contact" in body


def test_signpost_with_advice_and_suggested_services(client, world):
    referral = referral_in(world, "in_triage")
    other = DirectoryServiceFactory(partnership=world.partnership)
    sign_in(client, world.clinician)
    decide = url(world, referral, "referrals_triage_decide", "signpost")
    response = client.post(decide, drawn("signpost", referral, services=[world.service.pk]))
    assert response.status_code == 200
    assert "Enter the advice given to the school" in text(response)
    response = client.post(decide, drawn("signpost", referral, explanation="Advice", services=["x"]))
    assert "Select services from the list" in text(response)

    response = client.post(
        decide, drawn("signpost", referral, explanation="Try the drop-in.", services=[world.service.pk, other.pk])
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.SIGNPOSTED
    assert set(referral.signposted_services.all()) == {world.service, other}
    assert referral.decision_explanation == "Try the drop-in."


def test_not_accept_with_an_active_reason_and_an_explanation(client, world):
    referral = referral_in(world, "in_triage")
    reasons = NotAcceptedReason.objects.filter(spa=world.spa)
    retired = reasons.last()
    retired.is_active = False
    retired.save()
    foreign = NotAcceptedReason.objects.filter(spa=make_world("Other").spa).first()
    sign_in(client, world.clinician)
    page = text(client.get(url(world, referral)))
    assert reasons.first().label in page and retired.label not in page
    decide = url(world, referral, "referrals_triage_decide", "not_accept")

    body = text(client.post(decide, drawn("not_accept", referral)))
    assert "Select the reason the referral is not accepted" in body and "Explain the decision for the school" in body
    for wrong in (retired.pk, foreign.pk, "junk"):
        body = text(client.post(decide, drawn("not_accept", referral, reason=wrong, explanation="Because")))
        assert "Select the reason the referral is not accepted" in body

    response = client.post(decide, drawn("not_accept", referral, reason=reasons.first().pk, explanation="Outside age"))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.NOT_ACCEPTED
    assert (referral.not_accepted_reason, referral.decision_explanation) == (reasons.first(), "Outside age")


def test_request_more_information(client, world):
    referral = referral_in(world, "in_triage")
    sign_in(client, world.clinician)
    decide = url(world, referral, "referrals_triage_decide", "request_information")
    body = text(client.post(decide, drawn("request_information", referral, question="   ")))
    assert "Enter the question for the school" in body
    response = client.post(decide, drawn("request_information", referral, question="Has the GP been involved?"))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.INFO_REQUESTED
    assert InformationRequest.objects.get(referral=referral).question == "Has the GP been involved?"
    body = text(client.get(response.url))
    assert "Has the GP been involved?" in body and "Not answered yet." in body
    assert "Waiting for the school to answer" in body


def test_an_unknown_decision_is_a_404(client, world):
    referral = referral_in(world, "in_triage")
    sign_in(client, world.clinician)
    assert client.post(url(world, referral, "referrals_triage_decide", "delete"), {}).status_code == 404


def test_first_contact_by_me_or_another_duty_staff_member(client, world):
    referral = referral_in(world, "accepted")
    sign_in(client, world.clinician)
    record = url(world, referral, "referrals_triage_first_contact")
    today = timezone.localdate()
    page = text(client.get(url(world, referral)))
    assert "Record first contact" in page and name_of(world.second_clinician) in page

    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    body = text(client.post(record, drawn("first_contact", referral, on=tomorrow, by=world.clinician.pk)))
    assert "The date of first contact must be today or in the past" in body
    body = text(client.post(record, drawn("first_contact", referral, on="31/02/2026", by=world.clinician.pk)))
    assert "Enter a real date, for example 2026-03-31" in body
    body = text(client.post(record, drawn("first_contact", referral, on=today.isoformat(), by=world.referrer.pk)))
    assert "Select who made the first contact from the list" in body  # not duty staff of the SPA

    data = drawn("first_contact", referral, on=today.isoformat(), by=world.second_clinician.pk)
    response = client.post(record, data)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.FIRST_CONTACT
    assert (referral.first_contact_on, referral.first_contact_by) == (today, world.second_clinician)
    assert StatusChange.objects.get(referral=referral, to_status=Status.FIRST_CONTACT).by == world.clinician


def test_first_contact_defaults_to_me(client, world):
    referral = referral_in(world, "accepted")
    sign_in(client, world.clinician)
    page = text(client.get(url(world, referral)))
    assert f'value="{world.clinician.pk}" selected' in page
    data = drawn("first_contact", referral, on=timezone.localdate().isoformat(), by=world.clinician.pk)
    assert client.post(url(world, referral, "referrals_triage_first_contact"), data).status_code == 302
    referral.refresh_from_db()
    assert referral.first_contact_by == world.clinician


def test_close_asks_for_the_outcome_on_its_own_page(client, world):
    referral = referral_in(world, "first_contact")
    sign_in(client, world.clinician)
    close = url(world, referral, "referrals_triage_close")
    response = client.get(close)
    assert response.status_code == 200
    body = text(response)
    assert "Closing cannot be undone" in body and "Zebedee" not in body
    body = text(client.post(close, drawn("close", referral, outcome=" ")))
    assert "Enter the outcome" in body
    response = client.post(close, drawn("close", referral, outcome="Goals met after eight sessions."))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == (Status.CLOSED, "Goals met after eight sessions.")
    # a referral that can't be closed: the page sends you back to the referral
    other = referral_in(world, "submitted")
    assert client.get(url(world, other, "referrals_triage_close")).status_code == 302


def test_release_puts_it_back_in_the_queue(client, world):
    referral = referral_in(world, "in_triage")
    sign_in(client, world.clinician)
    response = client.post(url(world, referral, "referrals_triage_release"), drawn("release", referral))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.claimed_by) == (Status.SUBMITTED, None)


def test_the_duty_lead_reassigns_and_a_clinician_cannot(client, world):
    referral = referral_in(world, "in_triage")
    sign_in(client, world.clinician)
    page = text(client.get(url(world, referral)))
    assert "Give it to another duty clinician" not in page
    data = drawn("reassign", referral, to=world.second_clinician.pk)
    assert client.post(url(world, referral, "referrals_triage_reassign"), data).status_code == 403

    client.logout()
    sign_in(client, world.duty_lead)
    page = text(client.get(url(world, referral)))
    assert "Give it to another duty clinician" in page
    body = text(client.post(url(world, referral, "referrals_triage_reassign"), drawn("reassign", referral)))
    assert "Select the duty clinician to give the referral to" in body
    outsider = make_world("Other").clinician
    body = text(
        client.post(url(world, referral, "referrals_triage_reassign"), drawn("reassign", referral, to=outsider.pk))
    )
    assert "Select a duty clinician from the list" in body

    response = client.post(url(world, referral, "referrals_triage_reassign"), data)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.claimed_by == world.second_clinician
    assert f"is now with {name_of(world.second_clinician)}" in text(client.get(response.url))


def test_messages_to_the_school(client, world):
    referral = referral_in(world, "in_triage")
    sign_in(client, world.clinician)
    post = url(world, referral, "referrals_triage_message")
    assert "Enter your message" in text(client.post(post, {"message-body": "  "}))
    assert "2,000 characters or fewer" in text(client.post(post, {"message-body": "x" * 2001}))
    response = client.post(post, {"message-body": "Could you call us this afternoon?"})
    assert response.status_code == 302
    message = Message.objects.get(referral=referral)
    assert (message.author, message.from_duty_team) == (world.clinician, True)
    assert "Could you call us this afternoon?" in text(client.get(url(world, referral)))


def test_a_stale_form_keeps_what_was_typed_and_can_be_sent_again(client, world):
    referral = referral_in(world, "in_triage")
    sign_in(client, world.clinician)
    data = drawn("not_accept", referral, reason="", explanation="My careful explanation")
    data["not_accept-reason"] = NotAcceptedReason.objects.filter(spa=world.spa).first().pk
    # meanwhile the duty lead gives the referral back to the same clinician: a new version
    reassign(referral_id=referral.pk, by=world.duty_lead, to=world.clinician, expected_version=referral.version)
    response = client.post(url(world, referral, "referrals_triage_decide", "not_accept"), data)
    assert response.status_code == 409
    body = text(response)
    assert STALE in body
    assert "My careful explanation" in body  # kept in the form
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE
    assert f'name="not_accept-version" value="{referral.version}"' in body  # drawn again from now

    data["not_accept-version"] = referral.version
    assert client.post(url(world, referral, "referrals_triage_decide", "not_accept"), data).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.NOT_ACCEPTED


def test_a_stale_form_that_no_longer_applies_shows_what_changed_and_the_typed_text(client, world):
    referral = referral_in(world, "in_triage")
    sign_in(client, world.clinician)
    data = drawn("accept", referral, thrive="getting_help", service=world.service.pk, explanation="Typed note")
    act(world, referral, "signpost", by=world.duty_lead, explanation="Advice given.")
    response = client.post(url(world, referral, "referrals_triage_decide", "accept"), data)
    assert response.status_code == 409
    body = text(response)
    assert STALE in body
    assert "Status: In triage before, Signposted now" in body
    assert f"In triage to Signposted, by {name_of(world.duty_lead)}" in body
    assert "What you entered (not saved)" in body and "Typed note" in body and "Getting Help" in body
    referral.refresh_from_db()
    assert referral.status == Status.SIGNPOSTED


def test_a_stale_close_shows_what_changed(client, world):
    referral = referral_in(world, "first_contact")
    sign_in(client, world.clinician)
    data = drawn("close", referral, outcome="Finished")
    act(world, referral, "close", by=world.duty_lead, outcome="Done")
    response = client.post(url(world, referral, "referrals_triage_close"), data)
    assert response.status_code == 409
    body = text(response)
    assert STALE in body and "Status: First contact made before, Closed now" in body
    assert "Finished" in body


def test_a_transition_refused_by_the_state_machine_is_shown_not_a_500(client, world):
    referral = referral_in(world, "submitted")
    sign_in(client, world.clinician)
    data = drawn("accept", referral, thrive="getting_help", service=world.service.pk)
    response = client.post(url(world, referral, "referrals_triage_decide", "accept"), data)
    assert response.status_code == 200
    assert "A referral that is submitted can't be accepted." in text(response)


def test_other_organisations_get_404_and_the_area_lead_403_on_the_queue(client, world):
    referral = referral_in(world, "submitted")
    foreign = make_world("Other")
    pages = [
        ("get", url(world, referral)),
        ("get", url(world, referral, "referrals_triage_close")),
        ("post", url(world, referral, "referrals_triage_claim")),
        ("post", url(world, referral, "referrals_triage_decide", "accept")),
        ("post", url(world, referral, "referrals_triage_message")),
    ]
    for user in (foreign.clinician, foreign.duty_lead, world.referrer, world.other_referrer):
        client.logout()
        sign_in(client, user)
        for method, address in pages:
            response = getattr(client, method)(address, drawn("claim", referral))
            assert response.status_code == 404, (user, address)
            assert "Zebedee" not in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED

    client.logout()
    sign_in(client, member(world.partnership, Role.AREA_LEAD))
    assert client.get(reverse("referrals_queue", args=[world.partnership.slug])).status_code == 403
    assert client.get(url(world, referral)).status_code == 404


def test_a_duty_member_of_another_organisation_in_the_partnership_sees_nothing(client, world):
    from ..factories import OrganisationFactory

    referral = referral_in(world, "submitted")
    stranger = member(world.partnership, Role.DUTY_CLINICIAN, organisation=OrganisationFactory(cypmhs=True), totp=True)
    sign_in(client, stranger)
    assert client.get(url(world, referral)).status_code == 404


JUNK = "\u00b2<script>'\"=1+1"


@pytest.mark.parametrize("status", ["submitted", "in_triage", "accepted", "first_contact"])
def test_junk_posts_to_every_action_never_500(client, world, status):
    referral = referral_in(world, status)
    sign_in(client, world.duty_lead)
    actions = [
        ("referrals_triage_claim", "claim"),
        ("referrals_triage_release", "release"),
        ("referrals_triage_first_contact", "first_contact"),
        ("referrals_triage_close", "close"),
        ("referrals_triage_reassign", "reassign"),
        ("referrals_triage_message", "message"),
        *[("referrals_triage_decide", name) for name in ("accept", "signpost", "not_accept", "request_information")],
    ]
    fields = ("version", "drawn_status", "drawn_claimant", "drawn_at", "thrive", "service", "services", "reason")
    fields += ("explanation", "question", "on", "by", "outcome", "to", "body")
    for name, prefix in actions:
        extra = [prefix] if name == "referrals_triage_decide" else []
        address = url(world, referral, name, *extra)
        for data in (
            {},
            {f"{prefix}-{f}": JUNK for f in fields},
            {f"{prefix}-{f}": "99999999999999999999" for f in fields},
            {**{f"{prefix}-{f}": "-1" for f in fields}, f"{prefix}-version": referral.version + 50},
            {**{f"{prefix}-{f}": JUNK for f in fields}, f"{prefix}-version": referral.version + 50},
            {**{f"{prefix}-{f}": JUNK for f in fields}, f"{prefix}-version": referral.version},
        ):
            response = client.post(address, data)
            assert response.status_code < 500, (name, data)
            referral.refresh_from_db()
