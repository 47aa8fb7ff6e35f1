"""The demo partnership's governance set, one module per area, seeded in dependency order.

Each module's `seed(partnership, organisations, people)` is idempotent: `make run` seeds on every
start. `organisations` maps organisation name to Organisation; `people` maps a persona's email
local part (demo/personas.py) to its User.
"""

from . import actions, directory, groups, meetings, members

ORDER = (members, groups, meetings, actions, directory)


def seed(partnership, organisations: dict, people: dict) -> None:
    for module in ORDER:
        module.seed(partnership, organisations, people)
