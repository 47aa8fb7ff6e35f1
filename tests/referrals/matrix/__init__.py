"""The referral access matrix (issue 5 item 9), one module per area, collected with the other
areas' rules by tests/security/test_access.py: every referral page and API endpoint x every role,
for the referral of school A in partnership P.

Roles (`ROLES`, the cast of tests/security/cast.py):
- school_a: school staff of school A, the referral's school (own organisation);
- school_b: school staff of school B in the same partnership (other organisation: 404);
- duty: duty clinician of P's single point of access; duty_lead: its duty lead;
- foreign_duty: duty clinician of another partnership's SPA (other organisation: 404);
- mhst: MHST practitioner of the team the referral would be allocated to;
- lead: area lead of P (never sees a child's details); reader: steering member of P;
- outsider: area lead of another partnership; commissioner: commissioner of P;
- anonymous.

Each module defines:
- MATRIX: {"url_name" or "url_name:post" (or ":put"...): (method, {role: expected})}, where expected is a
  status code or SIGN_IN (a redirect to the sign-in page); every role must be given;
- args(name, cast) -> list | None: the URL arguments for `name` (None when the module does not
  know the name), creating the referral (usually `cast.referral(status)`) and whatever else it needs;
- DATA (optional): {"url_name:post": dict} the POST body (default: an empty form, so that an allowed
  user gets the form back with errors: 200 on pages, 400 on the API);
- HEADERS (optional): {"url_name:post": dict} extra request headers (e.g. HTTP_IF_MATCH);
- FOREIGN, REFUSED_FIRST (optional): where asking for another partnership's referral is not the 404
  of test_access.py's rule (see tests/security/rules/__init__.py).
"""

import importlib
import pkgutil

from ...security.cast import NO_CHILD_DETAILS, ROLES
from ...security.rules import foreign_expected

SIGN_IN = "sign-in"
__all__ = ["NO_CHILD_DETAILS", "ROLES", "SIGN_IN"]


def modules():
    return [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)]


def all_rules() -> dict:
    rules = {}
    for module in modules():
        overlap = rules.keys() & module.MATRIX.keys()
        assert not overlap, f"matrix rows declared twice: {overlap}"
        for rule, (_, expected) in module.MATRIX.items():
            assert set(expected) == set(ROLES), f"{rule}: give every role, missing {set(ROLES) - set(expected)}"
        rules.update(module.MATRIX)
    return rules


def args_for(name, cast) -> list:
    for module in modules():
        found = module.args(name, cast)
        if found is not None:
            return found
    return []


def _extra(attribute, rule) -> dict | None:
    for module in modules():
        value = getattr(module, attribute, {})
        if rule in value:
            return value[rule]
    return None


def data_for(rule) -> dict:
    return _extra("DATA", rule) or {}


def foreign_for(rule, who, own) -> object:
    module = next(module for module in modules() if rule in module.MATRIX)
    return foreign_expected(module, rule, who, own)


def headers_for(rule) -> dict:
    return _extra("HEADERS", rule) or {}
