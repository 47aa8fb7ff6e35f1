"""The school's referral pages (issue 5, items 2 and 3): start after reading the SPA, the SBARD
form a section at a time with NHS.UK errors, check answers and submit idempotently, the list,
the detail page with its timeline, decision, questions and messages; and who gets 404."""

import re
import uuid
from html import unescape

import pytest
from django.urls import reverse

from partnership.models.audit import AuditAction, AuditEvent
from partnership.roles import Role
from referrals.models import Message, Referral, SinglePointOfAccess, Status, StatusChange
from referrals.services.drafts import create_draft

from ..conftest import sign_in
from ..factories import member
from .factories import act, complete_fields, draft, make_world, referral_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def school(client, world):
    sign_in(client, world.referrer)
    return client


def url(name, world, referral=None, **kwargs):
    kwargs["slug"] = world.partnership.slug
    if referral is not None:
        kwargs["pk"] = referral.pk
    return reverse(name, kwargs=kwargs)


def html(response) -> str:
    return response.content.decode()


def error_summary(response) -> str:
    """The items of the page's error summaries (the links and their texts), whitespace squashed."""
    lists = re.findall(r'class="nhsuk-list nhsuk-error-summary__list">(.*?)</ul>', html(response), re.S)
    assert lists, "no error summary on the page"
    return re.sub(r"\s+", " ", unescape(" ".join(lists)))


def empty_draft(world, by=None):
    referral, _ = create_draft(
        partnership=world.partnership, by=by or world.referrer, school=world.school, idempotency_key=str(uuid.uuid4())
    )
    return referral


# --- start ------------------------------------------------------------------------------------


def test_start_shows_the_spa_and_the_emergency_warning(school, world):
    response = school.get(url("referrals_start", world))
    assert response.status_code == 200
    body = html(response)
    assert world.spa.acceptance_criteria in body
    assert world.spa.thresholds in body
    assert world.spa.hours in body
    assert "An emergency is not a referral" in body
    assert "999" in body and "A&amp;E" in body and "NHS 111" in body and "option 2" in body
    assert re.search(r'name="idempotency_key" value="[0-9a-f-]{36}"', body)


def test_start_without_an_spa_says_so_plainly(client, world):
    other = make_world("Bare")
    SinglePointOfAccess.objects.filter(pk=other.spa.pk).delete()
    sign_in(client, other.referrer)
    response = client.get(url("referrals_start", other))
    assert response.status_code == 200
    assert "has not set up its single point of access yet" in html(response)
    assert "Start a referral</button>" not in html(response)
    response = client.post(url("referrals_start", other), {"idempotency_key": "k1"})
    assert response.status_code == 200
    assert not Referral.objects.filter(partnership=other.partnership).exists()


def test_starting_twice_with_the_same_key_gives_one_draft(school, world):
    key = str(uuid.uuid4())
    first = school.post(url("referrals_start", world), {"idempotency_key": key})
    second = school.post(url("referrals_start", world), {"idempotency_key": key})
    referral = Referral.objects.get(created_by=world.referrer)
    assert referral.status == Status.DRAFT and referral.school == world.school
    expected = url("referrals_school_edit", world, referral, section="child")
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == expected


def test_start_without_a_key_is_refused_with_an_error(school, world):
    response = school.post(url("referrals_start", world), {})
    assert response.status_code == 200
    assert "Something went wrong starting the referral" in error_summary(response)
    assert not Referral.objects.exists()


# --- the SBARD sections -----------------------------------------------------------------------

CHILD = {
    "child_first_name": "Zebedee",
    "child_last_name": "Quagmire",
    "date_of_birth": "",
    "nhs_number": "",
    "gender": "female",
    "ethnicity": "",
    "year_group": "Year 8",
    "postcode": "ns12ab",
}


def child_data(**overrides):
    from django.utils import timezone

    today = timezone.localdate()
    data = {**CHILD, "date_of_birth": today.replace(year=today.year - 12, day=1).isoformat()}
    return {**data, **overrides}


def test_every_section_page_draws(school, world):
    referral = empty_draft(world)
    for section in ("child", "urgency", "situation", "background", "assessment", "recommendation", "consent"):
        response = school.get(url("referrals_school_edit", world, referral, section=section))
        assert response.status_code == 200, section
        assert "Save and come back later" in html(response)
    assert school.get(url("referrals_school_edit", world, referral, section="nonsense")).status_code == 404


def test_an_invalid_nhs_number_is_in_the_error_summary_linked_to_the_field(school, world):
    referral = empty_draft(world)
    response = school.post(
        url("referrals_school_edit", world, referral, section="child"), child_data(nhs_number="943 476 5918")
    )
    assert response.status_code == 200
    summary = error_summary(response)
    assert "Enter a valid NHS number: this one has a typing error" in summary
    assert 'href="#id_nhs_number"' in summary
    assert html(response).count("this one has a typing error") == 2  # the summary and the field
    assert "<title>Error:" in html(response)
    referral.refresh_from_db()
    assert referral.child_first_name == ""  # nothing half-saved


@pytest.mark.parametrize(
    ("overrides", "message", "anchor"),
    [
        ({"nhs_number": "12345"}, "Enter the NHS number as 10 digits, like 943 476 5919", "id_nhs_number"),
        ({"date_of_birth": "2000-01-01"}, "The child must be aged 4 to 25", "id_date_of_birth"),
        ({"date_of_birth": "2099-01-01"}, "Date of birth must be in the past", "id_date_of_birth"),
        ({"date_of_birth": "31/02/2015"}, "Date of birth must be a real date", "id_date_of_birth"),
        ({"postcode": "NOT A POSTCODE"}, "Enter a real postcode, like NS1 2AB", "id_postcode"),
        ({"child_first_name": ""}, "Enter the child's first name", "id_child_first_name"),
        ({"year_group": "Year 99"}, "Select the child's year group", "id_year_group"),
    ],
)
def test_child_details_are_validated_with_nhs_messages(school, world, overrides, message, anchor):
    referral = empty_draft(world)
    response = school.post(url("referrals_school_edit", world, referral, section="child"), child_data(**overrides))
    assert response.status_code == 200
    summary = error_summary(response)
    assert message in summary
    assert f'href="#{anchor}"' in summary


def test_a_valid_section_is_saved_to_the_draft_and_moves_on(school, world):
    referral = empty_draft(world)
    version = referral.version
    response = school.post(
        url("referrals_school_edit", world, referral, section="child"), child_data(nhs_number="943 476 5919")
    )
    assert response.status_code == 302
    assert response.url == url("referrals_school_edit", world, referral, section="urgency")
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT
    assert referral.version == version + 1
    assert referral.nhs_number == "9434765919"
    assert referral.postcode == "NS1 2AB"
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(referral.pk)).latest("pk")
    assert "Zebedee" not in str(event.detail) and "9434765919" not in str(event.detail)


def test_consent_is_required(school, world):
    referral = empty_draft(world)
    response = school.post(url("referrals_school_edit", world, referral, section="consent"), {})
    summary = error_summary(response)
    assert "Select who consented to the referral" in summary
    assert "Enter the date consent was given" in summary
    assert "Say whether the outcome may be shared with the school" in summary
    response = school.post(
        url("referrals_school_edit", world, referral, section="consent"),
        {"consent_by": "young_person", "consent_share_outcome": "yes", "consent_date": "2020-01-01"},
    )
    assert "Gillick competence was considered" in error_summary(response)


def test_save_and_come_back_later_keeps_a_partial_draft(school, world):
    referral = empty_draft(world)
    response = school.post(
        url("referrals_school_edit", world, referral, section="situation"),
        {"situation": "Panic attacks in class.", "why_now": "", "later": "1"},
    )
    assert response.status_code == 302
    assert response.url == url("referrals_school_list", world)
    referral.refresh_from_db()
    assert referral.situation == "Panic attacks in class." and referral.status == Status.DRAFT
    # but what is entered must still be valid
    response = school.post(
        url("referrals_school_edit", world, referral, section="child"), {"nhs_number": "1111111112", "later": "1"}
    )
    assert response.status_code == 200
    assert "Enter a valid NHS number" in error_summary(response)


def test_the_other_services_detail_is_asked_for_when_services_are_chosen(school, world):
    referral = empty_draft(world)
    response = school.post(
        url("referrals_school_edit", world, referral, section="background"),
        {"support_tried": "Mentoring", "other_services": ["gp", "send"]},
    )
    assert "Say how the other services are involved" in error_summary(response)


def test_a_safeguarding_concern_needs_the_dsl_answer(school, world):
    referral = empty_draft(world)
    data = {
        "assessment": "Anxious.",
        "risk_self_harm": "no",
        "risk_suicidal_thoughts": "no",
        "risk_harm_to_others": "no",
        "safeguarding_concern": "yes",
        "dsl_aware": "not_applicable",
    }
    response = school.post(url("referrals_school_edit", world, referral, section="assessment"), data)
    assert "select whether the safeguarding lead knows" in error_summary(response)
    response = school.post(
        url("referrals_school_edit", world, referral, section="assessment"), {**data, "dsl_aware": "yes"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.safeguarding_concern is True and referral.risk_self_harm is False


def test_a_change_link_returns_to_check_your_answers(school, world):
    referral = draft(world)
    target = url("referrals_school_edit", world, referral, section="urgency") + "?return=check"
    response = school.post(target, {"urgency": "urgent"})
    assert response.status_code == 302
    assert response.url == url("referrals_school_check", world, referral)


def test_a_submitted_referral_cannot_be_edited(school, world):
    referral = referral_in(world, Status.SUBMITTED)
    response = school.post(url("referrals_school_edit", world, referral, section="urgency"), {"urgency": "urgent"})
    assert response.status_code == 302
    assert response.url == url("referrals_school_detail", world, referral)
    referral.refresh_from_db()
    assert referral.urgency == "routine"


# --- check your answers and submit ------------------------------------------------------------


def test_check_answers_lists_every_answer_with_a_change_link(school, world):
    referral = draft(world)
    response = school.get(url("referrals_school_check", world, referral))
    assert response.status_code == 200
    body = html(response)
    assert "Zebedee" in body and "943 476 5919" in body and "Panic attacks in class" in body
    for section in ("child", "urgency", "situation", "background", "assessment", "recommendation", "consent"):
        assert url("referrals_school_edit", world, referral, section=section) + "?return=check" in body
    assert body.count(">Change<") >= 30
    assert f'name="version" value="{referral.version}"' in body


def test_missing_answers_link_to_their_sections(school, world):
    referral = draft(world, situation="", consent_by="", consent_share_outcome=None)
    response = school.post(url("referrals_school_check", world, referral), {"version": referral.version})
    assert response.status_code == 200
    summary = error_summary(response)
    assert "Say what is happening now" in summary
    assert "Select who consented to the referral" in summary
    situation = url("referrals_school_edit", world, referral, section="situation")
    assert f'href="{situation}?return=check#id_situation"' in summary
    consent = url("referrals_school_edit", world, referral, section="consent")
    assert f'href="{consent}?return=check#consent_by"' in summary
    assert 'id="consent_by"' in html(school.get(consent))
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT


def test_submitting_twice_makes_one_referral_and_one_status_row(school, world):
    referral = draft(world)
    version = referral.version
    first = school.post(url("referrals_school_check", world, referral), {"version": version})
    second = school.post(url("referrals_school_check", world, referral), {"version": version})
    confirmation = url("referrals_school_submitted", world, referral)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == confirmation
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert Referral.objects.filter(created_by=world.referrer).count() == 1
    assert StatusChange.objects.filter(referral=referral, to_status=Status.SUBMITTED).count() == 1
    response = school.get(confirmation)
    assert response.status_code == 200
    assert re.fullmatch(r"SPA-\d{4}-\d{6}", referral.reference)
    assert referral.reference in html(response)
    assert "What happens next" in html(response)


def test_a_stale_submit_says_so_and_changes_nothing(school, world):
    referral = draft(world)
    response = school.post(url("referrals_school_check", world, referral), {"version": referral.version + 1})
    assert response.status_code == 200
    assert "Someone else changed this referral" in html(response)
    assert f'name="version" value="{referral.version}"' in html(response)
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT
    assert not StatusChange.objects.filter(referral=referral, to_status=Status.SUBMITTED).exists()


def test_a_junk_version_is_an_error_not_a_500(school, world):
    referral = draft(world)
    response = school.post(url("referrals_school_check", world, referral), {"version": "'<x>"})
    assert response.status_code == 200
    assert "Something went wrong" in error_summary(response)


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_drafts_apart_and_only_this_schools_referrals(school, world):
    mine_draft = draft(world, child_first_name="Drafty")
    sent = referral_in(world, Status.SUBMITTED)
    theirs, _ = create_draft(
        partnership=world.partnership,
        by=world.other_referrer,
        school=world.other_school,
        idempotency_key="k",
        **complete_fields(child_first_name="Otherchild"),
    )
    act(world, theirs, "submit", by=world.other_referrer)
    response = school.get(url("referrals_school_list", world))
    assert response.status_code == 200
    body = html(response)
    drafts_part, sent_part = body.split("Sent referrals", 1)
    assert "Drafty" in drafts_part
    assert url("referrals_school_check", world, mine_draft) in drafts_part
    assert sent.reference in sent_part and "Submitted" in sent_part
    assert "Green: day 0" in sent_part
    assert "Otherchild" not in body
    theirs.refresh_from_db()
    assert theirs.reference not in body


def test_the_list_is_paginated_and_has_an_empty_state(school, world):
    response = school.get(url("referrals_school_list", world))
    assert "Your school has not sent any referrals yet." in html(response)
    for _ in range(26):
        referral_in(world, Status.SUBMITTED)
    response = school.get(url("referrals_school_list", world))
    assert "26 referrals" in html(response)
    assert "?page=2" in html(response)
    assert school.get(url("referrals_school_list", world), {"page": "junk"}).status_code == 200


def test_the_area_lead_gets_403_on_the_list(client, world):
    lead = member(world.partnership, Role.AREA_LEAD)
    sign_in(client, lead)
    assert client.get(url("referrals_school_list", world)).status_code == 403
    assert client.get(url("referrals_start", world)).status_code == 403


# --- the detail page --------------------------------------------------------------------------


def test_detail_shows_the_timeline_and_is_audited_without_child_details(school, world):
    referral = referral_in(world, Status.IN_TRIAGE)
    response = school.get(url("referrals_school_detail", world, referral))
    assert response.status_code == 200
    body = html(response)
    assert referral.reference in body and "Zebedee" in body
    assert "Draft to Submitted" in body and "Submitted to In triage" in body
    assert "Duty team" in body
    assert world.clinician.full_name not in body  # duty names stay inside the service
    event = AuditEvent.objects.get(
        action=AuditAction.VIEW_CHILD_DETAILS, object_id=str(referral.pk), detail__where="school page"
    )
    assert event.actor == world.referrer
    assert event.detail == {"reference": referral.reference, "where": "school page"}
    for detail in ("Zebedee", "Quagmire", "9434765919", "NS1 2AB"):
        assert detail not in str(event.detail)


def test_every_view_is_audited(school, world):
    referral = referral_in(world, Status.SUBMITTED)
    for _ in range(2):
        school.get(url("referrals_school_detail", world, referral))
    views = AuditEvent.objects.filter(
        action=AuditAction.VIEW_CHILD_DETAILS, object_id=str(referral.pk), detail__where="school page"
    )
    assert views.count() == 2


def test_a_not_accepted_decision_shows_its_reason_and_explanation(school, world):
    referral = referral_in(world, Status.NOT_ACCEPTED)
    body = html(school.get(url("referrals_school_detail", world, referral)))
    assert "The decision" in body
    assert referral.not_accepted_reason.label in body
    assert "Outside age." in body


def test_an_accepted_decision_shows_thrive_and_the_service(school, world):
    referral = referral_in(world, Status.ACCEPTED)
    body = html(school.get(url("referrals_school_detail", world, referral)))
    assert "Getting Help" in body
    assert world.service.name in body


def test_a_signposted_decision_lists_the_services(school, world):
    referral = referral_in(world, Status.IN_TRIAGE)
    act(world, referral, "signpost", explanation="Try the drop-in.", services=[world.service.pk])
    body = html(school.get(url("referrals_school_detail", world, referral)))
    assert "Try the drop-in." in body and world.service.name in body and "Signposted" in body


# --- answering a question ---------------------------------------------------------------------


def test_the_school_answers_the_duty_teams_question(school, world):
    referral = referral_in(world, Status.INFO_REQUESTED)
    body = html(school.get(url("referrals_school_detail", world, referral)))
    assert "Has the GP been involved?" in body and "Send your answer" in body
    response = school.post(
        url("referrals_school_answer", world, referral), {"answer": "Yes, in May.", "version": referral.version}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE
    request = referral.information_requests.get()
    assert request.answer == "Yes, in May." and request.answered_by == world.referrer
    body = html(school.get(url("referrals_school_detail", world, referral)))
    assert "Yes, in May." in body and "Send your answer" not in body


def test_an_empty_answer_is_in_the_error_summary(school, world):
    referral = referral_in(world, Status.INFO_REQUESTED)
    response = school.post(url("referrals_school_answer", world, referral), {"answer": "", "version": referral.version})
    assert response.status_code == 200
    summary = error_summary(response)
    assert "Enter your answer to the duty team's question" in summary
    assert 'href="#id_answer"' in summary


def test_a_stale_answer_says_so_and_keeps_the_text(school, world):
    referral = referral_in(world, Status.INFO_REQUESTED)
    response = school.post(
        url("referrals_school_answer", world, referral), {"answer": "Kept text", "version": referral.version - 1}
    )
    assert response.status_code == 200
    assert "changed this referral while you had the page open" in html(response)
    assert "Kept text" in html(response)
    referral.refresh_from_db()
    assert referral.status == Status.INFO_REQUESTED


def test_answering_when_no_question_is_open_is_an_error_not_a_500(school, world):
    referral = referral_in(world, Status.SUBMITTED)
    response = school.post(
        url("referrals_school_answer", world, referral), {"answer": "x", "version": referral.version}
    )
    assert response.status_code == 200
    assert "can't be answered" in error_summary(response)


# --- messages ---------------------------------------------------------------------------------


def test_the_school_sends_the_duty_team_a_message(school, world):
    referral = referral_in(world, Status.SUBMITTED)
    response = school.post(url("referrals_school_message", world, referral), {"body": "Mum has called us."})
    assert response.status_code == 302
    message = Message.objects.get(referral=referral)
    assert message.from_duty_team is False and message.author == world.referrer
    assert "Mum has called us." in html(school.get(url("referrals_school_detail", world, referral)))


def test_a_message_over_2000_characters_is_refused_clearly(school, world):
    referral = referral_in(world, Status.SUBMITTED)
    response = school.post(url("referrals_school_message", world, referral), {"body": "x" * 2001})
    assert response.status_code == 200
    summary = error_summary(response)
    assert "Message must be 2,000 characters or fewer" in summary
    assert 'href="#id_body"' in summary
    assert not Message.objects.exists()


def test_a_draft_cannot_carry_messages(school, world):
    referral = draft(world)
    response = school.post(url("referrals_school_message", world, referral), {"body": "Hello"})
    assert response.status_code == 200
    assert "Submit the referral before sending messages about it" in error_summary(response)


# --- who gets 404 -----------------------------------------------------------------------------

PAGES = [
    ("get", "referrals_school_detail", {}),
    ("get", "referrals_school_edit", {"section": "child"}),
    ("post", "referrals_school_edit", {"section": "child"}),
    ("get", "referrals_school_check", {}),
    ("post", "referrals_school_check", {}),
    ("get", "referrals_school_submitted", {}),
    ("post", "referrals_school_answer", {}),
    ("post", "referrals_school_message", {}),
]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.INFO_REQUESTED])
def test_another_schools_staff_get_404_on_every_page_of_the_referral(client, world, status):
    referral = referral_in(world, status)
    sign_in(client, world.other_referrer)
    for method, name, extra in PAGES:
        response = getattr(client, method)(url(name, world, referral, **extra), {"version": referral.version})
        assert response.status_code == 404, (method, name)
        assert "Zebedee" not in html(response)


def test_a_duty_clinician_of_another_partnership_gets_404(client, world):
    referral = referral_in(world, Status.INFO_REQUESTED)
    foreign = make_world("Other")
    sign_in(client, foreign.clinician)
    for method, name, extra in PAGES:
        response = getattr(client, method)(url(name, world, referral, **extra))
        assert response.status_code == 404, (method, name)


def test_a_school_mh_lead_of_the_same_school_follows_the_referral(client, world):
    lead = member(world.partnership, Role.SCHOOL_MH_LEAD, organisation=world.school, totp=True)
    referral = referral_in(world, Status.SUBMITTED)
    sign_in(client, lead)
    assert client.get(url("referrals_school_detail", world, referral)).status_code == 200
    assert referral.reference in html(client.get(url("referrals_school_list", world)))


def test_the_list_audits_each_child_it_names(school, world):
    drafted = draft(world)
    sent = referral_in(world, Status.SUBMITTED)
    school.get(url("referrals_school_list", world))
    listed = AuditEvent.objects.filter(action=AuditAction.VIEW_CHILD_DETAILS, detail__where="school list")
    assert sorted(int(e.object_id) for e in listed) == sorted([drafted.pk, sent.pk])
    assert all("Zebedee" not in str(e.detail) for e in listed)


def test_while_a_question_is_open_the_school_may_change_its_answers(school, world):
    referral = referral_in(world, Status.INFO_REQUESTED)
    version = referral.version
    response = school.post(url("referrals_school_edit", world, referral, section="urgency"), {"urgency": "urgent"})
    assert response.status_code == 302
    assert response.url == url("referrals_school_detail", world, referral)
    referral.refresh_from_db()
    assert referral.urgency == "urgent" and referral.status == Status.INFO_REQUESTED
    assert referral.version == version + 1
    # the check page is for drafts only
    response = school.get(url("referrals_school_check", world, referral))
    assert response.status_code == 302 and response.url == url("referrals_school_detail", world, referral)


# --- deleting a draft -------------------------------------------------------------------------


def test_a_draft_is_deleted_after_a_confirmation_and_the_deletion_is_audited(school, world):
    referral = empty_draft(world)
    page = school.get(url("referrals_school_delete", world, referral))
    assert page.status_code == 200
    assert "cannot be undone" in html(page)
    assert Referral.objects.filter(pk=referral.pk).exists()  # the GET only asks
    response = school.post(url("referrals_school_delete", world, referral))
    assert response.status_code == 302
    assert response.url == url("referrals_school_list", world)
    assert not Referral.objects.filter(pk=referral.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_id=str(referral.pk))
    assert event.detail == {"draft": True}


def test_a_sent_referral_is_never_deleted(school, world):
    referral = referral_in(world, Status.SUBMITTED)
    response = school.post(url("referrals_school_delete", world, referral))
    assert response.status_code == 302
    assert response.url == url("referrals_school_detail", world, referral)
    assert Referral.objects.filter(pk=referral.pk).exists()


def test_another_schools_staff_cannot_delete_a_draft(client, world):
    referral = empty_draft(world)
    sign_in(client, world.other_referrer)
    assert client.post(url("referrals_school_delete", world, referral)).status_code == 404
    assert Referral.objects.filter(pk=referral.pk).exists()
