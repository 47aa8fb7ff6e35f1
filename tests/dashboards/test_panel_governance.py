"""The governance dashboard panel against hand calculations: actions by RAG and overdue, risks by
rating, stale lead contacts, MOU and terms of reference reviews; the governance pages' own
definitions; commissioner and national scopes; filters; a fixed number of queries."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnership import metrics
from partnership.dashboards.service import shown_panel
from partnership.figures import Filters, Level, Number, Scope, Text
from partnership.models import Action, Group, LeadContact, Mou, PartnershipOrganisation, Risk, TermsOfReference
from partnership.registry import dashboard_panel
from partnership.roles import Permission
from partnership.services.leads import stale_leads

from ..factories import OrganisationFactory, PartnershipFactory, PartnershipOrganisationFactory
from ..governance.factories import (
    ActionFactory,
    GroupFactory,
    LeadContactFactory,
    MouFactory,
    RiskFactory,
    TermsOfReferenceFactory,
)

pytestmark = pytest.mark.django_db
Kind = LeadContact.Kind
ALL = Filters(start=datetime.date(2025, 12, 1), end=datetime.date(2026, 11, 30))


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def when(n):
    return f"{days(n):%-d %B %Y}"


def scope(*partnerships, level=Level.COMMISSIONER):
    return Scope(level, tuple(p.pk for p in partnerships), "test")


def rows(figures, key) -> dict:
    table = next(t for t in figures.tables if t.key == key)
    found = {r.label: tuple(c.value for c in r.cells) for r in table.rows}
    if table.total:
        found[table.total.label] = tuple(c.value for c in table.total.cells)
    return found


def area(name, months=4):
    partnership = PartnershipFactory(name=name, lead_confirmation_months=months)
    Risk.objects.filter(partnership=partnership).delete()  # the seeded common risks
    return partnership


def action(partnership, due_in, status=Action.Status.NOT_STARTED, at_risk=False):
    return ActionFactory(partnership=partnership, due_date=days(due_in), status=status, at_risk=at_risk)


def lead(member, kind, confirmed=None, **kw):
    return LeadContactFactory(member=member, kind=kind, last_confirmed_at=confirmed, **kw)


@pytest.fixture
def ashby():
    p = area("Ashby")
    # Red (overdue): 5, 30 | 31, 45 | 200 days; Amber: due in 10 days, due today, at risk; Green; 2 done
    for due_in in (-5, -30, -31, -45, -200, 10, 0, 60):
        action(p, due_in)
    action(p, 60, at_risk=True)
    action(p, -100, Action.Status.COMPLETE)
    action(p, 5, Action.Status.CANCELLED)
    Action.objects.filter(partnership=p, due_date=days(-45)).update(status=Action.Status.IN_PROGRESS)
    # risks: 25 Extreme open (review overdue), 12 High open, 8 High proposed (review overdue),
    # 4 Moderate open; closed ones (3 Low, 16 Extreme) are left out
    RiskFactory(partnership=p, likelihood=5, impact=5, review_date=days(-1))
    RiskFactory(partnership=p, likelihood=3, impact=4)
    RiskFactory(partnership=p, likelihood=2, impact=4, status=Risk.Status.PROPOSED, review_date=days(-20))
    RiskFactory(partnership=p, likelihood=2, impact=2)
    RiskFactory(partnership=p, likelihood=1, impact=3, status=Risk.Status.CLOSED, review_date=days(-9))
    RiskFactory(partnership=p, likelihood=4, impact=4, status=Risk.Status.CLOSED)
    # leads (confirmation period 4 months): school: senior lead fresh, MHST link 5 months old (stale);
    # CYPMHS: link never confirmed (stale), SPA contact 3 months old, an ended link; a lapsed member's stale lead
    now = timezone.now()
    school = PartnershipOrganisationFactory(partnership=p)
    cypmhs = PartnershipOrganisationFactory(partnership=p, organisation=OrganisationFactory(cypmhs=True))
    lapsed = PartnershipOrganisationFactory(partnership=p, status=PartnershipOrganisation.Status.LAPSED)
    lead(school, Kind.SENIOR_MH_LEAD, now)
    lead(school, Kind.MHST_LINK, now - relativedelta(months=5))
    lead(cypmhs, Kind.CYPMHS_LINK, None)
    lead(cypmhs, Kind.SPA_CONTACT, now - relativedelta(months=3))
    lead(cypmhs, Kind.CYPMHS_LINK, None, ended_on=days(-30))
    lead(lapsed, Kind.SENIOR_MH_LEAD, None)
    # MOUs: signed with reviews 10 days ago (overdue), in 20 days (due), in 100 days; a draft and a
    # superseded one with past reviews are left out
    for review_in in (-10, 20, 100):
        MouFactory(partnership=p, status=Mou.Status.SIGNED, start_date=days(-400), review_date=days(review_in))
    MouFactory(partnership=p, status=Mou.Status.DRAFT, start_date=days(-400), review_date=days(-50))
    MouFactory(partnership=p, status=Mou.Status.SUPERSEDED, start_date=days(-900), review_date=days(-300))
    # terms of reference: published, review in 5 days (due) and 3 days ago (overdue); a draft and an
    # inactive group's published version are left out
    steering, forum = GroupFactory(partnership=p), GroupFactory(partnership=p, kind=Group.Kind.FORUM)
    published = TermsOfReference.Status.PUBLISHED
    TermsOfReferenceFactory(group=steering, status=published, review_date=days(5))
    TermsOfReferenceFactory(group=steering, status=TermsOfReference.Status.DRAFT, review_date=days(-60))
    TermsOfReferenceFactory(group=forum, status=published, review_date=days(-3))
    old = GroupFactory(partnership=p, kind=Group.Kind.WORKING, is_active=False)
    TermsOfReferenceFactory(group=old, status=published, review_date=days(-100))
    return p


@pytest.fixture
def brent():
    """Confirmation period 12 months: a lead 5 months old is fresh, one 13 months old is stale."""
    p = area("Brent", months=12)
    action(p, -2)
    action(p, 90)
    RiskFactory(partnership=p, likelihood=4, impact=5)
    member = PartnershipOrganisationFactory(partnership=p)
    now = timezone.now()
    lead(member, Kind.SENIOR_MH_LEAD, now - relativedelta(months=5))
    lead(member, Kind.MHST_LINK, now - relativedelta(months=13))
    MouFactory(partnership=p, status=Mou.Status.SIGNED, start_date=days(-400), review_date=days(3))
    return p


def test_the_panel_is_registered_for_dashboard_readers():
    panel = dashboard_panel("governance")
    assert (panel.title, panel.permission, panel.order) == ("Partnership governance", Permission.VIEW_DASHBOARDS, 40)


def test_actions_by_rag_by_hand(ashby):
    figures = metrics.compute(scope(ashby, level=Level.PARTNERSHIP), ALL)
    assert rows(figures, "actions") == {
        "Red: overdue": (5,),
        "Amber: due within 14 days or flagged at risk": (3,),  # due in 10 days, due today, at risk
        "Green: on track": (1,),
        "Complete or cancelled": (2,),
        "All actions": (11,),
    }
    assert rows(figures, "overdue") == {
        "1 to 30 days overdue": (2,),  # 5 and 30 days
        "31 to 90 days overdue": (2,),  # 31 and 45 days
        "More than 90 days overdue": (1,),  # 200 days; the complete one 100 days past is not overdue
        "All overdue actions": (5,),
    }


def test_the_rag_is_the_action_logs_rule(ashby):
    figures = metrics.compute(scope(ashby), ALL)
    by_rag = {}
    for each in Action.objects.filter(partnership=ashby):
        by_rag[each.rag_on(today())] = by_rag.get(each.rag_on(today()), 0) + 1
    shown = rows(figures, "actions")
    for rag, n in by_rag.items():
        assert shown[metrics.RAG_LABELS[rag]] == (n,)


def test_risks_by_rating_by_hand(ashby):
    # columns: open, proposed, reviews overdue
    assert rows(metrics.compute(scope(ashby), ALL), "risks") == {
        "Extreme": (1, 0, 1),
        "High": (1, 1, 1),
        "Moderate": (1, 0, 0),
        "Low": (0, 0, 0),
        "All risks not closed": (3, 1, 2),
    }


def test_stale_leads_by_hand(ashby):
    leads = rows(metrics.compute(scope(ashby), ALL), "leads")
    assert leads == {
        Kind.SENIOR_MH_LEAD.label: (1, 0),
        Kind.CYPMHS_LINK.label: (1, 1),
        Kind.SPA_CONTACT.label: (1, 0),
        Kind.MHST_LINK.label: (1, 1),
        Kind.VCSO_CONTACT.label: (0, 0),
        "All lead contacts": (4, 2),
    }
    active = stale_leads(ashby).filter(member__status=PartnershipOrganisation.Status.ACTIVE)
    assert leads["All lead contacts"][1] == active.count()


def test_reviews_by_hand(ashby):
    # columns: in force, overdue, due within 30 days, next review, most overdue
    assert rows(metrics.compute(scope(ashby), ALL), "reviews") == {
        "Memoranda of understanding (signed)": (3, 1, 1, when(20), when(-10)),
        "Terms of reference (published, active groups)": (2, 1, 1, when(5), when(-3)),
    }


def test_nothing_to_review():
    reviews = rows(metrics.compute(scope(area("Corby")), ALL), "reviews")
    assert reviews["Memoranda of understanding (signed)"] == (0, 0, 0, "None", "None")


def test_one_partnership_has_no_table_by_partnership(ashby):
    keys = [t.key for t in metrics.compute(scope(ashby, level=Level.PARTNERSHIP), ALL).tables]
    assert keys == ["actions", "overdue", "risks", "leads", "reviews"]


def test_a_commissioners_partnerships_add_up(ashby, brent):
    figures = metrics.compute(scope(ashby, brent), ALL)
    assert rows(figures, "actions")["Red: overdue"] == (6,)
    assert rows(figures, "actions")["All actions"] == (13,)
    assert rows(figures, "overdue")["1 to 30 days overdue"] == (3,)
    assert rows(figures, "risks")["Extreme"] == (2, 0, 1)  # Brent's 20 is reviewed in 90 days
    leads = rows(figures, "leads")
    assert leads[Kind.SENIOR_MH_LEAD.label] == (2, 0)  # Brent's, 5 months old, is fresh at 12 months
    assert leads[Kind.MHST_LINK.label] == (2, 2)
    assert leads["All lead contacts"] == (6, 3)
    assert rows(figures, "reviews")["Memoranda of understanding (signed)"] == (4, 1, 2, when(3), when(-10))
    # open actions, overdue, open High or Extreme risks, stale leads, reviews overdue, next review
    assert rows(figures, "partnerships") == {
        "Ashby": (9, 5, 2, 2, 2, when(5)),
        "Brent": (2, 1, 1, 1, 0, when(3)),
    }


def test_national_scope_and_no_suppression_of_small_numbers(ashby, brent):
    national = shown_panel(dashboard_panel("governance"), scope(ashby, brent, level=Level.NATIONAL), ALL)
    local = shown_panel(dashboard_panel("governance"), scope(ashby, level=Level.PARTNERSHIP), ALL)
    assert national.table("actions").as_rows()[1] == ["Red: overdue", 6]
    # actions are not children: a 5 is a 5 at partnership level too
    assert local.table("actions").as_rows()[1] == ["Red: overdue", 5]
    assert not any(c.suppressed for t in local.tables for r in t.all_rows for c in r.cells)
    figures = metrics.compute(scope(ashby, brent, level=Level.NATIONAL), ALL)
    for table in figures.tables:
        for row in (*table.rows, *((table.total,) if table.total else ())):
            assert all(isinstance(c, Number | Text) for c in row.cells)


def test_filters_do_not_apply_and_a_note_says_so(ashby):
    everything = metrics.compute(scope(ashby), ALL)
    narrowed = metrics.compute(
        scope(ashby), Filters(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 1, 31), phase="Primary")
    )
    assert narrowed.tables == everything.tables
    assert metrics.NOTE in narrowed.notes


def test_another_partnership_is_not_counted(ashby, brent):
    assert rows(metrics.compute(scope(brent), ALL), "actions")["All actions"] == (2,)


def _queries(the_scope) -> int:
    with CaptureQueriesContext(connection) as captured:
        metrics.compute(the_scope, ALL)
    return len(captured)


def test_query_count_does_not_grow_with_rows_or_partnerships(ashby, brent):
    few = _queries(scope(ashby, level=Level.PARTNERSHIP))
    for n in range(20):
        action(ashby, n - 10)
        RiskFactory(partnership=ashby, likelihood=1 + n % 5, impact=1 + n % 3)
        lead(PartnershipOrganisationFactory(partnership=ashby), Kind.SENIOR_MH_LEAD, None)
        MouFactory(partnership=ashby, status=Mou.Status.SIGNED, start_date=days(-400), review_date=days(n - 5))
        TermsOfReferenceFactory(group=GroupFactory(partnership=ashby), status="published", review_date=days(n))
    assert _queries(scope(ashby, level=Level.PARTNERSHIP)) == few
    assert _queries(scope(ashby, brent)) == few
    more = [area(f"Extra {n}", months=1 + n) for n in range(4)]
    assert _queries(scope(ashby, brent, *more, level=Level.NATIONAL)) == few
