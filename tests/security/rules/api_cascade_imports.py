"""Access rules for the CASCADE score import API (see __init__.py for the shape).

The upload needs RUN_CASCADE_WORKSHOPS: the steering member is refused (403). The area lead of
another partnership may upload, but only for partnerships they run: the empty post sent here is a
400, and a file naming this partnership is reported as an unknown partnership
(tests/cascade/test_imports_api.py)."""

RULES = {
    # the other partnership's duty clinician does not run workshops anywhere: 403
    "api_cascade_import:post": (
        "post",
        {"lead": 400, "reader": 403, "outsider": 400, "foreign_duty": 403, "anonymous": 401},
    ),
}
PUBLIC = set()


def args(name, cast):
    if name in {rule.split(":")[0] for rule in RULES}:
        return []
    return None
