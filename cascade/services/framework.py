"""Load a CASCADE framework (levels, domains, per-level guidance) from its JSON shape.

The shipped file (`cascade/frameworks/cascade-2015.json`) carries the platform's own short guidance
under `guidance`. An area holding the official framework file loads it unchanged: its domains carry
the published text under `descriptors`, and the framework is then marked as using the official
descriptors.
"""

import json
from pathlib import Path

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from cascade.models import Domain, Framework, Level

SHIPPED_FRAMEWORK = Path(__file__).resolve().parent.parent / "frameworks" / "cascade-2015.json"
LEVEL_COUNT = 4
OFFICIAL_SOURCE = "the official descriptors"
OWN_SOURCE = "Short guidance written for this platform (not the published descriptors)"


def _text(value, where: str, *, max_length: int | None = None, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise ValueError(f"{where} is missing or empty")
    text = str(value).strip()
    if max_length is not None and len(text) > max_length:
        raise ValueError(f"{where} is longer than {max_length} characters")
    return text


def _levels(data: dict) -> list[dict]:
    levels = data.get("levels")
    if not isinstance(levels, list):
        raise ValueError("levels: expected a list of 4 levels")
    if len(levels) != LEVEL_COUNT:
        raise ValueError(f"levels: expected 4 levels scored 0-3, found {len(levels)}")
    cleaned = []
    for n, level in enumerate(levels, start=1):
        if not isinstance(level, dict):
            raise ValueError(f"level {n}: expected an object with score, code and label")
        score = level.get("score")
        if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score < LEVEL_COUNT:
            raise ValueError(f"level {n}: score must be a whole number 0-3, found {score!r}")
        cleaned.append(
            {
                "score": score,
                "code": _text(level.get("code"), f"level {n} code", max_length=40),
                "label": _text(level.get("label"), f"level {n} label", max_length=100),
            }
        )
    scores = sorted(level["score"] for level in cleaned)
    if scores != list(range(LEVEL_COUNT)):
        raise ValueError(f"levels: scores must be 0, 1, 2 and 3 once each, found {scores}")
    codes = [level["code"] for level in cleaned]
    if len(set(codes)) != len(codes):
        raise ValueError(f"levels: codes must be unique, found {codes}")
    return sorted(cleaned, key=lambda level: level["score"])


def _domains(data: dict) -> tuple[list[dict], str | None]:
    """The cleaned domains, and which key their guidance came from (`guidance` or `descriptors`)."""
    domains = data.get("domains")
    if not isinstance(domains, list) or not domains:
        raise ValueError("domains: expected a list of at least one domain")
    cleaned, keys = [], set()
    for n, domain in enumerate(domains, start=1):
        if not isinstance(domain, dict):
            raise ValueError(f"domain {n}: expected an object")
        code = _text(domain.get("code"), f"domain {n} code", max_length=40)
        name = f"domain {n} ({code})"
        position = domain.get("position")
        if not isinstance(position, int) or isinstance(position, bool) or position < 1:
            raise ValueError(f"{name}: position must be a whole number from 1, found {position!r}")
        letter = _text(domain.get("letter"), f"{name}: letter")
        if len(letter) != 1:
            raise ValueError(f"{name}: letter must be a single character, found {letter!r}")
        if "guidance" in domain:
            key = "guidance"
        elif "descriptors" in domain:
            key = "descriptors"
        else:
            raise ValueError(f"{name}: guidance is missing (expected 'guidance' or 'descriptors')")
        keys.add(key)
        guidance = domain[key]
        if not isinstance(guidance, list):
            raise ValueError(f"{name}: guidance must be a list of 4 texts")
        if len(guidance) != LEVEL_COUNT:
            raise ValueError(f"{name}: guidance needs 4 levels, found {len(guidance)}")
        for score, text in enumerate(guidance):
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"{name}: guidance for level {score} is empty")
        cleaned.append(
            {
                "position": position,
                "letter": letter,
                "code": code,
                "title": _text(domain.get("title"), f"{name}: title", max_length=300),
                "guidance": [text.strip() for text in guidance],
            }
        )
    # Letters spell C-A-S-C-A-D-E, so they repeat by design: only codes and positions are unique.
    for field in ("code", "position"):
        seen = set()
        for domain in cleaned:
            if domain[field] in seen:
                raise ValueError(f"domains: {field} {domain[field]!r} is used by more than one domain")
            seen.add(domain[field])
    if len(keys) > 1:
        raise ValueError("domains: use either 'guidance' or 'descriptors' for every domain, not a mix")
    return cleaned, keys.pop()


def load_framework(data: dict, *, make_current: bool = True) -> Framework:
    """Create or update (by code and version) a framework, its levels and domains from `data`.

    Raises ValueError naming the problem when the shape is wrong; nothing is saved then.
    """
    if not isinstance(data, dict):
        raise ValueError("framework: expected a JSON object")
    code = _text(data.get("code"), "framework code", max_length=30)
    version = _text(data.get("version"), "framework version", max_length=30)
    title = _text(data.get("title"), "framework title", max_length=300)
    attribution = _text(data.get("attribution"), "framework attribution", required=False)
    levels = _levels(data)
    domains, key = _domains(data)
    if key == "descriptors":
        guidance_source = OFFICIAL_SOURCE
    else:
        guidance_source = _text(data.get("guidance_source") or OWN_SOURCE, "guidance_source", max_length=200)

    with transaction.atomic():
        framework = Framework.objects.select_for_update().filter(code=code, version=version).first()
        if framework is None:
            framework = Framework(code=code, version=version)
        framework.title = title
        framework.attribution = attribution
        framework.guidance_source = guidance_source
        if make_current:
            # Only one current framework per code (a database constraint): clear the others first.
            Framework.objects.filter(code=code, is_current=True).exclude(pk=framework.pk).update(is_current=False)
            framework.is_current = True
        framework.save()

        framework.levels.exclude(score__in=[level["score"] for level in levels]).delete()
        for level in levels:
            Level.objects.update_or_create(
                framework=framework, score=level["score"], defaults={"code": level["code"], "label": level["label"]}
            )

        dropped = framework.domains.exclude(code__in=[domain["code"] for domain in domains])
        try:
            dropped.delete()
        except (ProtectedError, RestrictedError):
            codes = ", ".join(sorted(dropped.values_list("code", flat=True)))
            raise ValueError(
                f"domains: {codes} no longer in the file but already used (for example scored at a workshop); "
                f"keep them or load the file as a new version"
            ) from None
        existing = {domain.code: domain for domain in framework.domains.all()}
        # Positions are unique per framework: move kept domains out of the way before renumbering.
        if existing:
            offset = max([d.position for d in existing.values()] + [d["position"] for d in domains]) + 1
            for domain in existing.values():
                domain.position += offset
            Domain.objects.bulk_update(existing.values(), ["position"])
        for item in domains:
            domain = existing.get(item["code"]) or Domain(framework=framework, code=item["code"])
            for field in ("position", "letter", "title", "guidance"):
                setattr(domain, field, item[field])
            domain.save()
    return framework


FRAMEWORK_CODE = "CASCADE"


def current_framework() -> Framework:
    """The current CASCADE framework; the shipped one is loaded the first time it is needed
    (a fresh database, or a test database flushed between tests)."""
    framework = Framework.objects.filter(code=FRAMEWORK_CODE, is_current=True).first()
    if framework is None:
        framework = load_framework(json.loads(SHIPPED_FRAMEWORK.read_text(encoding="utf-8")))
    return framework
