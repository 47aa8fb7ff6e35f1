"""The duty rota's pages: the week view with its gaps, moving between weeks, and adding,
changing and deleting shifts through the forms."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from partnership.roles import Role
from referrals.models import RotaShift
from referrals.services.rota import local

from ..conftest import sign_in
from ..factories import member
from .factories import make_world

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


def at(day, hour, minute=0):
    return local(day, time(hour, minute))


def week(client, world, value=None):
    params = {"week": value} if value is not None else {}
    return client.get(reverse("referrals_rota", args=[world.partnership.slug]), params)


def test_the_week_shows_shifts_by_role_and_gaps_in_words(client):
    world = make_world()
    RotaShift.objects.create(
        spa=world.spa, role="duty_clinician", user=world.clinician, starts_at=at(MONDAY, 13), ends_at=at(MONDAY, 17)
    )
    sign_in(client, world.clinician)
    page = week(client, world, "2026-03-04").content.decode()  # any day of the week shows its week
    assert "week of 2 March 2026" in page
    assert "1pm-5pm: " + world.clinician.full_name in page
    assert "No duty clinician 9am-1pm" in page and "No duty lead 9am-5pm" in page
    assert "This week has 10 gaps in cover" in page
    assert "?week=2026-02-23" in page and "?week=2026-03-09" in page
    assert reverse("referrals_shift_add", args=[world.partnership.slug]) not in page  # the clinician reads


def test_a_shift_across_midnight_names_its_days(client):
    world = make_world()
    RotaShift.objects.create(
        spa=world.spa,
        role="duty_lead",
        user=world.duty_lead,
        starts_at=at(MONDAY, 20),
        ends_at=at(MONDAY + timedelta(days=1), 10),
    )
    sign_in(client, world.duty_lead)
    page = week(client, world, "2026-03-02").content.decode()
    assert page.count(f"Mon 8pm to Tue 10am: {world.duty_lead.full_name}") == 2  # shown on both days
    assert "No duty lead 10am-5pm" in page


@pytest.mark.parametrize("junk", ["2026-02-30", "yesterday", "\u00b2<script>", "99999-01-01"])
def test_an_invalid_week_is_a_clear_message_not_a_500(client, junk):
    world = make_world()
    sign_in(client, world.clinician)
    response = week(client, world, junk)
    assert response.status_code == 200
    assert "Enter the week as a real date" in response.content.decode()


def test_the_duty_lead_adds_a_shift_through_the_form(client):
    world = make_world()
    sign_in(client, world.duty_lead)
    url = reverse("referrals_shift_add", args=[world.partnership.slug])
    page = client.get(url, {"date": "2026-03-03"}).content.decode()
    assert world.clinician.full_name in page and world.referrer.full_name not in page
    data = {
        "role": "duty_clinician",
        "user": world.clinician.pk,
        "start_date": "2026-03-03",
        "start_time": "09:00",
        "end_date": "2026-03-03",
        "end_time": "13:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response.url.endswith("?week=2026-03-02")
    shift = RotaShift.objects.get()
    assert (shift.starts_at, shift.ends_at) == (at(date(2026, 3, 3), 9), at(date(2026, 3, 3), 13))
    # the same person again, overlapping: refused with a clear message
    response = client.post(url, {**data, "start_time": "12:00", "end_time": "15:00"})
    assert response.status_code == 200 and "overlaps this one" in response.content.decode()
    # ends before it starts
    response = client.post(url, {**data, "start_time": "15:00", "end_time": "14:00"})
    assert "The shift must end after it starts" in response.content.decode()
    # a clinician in the duty lead role
    response = client.post(url, {**data, "role": "duty_lead", "start_time": "14:00", "end_time": "15:00"})
    assert "does not have that role there" in response.content.decode()
    assert RotaShift.objects.count() == 1


def test_a_time_the_clocks_skip_is_refused(client):
    world = make_world()
    sign_in(client, world.duty_lead)
    data = {
        "role": "duty_clinician",
        "user": world.clinician.pk,
        "start_date": "2026-03-29",
        "start_time": "01:30",
        "end_date": "2026-03-29",
        "end_time": "09:00",
    }
    response = client.post(reverse("referrals_shift_add", args=[world.partnership.slug]), data)
    assert "the clocks go forward" in response.content.decode()
    assert not RotaShift.objects.exists()


def test_junk_shift_forms_never_500(client):
    world = make_world()
    sign_in(client, world.duty_lead)
    url = reverse("referrals_shift_add", args=[world.partnership.slug])
    for value in ("", "junk", "-1", "99999999999999999999", "\u00b2<script>"):
        data = dict.fromkeys(("role", "user", "start_date", "start_time", "end_date", "end_time"), value)
        assert client.post(url, data).status_code == 200
    assert client.get(url, {"date": "junk"}).status_code == 200


def test_the_area_lead_changes_and_deletes_a_shift_after_confirming(client):
    world = make_world()
    shift = RotaShift.objects.create(
        spa=world.spa, role="duty_clinician", user=world.clinician, starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 17)
    )
    slug = world.partnership.slug
    sign_in(client, member(world.partnership, Role.AREA_LEAD))
    edit = reverse("referrals_shift_edit", args=[slug, shift.pk])
    form = client.get(edit).content.decode()
    assert 'value="09:00"' in form and 'value="17:00"' in form and 'value="2026-03-02"' in form
    response = client.post(
        edit,
        {
            "role": "duty_clinician",
            "user": world.second_clinician.pk,
            "start_date": "2026-03-02",
            "start_time": "09:00",
            "end_date": "2026-03-02",
            "end_time": "17:00",
        },
    )
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.user == world.second_clinician
    delete = reverse("referrals_shift_delete", args=[slug, shift.pk])
    assert "Delete this shift?" in client.get(delete).content.decode()
    assert RotaShift.objects.filter(pk=shift.pk).exists()  # the GET only asks
    assert client.post(delete).status_code == 302
    assert not RotaShift.objects.filter(pk=shift.pk).exists()


def test_another_partnerships_shift_is_404_and_the_clinician_is_403(client):
    world, other = make_world(), make_world("Other")
    theirs = RotaShift.objects.create(
        spa=other.spa, role="duty_clinician", user=other.clinician, starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 17)
    )
    slug = world.partnership.slug
    sign_in(client, world.duty_lead)
    assert client.get(reverse("referrals_shift_edit", args=[slug, theirs.pk])).status_code == 404
    assert client.post(reverse("referrals_shift_delete", args=[slug, theirs.pk])).status_code == 404
    assert client.get(reverse("referrals_rota", args=[other.partnership.slug])).status_code == 404
    assert RotaShift.objects.filter(pk=theirs.pk).exists()
    client.logout()
    sign_in(client, world.clinician)
    assert client.get(reverse("referrals_shift_add", args=[slug])).status_code == 403
    client.logout()
    sign_in(client, world.referrer)
    assert client.get(reverse("referrals_rota", args=[slug])).status_code == 403
