"""The results pages: numbers match a hand calculation, charts sit beside tables, rounds, progress,
cohort tables, the next level, scoping (404 for another partnership) and empty states."""

import re
from fractions import Fraction

import pytest
from django.urls import reverse

from cascade.presenters import signed
from partnership.roles import Role

from ..conftest import sign_in
from ..factories import member
from .factories_results import make_workshop, score_table

pytestmark = pytest.mark.django_db

ROUND1 = {
    ("North", "1"): [0, 1, 2, 3, 0, 1, 2],
    ("North", "2"): [1, 1, 2, 2, 0, 0, 3],
    ("South", "1"): [2, 0, 1, 3, 1, 1, 2],
}
ROUND2 = {
    ("North", "1"): [2, 2, 2, 3, 1, 2, 3],
    ("North", "2"): [2, 1, 3, 3, 1, 1, 3],
    ("South", "1"): [2, 1, 2, 3, 1, 1, 2],
}


def scored(partnership, rounds=(1, 2)):
    workshops = {}
    for round_, data in ((1, ROUND1), (2, ROUND2)):
        if round_ not in rounds:
            continue
        for (cohort, label), scores in data.items():
            key = (cohort, round_)
            if key not in workshops:
                workshops[key] = make_workshop(partnership, cohort, round_)
            score_table(workshops[key], label, scores)
    return workshops


def text(response) -> str:
    """The page's visible text, without the headings the responsive tables repeat in each cell."""
    assert response.status_code == 200
    html = re.sub(
        r'<span class="nhsuk-(table-responsive__heading|u-visually-hidden)">[^<]*</span>', "", response.content.decode()
    )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def page(client, user, name, *args, **params):
    sign_in(client, user)
    return client.get(reverse(name, args=args), params)


def test_results_show_the_hand_calculated_means_total_and_band(client, cast):
    scored(cast.partnership, rounds=(1,))
    response = page(client, cast.reader, "cascade_results", cast.partnership.slug)
    body = text(response)
    # total 28/3 = 9.33 -> 9.3, High; clarity mean 1.0 with 1 of 3 tables at 0 and 1 of 3 at 2 or 3
    assert "Total 9.3 out of 21" in body
    assert "Band: High" in body
    assert re.search(r"Clarity[^|]*?1\.0 33\.3% 33\.3% 3", body)
    # ability to learn: 1/3 -> 0.3; 2 of 3 tables at Major challenge -> 66.7%, none widespread
    assert "0.3 66.7% 0.0% 3" in body
    # cohorts: North 9.0, South 10.0
    assert re.search(r"North[^|]*? 2 9\.0 High", body)
    assert re.search(r"South[^|]*? 1 10\.0 High", body)
    html = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img"' in html
    assert "<title id=" in html and "<desc id=" in html
    assert "Progress is shown once both round 1 and round 2 have scores." in body


def test_results_default_to_the_latest_round_and_show_progress(client, cast):
    scored(cast.partnership)
    body = text(page(client, cast.lead, "cascade_results", cast.partnership.slug))
    # round 2 total 41/3 = 13.7; change 13/3 -> +4.3 (up)
    assert "CASCADE results" in body and "Total 13.7 out of 21" in body
    assert "Partnership total: 9.3 in round 1, 13.7 in round 2: +4.3 (up)" in body
    # clarity 1 -> 2 (+1.0 up); common outcomes 8/3 -> 3 (+0.3 up)
    assert re.search(r"Clarity[^|]*?1\.0 2\.0 \+1\.0 \(up\)", body)
    assert "2.7 3.0 +0.3 (up)" in body
    # cohorts: North 9.0 -> 14.5 (+5.5), South 10.0 -> 12.0 (+2.0), both in the 6 or more group
    assert "North 9.0 14.5 +5.5 (up)" in body
    assert "South 10.0 12.0 +2.0 (up)" in body
    assert "Cohorts with a round-1 total 6 or more" in body
    assert "Cohorts with a round-1 total below 6: none." in body
    round1 = text(page(client, cast.lead, "cascade_results", cast.partnership.slug, round=1))
    assert "Total 9.3 out of 21" in round1


def test_cohorts_are_grouped_by_their_round_one_total(client, cast):
    low1 = make_workshop(cast.partnership, "East", 1)
    low2 = make_workshop(cast.partnership, "East", 2)
    score_table(low1, "1", [0, 0, 1, 1, 0, 1, 1])  # total 4.0
    score_table(low2, "1", [1, 1, 1, 1, 1, 1, 1])  # total 7.0
    body = text(page(client, cast.lead, "cascade_results", cast.partnership.slug))
    below = body.split("Cohorts with a round-1 total below 6")[1].split("Cohorts with a round-1 total 6 or more")[0]
    assert "East 4.0 7.0 +3.0 (up)" in below


def test_an_empty_partnership_says_there_are_no_scores(client, cast):
    body = text(page(client, cast.lead, "cascade_results", cast.partnership.slug))
    assert "No table has scored round 1 yet." in body
    assert "<svg" not in body


def test_a_bad_round_is_a_404_not_a_500(client, cast):
    assert page(client, cast.lead, "cascade_results", cast.partnership.slug, round="3").status_code == 404
    assert page(client, cast.lead, "cascade_results", cast.partnership.slug, round="x").status_code == 404


def test_another_partnerships_results_and_cohorts_are_404(client, cast):
    workshops = scored(cast.other_partnership, rounds=(1,))
    cohort = workshops[("North", 1)].cohort
    sign_in(client, cast.lead)
    assert client.get(reverse("cascade_results", args=[cast.other_partnership.slug])).status_code == 404
    assert client.get(reverse("cascade_cohort_results", args=[cast.partnership.slug, cohort.pk])).status_code == 404
    # and another partnership's scores never leak into one's own results
    assert "No table has scored" in text(client.get(reverse("cascade_results", args=[cast.partnership.slug])))


def test_the_cohort_page_shows_each_tables_seven_scores(client, cast):
    workshops = scored(cast.partnership, rounds=(1,))
    cohort = workshops[("North", 1)].cohort
    body = text(page(client, cast.reader, "cascade_cohort_results", cast.partnership.slug, cohort.pk, round=1))
    assert "North: results by table" in body
    assert "1 0 1 2 3 0 1 2" in body
    assert "2 1 1 2 2 0 0 3" in body
    assert "Total 9.0 out of 21" in body


def test_a_commissioner_reads_the_results(client, cast):
    scored(cast.partnership, rounds=(1,))
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    assert "Total 9.3 out of 21" in text(page(client, commissioner, "cascade_results", cast.partnership.slug))


def test_the_domain_page_shows_the_next_level_up(client, cast):
    scored(cast.partnership, rounds=(1,))
    # structures: 5/3 = 1.7, reached level 1, next is level 2
    body = text(page(client, cast.reader, "cascade_domain", cast.partnership.slug, "structures"))
    assert "Round 1 mean: 1.7 out of 3" in body
    assert "has reached 1 Good elements of practice" in body
    assert "The next level 2 Widespread good practice" in body
    assert "No actions have been planned against this domain yet." in body
    # the reader cannot plan: no links to the planning page
    assert "Plan an action agreed at" not in body


def test_the_domain_page_at_gold_standard_says_there_is_no_level_above(client, cast):
    workshop = make_workshop(cast.partnership)
    score_table(workshop, "1", [3, 0, 0, 0, 0, 0, 0])
    body = text(page(client, cast.lead, "cascade_domain", cast.partnership.slug, "clarity"))
    assert "has reached 3 Gold standard" in body
    assert "there is no level above" in body
    assert "Plan an action agreed at North, round 1" in body


def test_an_unknown_domain_is_404(client, cast):
    assert page(client, cast.lead, "cascade_domain", cast.partnership.slug, "nonsense").status_code == 404


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (Fraction(1, 3), "+0.3 (up)"),
        (Fraction(-2, 3), "-0.7 (down)"),
        (Fraction(0), "0.0 (no change)"),
        (Fraction(1, 40), "0.0 (no change)"),
        (Fraction(1, 20), "+0.1 (up)"),
        (None, "Not available"),
    ],
)
def test_changes_are_signed_with_words(delta, expected):
    assert signed(delta) == expected
