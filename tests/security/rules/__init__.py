"""Access rules, one module per area, collected by tests/security/test_access.py.

Each module defines:
- RULES: {"url_name" or "url_name:post": (method, {who: expected status or SIGN_IN})}
  where who is one of lead, reader, outsider, anonymous (see test_access.py);
- args(name, cast) -> list | None: the URL arguments for `name` (None when the module does not
  know the name), creating whatever objects the URL needs in `cast.partnership`;
- DATA (optional): {"url_name:post": dict} the POST body (default: an invalid form, so that a
  200 re-shows it).
"""

import importlib
import pkgutil

SIGN_IN = "sign-in"  # a redirect to the sign-in page


def modules():
    return [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)]


def all_rules() -> dict:
    rules = {}
    for module in modules():
        overlap = rules.keys() & module.RULES.keys()
        assert not overlap, f"rules declared twice: {overlap}"
        rules.update(module.RULES)
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
