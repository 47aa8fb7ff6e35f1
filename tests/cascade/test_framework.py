"""The CASCADE framework as data: cascade.services.framework.load_framework and `manage.py load_framework`."""

import copy
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cascade.models import Domain, Framework, Level
from cascade.services.framework import OFFICIAL_SOURCE, SHIPPED_FRAMEWORK, load_framework

from .factories import DOMAIN_CODES as CODES

pytestmark = pytest.mark.django_db


def shipped() -> dict:
    return json.loads(SHIPPED_FRAMEWORK.read_text(encoding="utf-8"))


def official_shape() -> dict:
    """A small framework in the official file's shape: per-level text under `descriptors`."""
    data = shipped()
    data.pop("guidance_source")
    for domain in data["domains"]:
        domain["descriptors"] = [f"Stand-in official text for {domain['code']} at level {n}" for n in range(4)]
        del domain["guidance"]
    return data


def counts() -> tuple[int, int, int]:
    return Framework.objects.count(), Level.objects.count(), Domain.objects.count()


def test_the_shipped_file_loads_seven_domains_in_order_and_four_levels():
    framework = load_framework(shipped())

    assert (framework.code, framework.version, framework.is_current) == ("CASCADE", "2015", True)
    assert "Anna Freud National Centre for Children and Families" in framework.attribution
    assert tuple(framework.domains.values_list("code", flat=True)) == CODES
    assert list(framework.domains.values_list("position", flat=True)) == list(range(1, 8))
    assert "".join(framework.domains.values_list("letter", flat=True)) == "CASCADE"
    assert list(framework.levels.values_list("score", "label")) == [
        (0, "Major challenge"),
        (1, "Good elements of practice"),
        (2, "Widespread good practice"),
        (3, "Gold standard"),
    ]
    for domain in framework.domains.all():
        assert len(domain.guidance) == 4 and all(text.strip() for text in domain.guidance)


def test_the_shipped_guidance_is_the_platforms_own_short_text():
    data = shipped()
    assert data["guidance_source"] == "Short guidance written for this platform (not the published descriptors)"
    texts = [text for domain in data["domains"] for text in domain["guidance"]]
    assert len(texts) == 28
    assert all(len(text) <= 300 for text in texts)
    assert all("descriptors" not in domain for domain in data["domains"])
    assert load_framework(data).guidance_source == data["guidance_source"]


def test_reloading_is_idempotent():
    first = load_framework(shipped())
    before = counts()
    again = load_framework(shipped())
    assert again.pk == first.pk
    assert counts() == before == (1, 4, 7)


def test_an_official_file_loads_unchanged_and_replaces_the_guidance():
    load_framework(shipped())
    framework = load_framework(official_shape())

    assert framework.guidance_source == OFFICIAL_SOURCE
    assert counts() == (1, 4, 7)
    clarity = framework.domains.get(code="clarity")
    assert clarity.guidance == [f"Stand-in official text for clarity at level {n}" for n in range(4)]


def test_domains_no_longer_in_the_file_are_removed_and_positions_can_move():
    load_framework(shipped())
    data = shipped()
    data["domains"] = list(reversed(data["domains"][:3]))
    for position, domain in enumerate(data["domains"], start=1):
        domain["position"] = position
    framework = load_framework(data)
    assert list(framework.domains.values_list("code", flat=True)) == ["structures", "agreed_contact", "clarity"]
    assert Domain.objects.count() == 3


def test_make_current_leaves_one_current_framework_per_code():
    old = load_framework(shipped())
    newer = shipped() | {"version": "2025"}
    new = load_framework(newer)
    old.refresh_from_db()
    assert new.is_current and not old.is_current
    assert Framework.objects.filter(code="CASCADE", is_current=True).count() == 1

    trial = load_framework(shipped() | {"version": "2026-draft"}, make_current=False)
    assert not trial.is_current
    assert list(Framework.objects.filter(is_current=True)) == [new]

    load_framework(shipped())  # re-loading 2015 makes it current again
    assert list(Framework.objects.filter(is_current=True).values_list("version", flat=True)) == ["2015"]


def broken(change) -> dict:
    data = copy.deepcopy(shipped())
    change(data)
    return data


INVALID = {
    "three levels": (lambda d: d["levels"].pop(), "expected 4 levels scored 0-3, found 3"),
    "score out of range": (lambda d: d["levels"][3].update(score=4), "level 4: score must be a whole number 0-3"),
    "repeated score": (lambda d: d["levels"][3].update(score=2), "scores must be 0, 1, 2 and 3 once each"),
    "no domains": (lambda d: d.update(domains=[]), "domains: expected a list of at least one domain"),
    "short guidance": (
        lambda d: d["domains"][2]["guidance"].pop(),
        "domain 3 (structures): guidance needs 4 levels, found 3",
    ),
    "empty guidance": (
        lambda d: d["domains"][0]["guidance"].__setitem__(1, "  "),
        "domain 1 (clarity): guidance for level 1 is empty",
    ),
    "no guidance": (lambda d: d["domains"][4].pop("guidance"), "domain 5 (ability_to_learn): guidance is missing"),
    "repeated code": (lambda d: d["domains"][1].update(code="clarity"), "code 'clarity' is used by more than one"),
    "repeated position": (lambda d: d["domains"][1].update(position=1), "position 1 is used by more than one"),
    "long letter": (lambda d: d["domains"][6].update(letter="EE"), "letter must be a single character"),
    "no title": (lambda d: d["domains"][0].pop("title"), "domain 1 (clarity): title is missing or empty"),
    "no version": (lambda d: d.pop("version"), "framework version is missing or empty"),
}


@pytest.mark.parametrize("case", INVALID)
def test_an_invalid_shape_is_a_value_error_naming_the_problem_and_saves_nothing(case):
    change, message = INVALID[case]
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_framework(broken(change))
    assert counts() == (0, 0, 0)


def test_an_invalid_reload_leaves_the_loaded_framework_as_it_was():
    load_framework(shipped())
    with pytest.raises(ValueError):
        load_framework(broken(lambda d: d["domains"][6]["guidance"].pop()))
    assert counts() == (1, 4, 7)


def test_the_command_loads_the_shipped_file_by_default():
    out = StringIO()
    call_command("load_framework", stdout=out)
    assert "CASCADE 2015: 7 domains" in out.getvalue()
    assert "Short guidance written for this platform" in out.getvalue()
    assert Framework.objects.get().is_current


def test_the_command_loads_an_official_file_not_current(tmp_path):
    path = tmp_path / "official.json"
    path.write_text(json.dumps(official_shape()), encoding="utf-8")
    out = StringIO()
    call_command("load_framework", str(path), "--not-current", stdout=out)
    assert "the official descriptors" in out.getvalue()
    assert not Framework.objects.get().is_current


def test_the_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No file at"):
        call_command("load_framework", str(tmp_path / "absent.json"))


def test_the_command_reports_bad_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"code": "CASCADE",', encoding="utf-8")
    with pytest.raises(CommandError, match="is not valid JSON"):
        call_command("load_framework", str(path))


def test_the_command_reports_an_invalid_shape(tmp_path):
    path = tmp_path / "short.json"
    path.write_text(json.dumps(broken(lambda d: d["levels"].pop())), encoding="utf-8")
    with pytest.raises(CommandError, match="expected 4 levels scored 0-3, found 3"):
        call_command("load_framework", str(path))
    assert counts() == (0, 0, 0)
