"""Access rules for groups, terms of reference and the public pages (see __init__.py for the shape)."""

from partnership.models import TermsOfReference

from ...governance.factories import GroupFactory, GroupMemberFactory, TermsOfReferenceFactory
from ..cast import MEMBERS_OF_P
from . import NOT_MANAGERS, SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}
WRITE = {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
WRITE_DONE = {"lead": 302, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
OPEN = {"lead": 200, "reader": 200, "outsider": 200, "anonymous": 200}

RULES = {
    "group_list": ("get", READ),
    "group_list:post": ("post", WRITE_DONE),  # the public pages switch (an empty form: off)
    "group_create": ("get", WRITE),
    "group_create:post": ("post", WRITE),
    "group_detail": ("get", READ),
    "group_edit": ("get", WRITE),
    "group_edit:post": ("post", WRITE),
    "group_seat_add": ("get", WRITE),
    "group_seat_add:post": ("post", WRITE),
    "group_seat_end": ("get", WRITE),
    "group_seat_end:post": ("post", WRITE),
    "terms_create": ("get", WRITE),
    "terms_create:post": ("post", WRITE),
    "terms_detail": ("get", READ),
    "terms_edit": ("get", WRITE),
    "terms_edit:post": ("post", WRITE),
    "terms_approve": ("get", WRITE),
    "terms_approve:post": ("post", WRITE_DONE),
    "terms_publish": ("get", WRITE),
    "terms_publish:post": ("post", WRITE_DONE),
    "terms_discard": ("get", WRITE),
    "terms_discard:post": ("post", WRITE_DONE),
    "terms_diff": ("get", READ),
    "public_partnership": ("get", OPEN),
    "public_terms": ("get", OPEN),
}

# Changes need MANAGE_PARTNERSHIP, checked on the partnership before any object is looked up.
REFUSED_FIRST = NOT_MANAGERS
PUBLIC = {"public_partnership", "public_terms"}
# Another partnership's public page is public too.
FOREIGN = {"public_partnership": dict.fromkeys(MEMBERS_OF_P, 200)}

TERMS_STATUS = {
    "terms_detail": TermsOfReference.Status.PUBLISHED,
    "terms_edit": TermsOfReference.Status.DRAFT,
    "terms_approve": TermsOfReference.Status.DRAFT,
    "terms_publish": TermsOfReference.Status.APPROVED,
    "terms_discard": TermsOfReference.Status.DRAFT,
}


def args(name, cast):
    if name not in RULES:
        return None
    slug = cast.partnership.slug
    if name in {"group_list", "group_create"}:
        return [slug]
    if name in PUBLIC:
        cast.partnership.publishes_public_pages = True
        cast.partnership.save(update_fields=["publishes_public_pages"])
        group = GroupFactory(partnership=cast.partnership)
        TermsOfReferenceFactory(group=group, status=TermsOfReference.Status.PUBLISHED)
        return [slug] if name == "public_partnership" else [slug, group.pk]
    group = GroupFactory(partnership=cast.partnership)
    if name == "group_seat_end":
        return [slug, group.pk, GroupMemberFactory(group=group).pk]
    if name in TERMS_STATUS:
        return [slug, group.pk, TermsOfReferenceFactory(group=group, status=TERMS_STATUS[name]).pk]
    return [slug, group.pk]
