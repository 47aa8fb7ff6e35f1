import pytest
from django.contrib.auth.models import AnonymousUser

from partnership import registry
from partnership.api.permissions import HasPermission
from partnership.dashboards.scopes import partnership_scope
from partnership.dashboards.service import panels_for
from partnership.roles import Permission, Role

from ..factories import PartnershipFactory, member

pytestmark = pytest.mark.django_db


def test_navigation_shows_only_what_the_roles_permit():
    reader = member(PartnershipFactory(), Role.STEERING_MEMBER)
    duty = member(PartnershipFactory(), Role.DUTY_LEAD)
    assert "API tokens" not in [i["text"] for i in registry.nav_items_for(reader)]
    assert "API tokens" in [i["text"] for i in registry.nav_items_for(duty)]
    assert registry.nav_items_for(AnonymousUser()) == []


def test_dashboard_panels_are_filtered_by_permission(monkeypatch):
    monkeypatch.setattr(registry, "_panels", {})
    registry.register_dashboard_panel(
        registry.DashboardPanel("flow", "Referral flow", Permission.VIEW_DASHBOARDS, compute=lambda *a: None)
    )
    partnership = PartnershipFactory()
    scope = partnership_scope(partnership)
    assert [p.key for p in panels_for(member(partnership, Role.COMMISSIONER), scope)] == ["flow"]
    assert panels_for(member(partnership, Role.SCHOOL_STAFF), scope) == []


def test_has_permission_api_guard(rf):
    guard = HasPermission(Permission.TRIAGE_REFERRALS)()
    request = rf.get("/")
    request.user = member(PartnershipFactory(), Role.DUTY_CLINICIAN)
    assert guard.has_permission(request, None)
    request.user = member(PartnershipFactory(), Role.COMMISSIONER)
    assert not guard.has_permission(request, None)
    request.user = AnonymousUser()
    assert not guard.has_permission(request, None)


def test_the_partnership_page_lists_the_sections_apps_register_for_those_allowed(client):
    from ..conftest import sign_in

    partnership = PartnershipFactory()
    assert "cascade_home" in [s.url_name for s in registry.partnership_sections()]  # from CascadeConfig.ready()
    commissioner = member(partnership, Role.COMMISSIONER)
    school = member(partnership, Role.SCHOOL_STAFF, totp=True)
    sign_in(client, commissioner)
    assert "CASCADE self-assessment" in client.get(f"/partnerships/{partnership.slug}/").text
    client.logout()
    sign_in(client, school)
    page = client.get(f"/partnerships/{partnership.slug}/")
    assert page.status_code == 200
    assert "CASCADE self-assessment" not in page.text
