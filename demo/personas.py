"""The demo partnership and one persona per role. All names are fictional."""

from partnership.models import OrganisationKind as K
from partnership.roles import Role

# A documented, demo-only TOTP secret shared by every persona (base32). Never use it for a real account.
DEMO_TOTP_SECRET = "DEMODEMODEMODEMODEMODEMODEMODEMO"  # noqa: S105 (demo only, documented)

PARTNERSHIP = {
    "slug": "northshire",
    "name": "Northshire CYP Mental Health Partnership",
    "lead_body": "joint",
    "region": "north_west",
    "rurality": "mixed",
    "transformation_plan_reference": "Northshire LTP 2026/27",
}

# (name, kind, urn or None, ods or None, phase, pupils, fsm %, postcode, deprivation decile)
SCHOOLS = [
    ("Riverside Primary School", K.PRIMARY, 990001, "Primary", 412, "18.4", "NS1 2AB", 3),
    ("Hillcrest Academy", K.SECONDARY, 990002, "Secondary", 1180, "24.1", "NS2 4CD", 2),
    ("St Aidan's CofE Primary School", K.PRIMARY, 990003, "Primary", 208, "9.6", "NS3 1EF", 7),
    ("Northshire Grammar School", K.SECONDARY, 990004, "Secondary", 960, "4.2", "NS4 6GH", 9),
    ("Meadowbank Infant School", K.PRIMARY, 990005, "Primary", 180, "21.0", "NS5 3JK", 4),
    ("Oakfield Junior School", K.PRIMARY, 990006, "Primary", 240, "16.5", "NS5 3JL", 4),
    ("Castlegate Community College", K.SECONDARY, 990007, "Secondary", 1420, "31.7", "NS1 8MN", 1),
    ("Brookside Special School", K.SPECIAL, 990008, "Not applicable", 96, "42.0", "NS2 9PQ", 2),
    ("Northshire Pupil Referral Unit", K.ALTERNATIVE_PROVISION, 990009, "Not applicable", 48, "55.0", "NS1 4RS", 1),
    ("Northshire College", K.FE_COLLEGE, 990010, "16 plus", 3200, None, "NS1 1TU", 3),
    ("Ashby All-through Academy", K.ALL_THROUGH, 990011, "All-through", 1650, "27.3", "NS6 2VW", 2),
    ("Willow Lane Primary School", K.PRIMARY, 990012, "Primary", 330, "12.8", "NS6 5XY", 6),
    ("Harbourview Primary Academy", K.PRIMARY, 990013, "Primary", 415, "35.9", "NS7 1AA", 1),
    ("Kingsmead School", K.SECONDARY, 990014, "Secondary", 1050, "14.4", "NS7 3BB", 6),
    ("Fenwick Moor Primary School", K.PRIMARY, 990015, "Primary", 95, "7.4", "NS8 2CC", 8),
    ("Greystones High School", K.SECONDARY, 990016, "Secondary", 870, "19.9", "NS8 5DD", 5),
    ("Lindley Park Nursery and Primary", K.PRIMARY, 990017, "Primary", 460, "22.6", "NS3 7EE", 3),
    ("Thornbury House School", K.INDEPENDENT, 990018, "All-through", 520, None, "NS9 1FF", 10),
    ("St Cuthbert's Catholic High School", K.SECONDARY, 990019, "Secondary", 1120, "17.3", "NS4 2GG", 5),
    ("Northshire Sixth Form College", K.FE_COLLEGE, 990020, "16 plus", 1900, None, "NS2 6HH", 4),
]

# (name, kind, ods code, charity number)
PARTNERS = [
    ("Northshire CYPMHS (Northshire Healthcare NHS Foundation Trust)", K.CYPMHS, "RXN99", ""),
    ("Northshire County Council", K.LOCAL_AUTHORITY, "", ""),
    ("NHS Northshire Integrated Care Board", K.ICB, "QN99", ""),
    ("Northshire Young Minds Together", K.VCSO, "", "1199001"),
    ("Kooth-style Online Support Northshire", K.VCSO, "", "1199002"),
]

# (email local part, full name, role, organisation name)
PERSONAS = [
    ("area.lead", "Alex Area-Lead", Role.AREA_LEAD, "NHS Northshire Integrated Care Board"),
    ("steering.member", "Sam Steering", Role.STEERING_MEMBER, "Northshire Young Minds Together"),
    ("school.staff", "Priya Teacher", Role.SCHOOL_STAFF, "Riverside Primary School"),
    ("school.lead", "Jordan Mental-Health-Lead", Role.SCHOOL_MH_LEAD, "Hillcrest Academy"),
    ("duty.clinician", "Dr Chris Duty", Role.DUTY_CLINICIAN, PARTNERS[0][0]),
    ("duty.lead", "Morgan Duty-Lead", Role.DUTY_LEAD, PARTNERS[0][0]),
    ("mhst.manager", "Taylor MHST-Manager", Role.MHST_MANAGER, PARTNERS[0][0]),
    ("mhst.practitioner", "Robin EMHP", Role.MHST_PRACTITIONER, PARTNERS[0][0]),
    ("commissioner", "Casey Commissioner", Role.COMMISSIONER, "NHS Northshire Integrated Care Board"),
    ("facilitator", "Frankie Facilitator", Role.FACILITATOR, "Northshire County Council"),
]
EMAIL_DOMAIN = "northshire.example"


def persona_email(local_part: str) -> str:
    return f"{local_part}@{EMAIL_DOMAIN}"
