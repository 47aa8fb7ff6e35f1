"""Demo membership and lead contacts (see __init__.py).

Two pending applications, one lapsed member, and lead contacts for most members: some stale (last
confirmed 5 to 9 months ago), a couple missing, one with a replacement in its history. Idempotent:
each start puts the same shape back. All names are fictional.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from partnership.models import LeadContact, Organisation, OrganisationKind, PartnershipOrganisation

Kind = LeadContact.Kind
Status = PartnershipOrganisation.Status

CYPMHS = "Northshire CYPMHS (Northshire Healthcare NHS Foundation Trust)"

# (name, charity number, note)
APPLICANTS = [
    (
        "Northshire Bereavement Support for Young People",
        "1199003",
        "Runs bereavement groups in twelve Northshire schools and wants to join the schools forum. "
        "Represented by its service manager.",
    ),
    (
        "Northshire Youth Counselling Service",
        "1199004",
        "Offers free counselling to 11 to 25 year olds; would like to be part of the single point of access "
        "conversations. Represented by its clinical lead.",
    ),
]

LAPSED = ("Fenwick Moor Primary School", "No representative has attended the forum since the autumn term.")

# Organisations with no lead of the kind they are expected to name (shown as missing).
WITHOUT_LEADS = {"Meadowbank Infant School", "Kooth-style Online Support Northshire"}

# (organisation, kind, name, job title, email local part, phone, months since last confirmed, persona)
LEADS = [
    (
        "Riverside Primary School",
        Kind.SENIOR_MH_LEAD,
        "Helen Ashworth",
        "Deputy headteacher",
        "h.ashworth",
        "",
        1,
        None,
    ),
    (
        "Hillcrest Academy",
        Kind.SENIOR_MH_LEAD,
        "Jordan Mental-Health-Lead",
        "Assistant head (pastoral)",
        None,
        "",
        2,
        "school.lead",
    ),
    ("St Aidan's CofE Primary School", Kind.SENIOR_MH_LEAD, "Marcus Bell", "SENCo", "m.bell", "", 6, None),
    ("Northshire Grammar School", Kind.SENIOR_MH_LEAD, "Fiona Kerr", "Head of wellbeing", "f.kerr", "", 3, None),
    ("Oakfield Junior School", Kind.SENIOR_MH_LEAD, "Daniel Osei", "Headteacher", "d.osei", "", 8, None),
    (
        "Castlegate Community College",
        Kind.SENIOR_MH_LEAD,
        "Aisha Rahman",
        "Assistant principal",
        "a.rahman",
        "01632 960410",
        1,
        None,
    ),
    ("Brookside Special School", Kind.SENIOR_MH_LEAD, "Tom Whitaker", "Deputy head", "t.whitaker", "", 2, None),
    ("Northshire Pupil Referral Unit", Kind.SENIOR_MH_LEAD, "Grace Lund", "Head of centre", "g.lund", "", 9, None),
    ("Northshire College", Kind.SENIOR_MH_LEAD, "Owen Pryce", "Head of student services", "o.pryce", "", 2, None),
    ("Ashby All-through Academy", Kind.SENIOR_MH_LEAD, "Ruth Okafor", "Vice principal", "r.okafor", "", 5, None),
    (
        "Willow Lane Primary School",
        Kind.SENIOR_MH_LEAD,
        "Ian Fletcher",
        "Deputy headteacher",
        "i.fletcher",
        "",
        1,
        None,
    ),
    ("Harbourview Primary Academy", Kind.SENIOR_MH_LEAD, "Nadia Hussain", "Inclusion lead", "n.hussain", "", 3, None),
    ("Kingsmead School", Kind.SENIOR_MH_LEAD, "Peter Doyle", "Assistant head", "p.doyle", "", 7, None),
    ("Kingsmead School", Kind.MHST_LINK, "Leah Moss", "Education mental health practitioner", "l.moss", "", 1, None),
    ("Greystones High School", Kind.SENIOR_MH_LEAD, "Chloe Barker", "Head of year 9", "c.barker", "", 2, None),
    ("Lindley Park Nursery and Primary", Kind.SENIOR_MH_LEAD, "Samir Patel", "SENCo", "s.patel", "", 1, None),
    (
        "Thornbury House School",
        Kind.SENIOR_MH_LEAD,
        "Eleanor Frost",
        "Director of pastoral care",
        "e.frost",
        "",
        2,
        None,
    ),
    ("St Cuthbert's Catholic High School", Kind.SENIOR_MH_LEAD, "Kieran Walsh", "Deputy head", "k.walsh", "", 3, None),
    (
        "Northshire Sixth Form College",
        Kind.SENIOR_MH_LEAD,
        "Maya Lindqvist",
        "Wellbeing manager",
        "m.lindqvist",
        "",
        6,
        None,
    ),
    (
        CYPMHS,
        Kind.CYPMHS_LINK,
        "Dr Olivia Grant",
        "Consultant clinical psychologist",
        "o.grant",
        "01632 960500",
        2,
        None,
    ),
    (
        CYPMHS,
        Kind.SPA_CONTACT,
        "Morgan Duty-Lead",
        "Duty lead, single point of access",
        None,
        "01632 960501",
        1,
        "duty.lead",
    ),
    (
        "Northshire Young Minds Together",
        Kind.VCSO_CONTACT,
        "Sam Steering",
        "Chief executive",
        None,
        "",
        5,
        "steering.member",
    ),
]

# The history behind Hillcrest Academy's current lead.
FORMER_LEAD = ("Hillcrest Academy", Kind.SENIOR_MH_LEAD, "Graham Whitfield", "Deputy head (retired)", "g.whitfield")


def seed(partnership, organisations, people):
    today = timezone.localdate()
    now = timezone.now()
    area_lead = people.get("area.lead")
    _applications(partnership, organisations, area_lead, today)
    for member in PartnershipOrganisation.objects.filter(partnership=partnership, status=Status.ACTIVE):
        if member.approved_at is None:
            member.approved_by = area_lead
            member.approved_at = now - timedelta(days=400)
            member.save(update_fields=["approved_by", "approved_at", "updated_at"])
    name, reason = LAPSED
    PartnershipOrganisation.objects.filter(partnership=partnership, organisation=organisations[name]).update(
        status=Status.LAPSED, lapsed_on=today - timedelta(days=30), status_note=reason
    )
    current = {}
    for org_name, kind, person, job, local, phone, months, persona in LEADS:
        if org_name in WITHOUT_LEADS:
            continue
        member = PartnershipOrganisation.objects.get(partnership=partnership, organisation=organisations[org_name])
        user = people.get(persona) if persona else None
        email = user.email if user else f"{local}@{_domain(org_name)}"
        lead, _ = LeadContact.objects.update_or_create(
            member=member,
            kind=kind,
            ended_on=None,
            defaults={
                "name": person,
                "job_title": job,
                "email": email,
                "phone": phone,
                "user": user,
                "started_on": today - relativedelta(months=months + 14),
                "last_confirmed_at": now - relativedelta(months=months, days=3),
                "confirmation_nonce": "",
            },
        )
        current[(org_name, kind)] = lead
    _former_lead(partnership, organisations, current, today)


def _applications(partnership, organisations, area_lead, today):
    for days_ago, (name, charity, note) in enumerate(APPLICANTS, start=6):
        organisation = Organisation.objects.filter(name=name, kind=OrganisationKind.VCSO).first()
        if organisation is None:
            organisation = Organisation.objects.create(name=name, kind=OrganisationKind.VCSO, charity_number=charity)
        organisations[name] = organisation
        PartnershipOrganisation.objects.update_or_create(
            partnership=partnership,
            organisation=organisation,
            defaults={
                "status": Status.APPLIED,
                "applied_on": today - timedelta(days=days_ago),
                "applied_by": area_lead,
                "application_note": note,
                "approved_by": None,
                "approved_at": None,
                "joined_on": None,
            },
        )


def _former_lead(partnership, organisations, current, today):
    org_name, kind, name, job, local = FORMER_LEAD
    successor = current.get((org_name, kind))
    if successor is None:
        return
    member = successor.member
    LeadContact.objects.filter(replaced_by=successor).exclude(member=member, name=name).update(replaced_by=None)
    LeadContact.objects.update_or_create(
        member=member,
        kind=kind,
        name=name,
        ended_on__isnull=False,
        defaults={
            "job_title": job,
            "email": f"{local}@{_domain(org_name)}",
            "started_on": today - relativedelta(years=4),
            "ended_on": successor.started_on,
            "ended_reason": "Retired at the end of the summer term",
            "replaced_by": successor,
            "last_confirmed_at": None,
        },
    )


def _domain(org_name: str) -> str:
    words = [w for w in "".join(c if c.isalnum() or c == " " else "" for c in org_name.lower()).split() if w]
    return "-".join(words[:3]) + ".example"
