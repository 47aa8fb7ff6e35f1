"""The partnership's public pages: no sign-in, for partnerships that publish them (else 404).

They are not user-scoped: the services they call read plain querysets filtered strictly on the
partnership and on published status. They show organisation names, the steering group's members
(name, seat and organisation only), published terms of reference and meeting dates. Nothing else:
no email addresses, phone numbers, lead contacts, actions or risks.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..services import groups as service


def _partnership(slug):
    partnership = service.public_partnership(slug)
    if partnership is None:
        raise Http404
    return partnership


@login_not_required
@require_GET
def public_partnership(request, slug):
    partnership = _partnership(slug)
    return render(
        request,
        "governance/public/partnership.jinja",
        {
            "partnership": partnership,
            "sectors": service.public_members_by_sector(partnership),
            "steering_groups": service.public_steering_groups(partnership),
            "published_terms": service.public_published_terms(partnership),
            "meetings": service.public_upcoming_meetings(partnership),
        },
    )


@login_not_required
@require_GET
def public_terms(request, slug, group_pk):
    partnership = _partnership(slug)
    terms = service.public_terms(partnership, group_pk)
    if terms is None:
        raise Http404
    return render(
        request,
        "governance/public/terms.jinja",
        {
            "partnership": partnership,
            "terms": terms,
            "rows": [(service.field_label(n), service.display_value(terms, n)) for n in service.CONTENT_FIELDS],
        },
    )
