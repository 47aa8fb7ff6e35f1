"""The partnership's schools and colleges, as every MHST area counts them."""

from partnership.models import Organisation, OrganisationKind, PartnershipOrganisation


def member_schools(partnership):
    """Education organisations with an active membership of the partnership, by name: the candidates
    for an allocation, where activity is recorded, what a holiday offer covers, what coverage counts."""
    return Organisation.objects.filter(
        partnerships__partnership=partnership,
        partnerships__status=PartnershipOrganisation.Status.ACTIVE,
        kind__in=OrganisationKind.education(),
    ).order_by("name", "pk")
