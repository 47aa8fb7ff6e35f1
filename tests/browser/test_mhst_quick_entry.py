"""Quick entry on a phone (390 px wide, touch) in headless Chromium: a practitioner signs in, finds
today, their own post and their last school filled in, records a group session with "Save and add
another", sees it saved, and the page passes axe with no horizontal scrolling (Debian's Chromium)."""

import pytest

from mhst.models import Activity

from ..factories import TEST_PASSWORD, TEST_TOTP_SECRET
from ..mhst.factories import log_activity, make_world, today
from .conftest import axe_violations, sign_in_with_code


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def world(transactional_db):
    return make_world()


def test_a_practitioner_records_activity_on_a_phone(phone, live_server, world):
    log_activity(world.team, world.other_school, world.practitioner, world.practitioner_user, type="assembly")
    base = live_server.url
    sign_in_with_code(phone, base, world.practitioner_user.email, password=TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)
    phone.goto(f"{base}/partnerships/{world.partnership.slug}/mhst/teams/{world.team.pk}/activity/add/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Record an activity"
    # the defaults: today, their own post, the school and type they last used
    assert phone.get_by_label("Date", exact=True).input_value() == today().isoformat()
    assert phone.get_by_label("Practitioner", exact=True).input_value() == str(world.practitioner.pk)
    assert phone.get_by_label("School", exact=True).input_value() == str(world.other_school.pk)
    assert phone.get_by_label("Type of activity").input_value() == "assembly"
    assert axe_violations(phone) == [], phone.url
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # big tap targets: the buttons are at least 44 px high
    save_another = phone.get_by_role("button", name="Save and add another")
    assert save_another.bounding_box()["height"] >= 44

    phone.get_by_label("Type of activity").select_option("group")
    phone.get_by_label("1. Evidence-based interventions").check()
    phone.get_by_label("Duration in minutes").fill("45")
    phone.get_by_label("Children reached").fill("6")
    save_another.tap()

    phone.wait_for_url("**/activity/add/?date=*")
    assert "Saved: group session" in phone.locator(".nhsuk-notification-banner").inner_text()
    activity = Activity.objects.order_by("-pk").first()
    assert (activity.type, activity.duration_minutes, activity.children_reached, activity.school) == (
        "group",
        45,
        6,
        world.other_school,
    )
    assert activity.recorded_by == world.practitioner_user

    # a mistake is shown in the error summary, still on a phone, still accessible
    phone.get_by_label("Duration in minutes").fill("")
    phone.get_by_role("button", name="Save and add another").tap()
    summary = phone.locator(".nhsuk-error-summary")
    assert "Enter how long the activity took, in minutes" in summary.inner_text()
    assert axe_violations(phone) == [], phone.url
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
