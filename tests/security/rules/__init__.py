"""Access rules, one module per area, collected by tests/security/test_access.py.

Each module defines:
- RULES: {"url_name" or "url_name:post" (":put"...): (method, {who: expected status or SIGN_IN})}
  where who is a role of the matrix (`ROLES`, see tests/security/cast.py). A role left out is
  filled in by the module's `DEFAULTS`, else by the package's `DEFAULTS` below;
- DEFAULTS (optional): {who: another who (answers as that role does) or a status}, the module's
  stated rule for the roles its RULES leave out;
- args(name, cast) -> list | None: the URL arguments for `name` (None when the module does not
  know the name), creating whatever objects the URL needs in `cast.partnership`;
- DATA (optional): {"url_name:post": dict} the POST body (default: an invalid form, so that a
  200 re-shows it);
- FOREIGN (optional): {rule: {who: expected}} where asking for another partnership's object is
  not the 404 of test_access.py's rule;
- REFUSED_FIRST (optional): the roles the module's views refuse (403) before they look the object
  up: where such a role gets 403 with its own object, it gets the same 403 with a foreign one (the
  answer cannot depend on the object, so it tells nothing about it).
"""

import importlib
import pkgutil

from ..cast import ROLES

SIGN_IN = "sign-in"  # a redirect to the sign-in page

#: The package's stated rule for a role a module leaves out:
#: - foreign_duty answers as the outsider: both are members of another partnership only;
#: - P's other members (school staff, duty team, MHST, commissioner) answer as the reader, the
#:   steering member: they see the partnership's governance and change none of it.
DEFAULTS = {
    "foreign_duty": "outsider",
    **dict.fromkeys(("school_a", "school_b", "duty", "duty_lead", "mhst", "commissioner"), "reader"),
}


#: P's members who do not manage the partnership (all but the lead)
NOT_MANAGERS = ("reader", "school_a", "school_b", "duty", "duty_lead", "mhst", "commissioner")
#: P's members who hold none of CASCADE's permissions (school staff, the duty team, the MHST)
NO_CASCADE = ("school_a", "school_b", "duty", "duty_lead", "mhst")
#: P's members who neither approve MHST allocations nor manage an MHST (all but the lead and reader)
NOT_APPROVERS = ("school_a", "school_b", "duty", "duty_lead", "mhst", "commissioner")


def modules():
    return [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)]


def expand(expected: dict, defaults: dict) -> dict:
    """`expected` with every role of the matrix: a role left out answers by `defaults`."""
    full = dict(expected)
    for who in ROLES:
        if who in full:
            continue
        how = defaults[who]
        full[who] = expected[how] if how in ROLES else how
    return full


def all_rules() -> dict:
    rules = {}
    for module in modules():
        overlap = rules.keys() & module.RULES.keys()
        assert not overlap, f"rules declared twice: {overlap}"
        defaults = {**DEFAULTS, **getattr(module, "DEFAULTS", {})}
        for rule, (method, expected) in module.RULES.items():
            assert set(expected) <= set(ROLES), f"{rule}: unknown roles {set(expected) - set(ROLES)}"
            rules[rule] = (method, expand(expected, defaults))
    return rules


def args_for(name, cast) -> list:
    for module in modules():
        found = module.args(name, cast)
        if found is not None:
            return found
    return []


def data_for(rule) -> dict:
    for module in modules():
        data = getattr(module, "DATA", {})
        if rule in data:
            return data[rule]
    return {"name": ""}


def foreign_expected(module, rule, who, own) -> object:
    """The answer to `who` asking `rule` for a foreign object: 404, unless `module` says otherwise."""
    explicit = getattr(module, "FOREIGN", {}).get(rule, {})
    if who in explicit:
        return explicit[who]
    if own == 403 and who in getattr(module, "REFUSED_FIRST", ()):
        return 403
    return 404


def module_of(rule):
    for module in modules():
        if rule in module.RULES:
            return module
    raise KeyError(rule)


def foreign_for(rule, who, own) -> object:
    return foreign_expected(module_of(rule), rule, who, own)
