"""Junk in query strings and empty or junk form posts never produce a 500, on any page.

Every URL of the access rules is fetched as the area lead (who may see everything) with junk in
every query parameter any page reads, and every POST is sent empty and with junk values.

Then every form page is posted arbitrary data (hypothesis: every field name any form has, with
text holding control characters, NUL bytes, huge strings, unicode, numbers and dates as strings,
lists), through the real view, as a user who may use the page: the lead's pages of the access
rules, and the school, duty clinician, duty lead and MHST manager pages of the referral and MHST
worlds. The bound form is re-shown with its errors, or the action happens: never a 500.
ROBUST_PAGE_EXAMPLES sets the examples per page (default 3).
"""

import os
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mhst.models import ReadinessCode
from referrals.forms.sbard import SECTIONS
from referrals.forms.triage import DECISIONS
from referrals.models import Status

from ..conftest import sign_in
from ..mhst.factories import approved
from ..mhst.factories import make_world as make_mhst_world
from ..referrals.factories import draft, referral_in
from ..referrals.factories import make_world as make_referral_world
from .rules import all_rules, args_for
from .test_form_properties import FORMS, TEXT

pytestmark = pytest.mark.django_db

JUNK = "\u00b2<script>'\"=1+1"
PARAMS = [
    "page",
    "group",
    "when",
    "old",
    "new",
    "q",
    "status",
    "sector",
    "kind",
    "rag",
    "owner",
    "source",
    "mine",
    "need",
    "age",
    "phase",
    "thrive",
    "channel",
    "self_referral",
    "rating",
    "min_score",
    "partnership",
    "include_inactive",
    "new",
    "week",
    "date",
    "urgency",
    "school",
    "min_days",
    "on",
    "from",
    "to",
    "team",
    "include",
    "practitioner",
    "function",
    "type",
    "max_days",
    "clock",
    "claimed_by",
    "open",
    "ordering",
]
RULES = all_rules()
GETS = sorted(rule for rule, (method, expected) in RULES.items() if method == "get" and expected.get("lead"))
POSTS = sorted(rule for rule, (method, expected) in RULES.items() if method == "post" and expected.get("lead"))


@pytest.mark.parametrize("rule", GETS)
def test_junk_query_strings_never_500(client, cast, rule):
    name = rule.split(":")[0]
    url = reverse(name, args=args_for(name, cast))
    sign_in(client, cast.lead)
    values = [JUNK, "-1", "99999999999999999999", ""]
    if not name.startswith("api_"):  # the API's query parameters are fuzzed by schemathesis (tests/api)
        values.append("a\x00b")  # PostgreSQL cannot store a NUL: a page must refuse it, not crash
    for value in values:
        response = client.get(url, dict.fromkeys(PARAMS, value))
        assert response.status_code < 500, (url, value)


@pytest.mark.parametrize("rule", POSTS)
def test_empty_and_junk_posts_never_500(client, cast, rule):
    name = rule.split(":")[0]
    url = reverse(name, args=args_for(name, cast))
    sign_in(client, cast.lead)
    for data in ({}, dict.fromkeys(("name", "title", "email", "due_date", "status", "likelihood", "owner"), JUNK)):
        response = client.post(url, data)
        assert response.status_code < 500, (url, data)


# --- arbitrary data posted to every form page -----------------------------------------------------

PAGE_EXAMPLES = int(os.environ.get("ROBUST_PAGE_EXAMPLES", "3"))
FIELD_NAMES = sorted({field for form in FORMS.values() for field in form.base_fields})
#: the form-level properties try huge strings; here a few kB per field keeps the body under the upload limit
PAGE_TEXT = TEXT.filter(lambda text: len(text) <= 5000)
FORM_PAGES = sorted(
    rule
    for rule, (method, expected) in RULES.items()
    if method == "post" and expected.get("lead") in (200, 302) and not rule.startswith("api_")
)


def posted(prefix: str = ""):
    """Every field name any form has (with the page's form prefix), each with an arbitrary value.

    At most 3 values a field (under DATA_UPLOAD_MAX_NUMBER_FIELDS) of at most 5,000 characters, so
    Django hands the data to the view rather than refusing the request."""
    assert len(FIELD_NAMES) * 3 < 1000
    value = st.one_of(PAGE_TEXT, st.lists(PAGE_TEXT, max_size=3))
    return st.fixed_dictionaries({f"{prefix}{name}": value for name in FIELD_NAMES})


def fuzz_page(client, url, *, prefix="", files=False):
    @settings(
        max_examples=PAGE_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(payload=posted(prefix), upload=st.binary(max_size=2000) if files else st.none())
    def run(payload, upload):
        data = dict(payload)
        if upload is not None:
            data["file"] = SimpleUploadedFile("upload.csv", upload, content_type="text/csv")
        response = client.post(url, data)
        assert response.status_code < 500, (url, payload)

    run()


def test_arbitrary_posts_to_the_leads_form_pages_never_500(client, cast):
    """One test over every form page of the access rules the lead may post to (one sign-in)."""
    sign_in(client, cast.lead)
    for rule in FORM_PAGES:
        name = rule.split(":")[0]
        with transaction.atomic():  # each page's objects are made afresh, as in its own test
            fuzz_page(client, reverse(name, args=args_for(name, cast)))
            transaction.set_rollback(True)


def _referral_pages(world):
    slug = world.partnership.slug
    writing = draft(world)
    asked = referral_in(world, Status.INFO_REQUESTED)
    in_triage = referral_in(world, Status.IN_TRIAGE)
    accepted = referral_in(world, Status.ACCEPTED)
    contacted = referral_in(world, Status.FIRST_CONTACT)
    school = [reverse("referrals_start", args=[slug])]
    school += [reverse("referrals_school_edit", args=[slug, writing.pk, section.slug]) for section in SECTIONS]
    school += [reverse(name, args=[slug, asked.pk]) for name in ("referrals_school_answer", "referrals_school_message")]
    # the triage page's forms each carry a prefix (the form's name)
    clinician = [(reverse("referrals_triage_decide", args=[slug, in_triage.pk, d]), f"{d}-") for d in DECISIONS]
    clinician += [
        (reverse("referrals_triage_message", args=[slug, in_triage.pk]), "message-"),
        (reverse("referrals_triage_first_contact", args=[slug, accepted.pk]), "first_contact-"),
        (reverse("referrals_triage_close", args=[slug, contacted.pk]), "close-"),
        (reverse("referrals_triage_release", args=[slug, in_triage.pk]), "release-"),
        (reverse("referrals_triage_claim", args=[slug, referral_in(world, Status.SUBMITTED).pk]), "claim-"),
    ]
    reassign = (reverse("referrals_triage_reassign", args=[slug, in_triage.pk]), "reassign-")
    return (
        [(world.referrer, url, "") for url in school]
        + [(world.clinician, url, prefix) for url, prefix in clinician]
        + [(world.duty_lead, *reassign)]
    )


def test_arbitrary_posts_to_the_referral_pages_never_500(client):
    world = make_referral_world()
    pages = _referral_pages(world)
    for user in dict.fromkeys(user for user, _, _ in pages):
        client.logout()
        sign_in(client, user)
        for url, prefix in ((url, prefix) for who, url, prefix in pages if who == user):
            assert client.get(url).status_code in (200, 302, 405), url  # the user may use the page
            fuzz_page(client, url, prefix=prefix)


def test_arbitrary_posts_to_the_mhst_pages_never_500(client):
    world = make_mhst_world()
    slug, team, school = world.partnership.slug, world.team.pk, world.school.pk
    pages = [
        reverse(name, args=[slug, team])
        for name in ("mhst_activity_add", "mhst_practitioner_add", "mhst_offer_add", "mhst_holiday_add")
    ]
    approved(world.team, {world.school: Decimal("0.5")}, by=world.area_lead)  # the team works in the school
    pages.append(reverse("mhst_agreement_edit", args=[slug, school, team]))
    pages.append(reverse("mhst_practitioner_edit", args=[slug, world.practitioner.pk]))
    sign_in(client, world.manager)
    for url in pages:
        assert client.get(url).status_code == 200, url
        fuzz_page(client, url)
    url = reverse("mhst_activity_import", args=[slug, team])
    assert client.get(url).status_code == 200
    fuzz_page(client, url, files=True)
    client.logout()
    sign_in(client, world.school_lead)
    url = reverse("mhst_readiness_item", args=[slug, school, ReadinessCode.values[0]])
    assert client.get(url).status_code == 200, url
    fuzz_page(client, url)


def test_arbitrary_posts_to_the_sign_in_page_never_500(client, cast):
    fuzz_page(client, reverse("account_login"))


def test_a_nul_in_the_application_forms_search_is_an_error_not_a_500(client, cast):
    """Regression: the application form's hidden search (q) went straight to the register search,
    and PostgreSQL refused the NUL with a DataError (a 500)."""
    sign_in(client, cast.lead)
    response = client.post(reverse("member_apply", args=[cast.partnership.slug]), {"q": "Oak\x00", "note": "x"})
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
