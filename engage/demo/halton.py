"""The Halton Strategic Partnership, as its 2005–2006 papers describe it: demo data only.

Figures the papers state are used as they are. Figures we had to invent (ward populations,
targets, later readings) are marked ``demo=True`` and shown as demo data on the pages.
"""
from datetime import date

ORGANISATIONS = [
    ("Halton Borough Council", "council", "Unitary council for the borough since 1998."),
    ("Cheshire Police", "police", "The police force for Halton; runs Participation and Delivery meetings."),
    ("Halton Primary Care Trust", "health", "The local NHS body for primary care and public health."),
    ("Cheshire Fire and Rescue Service", "fire", ""),
    ("Riverside College Halton", "education", "Further education college."),
    ("Halton Housing Trust", "housing", "Manages the former council housing stock."),
    ("Halton Chamber of Commerce", "business", ""),
    ("HVA Together", "vcs", "The Community Empowerment Network: an umbrella of voluntary and community groups (formerly Halton Together; 305 groups in 2005)."),
    ("Halton Youth Forum", "vcs", "Young people's voice in the borough (demo organisation)."),
    ("Government Office North West", "other", "Represents central government in the Local Area Agreement."),
]

STRATEGIC = ("Halton Strategic Partnership", "HSP", "The Local Strategic Partnership: council, police, health, fire, colleges, businesses and the voluntary and community sector, led by its Board and supported by the Partnership Team.")

PRIORITY_PARTNERSHIPS = [
    ("Healthy Halton Partnership", "Health SSP", "Leads the Healthy Halton priority."),
    ("Urban Renewal Partnership", "Urban Renewal SSP", "Leads Halton's Urban Renewal."),
    ("Children and Young People's Partnership", "CYP SSP", "Leads Halton's Children and Young People."),
    ("Employment, Learning and Skills Partnership", "ELS SSP", "Leads Employment, Learning and Skills in Halton."),
    ("Safer Halton Partnership", "SHP", "Leads A Safer Halton, including the liveability agenda."),
]

MEMBERS = {
    "Halton Strategic Partnership": [o[0] for o in ORGANISATIONS if o[0] != "Government Office North West"],
    "Healthy Halton Partnership": ["Halton Primary Care Trust", "Halton Borough Council", "HVA Together"],
    "Urban Renewal Partnership": ["Halton Borough Council", "Halton Housing Trust", "Halton Chamber of Commerce", "HVA Together"],
    "Children and Young People's Partnership": ["Halton Borough Council", "Riverside College Halton", "Halton Youth Forum", "Cheshire Police"],
    "Employment, Learning and Skills Partnership": ["Riverside College Halton", "Halton Chamber of Commerce", "Halton Borough Council"],
    "Safer Halton Partnership": ["Cheshire Police", "Cheshire Fire and Rescue Service", "Halton Borough Council", "Halton Housing Trust", "HVA Together"],
}

FRAMEWORKS = [
    {
        "name": "Community Strategy 2005",
        "starts_on": date(2005, 4, 1),
        "ends_on": date(2006, 3, 31),
        "description": "The five priorities the partnership worked to until the Community Strategy was refreshed.",
        "priorities": [
            ("Health", "Healthy Halton Partnership"),
            ("Urban renewal", "Urban Renewal Partnership"),
            ("Life chances and employment", "Employment, Learning and Skills Partnership"),
            ("Wealth and equality", "Employment, Learning and Skills Partnership"),
            ("Safe and attractive neighbourhoods", "Safer Halton Partnership"),
        ],
        "themes": [],
    },
    {
        "name": "Community Strategy and LAA 2006–09",
        "starts_on": date(2006, 4, 1),
        "ends_on": date(2009, 3, 31),
        "description": "The refreshed Community Strategy and the Local Area Agreement, framed around five priorities (the LAA blocks).",
        "priorities": [
            ("A Healthy Halton", "Healthy Halton Partnership"),
            ("Halton's Urban Renewal", "Urban Renewal Partnership"),
            ("Halton's Children and Young People", "Children and Young People's Partnership"),
            ("Employment, Learning and Skills in Halton", "Employment, Learning and Skills Partnership"),
            ("A Safer Halton", "Safer Halton Partnership"),
        ],
        "themes": [
            ("Employment and Skills", "Economic inactivity stays stubbornly high in six wards."),
            ("Alcohol Harm Reduction", "Halton ranks in the worst 5 of 43 North West districts on every alcohol indicator."),
            ("Anti-Social Behaviour", "Diverting groups and individuals towards positive activity."),
            ("Liveability", "Clean, green and safe streets and public spaces."),
        ],
    },
]

# 2005 priority -> the 2006 priorities it became.
SUCCESSION = {
    "Health": ["A Healthy Halton"],
    "Urban renewal": ["Halton's Urban Renewal"],
    "Life chances and employment": ["Employment, Learning and Skills in Halton", "Halton's Children and Young People"],
    "Wealth and equality": ["Employment, Learning and Skills in Halton", "Halton's Urban Renewal"],
    "Safe and attractive neighbourhoods": ["A Safer Halton"],
}

# priority -> outcomes -> indicators. Readings: (date, value, demo?).
OUTCOMES = [
    ("A Healthy Halton", "HH1", "Reduce the harm caused by alcohol", [
        {"name": "15–16 year olds who drink alcohol", "unit": "%", "direction": "lower",
         "baseline": (92, date(2005, 7, 1)), "target": (85, date(2009, 3, 31)), "monitoring": 93,
         "lead": "Halton Primary Care Trust", "demo": True,
         "source": "2005 survey of year 10 and 11 pupils (92%; North West 88%). Target and 2007 reading are demo data.",
         "readings": [(date(2005, 7, 1), 92, False), (date(2007, 7, 1), 90, True)]},
    ]),
    ("Halton's Children and Young People", "CYP1", "Fewer young people drinking in pubs", [
        {"name": "Teenagers who say they drink in pubs", "unit": "%", "direction": "lower",
         "baseline": (40, date(2005, 7, 1)), "target": (30, date(2009, 3, 31)), "monitoring": 42,
         "lead": "Cheshire Police", "demo": True,
         "source": "2005 survey of year 10 and 11 pupils (40%). Target and 2007 reading are demo data.",
         "readings": [(date(2005, 7, 1), 40, False), (date(2007, 7, 1), 39, True)]},
    ]),
    ("Employment, Learning and Skills in Halton", "ELS1", "Reduce economic inactivity, above all in the priority wards", [
        {"name": "Working-age residents who are economically inactive", "unit": "%", "direction": "lower",
         "baseline": (36, date(2006, 5, 1)), "target": (33, date(2009, 3, 31)), "monitoring": 37,
         "lead": "Halton Borough Council", "demo": True,
         "source": "May 2006: 36% economically inactive. Target and 2007 reading are demo data.",
         "readings": [(date(2006, 5, 1), 36, False), (date(2007, 11, 1), 36.8, True)]},
    ]),
    ("Halton's Urban Renewal", "UR1", "Close the gap in deprivation", [
        {"name": "Residents living in England's most deprived small areas", "unit": "%", "direction": "lower",
         "baseline": (54, date(2000, 1, 1)), "target": (45, date(2009, 3, 31)), "monitoring": 52,
         "lead": "Halton Borough Council", "demo": True,
         "source": "Index of Multiple Deprivation: 54% (2000), 50% (2004). Target is demo data.",
         "readings": [(date(2000, 1, 1), 54, False), (date(2004, 1, 1), 50, False)]},
    ]),
    ("A Safer Halton", "SH1", "Cleaner streets and better-kept parks (liveability)", [
        {"name": "Residents satisfied with how clean their streets are", "unit": "%", "direction": "higher",
         "baseline": (48, date(2005, 9, 1)), "target": (60, date(2009, 3, 31)), "monitoring": 45,
         "lead": "Halton Borough Council", "demo": True,
         "source": "All figures are demo data; the 2005 environment survey of 2,500 residents found cleaner streets the top wish.",
         "readings": [(date(2005, 9, 1), 48, True), (date(2007, 9, 1), 44, True)]},
    ]),
    ("A Safer Halton", "SH2", "A strong voluntary and community sector", [
        {"name": "Groups in the Community Empowerment Network", "unit": "groups", "direction": "higher",
         "baseline": (180, date(2004, 12, 1)), "target": (350, date(2009, 3, 31)), "monitoring": 250,
         "lead": "HVA Together", "demo": True,
         "source": "Halton Together grew from 180 to 305 groups in 2005. Target is demo data.",
         "readings": [(date(2004, 12, 1), 180, False), (date(2005, 7, 1), 305, False)]},
    ]),
]

BOROUGH = ("Halton", 118_900)
# town -> [(ward, population, priority ward?)]. Ward populations are demo figures.
TOWNS = {
    "Widnes": (57_100, [
        ("Appleton", 5_900, True), ("Birchfield", 5_600, False), ("Broadheath", 5_700, False),
        ("Ditton", 6_100, False), ("Farnworth", 6_300, False), ("Hale", 1_900, False),
        ("Halton View", 5_800, False), ("Hough Green", 6_000, False), ("Kingsway", 5_900, True),
        ("Riverside", 4_900, True),
    ]),
    "Runcorn": (61_800, [
        ("Beechwood", 3_700, False), ("Castlefields", 5_600, True), ("Daresbury", 3_800, False),
        ("Grange", 6_300, False), ("Halton Brook", 6_100, False), ("Halton Castle", 5_900, False),
        ("Halton Lea", 6_000, True), ("Heath", 5_300, False), ("Mersey", 5_900, False),
        ("Norton North", 5_800, False), ("Norton South", 5_700, False), ("Windmill Hill", 1_700, True),
    ]),
}
# A few neighbourhoods so that the tree has depth (demo).
NEIGHBOURHOODS = {
    "Castlefields": [("Castlefields Village", 2_100), ("Palace Fields", 1_900)],
    "Riverside": [("West Bank", 2_300)],
}

USERS = [
    ("officer@example.org", "Olu Officer", "officer", "Halton Borough Council"),
    # A second officer, so that a report an officer wrote can still be approved (nobody
    # approves their own work): the whole review journey works in the demo.
    ("officer2@example.org", "Ola Second-Officer", "officer", "Halton Borough Council"),
    ("coordinator@example.org", "Cara Coordinator", "coordinator", "Cheshire Police"),
    ("practitioner@example.org", "Pat Practitioner", "practitioner", "Halton Borough Council"),
    ("vcs@example.org", "Vic Volunteer", "vcs", "HVA Together"),
]
COORDINATES = {"coordinator@example.org": "Safer Halton Partnership"}
DEMO_PASSWORD = "demo-password"

# A few postcodes and the ward each is in, so the postcode boxes work in the demo. Demo data:
# they are shaped like Halton's postcodes (WA7 is Runcorn, WA8 Widnes) but are not checked
# against the ONS postcode directory, and the site marks them as demo postcodes.
DEMO_POSTCODES = {
    "WA7 2HA": "Castlefields", "WA7 2JA": "Castlefields", "WA7 1QA": "Windmill Hill", "WA7 5TJ": "Halton Lea",
    "WA7 4EB": "Grange", "WA7 6QQ": "Norton North", "WA8 7TH": "Kingsway", "WA8 0RA": "Riverside",
    "WA8 9DR": "Appleton", "WA8 3LB": "Ditton",
}
