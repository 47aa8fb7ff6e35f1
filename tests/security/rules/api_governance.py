"""Access rules for the read-only governance API (see __init__.py for the shape).

Lists answer 200 to anyone signed in who can view a partnership (an outsider sees an empty list,
checked in tests/api/test_governance_api.py); another partnership's object is a 404."""

from ...governance.factories import ActionFactory, DirectoryServiceFactory, GroupFactory, RiskFactory

LIST = {"lead": 200, "reader": 200, "outsider": 200, "anonymous": 401}
DETAIL = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": 401}

RULES = {
    "api_groups": ("get", LIST),
    "api_group_detail": ("get", DETAIL),
    "api_actions": ("get", LIST),
    "api_action_detail": ("get", DETAIL),
    "api_risks": ("get", LIST),
    "api_risk_detail": ("get", DETAIL),
    "api_directory": ("get", LIST),
    "api_directory_detail": ("get", DETAIL),
}
PUBLIC = set()


def args(name, cast):
    if name == "api_group_detail":
        return [GroupFactory(partnership=cast.partnership).pk]
    if name == "api_action_detail":
        return [ActionFactory(partnership=cast.partnership).pk]
    if name == "api_risk_detail":
        return [RiskFactory(partnership=cast.partnership).pk]
    if name == "api_directory_detail":
        return [DirectoryServiceFactory(partnership=cast.partnership).pk]
    if name in RULES:
        return []
    return None
