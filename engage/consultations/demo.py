"""Demo consultations drawn from the Halton Strategic Partnership's 2005–2006 papers.

What the papers say is used as it is: the telephone survey of 3,000 residents with focus
groups; the 2005 survey of 2,500 residents on the environment, whose top wish was removing
rubbish and cleaning the streets and verges; the 2005 survey of year 10 and 11 pupils (92% of
15–16 year olds drink, 40% drink in pubs, 50% get alcohol from their parents); area forums
linked to the police's Participation and Delivery meetings; HVA Together's forums in September
2005; the LAA workshops, seminars and the all-partners conference of 14 July.

Every other figure is invented and marked ``is_demo`` (each ``ResultFigure``), and every
consultation here is marked ``is_demo`` so pages say "demo data". Two consultations are dated
relative to today so that the finder always has an open and a planned one. Idempotent: a
consultation whose title already exists is left alone.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..demo import register_seeder
from ..extensions import db
from ..partnership.models import Area, Organisation, Outcome, Partnership, Priority, Theme
from .models import AnswerOption, Consultation, ConsultationTag, Finding, Question, ResultFigure, Segment
from ..core import clock

AGE_BANDS = ["16 to 24", "25 to 44", "45 to 64", "65 and over"]


def _by_name(model, names, attr="name"):
    if not names:
        return []
    rows = db.session.scalars(select(model).where(getattr(model, attr).in_(names))).all()
    found = {getattr(r, attr): r for r in rows}
    return [found[n] for n in names if n in found]


def _outcomes(codes):
    return _by_name(Outcome, codes, "code")


def _consultations(today: date) -> list[dict]:
    residents_q = [
        {
            "code": "Q1", "text": "What most needs improving in your local area? Choose up to three.", "qtype": "multiple",
            "themes": "priorities, local area",
            "options": ["Crime and anti-social behaviour", "Activities for young people", "Clean streets and less litter",
                        "Jobs and training", "Health services", "Public transport", "Parks and open spaces"],
            "figures": {
                ("all", "Everyone who answered"): (3000, [52, 44, 41, 27, 22, 18, 15]),
                ("area-group", "Priority wards"): (950, [58, 47, 45, 34, 24, 16, 13]),
                ("area-group", "Rest of the borough"): (2050, [49, 43, 39, 24, 21, 19, 16]),
                ("age", "16 to 24"): (410, [47, 58, 30, 41, 12, 24, 14]),
                ("age", "25 to 44"): (1080, [53, 49, 40, 33, 18, 17, 16]),
                ("age", "45 to 64"): (890, [54, 40, 44, 22, 25, 16, 15]),
                ("age", "65 and over"): (620, [51, 33, 46, 12, 33, 20, 15]),
            },
        },
        {
            "code": "Q2", "text": "How satisfied or dissatisfied are you with your local area as a place to live?", "qtype": "scale",
            "themes": "satisfaction, local area",
            "options": ["Very satisfied", "Fairly satisfied", "Neither satisfied nor dissatisfied", "Fairly dissatisfied", "Very dissatisfied"],
            "figures": {
                ("all", "Everyone who answered"): (2990, [22, 46, 12, 13, 7]),
                ("area-group", "Priority wards"): (945, [14, 41, 14, 19, 12]),
                ("area-group", "Rest of the borough"): (2045, [26, 48, 11, 10, 5]),
            },
        },
        {
            "code": "Q3", "text": "Do you agree or disagree that you can influence decisions affecting your local area?", "qtype": "scale",
            "themes": "influence, engagement",
            "options": ["Definitely agree", "Tend to agree", "Tend to disagree", "Definitely disagree", "Don't know"],
            "figures": {("all", "Everyone who answered"): (2960, [6, 24, 35, 26, 9])},
        },
    ]
    environment_q = [
        {
            "code": "E1", "text": "Which one environmental improvement would make the biggest difference to your area?", "qtype": "single",
            "themes": "environment, clean streets, liveability",
            "options": ["Removing rubbish and cleaning streets", "Improving local parks and making them safer and tidier",
                        "Tackling graffiti and vandalism", "Tackling dog fouling", "Removing abandoned vehicles", "More trees and green spaces"],
            "figures": {
                ("all", "Everyone who answered"): (2500, [41, 18, 14, 11, 8, 8]),
                ("area-group", "Priority wards"): (800, [46, 15, 16, 12, 7, 4]),
                ("area-group", "Rest of the borough"): (1700, [39, 19, 13, 11, 9, 9]),
                ("ward", "Castlefields"): (120, [50, 14, 17, 10, 6, 3]),
                ("ward", "Windmill Hill"): (45, [47, 16, 18, 9, 7, 3]),
                ("ward", "Appleton"): (110, [44, 17, 15, 12, 8, 4]),
                ("ward", "Hale"): (4, [50, 25, 0, 25, 0, 0]),
                ("age", "16 to 24"): (380, [30, 22, 20, 10, 8, 10]),
                ("age", "25 to 44"): (900, [40, 20, 14, 11, 8, 7]),
                ("age", "45 to 64"): (700, [44, 16, 13, 12, 8, 7]),
                ("age", "65 and over"): (520, [47, 14, 11, 12, 9, 7]),
            },
            # The papers say this came first, but give no percentages.
            "real": set(),
        },
        {
            "code": "E2", "text": "How clean are the streets where you live?", "qtype": "scale",
            "themes": "environment, clean streets",
            "options": ["Very clean", "Fairly clean", "Not very clean", "Not at all clean"],
            "figures": {
                ("all", "Everyone who answered"): (2480, [12, 36, 34, 18]),
                ("area-group", "Priority wards"): (790, [7, 29, 38, 26]),
                ("area-group", "Rest of the borough"): (1690, [14, 39, 32, 15]),
            },
        },
    ]
    alcohol_q = [
        {
            "code": "A1", "text": "Do you drink alcohol, even occasionally?", "qtype": "single", "themes": "alcohol, young people",
            "options": ["Yes", "No"],
            "figures": {
                ("all", "Everyone who answered"): (1850, [92, 8]),
                ("sex", "Boys"): (900, [91, 9]),
                ("sex", "Girls"): (950, [93, 7]),
                ("area-group", "Priority wards"): (560, [94, 6]),
                ("area-group", "Rest of the borough"): (1290, [91, 9]),
            },
            # The papers give 92% of 15–16 year olds; the number of pupils is demo data.
            "real": {("all", "Everyone who answered", 0), ("all", "Everyone who answered", 1)},
        },
        {
            "code": "A2", "text": "Where do you drink alcohol? Tick all that apply.", "qtype": "multiple", "themes": "alcohol, pubs, young people",
            "options": ["At home", "At friends' houses", "In pubs or bars", "Outdoors, in parks or on the street"],
            "figures": {("all", "Everyone who answered"): (1700, [58, 47, 40, 33])},
            "real": {("all", "Everyone who answered", 2)},
        },
        {
            "code": "A3", "text": "Where do you get alcohol from? Tick all that apply.", "qtype": "multiple", "themes": "alcohol, parents, young people",
            "options": ["From my parents", "From friends", "Someone older buys it for me", "From a shop or off-licence"],
            "figures": {("all", "Everyone who answered"): (1700, [50, 38, 27, 15])},
            "real": {("all", "Everyone who answered", 0)},
        },
    ]
    council, police, pct, hva = "Halton Borough Council", "Cheshire Police", "Halton Primary Care Trust", "HVA Together"
    return [
        {
            "title": "Community Strategy residents' survey 2005: telephone survey and focus groups",
            "summary": "A major telephone survey of 3,000 residents, backed up by focus groups, asking what life is like, and what it should be like, in Halton. What people said shaped the refreshed Community Strategy and the Local Area Agreement.",
            "purpose": "To find out residents' priorities for the next Community Strategy, after four years of the first one.",
            "lead": council, "partners": [police, pct, hva], "partnerships": ["Halton Strategic Partnership"],
            "priorities": ["Health", "Urban renewal", "Life chances and employment", "Wealth and equality", "Safe and attractive neighbourhoods"],
            "themes": [], "outcomes": [], "areas": ["Halton"], "audiences": ["residents"],
            "methods": ["telephone-survey", "focus-group"], "channels": ["phone", "face-to-face"],
            "actual_start": date(2005, 1, 10), "actual_close": date(2005, 3, 25), "results_published_on": date(2005, 6, 30),
            "people_reached": 3000, "responses": 3000, "equality_monitoring": True, "visibility": "public",
            "contact_name": "Partnership Team", "contact_email": "partnership@example.org",
            "questions": residents_q,
            "findings": [
                ("Crime and anti-social behaviour is what residents most want improved", "52% chose it among their top three (demo figure; the papers do not give the breakdown).", "Q1"),
                ("People in the priority wards are less satisfied with their area than the rest of the borough", "55% satisfied in priority wards against 74% elsewhere (demo figures).", "Q2"),
                ("Residents want to be asked, and told what happened", "Focus groups asked for feedback after consultations: the reason for \u201cyou said, we did\u201d.", None),
            ],
        },
        {
            "title": "Environment survey 2005: what would improve your area?",
            "summary": "2,500 residents were asked about the local environment. Removing rubbish, and cleaning the streets and verges, was felt to be the biggest environmental improvement that could be made.",
            "purpose": "To set the liveability priorities: clean, green and safe streets and public spaces.",
            "lead": council, "partners": ["Halton Housing Trust"], "partnerships": ["Safer Halton Partnership", "Urban Renewal Partnership"],
            "priorities": ["Safe and attractive neighbourhoods", "Urban renewal"], "themes": ["Liveability"], "outcomes": ["SH1"],
            "areas": ["Halton"], "audiences": ["residents"], "methods": ["questionnaire-survey"], "channels": ["paper"],
            "actual_start": date(2005, 5, 3), "actual_close": date(2005, 6, 30), "results_published_on": date(2005, 9, 15),
            "people_reached": 2500, "responses": 2500, "equality_monitoring": True, "visibility": "public",
            "contact_name": "Environment team", "contact_email": "environment@example.org",
            "questions": environment_q,
            "findings": [
                ("Removing rubbish and cleaning the streets and verges was the biggest improvement residents wanted",
                 "Of the 2,500 residents surveyed in 2005 it came first (the papers' finding). The percentages shown are demo data.", "E1"),
                ("Improving local parks and making them safer and tidier came next",
                 "In the 2005 consultation residents said one of the most effective ways to improve the environment was to \u201cimprove local parks and make them safer and tidier\u201d.", "E1"),
                ("Streets in the priority wards are seen as less clean", "64% in priority wards said their streets were not clean, against 47% elsewhere (demo figures).", "E2"),
            ],
        },
        {
            "title": "Young people's alcohol survey 2005 (years 10 and 11)",
            "summary": "A survey of year 10 and 11 pupils in Halton's schools about drinking. 92% of 15 to 16 year olds drink alcohol, more than the North West (88%); 40% say they drink in pubs and 50% get their alcohol from their parents. The papers give these percentages; the number of pupils and the breakdowns are demo data.",
            "purpose": "To inform the Alcohol Harm Reduction Strategy and the LAA's alcohol targets for children and young people.",
            "lead": pct, "partners": [council, police, "Riverside College Halton"],
            "partnerships": ["Healthy Halton Partnership", "Children and Young People's Partnership"],
            "priorities": ["Health"], "themes": ["Alcohol Harm Reduction"], "outcomes": ["HH1", "CYP1"],
            "areas": ["Halton"], "audiences": ["young-people"], "methods": ["questionnaire-survey"], "channels": ["paper"],
            "actual_start": date(2005, 6, 6), "actual_close": date(2005, 7, 15), "results_published_on": date(2005, 10, 3),
            "people_reached": None, "responses": 1850, "equality_monitoring": False, "visibility": "public",
            "contact_name": "Public health team", "contact_email": "publichealth@example.org",
            "questions": alcohol_q,
            "findings": [
                ("92% of 15 to 16 year olds drink alcohol, above the North West average", "Halton 92%, North West 88%, across Cheshire 93% (the papers' figures).", "A1"),
                ("40% of teenagers say they drink in pubs", "The papers' figure. It is the baseline for the LAA target on under-age drinking in pubs.", "A2"),
                ("Half of teenagers get their alcohol from their parents", "50% said so (the papers' figure): parents are part of the answer.", "A3"),
            ],
        },
        {
            "title": "Area forums 2005",
            "summary": "Area forums in Widnes and Runcorn, linked to the police's Participation and Delivery meetings. People from interest and area-based groups were encouraged to attend.",
            "purpose": "To increase the amount and profile of community engagement through area forums.",
            "lead": council, "partners": [police], "partnerships": ["Halton Strategic Partnership"],
            "priorities": ["Safe and attractive neighbourhoods", "Urban renewal"], "themes": [], "outcomes": [],
            "areas": ["Widnes", "Runcorn"], "audiences": ["residents", "vcs-groups"], "methods": ["area-forum"], "channels": ["event"],
            "actual_start": date(2005, 3, 1), "actual_close": date(2005, 5, 31), "results_published_on": None,
            "people_reached": None, "responses": None, "equality_monitoring": False, "visibility": "public",
            "how_to_take_part": "Area forums meet in public. Dates are on the council's website.",
            "contact_name": "Partnership Team", "contact_email": "partnership@example.org",
            "questions": [], "findings": [],
        },
        {
            "title": "Police Participation and Delivery meetings 2005",
            "summary": "Neighbourhood meetings where residents tell the police and partners what matters most where they live, and hear what was done since the last meeting.",
            "purpose": "To agree local policing priorities with residents, ward by ward.",
            "lead": police, "partners": [council], "partnerships": ["Safer Halton Partnership"],
            "priorities": ["Safe and attractive neighbourhoods"], "themes": ["Anti-Social Behaviour"], "outcomes": [],
            "areas": ["Castlefields", "Windmill Hill", "Kingsway", "Riverside"], "audiences": ["residents"],
            "methods": ["public-meeting"], "channels": ["event"],
            "actual_start": date(2005, 4, 1), "actual_close": date(2005, 12, 31), "results_published_on": date(2006, 2, 1),
            "people_reached": 640, "responses": None, "equality_monitoring": False, "visibility": "public",
            "contact_name": "Neighbourhood policing", "contact_email": "neighbourhoods@example.org",
            "questions": [],
            "findings": [("Groups of young people gathering and nuisance motorbikes were raised most often",
                          "Raised at most meetings in the four wards (demo finding).", None)],
        },
        {
            "title": "HVA Together forums on the Local Area Agreement (September 2005)",
            "summary": "HVA Together organised a series of forum meetings in September 2005 on developing the Local Area Agreement and how voluntary and community groups and individuals take part in it.",
            "purpose": "To involve the voluntary and community sector in the LAA and choose its nominees to each partnership.",
            "lead": hva, "partners": [council], "partnerships": ["Halton Strategic Partnership"],
            "priorities": ["Wealth and equality"], "themes": [], "outcomes": ["SH2"],
            "areas": ["Halton"], "audiences": ["vcs-groups"], "methods": ["deliberative-workshop"], "channels": ["event"],
            "actual_start": date(2005, 9, 5), "actual_close": date(2005, 9, 30), "results_published_on": date(2005, 11, 1),
            "people_reached": 305, "responses": None, "equality_monitoring": False, "visibility": "public",
            "contact_name": "HVA Together", "contact_email": "forums@example.org",
            "questions": [],
            "findings": [("Groups asked for forums matching the LAA blocks",
                          "HVA Together set up one forum per block, to choose its nominees to each partnership and give feedback.", None)],
        },
        {
            "title": "Local Area Agreement workshops and mini-conferences 2005",
            "summary": "All-partner seminars, workshops and mini-conferences to develop the Local Area Agreement, including the all-partners conference at Halton Stadium on 14 July 2005.",
            "purpose": "To agree the ambitions, challenges and outcomes framework of the LAA with every partner.",
            "lead": council, "partners": [police, pct, hva, "Cheshire Fire and Rescue Service", "Government Office North West"],
            "partnerships": ["Halton Strategic Partnership"],
            "priorities": ["A Healthy Halton", "Halton's Urban Renewal", "Halton's Children and Young People", "Employment, Learning and Skills in Halton", "A Safer Halton"],
            "themes": ["Employment and Skills", "Alcohol Harm Reduction", "Anti-Social Behaviour", "Liveability"], "outcomes": [],
            "areas": ["Halton"], "audiences": ["staff-and-partners", "vcs-groups"], "methods": ["deliberative-workshop", "world-cafe"],
            "channels": ["event"],
            "actual_start": date(2005, 7, 14), "actual_close": date(2005, 9, 30), "results_published_on": date(2005, 10, 14),
            "people_reached": None, "responses": None, "equality_monitoring": False, "visibility": "partners",
            "contact_name": "Partnership Team", "contact_email": "partnership@example.org",
            "questions": [],
            "findings": [("Partners agreed four cross-cutting issues for the LAA",
                          "Employment and skills, alcohol harm reduction, anti-social behaviour and liveability.", None)],
        },
        {
            "title": f"Cleaner streets and parks survey {today.year}",
            "summary": "Tell us how clean your street and your local park are, and what would make the most difference. It takes about five minutes.",
            "purpose": "To check progress on cleaner streets since the 2005 environment survey, and to plan next year's cleaning and parks work.",
            "lead": council, "partners": ["Halton Housing Trust"], "partnerships": ["Safer Halton Partnership"],
            "priorities": ["A Safer Halton"], "themes": ["Liveability"], "outcomes": ["SH1"],
            "areas": ["Halton"], "audiences": ["residents", "families"], "methods": ["online-survey", "street-stall"],
            "channels": ["online", "paper"],
            "actual_start": today - timedelta(days=14), "planned_close": today + timedelta(days=30),
            "planned_start": today - timedelta(days=14), "results_published_on": None,
            "how_to_take_part": "Fill in the survey online, or pick up a paper copy at any library or at the Runcorn and Widnes Direct Link offices. Paper copies come with a freepost envelope.",
            "people_reached": None, "responses": None, "equality_monitoring": True, "visibility": "public",
            "contact_name": "Environment team", "contact_email": "environment@example.org",
            "questions": [], "findings": [],
        },
        {
            "title": "Young people's health and wellbeing survey",
            "summary": "A survey in schools and youth clubs about young people's health, including drinking, to see what has changed since 2005.",
            "purpose": "To measure progress on the LAA's alcohol harm reduction outcomes for young people.",
            "lead": pct, "partners": [council, "Halton Youth Forum"], "partnerships": ["Children and Young People's Partnership", "Healthy Halton Partnership"],
            "priorities": ["A Healthy Halton", "Halton's Children and Young People"], "themes": ["Alcohol Harm Reduction"], "outcomes": ["HH1", "CYP1"],
            "areas": ["Halton"], "audiences": ["young-people"], "methods": ["questionnaire-survey", "youth-council"], "channels": ["paper", "online"],
            "planned_start": today + timedelta(days=45), "planned_close": today + timedelta(days=90), "results_published_on": None,
            "how_to_take_part": "Schools and youth clubs will hand out the survey. Young people can also fill it in online once it opens.",
            "people_reached": None, "responses": None, "equality_monitoring": True, "visibility": "public",
            "contact_name": "Public health team", "contact_email": "publichealth@example.org",
            "questions": [], "findings": [],
        },
        {
            "title": "Castlefields neighbourhood walkabouts",
            "summary": "Residents walk their streets with council and police officers to point out problems: litter, lighting, empty homes, places that feel unsafe.",
            "purpose": "To set the first actions of the neighbourhood management pilot in Castlefields.",
            "lead": council, "partners": [police, "Halton Housing Trust"], "partnerships": ["Urban Renewal Partnership"],
            "priorities": ["Halton's Urban Renewal", "A Safer Halton"], "themes": ["Liveability"], "outcomes": [],
            "areas": ["Castlefields"], "audiences": ["residents"], "methods": ["walkabout"], "channels": ["face-to-face"],
            "actual_start": today - timedelta(days=7), "planned_start": today - timedelta(days=7), "planned_close": today + timedelta(days=21),
            "results_published_on": None,
            "how_to_take_part": "Walkabouts start at the Castlefields Community Centre at 10am every Saturday while the consultation is open.",
            "people_reached": None, "responses": None, "equality_monitoring": False, "visibility": "public",
            "contact_name": "Neighbourhood management", "contact_email": "neighbourhoods@example.org",
            "questions": [], "findings": [],
        },
        {
            "title": "Partnership Team's review of engagement practice (internal)",
            "summary": "Interviews with practitioners across the partners about how they run consultations, what gets in the way, and what the toolkit should cover.",
            "purpose": "To improve the Community Engagement Strategy's implementation plan.",
            "lead": council, "partners": [], "partnerships": ["Halton Strategic Partnership"],
            "priorities": ["A Safer Halton"], "themes": [], "outcomes": [],
            "areas": ["Halton"], "audiences": ["staff-and-partners"], "methods": ["in-depth-interview"], "channels": ["face-to-face"],
            "actual_start": date(2006, 1, 9), "actual_close": date(2006, 2, 24), "results_published_on": None,
            "people_reached": 24, "responses": 19, "equality_monitoring": False, "visibility": "organisation",
            "contact_name": "Partnership Team", "contact_email": "partnership@example.org",
            "questions": [], "findings": [],
        },
    ]


def _add_results(consultation: Consultation, questions: list[dict], areas: dict[str, Area]) -> dict[str, Question]:
    segments: dict[tuple[str, str], Segment] = {}
    by_code = {}
    for position, spec in enumerate(questions, start=1):
        question = Question(position=position, code=spec["code"], text=spec["text"], qtype=spec["qtype"], themes=spec.get("themes", ""))
        consultation.questions.append(question)
        options = [AnswerOption(position=i, label=label) for i, label in enumerate(spec["options"], start=1)]
        question.options.extend(options)
        real = spec.get("real", set())
        for (dimension, label), (base, percents) in spec["figures"].items():
            segment = segments.get((dimension, label))
            if segment is None:
                area = areas.get(label) if dimension == "ward" else None
                segment = segments[(dimension, label)] = Segment(dimension=dimension, label=label, area_id=area.id if area else None)
                consultation.segments.append(segment)
            for index, (option, percent) in enumerate(zip(options, percents)):
                question.figures.append(ResultFigure(option=option, segment=segment, count=round(base * percent / 100), base=base,
                                                     is_demo=(dimension, label, index) not in real))
        by_code[spec["code"]] = question
    return by_code


def seed_consultations(echo=lambda m: None, today: date | None = None) -> None:
    today = today or clock.today()
    added = 0
    areas = {a.name: a for a in db.session.scalars(select(Area))}
    for spec in _consultations(today):
        if db.session.scalar(select(Consultation.id).where(Consultation.title == spec["title"])) is not None:
            continue
        lead = db.session.scalar(select(Organisation).where(Organisation.name == spec["lead"]))
        if lead is None:  # the foundation data is missing: nothing to attach the demo to
            continue
        consultation = Consultation(
            title=spec["title"], summary=spec["summary"], purpose=spec.get("purpose", ""), lead_organisation=lead,
            planned_start=spec.get("planned_start") or spec.get("actual_start"), planned_close=spec.get("planned_close") or spec.get("actual_close"),
            actual_start=spec.get("actual_start"), actual_close=spec.get("actual_close"),
            results_published_on=spec.get("results_published_on"), people_reached=spec.get("people_reached"),
            responses=spec.get("responses"), equality_monitoring=spec.get("equality_monitoring", False),
            how_to_take_part=spec.get("how_to_take_part", ""), take_part_url=spec.get("take_part_url", ""),
            contact_name=spec.get("contact_name", ""), contact_email=spec.get("contact_email", ""),
            visibility=spec["visibility"], is_demo=True,
        )
        consultation.partners = _by_name(Organisation, spec["partners"])
        consultation.partnerships = _by_name(Partnership, spec["partnerships"])
        consultation.priorities = _by_name(Priority, spec["priorities"])
        consultation.themes = _by_name(Theme, spec["themes"])
        consultation.outcomes = _outcomes(spec["outcomes"])
        consultation.areas = [areas[n] for n in spec["areas"] if n in areas]
        for kind, values in (("audience", spec["audiences"]), ("method", spec["methods"]), ("channel", spec["channels"])):
            for value in values:
                consultation.tags.append(ConsultationTag(kind=kind, value=value))
        db.session.add(consultation)
        questions = _add_results(consultation, spec["questions"], areas)
        for position, (statement, evidence, code) in enumerate(spec["findings"], start=1):
            consultation.findings.append(Finding(position=position, statement=statement, evidence=evidence,
                                                 question=questions.get(code) if code else None))
        db.session.flush()
        added += 1
    echo(f"Demo consultations loaded ({added} new).")


register_seeder(20, seed_consultations)


# The demo's consultation page in Welsh: the one whose survey residents can answer in Welsh.
WELSH_PAGE = "Cleaner streets and parks survey"
WELSH = {
    "Tell us how clean your street and your local park are, and what would make the most difference. It takes about five minutes.":
        "Dywedwch wrthym pa mor lân yw eich stryd a’ch parc lleol, a beth fyddai’n gwneud y gwahaniaeth mwyaf. Mae’n cymryd tua phum munud.",
    "To check progress on cleaner streets since the 2005 environment survey, and to plan next year's cleaning and parks work.":
        "I wirio’r cynnydd ar strydoedd glanach ers arolwg amgylchedd 2005, ac i gynllunio gwaith glanhau a pharciau’r flwyddyn nesaf.",
    "Fill in the survey online, or pick up a paper copy at any library or at the Runcorn and Widnes Direct Link offices. Paper copies come with a freepost envelope.":
        "Llenwch yr arolwg ar-lein, neu casglwch gopi papur o unrhyw lyfrgell neu o swyddfeydd Direct Link Runcorn a Widnes. Mae amlen radbost gyda chopïau papur.",
}


def seed_welsh(echo=lambda m: None) -> None:
    from ..core import content
    from .translation import KIND

    consultation = db.session.scalar(select(Consultation).where(Consultation.title.like(WELSH_PAGE + " %"),
                                                                Consultation.is_demo.is_(True)))
    if consultation is None or "cy" not in dict(content.variants(KIND)) or "cy" in content.chosen_offers(KIND.kind, consultation.id):
        return
    year = consultation.title.removeprefix(WELSH_PAGE).strip()  # the title carries the year it was seeded
    known = {**WELSH, consultation.title: f"Arolwg strydoedd a pharciau glanach {year}"}
    left = content.translate_from(KIND, consultation.id, "cy", known)
    echo(f"Demo consultation page in Welsh: {'offered' if not left else f'{len(left)} texts still in English'}.")


register_seeder(21, seed_welsh)
