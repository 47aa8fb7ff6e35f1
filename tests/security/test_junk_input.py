"""Junk in query strings and empty or junk form posts never produce a 500, on any page.

Every URL of the access rules is fetched as the area lead (who may see everything) with junk in
every query parameter any page reads, and every POST is sent empty and with junk values.
"""

import pytest
from django.urls import reverse

from ..conftest import sign_in
from .rules import all_rules, args_for

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
    for value in (JUNK, "-1", "99999999999999999999", ""):
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
