"""The sections of a partnership's page, contributed by each app (DESIGN.md section 2).

The partnership kernel imports no feature app: an app registers its sections from its
`AppConfig.ready()` with `register(...)`, and the partnership page lists every registered
section the user's permissions allow.
"""

from dataclasses import dataclass

from .roles import Permission


@dataclass(frozen=True)
class Section:
    heading: str
    url_name: str  # reversed with the partnership's slug
    description: str
    permission: Permission | None = None  # None: anyone who can see the partnership
    order: int = 100


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    _SECTIONS[section.url_name] = section


def registered() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.heading))
