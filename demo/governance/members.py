"""Demo governance data for this area (see __init__.py)."""


def seed(partnership, organisations, people):
    return None
