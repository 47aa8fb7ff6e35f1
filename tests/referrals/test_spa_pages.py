"""The referrals landing page, SPA set-up and settings, and reason codes: services and pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from partnership.models import AuditEvent
from partnership.models.audit import AuditAction
from partnership.roles import Role
from referrals.models import DEFAULT_REASONS, NotAcceptedReason, SinglePointOfAccess
from referrals.services import spa as service

from ..conftest import sign_in
from ..factories import OrganisationFactory, PartnershipFactory, PartnershipOrganisationFactory, member
from .factories import make_world

pytestmark = pytest.mark.django_db


def html(client, name, slug, *args, **params):
    response = client.get(reverse(name, args=[slug, *args]), params)
    assert response.status_code == 200
    return response.content.decode()


# --- landing page ------------------------------------------------------------------------------


def test_the_landing_page_shows_the_spa_and_the_emergency_advice(client):
    world = make_world()
    sign_in(client, world.referrer)
    page = html(client, "referrals_home", world.partnership.slug)
    assert world.spa.name in page and world.spa.provider.name in page
    assert "An emergency is not a referral" in page and "call 999" in page
    assert "Moderate to severe difficulties" in page and "registered with a local GP" in page
    assert reverse("referrals_start", args=[world.partnership.slug]) in page
    assert reverse("referrals_queue", args=[world.partnership.slug]) not in page
    assert reverse("referrals_spa_edit", args=[world.partnership.slug]) not in page


def test_the_duty_team_and_the_area_lead_get_their_links(client):
    world = make_world()
    slug = world.partnership.slug
    sign_in(client, world.clinician)
    page = html(client, "referrals_home", slug)
    assert reverse("referrals_queue", args=[slug]) in page and reverse("referrals_rota", args=[slug]) in page
    assert reverse("referrals_spa_edit", args=[slug]) not in page
    client.logout()
    sign_in(client, member(world.partnership, Role.AREA_LEAD))
    page = html(client, "referrals_home", slug)
    assert reverse("referrals_spa_edit", args=[slug]) in page and reverse("referrals_rota", args=[slug]) in page
    assert reverse("referrals_queue", args=[slug]) not in page


def test_without_an_spa_the_area_lead_is_offered_set_up_and_others_a_sentence(client):
    partnership = PartnershipFactory()
    sign_in(client, member(partnership, Role.AREA_LEAD))
    assert "Set up the single point of access" in html(client, "referrals_home", partnership.slug)
    client.logout()
    sign_in(client, member(partnership, Role.STEERING_MEMBER))
    page = html(client, "referrals_home", partnership.slug)
    assert "Set up the single point of access" not in page and "has not set up its single point of access" in page


# --- set-up ------------------------------------------------------------------------------------

SETTINGS = {
    "channels": ["online", "phone"],
    "phone": "0300 000 0000",
    "email": "",
    "hours": "Monday to Friday, 9am to 5pm",
    "acceptance_criteria": "Aged 4 to 18.",
    "thresholds": "Moderate to severe.",
    "emergency_advice": "Call 999 in an emergency.",
}


def test_the_area_lead_sets_up_the_spa_with_the_default_reasons(client):
    partnership = PartnershipFactory()
    lead = member(partnership, Role.AREA_LEAD)
    cypmhs = OrganisationFactory(cypmhs=True)
    PartnershipOrganisationFactory(partnership=partnership, organisation=cypmhs)
    sign_in(client, lead)
    url = reverse("referrals_spa_setup", args=[partnership.slug])
    assert cypmhs.name in client.get(url).content.decode()
    response = client.post(url, {**SETTINGS, "name": "North SPA", "provider": cypmhs.pk})
    assert response.status_code == 302
    spa = SinglePointOfAccess.objects.get(partnership=partnership)
    assert spa.provider == cypmhs and spa.channels == ["online", "phone"]
    assert NotAcceptedReason.objects.filter(spa=spa).count() == 5
    assert AuditEvent.objects.filter(object_type="referrals.singlepointofaccess", action=AuditAction.CREATE).exists()


def test_set_up_refuses_a_provider_that_is_not_a_cypmhs_member(client):
    partnership = PartnershipFactory()
    school = OrganisationFactory()
    PartnershipOrganisationFactory(partnership=partnership, organisation=school)
    outside = OrganisationFactory(cypmhs=True)  # not a member of the partnership
    sign_in(client, member(partnership, Role.AREA_LEAD))
    url = reverse("referrals_spa_setup", args=[partnership.slug])
    for provider in (school.pk, outside.pk, "junk", ""):
        response = client.post(url, {**SETTINGS, "name": "North SPA", "provider": provider})
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    assert not SinglePointOfAccess.objects.exists()


def test_set_up_shows_clear_errors_for_missing_answers(client):
    partnership = PartnershipFactory()
    sign_in(client, member(partnership, Role.AREA_LEAD))
    page = client.post(
        reverse("referrals_spa_setup", args=[partnership.slug]), {"channels": ["phone"]}
    ).content.decode()
    for message in ("Enter the name", "Enter the hours when the duty team answers", "Enter the thresholds"):
        assert message in page


# --- settings ----------------------------------------------------------------------------------


def test_the_duty_lead_edits_the_settings_and_the_change_is_audited(client):
    world = make_world()
    sign_in(client, world.duty_lead)
    url = reverse("referrals_spa_edit", args=[world.partnership.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {**SETTINGS, "hours": "Weekdays 8am to 6pm"})
    assert response.status_code == 302
    world.spa.refresh_from_db()
    assert world.spa.hours == "Weekdays 8am to 6pm"
    event = AuditEvent.objects.get(object_type="referrals.singlepointofaccess", action=AuditAction.UPDATE)
    assert event.actor == world.duty_lead
    assert event.detail["changed"]["hours"] == ["Monday to Friday, 9am to 5pm", "Weekdays 8am to 6pm"]
    assert "phone" in event.detail["changed"] and "thresholds" in event.detail["changed"]


def test_a_phone_channel_needs_a_phone_number(client):
    world = make_world()
    sign_in(client, world.duty_lead)
    response = client.post(reverse("referrals_spa_edit", args=[world.partnership.slug]), {**SETTINGS, "phone": ""})
    assert response.status_code == 200
    assert "Enter the phone number, as referrals are taken by phone" in response.content.decode()
    with pytest.raises(ValidationError):
        service.update_spa(spa=world.spa, by=world.duty_lead, channels=["email"], email="")


def test_nobody_else_edits_the_settings():
    world = make_world()
    elsewhere = member(world.partnership, Role.DUTY_LEAD, organisation=OrganisationFactory(cypmhs=True))
    for by in (world.clinician, world.referrer, elsewhere):
        with pytest.raises(PermissionDenied):
            service.update_spa(spa=world.spa, by=by, hours="Never")
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_an_unchanged_save_writes_no_audit_event():
    world = make_world()
    service.update_spa(spa=world.spa, by=world.duty_lead, hours=world.spa.hours)
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


# --- reason codes ------------------------------------------------------------------------------


def test_reasons_are_listed_in_order_for_the_duty_team(client):
    world = make_world()
    sign_in(client, world.clinician)
    page = html(client, "referrals_reasons", world.partnership.slug)
    labels = [label for _, label in DEFAULT_REASONS]
    positions = [page.index(label) for label in labels]
    assert positions == sorted(positions)
    assert "Deactivate" not in page  # read only


def test_add_a_reason_and_a_duplicate_code_is_a_clear_error(client):
    world = make_world()
    sign_in(client, world.duty_lead)
    url = reverse("referrals_reason_add", args=[world.partnership.slug])
    assert client.post(url, {"code": "no_consent", "label": "Consent not given"}).status_code == 302
    reason = NotAcceptedReason.objects.get(spa=world.spa, code="no_consent")
    assert reason.position == 6
    response = client.post(url, {"code": "no_consent", "label": "Again"})
    assert response.status_code == 200
    assert "The code no_consent is already used by another reason" in response.content.decode()
    response = client.post(url, {"code": "not a slug!", "label": "x"})
    assert "Code must only use letters, numbers, underscores or hyphens" in response.content.decode()
    other = make_world("Other")
    assert service.add_reason(spa=other.spa, by=other.duty_lead, code="no_consent", label="Fine elsewhere").pk


def test_relabel_deactivate_and_reactivate_a_reason(client):
    world = make_world()
    slug = world.partnership.slug
    reason = NotAcceptedReason.objects.get(spa=world.spa, code="already_open")
    sign_in(client, world.duty_lead)
    response = client.post(reverse("referrals_reason_edit", args=[slug, reason.pk]), {"label": "Already known to us"})
    assert response.status_code == 302
    reason.refresh_from_db()
    assert reason.label == "Already known to us" and reason.code == "already_open"
    client.post(reverse("referrals_reason_active", args=[slug, reason.pk]), {"action": "deactivate"})
    reason.refresh_from_db()
    assert not reason.is_active
    assert "Deactivated" in html(client, "referrals_reasons", slug)
    client.post(reverse("referrals_reason_active", args=[slug, reason.pk]), {"action": "reactivate"})
    reason.refresh_from_db()
    assert reason.is_active
    events = AuditEvent.objects.filter(object_type="referrals.notacceptedreason", object_id=str(reason.pk))
    assert events.count() == 3


def test_the_last_active_reason_cannot_be_deactivated():
    world = make_world()
    reasons = list(NotAcceptedReason.objects.filter(spa=world.spa))
    for reason in reasons[:-1]:
        service.set_reason_active(reason=reason, by=world.duty_lead, is_active=False)
    with pytest.raises(ValidationError):
        service.set_reason_active(reason=reasons[-1], by=world.duty_lead, is_active=False)


def test_move_a_reason_up_and_down(client):
    world = make_world()
    slug = world.partnership.slug
    first, second = NotAcceptedReason.objects.filter(spa=world.spa).order_by("position")[:2]
    sign_in(client, world.duty_lead)
    client.post(reverse("referrals_reason_move", args=[slug, second.pk]), {"direction": "up"})
    order = list(NotAcceptedReason.objects.filter(spa=world.spa).order_by("position").values_list("pk", flat=True))
    assert order[:2] == [second.pk, first.pk]
    response = client.post(reverse("referrals_reason_move", args=[slug, second.pk]), {"direction": "sideways"})
    assert response.status_code == 302
    assert client.get(reverse("referrals_reason_move", args=[slug, second.pk])).status_code == 405


def test_another_partnerships_reason_is_404(client):
    world, other = make_world(), make_world("Other")
    theirs = NotAcceptedReason.objects.filter(spa=other.spa).first()
    sign_in(client, world.duty_lead)
    slug = world.partnership.slug
    assert client.get(reverse("referrals_reason_edit", args=[slug, theirs.pk])).status_code == 404
    assert (
        client.post(reverse("referrals_reason_active", args=[slug, theirs.pk]), {"action": "deactivate"}).status_code
        == 404
    )
    assert client.get(reverse("referrals_reasons", args=[other.partnership.slug])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_roles_without_permission_get_403(client):
    world = make_world()
    slug = world.partnership.slug
    sign_in(client, world.clinician)
    assert client.get(reverse("referrals_spa_edit", args=[slug])).status_code == 403
    assert client.get(reverse("referrals_reason_add", args=[slug])).status_code == 403
    client.logout()
    sign_in(client, world.referrer)
    assert client.get(reverse("referrals_reasons", args=[slug])).status_code == 403
