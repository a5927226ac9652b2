"""The demo's funding: data only.

The Neighbourhood Renewal Fund allocations, the taper and the eight principles for
"prioritising the priorities" are those of the priorities paper for the partners' event of
9 November 2005 (seed 003). The projects, bids, weights and scores are demo data, named as such.
"""
from __future__ import annotations

NRF = "Neighbourhood Renewal Fund"
NRF_SUMMARY = ("The partnership's own money for closing the gap between the most deprived areas and the rest of the borough. "
               "Government judges its use by the impact on floor targets.")
NRF_LAST_YEAR = 2007  # 2007/08: the paper says to assume the fund ends by 2008
NRF_END_NOTE = ("Government has promised the fund until March 2008. What comes after waits for the 2007 spending review, "
                "so the partnership plans as if it ends by 2008. Every project needs an exit strategy.")

# (year the financial year starts, pounds, status)
NRF_ALLOCATIONS = [
    (2002, 3_236_128, "confirmed"),
    (2003, 3_928_410, "confirmed"),
    (2004, 5_045_350, "confirmed"),
    (2005, 6_720_760, "confirmed"),
    (2006, 6_048_684, "confirmed"),
    (2007, 5_376_608, "indicative"),
]

# Demo projects: (name, partnership, lead organisation, summary, exit strategy, {year: pounds},
# {year: (quarter, spent, planned, year-end estimate)})
PROJECTS = [
    ("Sports Partnership (demo)", "Healthy Halton Partnership", "Halton Borough Council",
     "Coaches and clubs getting more people active, above all in the priority wards.",
     "Clubs take on the coaching sessions; the council's sport budget pays for the coordinator from April 2008.",
     {2005: 180_000, 2006: 160_000, 2007: 120_000}, {2006: (2, 78_500, 80_000, 158_000)}),
    ("Disability Sports (demo)", "Healthy Halton Partnership", "HVA Together",
     "Sessions for disabled people of all ages, run with local groups.",
     "",
     {2005: 60_000, 2006: 45_000}, {2006: (2, 24_000, 22_500, 46_500)}),
    ("Alcohol harm: young people's outreach (demo)", "Safer Halton Partnership", "Halton Primary Care Trust",
     "Youth workers on the streets at weekends, after the survey found 92% of 15 to 16 year olds drink.",
     "",
     {2006: 95_000, 2007: 70_000}, {2006: (2, 41_000, 47_500, 95_000)}),
    ("Job shop in Castlefields (demo)", "Employment, Learning and Skills Partnership", "Riverside College Halton",
     "Advice and training for people out of work, in a shop on the estate.",
     "Jobcentre Plus and the college share the running costs from 2008/09, agreed in principle.",
     {2005: 210_000, 2006: 190_000, 2007: 150_000}, {2006: (2, 101_200, 95_000, 196_000)}),
]

ROUND_TITLE = "New projects for 2007/08 (demo)"
ROUND_PARTNERSHIP = "Halton Strategic Partnership"
ROUND_YEAR = 2007
ROUND_POT = 400_000
ROUND_SCALE = 5

# The eight principles of the priorities paper, with weights the demo board gave them.
CRITERIA = [
    ("Prevention before remedy", "Prevention is better than putting things right afterwards.", 2),
    ("Evidence", "A sound approach based on evidence.", 2),
    ("Cuts across priorities", "Work that helps more than one priority.", 1),
    ("Outcomes and added value", "A focus on outcomes and on adding value.", 2),
    ("Targets the most deprived areas", "Clearly aimed at the most deprived places.", 2),
    ("Impact on floor targets", "Clear impact on floor targets, most of all those with the farthest to go.", 3),
    ("Innovation", "New and different ways of solving the problem.", 1),
    ("Levers other money", "Brings in other money: the paper asks for gearing thresholds.", 1),
]

ASSESSORS = ["officer2@example.org", "coordinator@example.org", "practitioner@example.org"]

# Demo bids: (title, partnership, organisation, summary, pounds asked, evidence [(kind, title or code)],
# {assessor email: [score per criterion, in order]})
BIDS = [
    ("Street wardens in the priority wards (demo)", "Safer Halton Partnership", "Halton Housing Trust",
     "Wardens in Castlefields, Windmill Hill and Halton Lea, working with residents on litter and nuisance.", 180_000,
     [("consultation", "Environment survey 2005: what would improve your area?"), ("outcome", "SH1")],
     {"officer2@example.org": [3, 4, 4, 4, 5, 4, 2, 3], "coordinator@example.org": [4, 4, 3, 4, 5, 4, 3, 2],
      "practitioner@example.org": [3, 3, 4, 3, 4, 4, 2, 3]}),
    ("Alcohol education in schools (demo)", "Children and Young People's Partnership", "Halton Primary Care Trust",
     "Sessions in every secondary school on alcohol, led by young people.", 150_000,
     [("consultation", "Young people's alcohol survey 2005 (years 10 and 11)"), ("outcome", "HH1")],
     {"officer2@example.org": [5, 4, 4, 3, 2, 3, 3, 2], "coordinator@example.org": [5, 5, 4, 4, 2, 3, 4, 2],
      "practitioner@example.org": [4, 4, 3, 4, 2, 4, 3, 1]}),
    ("Skills for work on the estates (demo)", "Employment, Learning and Skills Partnership", "Riverside College Halton",
     "Short courses and work trials for people out of work in the priority wards.", 160_000,
     [("outcome", "ELS1")],
     {"officer2@example.org": [2, 3, 3, 4, 5, 5, 2, 4], "coordinator@example.org": [2, 4, 3, 4, 4, 5, 2, 4]}),
    ("Town centre events programme (demo)", "Urban Renewal Partnership", "Halton Borough Council",
     "Markets and events to bring people into the town centres.", 120_000,
     [],
     {"coordinator@example.org": [1, 2, 2, 2, 1, 1, 3, 3]}),
]


# A round of the year before, decided by the board: the money went down the ranked list (the
# first bid got all it asked for, the second what was left) and each funded bid became a
# project of the programme, with its money on 2006/07's budget.
DECIDED_ROUND = {
    "title": "Small grants for residents' groups 2006/07 (demo)", "partnership": "Halton Strategic Partnership",
    "year": 2006, "pot": 60_000, "scale": 5,
    "reason": "Agreed by the board at its meeting of 14 June 2006 (demo).",
    "bids": [
        ("Residents' clean-up days (demo)", "Urban Renewal Partnership", "Halton Housing Trust",
         "Skips, tools and a small team for residents' groups clearing alleys and open spaces.", 35_000,
         [("outcome", "SH1")],
         {"officer2@example.org": [3, 4, 3, 4, 5, 3, 2, 3], "coordinator@example.org": [4, 4, 3, 4, 5, 3, 3, 3]}),
        ("Youth forum in every area (demo)", "Children and Young People's Partnership", "Riverside College Halton",
         "Young people meet each month in each area and report to the partnership.", 40_000,
         [],
         {"officer2@example.org": [3, 3, 3, 3, 3, 2, 3, 1], "coordinator@example.org": [3, 2, 4, 3, 3, 2, 3, 2]}),
    ],
}
