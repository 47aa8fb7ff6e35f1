"""Access rules for the action log and the risk register (see __init__.py for the shape).

The reader (a steering member) owns the action `args()` creates, so `action_update` is 200 for
them; tests/governance/test_actions.py proves a steering member gets 403 on an action they do
not own.
"""

from partnership.models import Membership, Risk

from ...governance.factories import ActionFactory, RiskFactory
from . import NOT_MANAGERS, SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}
# the other members of P see the reader's action but may not update it
OWNER = {**READ, **dict.fromkeys(("school_a", "school_b", "duty", "duty_lead", "mhst", "commissioner"), 403)}
WRITE_PAGE = {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "action_list": ("get", READ),
    "action_export": ("get", READ),
    "action_detail": ("get", READ),
    "action_create": ("get", WRITE_PAGE),
    "action_create:post": ("post", WRITE_PAGE),
    "action_edit": ("get", WRITE_PAGE),
    "action_edit:post": ("post", WRITE_PAGE),
    # the reader owns the action: they may update its progress
    "action_update": ("get", OWNER),
    "action_update:post": ("post", OWNER),
    "risk_list": ("get", READ),
    "risk_detail": ("get", READ),
    "risk_create": ("get", WRITE_PAGE),
    "risk_create:post": ("post", WRITE_PAGE),
    "risk_edit": ("get", WRITE_PAGE),
    "risk_edit:post": ("post", WRITE_PAGE),
    "risk_keep:post": ("post", {"lead": 302, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
    "risk_remove": ("get", WRITE_PAGE),
    "risk_remove:post": ("post", {"lead": 302, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
    "risk_action_add": ("get", WRITE_PAGE),
    "risk_action_add:post": ("post", WRITE_PAGE),
}
# Changes need MANAGE_PARTNERSHIP, checked on the partnership before any object is looked up.
REFUSED_FIRST = NOT_MANAGERS
PUBLIC = set()

# Updating an action looks the action up first (its owner may): a foreign one is a 404.
FOREIGN = {
    rule: dict.fromkeys(NOT_MANAGERS, 404)
    for rule in (
        "action_update",
        "action_update:post",
    )
}

ACTION_URLS = {"action_detail", "action_edit", "action_update"}
RISK_URLS = {"risk_detail", "risk_edit", "risk_keep", "risk_remove", "risk_action_add"}


def args(name, cast):
    if name in ACTION_URLS:
        membership = Membership.objects.get(partnership=cast.partnership, user=cast.reader)
        action = ActionFactory(
            partnership=cast.partnership, owner=cast.reader, owner_organisation=membership.organisation
        )
        return [cast.partnership.slug, action.pk]
    if name in RISK_URLS:
        risk = RiskFactory(partnership=cast.partnership, status=Risk.Status.PROPOSED)
        return [cast.partnership.slug, risk.pk]
    if name in {"action_list", "action_export", "action_create", "risk_list", "risk_create"}:
        return [cast.partnership.slug]
    return None
