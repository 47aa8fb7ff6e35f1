"""Demo dashboards (issue 7): who reads which dashboard, and rollups ready to read.

- The commissioner persona (NHS Northshire ICB) also commissions Westmoor (a CASCADE-only demo
  partnership), so the dashboards index offers "your 2 partnerships together" as well as each one.
- A national dashboard reader, national.analyst@northshire.example (an NHS England analyst with
  no partnership membership), reads the national dashboard, published without suppression.
- The referral rollups are rebuilt from the seeded referrals, as the nightly beat task would.
"""

from partnership.models import Membership, Organisation, OrganisationKind, Partnership, PartnershipOrganisation
from partnership.roles import Role
from referrals import rollups

COMMISSIONED = "westmoor"
WESTMOOR_ICB = "NHS Westmoor Integrated Care Board"


def seed(partnership, organisations: dict, people: dict, persona) -> None:
    commissioner = people["commissioner"]
    other = Partnership.objects.filter(slug=COMMISSIONED).first()
    if other is not None:
        icb, _ = Organisation.objects.get_or_create(name=WESTMOOR_ICB, kind=OrganisationKind.ICB)
        PartnershipOrganisation.objects.update_or_create(
            partnership=other, organisation=icb, defaults={"status": PartnershipOrganisation.Status.ACTIVE}
        )
        Membership.objects.update_or_create(
            user=commissioner,
            partnership=other,
            organisation=icb,
            defaults={"roles": [Role.COMMISSIONER.value], "is_active": True},
        )
    analyst = persona("national.analyst", "Noor National-Analyst")
    if not analyst.reads_national_dashboard:
        analyst.reads_national_dashboard = True
        analyst.save(update_fields=["reads_national_dashboard"])
    people["national.analyst"] = analyst
    rollups.refresh([partnership.pk])
