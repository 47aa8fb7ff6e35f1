"""Property tests for every Django form that accepts user input (issue 8 item 4).

Every form class defined in the apps (forms modules, and any form class defined in views or
dashboards) is found by walking the packages, built from a small world with whatever constructor
arguments it needs, and fed arbitrary data: text with control characters and NUL bytes, huge
strings, unicode, numbers and dates as strings, lists. For each:

- `is_valid()` never raises;
- when invalid, the errors are keyed by the form's real fields or NON_FIELD_ERRORS;
- when valid, no cleaned value holds a NUL character (PostgreSQL cannot store one: every form
  must refuse it rather than let the database raise later).

A new form class fails `test_every_form_is_built` until it has a builder below (or is built without
arguments). The pages that show these forms are fuzzed through the real views in
tests/security/test_junk_input.py.

ROBUST_EXAMPLES sets the number of examples per form (default 12; `ROBUST_EXAMPLES=500` for a long run).
"""

import datetime
import importlib
import inspect
import os
import pkgutil

import pytest
from allauth.core import context as allauth_context
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cache import SessionStore
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.forms import BaseForm
from django.test import RequestFactory
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cascade.models import Cohort
from mhst.models import Team
from partnership.dashboards.scopes import partnership_scope
from partnership.models import Group, GroupMember, Membership, Organisation, Risk, User
from partnership.roles import Role
from referrals.models import Status
from referrals.services import rota

from ..cascade.factories import CohortFactory, ScoringTableFactory, WorkshopFactory
from ..factories import member
from ..governance.factories import (
    ActionFactory,
    GroupFactory,
    GroupMemberFactory,
    MouFactory,
    RiskFactory,
    TermsOfReferenceFactory,
)
from ..mhst.factories import make_world as make_mhst_world
from ..referrals.factories import draft, referral_in
from ..referrals.factories import make_world as make_referral_world

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("ROBUST_EXAMPLES", "12"))
APPS = ("cascade", "referrals", "mhst", "partnership")
NOT_USER_FACING = {"api", "migrations", "management", "tests"}  # API serializers are fuzzed by schemathesis

#: forms that take no user input, with the reason (kept small: every other form is exercised)
SKIP: dict[str, str] = {}


def discover_forms() -> dict[str, type]:
    """Every form class defined in the apps' modules (not imported ones), by dotted name."""
    found = {}
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if NOT_USER_FACING & set(info.name.split(".")):
                continue
            module = importlib.import_module(info.name)
            for obj in vars(module).values():
                if inspect.isclass(obj) and issubclass(obj, BaseForm) and obj.__module__ == info.name:
                    found[f"{info.name}.{obj.__qualname__}"] = obj
    return found


# --- arbitrary values -----------------------------------------------------------------------------

SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "1\x00",
    "0",
    "1",
    "2",
    "3",
    "-1",
    "1.5",
    "0.40",
    "1e309",
    "NaN",
    "-Infinity",
    "99999999999999999999",
    "2147483648",
    "2026-03-30",
    "30/03/2026",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "10:30",
    "25:61",
    "yes",
    "no",
    "on",
    "true",
    "None",
    "[]",
    "=1+1",
    "@SUM(A1)",
    "<script>alert(1)</script>",
    "\u202e\ufeff\u200b",
    "\ud7ff\U0010ffff",
    "x" * 5000,
    "ä" * 70_000,
]
TEXT = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=40),
    st.text(st.characters(max_codepoint=0x1F), max_size=8),  # control characters, NUL included
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
)
VALUE = st.one_of(TEXT, st.lists(TEXT, max_size=3))


def payloads(keys):
    """Dicts of some of `keys` (and an unknown key now and then) to arbitrary values."""
    return st.fixed_dictionaries({}, optional={**dict.fromkeys(keys, VALUE), "unexpected": VALUE})


def as_post(payload: dict) -> MultiValueDict:
    return MultiValueDict({key: value if isinstance(value, list) else [value] for key, value in payload.items()})


# --- the world the forms are built in -------------------------------------------------------------


class World:
    def __init__(self):
        self.r = make_referral_world()
        self.m = make_mhst_world()
        self.partnership = self.m.partnership
        self.lead = self.m.area_lead
        self.draft = draft(self.r)
        self.in_triage = referral_in(self.r, Status.IN_TRIAGE)
        cohort = CohortFactory(partnership=self.partnership)
        self.workshop = WorkshopFactory(cohort=cohort)
        self.table = ScoringTableFactory(workshop=self.workshop)
        self.risk = RiskFactory(partnership=self.partnership)
        self.action = ActionFactory(
            partnership=self.partnership, owner=self.lead, owner_organisation=self.m.school, created_by=self.lead
        )
        self.mou = MouFactory(partnership=self.partnership, created_by=self.lead)
        self.group = GroupFactory(partnership=self.partnership)
        self.seat = GroupMemberFactory(group=self.group, user=self.lead, organisation=self.m.school)
        self.terms = TermsOfReferenceFactory(group=self.group, created_by=self.lead)
        self.request = RequestFactory().post("/")
        self.request.session = SessionStore()
        self.request.user = AnonymousUser()
        self.totp_user = member(self.partnership, Role.DUTY_CLINICIAN, totp=True)


def _members(w):
    return Organisation.objects.filter(partnerships__partnership=w.partnership)


def _team(w):
    return {"user": w.m.manager, "team": w.m.team}


def _partnership(w):
    return {"user": w.lead, "partnership": w.partnership}


def _triage(w):
    return {"referral": w.in_triage, "user": w.r.clinician}


#: constructor arguments by form (dotted name); a form not listed is built with none
BUILDERS = {
    "cascade.forms.attendance.AttendeeForm": _partnership,
    "cascade.forms.attendance.TargetsForm": lambda w: {"targets": {}},
    "cascade.forms.plans.PlanActionForm": lambda w: {"user": w.lead, "workshop": w.workshop},
    "cascade.forms.scoring.ScoringForm": lambda w: {
        "domains": list(w.workshop.framework.domains.order_by("position")),
        "levels": list(w.workshop.framework.levels.order_by("score")),
        "scores": {},
    },
    "cascade.forms.workshops.WorkshopForm": lambda w: {
        **_partnership(w),
        "cohorts": Cohort.objects.filter(partnership=w.partnership),
    },
    "cascade.forms.workshops.TableForm": lambda w: {**_partnership(w), "table": w.table},
    "referrals.forms.school.StartForm": lambda w: {"schools": [w.r.school]},
    "referrals.forms.spa.SpaSetupForm": _partnership,
    "referrals.forms.spa.ShiftForm": lambda w: {"memberships": rota.eligible_memberships(w.r.spa)},
    "mhst.forms.activity.ActivityForm": _team,
    "mhst.forms.activity.ActivityFilterForm": _team,
    "mhst.forms.allocation.ProposeForm": lambda w: {"schools": _members(w)},
    "mhst.forms.allocation.DecideForm": lambda w: {"meetings": type(w.m.meeting).objects.filter(pk=w.m.meeting.pk)},
    "mhst.forms.schools.AgreementForm": _team,
    "mhst.forms.teams.TeamForm": lambda w: {**_partnership(w), "team": w.m.team},
    "mhst.forms.teams.TeamAddForm": _partnership,
    "mhst.forms.teams.PractitionerForm": _team,
    "mhst.forms.teams.HolidayOfferForm": lambda w: {"team": w.m.team},
    "mhst.views.metrics.PeriodForm": lambda w: {
        "teams": Team.objects.filter(partnership=w.partnership),
        "default": (datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)),
    },
    "partnership.dashboards.filters.FilterForm": lambda w: {
        "scope": partnership_scope(w.partnership),
        "allow_school": True,
    },
    "partnership.forms.actions.ActionForm": lambda w: {**_partnership(w), "action": w.action},
    "partnership.forms.actions.ProgressForm": lambda w: {"action": w.action, "user": w.lead},
    "partnership.forms.directory.DirectoryServiceForm": lambda w: {"providers": _members(w)},
    "partnership.forms.groups.SeatForm": lambda w: {
        "memberships": Membership.objects.filter(partnership=w.partnership),
        "other_groups": Group.objects.filter(partnership=w.partnership),
    },
    "partnership.forms.groups.EndSeatForm": lambda w: {"seat": w.seat},
    "partnership.forms.groups.DiffForm": lambda w: {"versions": [w.terms]},
    "partnership.forms.kernel.PartnershipDetailsForm": lambda w: {"instance": w.partnership},
    "partnership.forms.kernel.SignInForm": lambda w: {"request": w.request},
    "partnership.forms.kernel.SecurityCodeForm": lambda w: {"user": w.totp_user},
    "partnership.forms.kernel.ReauthenticateCodeForm": lambda w: {"user": w.totp_user},
    "partnership.forms.kernel.ActivateAuthenticatorForm": lambda w: {"user": w.lead},
    "partnership.forms.meetings.ActionForm": _partnership,
    "partnership.forms.meetings.AttendanceForm": lambda w: {
        "user": w.lead,
        "meeting": w.m.meeting,
        "seats": GroupMember.objects.filter(group=w.m.meeting.group),
    },
    "partnership.forms.members.ApplicationForm": lambda w: {"choices": Organisation.objects.all()},
    "partnership.forms.mous.MouForm": lambda w: {"instance": w.mou},
    "partnership.forms.mous.MouPartyForm": lambda w: {"user": w.lead, "mou": w.mou},
    "partnership.forms.mous.SignForm": lambda w: {"organisation": w.m.school},
    "partnership.forms.risks.RiskForm": lambda w: {**_partnership(w), "risk": w.risk},
    "partnership.forms.sustainability.SustainabilityPlanForm": lambda w: {
        "owners": User.objects.filter(memberships__partnership=w.partnership),
        "risks": Risk.objects.filter(partnership=w.partnership),
    },
}
#: the SBAR(D) sections take the referral being written; the triage forms the referral and clinician
for _name in ("Section", "Child", "Urgency", "Situation", "Background", "Assessment", "Recommendation", "Consent"):
    BUILDERS[f"referrals.forms.sbard.{_name}Form"] = lambda w: {"referral": w.draft}
for _name in ("Versioned", "Claim", "Accept", "Signpost", "NotAccept", "RequestInformation", "FirstContact", "Close"):
    BUILDERS[f"referrals.forms.triage.{_name}Form"] = _triage
BUILDERS["referrals.forms.triage.ReassignForm"] = _triage

#: forms whose data keys are not their field names (the dashboard filters read short query names)
DATA_KEYS = {"partnership.dashboards.filters.FilterForm": ("from", "to", "phase", "school")}


def build(name, form_class, world, data=None, files=None):
    kwargs = BUILDERS.get(name, lambda w: {})(world)
    if name == "partnership.dashboards.filters.FilterForm":
        return form_class(data if data is not None else {}, **kwargs)
    if files is not None:
        return form_class(data, files, **kwargs)
    return form_class(data, **kwargs)


@pytest.fixture
def world(db):
    world = World()
    with allauth_context.request_context(world.request):
        yield world


FORMS = discover_forms()


def test_the_walk_finds_the_forms():
    """The walk really finds forms in every app (so the coverage test below cannot pass empty)."""
    for app in APPS:
        assert any(name.startswith(f"{app}.forms.") for name in FORMS), app
    assert "mhst.views.metrics.PeriodForm" in FORMS
    assert len(FORMS) >= 90


def test_every_form_is_built(world):
    """Each form is built, unbound and bound, with its builder: a new form needing arguments fails here."""
    assert not (set(BUILDERS) - set(FORMS)), "builders for forms that no longer exist"
    assert not (set(SKIP) - set(FORMS)), "skipped forms that no longer exist"
    for name, form_class in FORMS.items():
        if name in SKIP:
            continue
        try:
            build(name, form_class, world)
            build(name, form_class, world, data={})
        except TypeError as error:
            pytest.fail(f"{name} cannot be built ({error}): add it to BUILDERS in {__name__}")


def _nul_free(value) -> bool:
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_nul_free(v) for v in value.values())
    if isinstance(value, list | tuple | set):
        return all(_nul_free(v) for v in value)
    return True


def check_form(name, form_class, world):
    unbound = build(name, form_class, world)
    keys = DATA_KEYS.get(name) or [unbound.add_prefix(field) for field in unbound.fields]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(payload=payloads(keys))
    def run(payload):
        data = as_post(payload)
        files = None
        if any(isinstance(field, forms.FileField) for field in unbound.fields.values()):
            files = MultiValueDict({field: [SimpleUploadedFile("x.csv", b"a,b\n")] for field in unbound.fields})
        form = build(name, form_class, world, data=data, files=files)
        valid = form.is_valid()  # must not raise
        allowed = set(form.fields) | {NON_FIELD_ERRORS}
        assert set(form.errors) <= allowed, (name, sorted(form.errors), payload)
        if valid:
            assert _nul_free(form.cleaned_data), (name, "a NUL character was accepted", payload)
        else:
            assert form.errors, (name, "invalid without an error to show", payload)

    run()


@pytest.mark.parametrize("app", APPS)
def test_arbitrary_data_never_breaks_a_form(world, app):
    for name, form_class in FORMS.items():
        if name.startswith(f"{app}.") and name not in SKIP:
            check_form(name, form_class, world)


def test_a_nul_character_is_refused_by_every_text_field(world):
    """The regression for the classic PostgreSQL crash: a NUL in any field that takes text is an error."""
    for name, form_class in FORMS.items():
        if name in SKIP or name in DATA_KEYS:
            continue
        form = build(name, form_class, world)
        for field_name, field in form.fields.items():
            if not isinstance(field, forms.CharField):
                continue
            bound = build(name, form_class, world, data=as_post({form.add_prefix(field_name): "ok\x00"}))
            assert not bound.is_valid(), (name, field_name)
            assert field_name in bound.errors, (name, field_name, bound.errors)
