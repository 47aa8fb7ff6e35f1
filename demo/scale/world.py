"""What the parts of the generator share: the options, the random source and the ids of everything
made so far (partnerships, their organisations, schools, people, services)."""

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime

EMAIL_DOMAIN = "scale.example"
SLUG_PREFIX = "scale-"
LETTERS_FOR_POSTCODE = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True)
class Options:
    referrals: int
    seed: int = 1
    partnerships: int = 150
    schools: int = 24_000
    icbs: int = 42
    history: bool = True
    password: str | None = None


@dataclass
class School:
    id: int
    urn: int
    kind: str
    phase: str
    pupils: int
    partnership: int  # index into World.partnerships


@dataclass
class Area:
    """One partnership and what the generator made for it."""

    number: int
    id: int = 0
    icb: int = 0  # index of its ICB
    la_id: int = 0
    icb_org_id: int = 0
    cypmhs_id: int = 0
    schools: list[School] = field(default_factory=list)
    spa_id: int = 0
    reason_ids: list[int] = field(default_factory=list)
    area_lead_id: int = 0
    duty_lead_id: int = 0
    clinician_ids: list[int] = field(default_factory=list)
    core_service_id: int = 0
    crisis_service_id: int = 0
    signpost_service_id: int = 0
    #: school id -> the directory service of the MHST covering it
    mhst_service_of: dict[int, int] = field(default_factory=dict)
    group_id: int = 0
    meeting_id: int = 0


@dataclass
class World:
    options: Options
    now: datetime
    today: date
    rng: random.Random
    areas: list[Area] = field(default_factory=list)
    icb_org_ids: list[int] = field(default_factory=list)
    referrer_of: dict[int, int] = field(default_factory=dict)  # school id -> user id
    password_hash: str = ""

    def child_rng(self, *parts) -> random.Random:
        """An independent, reproducible random source for one part (so parts don't shift each other)."""
        return random.Random(f"{self.options.seed}:" + ":".join(str(p) for p in parts))  # noqa: S311 (not security)

    @property
    def schools(self) -> list[School]:
        return [s for area in self.areas for s in area.schools]


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return math.exp(rng.gauss(math.log(median), sigma))
