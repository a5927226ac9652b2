"""The demo partnership's engagement strategy, implementation plan and budget: data only.

The strategy text is written by us in the spirit of the Halton papers (seeds 000 and 001).
The work programme and the budget figures are those of the Board's Quarter 1 2005/06
report (seed 002): the report Engage builds must give back every figure of that table.
"""
from datetime import date

STRATEGY_TITLE = "Halton Community Engagement Strategy"
STRATEGY_SUMMARY = ("How the partners in the Halton Strategic Partnership involve local people in the decisions that "
                    "affect them, and how we tell them what happened as a result.")

SECTIONS = [
    ("why", "Why engagement matters", """Community engagement is part of everything the partnership does. The people who live and work in Halton know best what needs to change in their streets, schools and services.

This strategy sets out how the partners will involve people well, avoid asking the same questions twice, and show what changed because people spoke up."""),
    ("principles", "Our principles", """When any partner involves local people, we will:

- **be clear** about what can and cannot change, and why we are asking
- **reach everyone**, including people who are seldom heard, in places and at times that suit them
- **join up**: check what has already been asked before asking again, and share what we find
- **feed back**: tell people what we heard and what we did about it
- **learn**: review how it went and share the lessons with other practitioners"""),
    ("products", "The three products", """The strategy comes with three products, agreed with partners in 2005:

1. **This strategy and its implementation plan**, which the Board tracks every quarter.
2. **A toolkit of advice and best practice** for practitioners. Partners told us a toolkit can be cumbersome and complex, so ours is short, searchable and in plain English.
3. **A protocol for managing and sharing results**, so findings reach the partnerships that must act on them."""),
    ("roles", "Roles of the partners", """- **The Board** owns the strategy and reviews progress each quarter.
- **Specialist Strategic Partnerships** act on what residents say about their priority, and record what they did.
- **The Partnership Team** keeps the consultation database, the toolkit and this strategy up to date.
- **The Community Empowerment Network** brings voluntary and community groups into the work and holds us to account.
- **Every partner** logs its consultations in the database and shares the results."""),
    ("network-group", "The Network Group", """The Network Group is for practitioners who run engagement in Halton. Members support each other: they share what worked, lend a hand with methods they know, and meet to learn together.

Anyone who runs engagement for a partner can join. Members list the methods they have used and the areas and people they know, so a colleague planning a focus group can ask someone who has done it."""),
    ("results", "How results are shared", """Every consultation is logged in the database before it starts, so partners can see what is planned and join up.

When it ends, the lead partner publishes a summary of what people said. The partnership that owns the priority records its response: what it will do, or why it cannot. The people who took part hear back, and everyone can read the record under “You said, we did”."""),
    ("review", "Monitoring and review", """The Board receives a progress report on the implementation plan every quarter. The strategy is reviewed every year with partners, and changed versions go out for comment before they are adopted."""),
]

# Comments made while version 1 was out for comment (summer 2005), and what was done.
COMMENTS = [
    ("products", "HVA Together", "The toolkit is a valuable resource, but it may be cumbersome and complex, which could put people off using it.",
     "cumbersome and complex", "changed", "We cut each method to one page in plain English and made the toolkit searchable, with a chooser that suggests methods in a few clicks."),
    ("network-group", "Cheshire Police", "The Network Group is welcome. We would like more detail on its resources and what it is expected to do.",
     "", "changed", "We added what members do and who can join. The resources for the group are in the implementation plan under Community engagement."),
    ("results", "Halton Primary Care Trust", "Could results go straight to the residents who took part, not only onto the website?",
     "", "not_changed", "Not changed because this is already covered: people who ask to hear back are told by email when the response is published."),
]

THEMES = [
    ("Branding", "Help people know who the partnership is and what it does. Use one look for all our papers and signs, so people know them, and make the work of the partners better known"),
    ("Communication", "Share what we know with each other, so partners learn more about how to make poor areas better"),
    ("Community engagement", "Involve more people, more often, mainly through Area Forums, the Community Empowerment Network, consultations and local projects"),
    ("Halton local area agreements", "See if the Board and the other partnerships can agree plans for each area: shared aims and targets, the money and staff put into each area, and how partners build these aims into their own plans"),
    ("Neighbourhood working", "Look at the figures on need for each small area, and tell the partnership what they show, so it can decide where to spend its money"),
    ("Service targeting", "Map where the main services are given in each area, to find the places that miss out and help plan services"),
    ("Performance management", "Make our reports to the Board and the other partnerships simpler: tell them only what is going very well or very badly, and help the partnerships manage the Neighbourhood Renewal Fund and other money"),
    ("Pooled budgets", "Linked to Local Area Agreements: ask partners to put their money for each area into one pot, so it does more good. This builds on areas that already pool their money, and on the need to aim some money at some places."),
]

Q1_END = date(2005, 6, 30)

# (theme, activity, timescale, starts_on, due_on, status at the end of Q1, progress at the end of Q1)
ACTIONS = [
    ("Branding", "Halton Strategic Partnership Board approved its basic visual identity", "November 2004", None, date(2004, 11, 30), "complete", "Complete – logo in use"),
    ("Branding", "Specialist Strategic Partnerships to recommend visual identities linked to that of Halton Strategic Partnership Board", "May 2005", None, date(2005, 5, 31), "at_risk",
     "Work with Specialist Strategic Partnerships to agree shared branding is ongoing – target date for completion is July 2005"),
    ("Branding", "Produce guidance on use of Partnership identity", "May 2005", None, date(2005, 5, 31), "not_started", "Awaiting outcome of above work"),
    ("Branding", "Report to Halton Strategic Partnership Board regarding delivery of communications strategy", "May 2005", None, date(2005, 5, 31), "at_risk", "Report to be produced for September 2005"),
    ("Communication", "Learning events delivered regarding structure, purpose, ethos and activities of the Partnership", "2005 – 06", date(2005, 4, 1), date(2006, 3, 31), "at_risk",
     "Seminar held for Halton Borough Council members in May 2005. Workshops on project development and management held in May and June 2005. Full programme of events not yet planned due to diversion of resources to other activities."),
    ("Communication", "Progress report to Halton Strategic Partnership Board", "July 2005", None, date(2005, 7, 31), "at_risk", "No progress report due to above"),
    ("Communication", "Sharing of policy developments and best practice", "Monthly", date(2005, 4, 1), None, "on_track", "New policy bulletin distributed to partners from Strategic Policy and Partnership Team"),
    ("Community engagement", "Consultation via large scale consultation exercise, community/ voluntary sector, and focus groups", "Spring 2005", None, date(2005, 5, 31), "complete", "Complete – reports available on Partnership website"),
    ("Community engagement", "Area Forums linked to Participation and Delivery meetings of the Police, attendance by individuals from interest/area-based groups encouraged", "Spring 2005", None, date(2005, 5, 31), "complete", "Complete"),
    ("Community engagement", "Community Empowerment Network attendees of Specialist Strategic Partnerships linked to appropriate wider fora of community/voluntary sector", "Spring 2005", None, date(2005, 5, 31), "complete", "Complete"),
    ("Community engagement", "Neighbourhood Renewal Fund funded initiatives identify engagement levels and mechanisms", "Spring 2005", None, date(2005, 5, 31), "complete", "Complete – initiatives provide information through quarterly monitoring process"),
    ("Community engagement", "Report to Halton Strategic Partnership Board", "May 2005", None, date(2005, 5, 31), "complete", "Complete – work continuing to develop new community engagement strategy"),
    ("Halton local area agreements", "Safe and Stronger Communities Fund identified as a possible area to test mini Local Area Agreement", "October 2004", None, date(2004, 10, 31), "complete", "Complete"),
    ("Halton local area agreements", "Implementation of mini Local Area Agreement (Safer and Stronger Communities Fund)", "Spring 2005", None, date(2005, 5, 31), "complete", "Complete – mini Local Area Agreement in place from April 2005"),
    ("Halton local area agreements", "Partners reflect appropriate targets/ objectives of Community Strategy in their plans", "April 2006 onwards", date(2006, 4, 1), None, None, None),
    ("Halton local area agreements", "Discussion by Halton Strategic Partnership Board", "May 2005", None, date(2005, 5, 31), "complete", "Complete – Halton bid for full Local Area Agreement submitted"),
    ("Neighbourhood working", "Progress report to Halton Strategic Partnership Board", "February 2005", None, date(2005, 2, 28), "complete",
     "Complete – report tabled at May 2005 meeting; further work to take place following announcement of Neighbourhood Renewal Fund allocation for 2006 – 2008"),
    ("Service targeting", "Progress report to Halton Strategic Partnership Board", "January 2006", None, date(2006, 1, 31), None, None),
    ("Performance management", "Issues to Halton Strategic Partnership Board", "February 2005", None, date(2005, 2, 28), "complete",
     "Complete – new processes, including delegation of management to Specialist Strategic Partnerships agreed in May 2005"),
    ("Performance management", "Detailed report to Halton Strategic Partnership Board", "January 2006", None, date(2006, 1, 31), None, None),
    ("Pooled budgets", "Initial report", "Spring 2005", None, date(2005, 5, 31), "complete", "Complete – Halton bid for full Local Area Agreement submitted"),
    ("Pooled budgets", "Detailed report to Halton Strategic Partnership Board", "April 2006", None, date(2006, 4, 30), None, None),
]

# 2005/06 central partnership activity budget, in pounds:
# (item, spend to date, budget to date, year-end estimate, budget for the year) at the end of Q1.
BUDGET_YEAR = 2005
BUDGET_Q1 = [
    ("Staffing", 44495, 50000, 180000, 200000),
    ("Printing", 2204, 2000, 8000, 8000),
    ("Catering and hospitality", 15541, 750, 20000, 3000),
    ("Communication and publications", 2931, 3750, 11724, 15000),
    ("Conferences", 150, 1250, 600, 5000),
    ("Training and development", 3500, 2500, 14000, 10000),
    ("Research for Priorities Process", 21307, 20000, 21307, 20000),
    ("Conference", 0, 0, 9000, 9000),
    ("Support charges", 0, 0, 15000, 15000),
    ("Specialist Strategic Partnerships", 2990, 5000, 20000, 20000),
    ("Halton Festival", 1877, 10000, 40000, 40000),
    ("Social enterprise development", 0, 15000, 0, 60000),
]

# Network Group members among the demo accounts: email → (job title, about, methods, audiences, areas)
MEMBERS = {
    "practitioner@example.org": ("Consultation officer", "I have run borough-wide surveys and focus groups, and can help with questionnaire design.",
                                 ["questionnaire-survey", "focus-group", "telephone-survey"], ["residents", "older-people"], ["Widnes", "Runcorn"]),
    "coordinator@example.org": ("Safer Halton coordinator", "I link Area Forums with the police Participation and Delivery meetings.",
                                ["area-forum", "public-meeting", "walkabout"], ["residents", "young-people"], ["Castlefields", "Windmill Hill"]),
    "vcs@example.org": ("Development worker, HVA Together", "I can put you in touch with community groups and help run events they will come to.",
                        ["community-mapping", "drop-in-session", "world-cafe"], ["vcs-groups", "seldom-heard", "families"], ["Halton Lea", "Kingsway"]),
}

# (title, kind, start, end, place, accessibility, description, public)
EVENTS = [
    ("Launch of the Community Engagement Strategy", "meeting", (2005, 10, 5, 9, 30), (2005, 10, 5, 16, 0), "LSP conference, Halton Stadium, Widnes",
     "Step-free access and a hearing loop in the main hall. Accessible parking by the entrance.",
     "The strategy is launched at the LSP conference, whose theme is inclusivity.", True),
    ("Network Group: sharing what works", "meeting", (2005, 11, 16, 10, 0), (2005, 11, 16, 12, 0), "Municipal Building, Kingsway, Widnes",
     "Step-free access by the side door; lift to the first floor. Tell us if you need a signer.",
     "Members bring one consultation that went well and one that did not.", False),
    ("Running a good focus group", "training", (2006, 1, 25, 13, 30), (2006, 1, 25, 16, 30), "Runcorn Town Hall, Heath Road, Runcorn",
     "Ground-floor room, step-free, hearing loop. Large-print handouts on request.",
     "A practical session for practitioners new to focus groups.", False),
    ("Runcorn Area Forum", "forum", (2006, 2, 8, 18, 30), (2006, 2, 8, 20, 0), "Castlefields Community Centre, Runcorn",
     "Step-free access and accessible toilets. Free refreshments. Ask for help with travel.",
     "Open to everyone who lives or works in the area. Police, council and housing officers answer your questions.", True),
]


# A second strategy, out for comment now (anyone can comment, until four weeks from the day
# the demo is loaded): every page of a version open for comment is drawn, its comment form
# for signed-in partners and for members of the public, and the officers' list of comments
# waiting for a response.
CONSULTING_TITLE = "Halton Young People's Participation Strategy"
CONSULTING_SUMMARY = ("How the partners will involve children and young people in the decisions that affect them: "
                      "in schools, youth clubs and online, and how we will tell them what changed.")
CONSULTING_SECTIONS = [
    ("why", "Why we are asking young people", """Young people are a quarter of Halton's people, but few of them take part in consultations.

We want them to have a say in the things that affect them most: schools, parks, transport and health services."""),
    ("how", "How young people will take part", """We will ask young people where they already are: in schools, youth clubs and online.

- The Youth Cabinet will help plan each consultation.
- Every survey for young people will have an easy-read version.
- Young people will be paid back for their time with vouchers or training."""),
    ("hear-back", "Hearing back", """Everyone who takes part will hear what changed within 12 weeks of a consultation closing, in the way they took part."""),
]
# (section key, organisation, comment, passage): waiting for a response from an officer.
CONSULTING_COMMENTS = [
    ("how", "Halton Voluntary Action", "Youth clubs run by volunteers need support to host consultations, not only schools.",
     "in schools, youth clubs and online"),
    ("hear-back", "Halton Borough Council", "Twelve weeks is a long time for a young person. Could it be six?", ""),
]

# A third, still a draft (only officers see it): its sections can be changed, moved and removed.
DRAFT_TITLE = "Halton Older People's Engagement Charter"
DRAFT_SUMMARY = "How the partners will hear from older people, including those who do not go online."
DRAFT_SECTIONS = [
    ("promise", "Our promise", "We will ask older people in the places they already go: lunch clubs, libraries and GP surgeries."),
    ("offline", "Taking part without the internet", "Every consultation will have a paper copy and a phone number."),
]
