"""Demo data: population profiles for Halton's wards (invented from each ward's demo
population, marked demo) and an open survey on the local environment for the "Cleaner
streets and parks" demo consultation, with 320 generated responses spread over the wards
and channels. The survey is for people aged 16 and over, so it is weighted to the 16+
population (its weighting meets every target). A second, closed survey of 120 answers from a
day centre stall shows weighting that cannot meet its targets. A third, open survey for the
Castlefields walkabouts asks one question of every type on one page, so every question
template and its results are drawn. Idempotent: nothing is added twice.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from ..consultations.models import Consultation
from ..core.models import utcnow
from ..demo import register_seeder
from ..extensions import db
from ..partnership.models import Area
from . import answering, builder, equality, lifecycle
from .models import CommentTheme, PopulationFigure, PopulationLoad, Survey
from ..core import clock

SURVEY_TITLE = "Cleaner streets and parks survey"
RESPONSES = 320
# A second, closed survey of the same consultation: answers taken at a stall in a day centre,
# mostly from people aged 75 and over. Its weighting cannot meet the population's age profile
# (each of them would have to count as less than the floor of 0.2 of a person), so its
# results page shows the "cannot match the population" message.
STALL_TITLE = "Cleaner streets and parks: day centre stall survey"
STALL_RESPONSES = 120
STALL_AGE_SHARES = [0.0, 0.01, 0.01, 0.02, 0.03, 0.05, 0.08, 0.80]
AGE_SHARES = [0.19, 0.11, 0.12, 0.13, 0.14, 0.12, 0.10, 0.09]
# Who tends to answer: fewer young people, more older people (so "who answered" shows a gap).
ANSWER_AGE_SHARES = [0.01, 0.05, 0.10, 0.14, 0.19, 0.21, 0.18, 0.12]
ETHNICITY_SHARES = {
    "White: English, Welsh, Scottish, Northern Irish or British": 0.950, "White: Irish": 0.004, "White: Gypsy or Irish Traveller": 0.001,
    "White: Roma": 0.0005, "White: Any other White background": 0.012, "Mixed or Multiple ethnic groups: White and Asian": 0.003,
    "Mixed or Multiple ethnic groups: White and Black African": 0.002, "Mixed or Multiple ethnic groups: White and Black Caribbean": 0.003,
    "Mixed or Multiple ethnic groups: Any other Mixed or Multiple ethnic background": 0.002, "Asian or Asian British: Indian": 0.004,
    "Asian or Asian British: Pakistani": 0.002, "Asian or Asian British: Bangladeshi": 0.001, "Asian or Asian British: Chinese": 0.003,
    "Asian or Asian British: Any other Asian background": 0.003, "Black, Black British, Caribbean or African: African": 0.004,
    "Black, Black British, Caribbean or African: Caribbean": 0.001,
    "Black, Black British, Caribbean or African: Any other Black, Black British or Caribbean background": 0.0005,
    "Other ethnic group: Arab": 0.0005, "Other ethnic group: Any other ethnic group": 0.0015,
}
COMMENTS = [
    ("More bins near the shops and the school, they are always full by Saturday.", ["Litter"]),
    ("Dog mess on the path to the park every morning. More patrols please.", ["Dog fouling"]),
    ("The play area needs fixing and better lighting so it feels safe.", ["Parks"]),
    ("Fly-tipping behind the garages has been there for weeks.", ["Fly-tipping"]),
    ("Street sweeping used to be weekly. Now I hardly see it.", ["Litter"]),
    ("The verges are overgrown and full of cans.", ["Litter"]),
    ("Keep the park wardens, they make a real difference.", ["Parks"]),
    ("Fines for people who drop litter and let their dogs foul.", ["Litter", "Dog fouling"]),
    ("Nothing, it is fine where I live.", []),
    ("Faster collection of fly-tipping once it is reported.", ["Fly-tipping"]),
]


# The demo's population figures are made up; their load says so, with a date.
DEMO_LOAD_TOKEN = "demo-population"
DEMO_SOURCE = "made-up demo figures based on each ward's population in the Halton papers"
DEMO_FIGURES_DATE = date(2024, 6, 30)


def seed_population(echo=lambda m: None) -> None:
    wards = db.session.scalars(select(Area).where(Area.level == "ward")).all()
    have = set(db.session.scalars(select(PopulationFigure.area_id).where(PopulationFigure.kind == "age-sex")))
    added = 0
    for ward in wards:
        if ward.id in have or not ward.population:
            continue
        for band, share in zip(equality.AGE_BANDS, AGE_SHARES):
            for sex, sex_share in zip(equality.SEXES, (0.51, 0.49)):
                db.session.add(PopulationFigure(area_id=ward.id, kind="age-sex", age_band=band, sex=sex,
                                                count=round(ward.population * share * sex_share), is_demo=True))
        added += 1
    borough = db.session.scalar(select(Area).where(Area.level == "borough"))
    if borough is not None and borough.population and db.session.scalar(select(PopulationFigure.id).where(
            PopulationFigure.area_id == borough.id, PopulationFigure.kind == "ethnicity")) is None:
        for label, share in ETHNICITY_SHARES.items():
            db.session.add(PopulationFigure(area_id=borough.id, kind="ethnicity", ethnicity=label,
                                            count=round(borough.population * share), is_demo=True))
    db.session.flush()
    if db.session.scalar(select(PopulationLoad.id).where(PopulationLoad.token == DEMO_LOAD_TOKEN)) is None:
        covers = db.session.execute(select(PopulationFigure.area_id, PopulationFigure.kind).where(PopulationFigure.is_demo.is_(True))
                                    .distinct()).all()
        db.session.add(PopulationLoad(token=DEMO_LOAD_TOKEN, source=DEMO_SOURCE, figures_date=DEMO_FIGURES_DATE, loaded_by_id=None,
                                      rows=db.session.scalar(select(func.count(PopulationFigure.id)).where(PopulationFigure.is_demo.is_(True))) or 0,
                                      covers=sorted([area_id, kind] for area_id, kind in covers), is_demo=True))
        db.session.flush()
    echo(f"Demo population profiles loaded ({added} wards new).")


def _add(survey, section, qtype, text, options=(), rows=(), **extra):
    data = {"text": text, "options": "\n".join(options), "rows": "\n".join(rows), **extra}
    return builder.add_question(None, survey, section, qtype, data)


def build_survey(consultation, title=SURVEY_TITLE, *, closed=False) -> Survey:
    start = consultation.actual_start or consultation.planned_start or clock.today()
    close = consultation.planned_close or (start + timedelta(days=44))
    if closed:
        close = start + timedelta(days=2)
    survey = Survey(consultation_id=consultation.id, code=builder.new_code(), title=title, is_demo=True, min_age=16,
                    introduction="Tell us how clean your street and your local park are, and what would make the most difference. "
                                 "It takes about five minutes.",
                    privacy_notice=builder.default_privacy_notice(consultation),
                    results_note="Results will be published on the consultation's page, with what the Safer Halton Partnership will do.",
                    opens_at=clock.start_of_day(start), closes_at=clock.end_of_day(close),
                    retention_days=365, one_per_browser=True, ask_contact=True,
                    population_area_id=consultation.areas[0].id if consultation.areas else None)
    db.session.add(survey)
    db.session.flush()
    from .models import SurveySection

    first = SurveySection(survey=survey, position=1, title="Your area")
    second = SurveySection(survey=survey, position=2, title="What would make a difference")
    db.session.add_all([first, second])
    db.session.flush()
    # builder.add_question checks the actor may manage; the seeder acts as the system.
    return survey


def seed_survey(echo=lambda m: None) -> None:
    consultation = db.session.scalar(select(Consultation).where(Consultation.title.like("Cleaner streets and parks survey%"),
                                                                Consultation.is_demo.is_(True)))
    if consultation is None:
        return
    for title, count, closed, shares in ((SURVEY_TITLE, RESPONSES, False, {}),
                                         (STALL_TITLE, STALL_RESPONSES, True,
                                          {"age_shares": STALL_AGE_SHARES, "equality_rate": 1.0, "seed": 75, "channels": ([("face-to-face", 1.0)])})):
        if db.session.scalar(select(Survey.id).where(Survey.consultation_id == consultation.id, Survey.title == title)) is not None:
            continue
        survey = build_survey(consultation, title, closed=closed)
        qs, themes = _questions(survey)
        _responses(survey, qs, themes, count, **shares)
        lifecycle.sync_take_part(survey)
        db.session.flush()
        echo(f"Demo survey loaded: {title} with {count} responses.")


def _questions(survey) -> tuple[dict, dict]:
    first, second = sorted(survey.sections, key=lambda s: s.position)
    if True:  # the seeder acts as the system itself (actor None)
        ward_q = _add(survey, first, "area", "Which ward do you live in?", required=True,
                      hint="If you do not know, enter your postcode and we will find it.")
        clean_q = _add(survey, first, "agreement", "My street is kept clean.", options=builder_options("agreement"), required=True)
        park_q = _add(survey, first, "single", "How often do you use your local park?",
                      options=["Every day", "Every week", "Every month", "Less often", "Never"])
        rate_q = _add(survey, first, "rating", "How would you rate your local park?", low_label="very poor", high_label="excellent")
        problems_q = _add(survey, second, "multiple", "Which of these problems do you see in your area? Choose all that apply.",
                          options=["Litter", "Dog fouling", "Fly-tipping", "Graffiti", "Overgrown verges"], allow_other=True)
        rank_q = _add(survey, second, "ranking", "Put these in order of importance to you.",
                      options=["Cleaner streets", "Safer parks", "More litter bins", "Faster removal of fly-tipping"])
        grid_q = _add(survey, second, "grid", "How much do you agree with each statement?", options=builder_options("agreement"),
                      rows=["Fly-tipping is removed quickly", "There are enough litter bins", "Parks feel safe in the daytime"])
        reported_q = _add(survey, second, "yesno", "Have you reported a problem to the council in the last year?", options=["Yes", "No"])
        story_q = _add(survey, second, "long_text", "Tell us what happened when you reported it.", personal=True,
                       hint="Please do not include names or addresses.")
        idea_q = _add(survey, second, "long_text", "What one thing would most improve your area?")
        never = next(o.id for o in park_q.choices() if o.label == "Never")
        rate_q.rule = {"question_id": park_q.id, "op": "one_of", "value": [o.id for o in park_q.choices() if o.id != never]}
        yes = next(o.id for o in reported_q.choices() if o.label == "Yes")
        story_q.rule = {"question_id": reported_q.id, "op": "equals", "value": yes}
        builder.add_equality_section(None, survey)
        themes = {name: CommentTheme(survey=survey, name=name) for name in ("Litter", "Dog fouling", "Fly-tipping", "Parks")}
        db.session.add_all(themes.values())
        db.session.flush()
    return locals(), themes


def builder_options(kind: str) -> list[str]:
    from . import questions as qtypes

    return list(qtypes.get(kind).default_options)


def _choice(q, label):
    return {"o": [next(o.id for o in q.choices() if o.label == label)], "t": {}}


def _responses(survey, qs: dict, themes: dict, count: int = RESPONSES, *, age_shares=ANSWER_AGE_SHARES, equality_rate: float = 0.85,
               seed: int = 2026, channels=(("online", 0.6), ("paper", 0.3), ("phone", 0.1))) -> None:
    from .models import SurveyAnswer

    rng = random.Random(seed)
    wards = db.session.scalars(select(Area).where(Area.level == "ward").order_by(Area.name)).all()
    weights = [w.population or 1 for w in wards]
    equality_qs = {q.equality_key: q for q in survey.questions if q.equality_key}
    now = utcnow()
    agree = builder_options("agreement")
    coded = []
    for n in range(count):
        ward = rng.choices(wards, weights)[0]
        priority = ward.priority_ward
        channel = rng.choices([c for c, _ in channels], [w for _, w in channels])[0]
        answers = {str(qs["ward_q"].id): ward.id}
        clean_weights = [0.08, 0.22, 0.2, 0.28, 0.22] if priority else [0.18, 0.34, 0.2, 0.18, 0.1]
        answers[str(qs["clean_q"].id)] = _choice(qs["clean_q"], rng.choices(agree, clean_weights)[0])
        park = rng.choices(["Every day", "Every week", "Every month", "Less often", "Never"], [0.15, 0.35, 0.2, 0.2, 0.1])[0]
        answers[str(qs["park_q"].id)] = _choice(qs["park_q"], park)
        if park != "Never":
            answers[str(qs["rate_q"].id)] = max(0, min(10, round(rng.gauss(5.2 if priority else 6.6, 2))))
        problems = [o for o in qs["problems_q"].choices() if not o.invites_text and rng.random() < (0.55 if priority else 0.35)]
        if problems:
            answers[str(qs["problems_q"].id)] = {"o": [o.id for o in problems], "t": {}}
        options = [o.id for o in qs["rank_q"].choices()]
        rng.shuffle(options)
        if rng.random() < 0.8:
            answers[str(qs["rank_q"].id)] = options[: rng.choice([2, 3, 4])]
        grid = {}
        for row in qs["grid_q"].rows():
            if rng.random() < 0.9:
                grid[str(row.id)] = rng.choice(qs["grid_q"].choices()).id
        if grid:
            answers[str(qs["grid_q"].id)] = {"g": grid}
        reported = rng.random() < 0.4
        answers[str(qs["reported_q"].id)] = _choice(qs["reported_q"], "Yes" if reported else "No")
        if reported and rng.random() < 0.5:
            answers[str(qs["story_q"].id)] = rng.choice(["I reported fly-tipping online and it was gone in two days.",
                                                         "I phoned about a broken bin and nothing happened for a month.",
                                                         "The app was easy and someone came the next week."])
        comment = None
        if rng.random() < 0.45:
            comment = rng.choice(COMMENTS)
            answers[str(qs["idea_q"].id)] = comment[0]
        if rng.random() < equality_rate:
            age = rng.choices(equality.AGE_BANDS, age_shares)[0]
            answers[str(equality_qs["age"].id)] = _choice(equality_qs["age"], age)
            answers[str(equality_qs["sex"].id)] = _choice(equality_qs["sex"], rng.choices(["Female", "Male", equality.PREFER_NOT], [0.56, 0.41, 0.03])[0])
            ethnicity = rng.choices(list(ETHNICITY_SHARES), list(ETHNICITY_SHARES.values()))[0]
            answers[str(equality_qs["ethnicity"].id)] = _choice(equality_qs["ethnicity"], ethnicity)
            answers[str(equality_qs["disability"].id)] = _choice(equality_qs["disability"], rng.choices(["Yes", "No", equality.PREFER_NOT], [0.22, 0.72, 0.06])[0])
            answers[str(equality_qs["carer"].id)] = _choice(equality_qs["carer"], rng.choices(["No", "Yes, 9 hours a week or less", "Yes, 20 to 34 hours a week"], [0.8, 0.12, 0.08])[0])
        when = now - timedelta(days=rng.random() * 13, minutes=rng.randint(0, 600))
        response = answering.store_complete(survey, answers, channel=channel, submitted_at=when, is_demo=True)
        if comment and comment[1] and rng.random() < 0.7:
            coded.append((response.id, comment[1]))
    db.session.flush()
    for response_id, names in coded:
        answer = db.session.scalar(select(SurveyAnswer).where(SurveyAnswer.response_id == response_id,
                                                              SurveyAnswer.question_id == qs["idea_q"].id))
        if answer is not None:
            answer.themes = [themes[name] for name in names]
    db.session.flush()


# ---- a survey with every question type ----------------------------------------------------

WALK_TITLE = "Castlefields walkabouts: where should we walk?"
WALK_RESPONSES = 60


def seed_walkabout_survey(echo=lambda m: None) -> None:
    """An open survey for the Castlefields walkabouts with one question of every type, each
    needing an answer, on one page: every question template (and each one's "answer this"
    error) is drawn by answering it once, and its results show every type's figures."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.title == "Castlefields neighbourhood walkabouts",
                                                                Consultation.is_demo.is_(True)))
    if consultation is None or db.session.scalar(select(Survey.id).where(Survey.consultation_id == consultation.id,
                                                                         Survey.title == WALK_TITLE)) is not None:
        return
    from .models import SurveySection

    start = consultation.actual_start or consultation.planned_start or clock.today()
    close = consultation.planned_close or (start + timedelta(days=28))
    survey = Survey(consultation_id=consultation.id, code=builder.new_code(), title=WALK_TITLE, is_demo=True,
                    introduction="Tell us which streets the Saturday walkabouts should visit and what we should look at. "
                                 "There are 12 short questions on one page.",
                    privacy_notice=builder.default_privacy_notice(consultation),
                    results_note="We will publish what people told us on the consultation's page, with the walkabout routes.",
                    opens_at=clock.start_of_day(start), closes_at=clock.end_of_day(close),
                    retention_days=180, one_per_browser=False, ask_contact=True,
                    population_area_id=consultation.areas[0].id if consultation.areas else None)
    db.session.add(survey)
    db.session.flush()
    section = SurveySection(survey=survey, position=1, title="The walkabouts")
    db.session.add(section)
    db.session.flush()
    qs = {
        "ward": _add(survey, section, "area", "Which ward do you live in?", required=True),
        "heard": _add(survey, section, "single", "How did you hear about the walkabouts?", required=True, allow_other=True,
                      options=["A leaflet through the door", "A poster", "A neighbour or friend", "The council's website"]),
        "look": _add(survey, section, "multiple", "What should we look at on the walk? Choose all that apply.", required=True,
                     allow_other=True, options=["Litter", "Street lighting", "Empty homes", "Places that feel unsafe"]),
        "pleasant": _add(survey, section, "agreement", "Castlefields is a pleasant place to walk.", required=True,
                         options=builder_options("agreement")),
        "before": _add(survey, section, "yesno", "Have you been on a walkabout before?", required=True, options=["Yes", "No"]),
        "safe": _add(survey, section, "rating", "How safe do you feel walking in Castlefields after dark?", required=True,
                     low_label="not safe at all", high_label="completely safe"),
        "grid": _add(survey, section, "grid", "How good is each of these where you live?", required=True,
                     options=["Good", "Fair", "Poor"], rows=["Pavements", "Street lighting", "Bins"]),
        "order": _add(survey, section, "ranking", "What should we fix first? Put these in order.", required=True,
                      options=["Broken lights", "Uneven pavements", "Fly-tipping", "Overgrown paths"]),
        "street": _add(survey, section, "short_text", "Which street should the walk go along?", required=True,
                       hint="For example, Lapwing Grove."),
        "people": _add(survey, section, "number", "How many people would come with you?", required=True, min=0, max=20, whole=True),
        "when": _add(survey, section, "date", "When did you last walk around Castlefields?", required=True),
        "else": _add(survey, section, "long_text", "Is there anything else we should know before the walk?", required=True),
    }
    _walkabout_answers(survey, qs)
    db.session.flush()
    echo(f"Demo survey loaded: {WALK_TITLE} with {WALK_RESPONSES} responses.")


STREETS = ["Lapwing Grove", "Chaffinch Close", "Castlefields Avenue North", "Norton Hill", "Kestrel Road"]


def _walkabout_answers(survey, qs: dict) -> None:
    rng = random.Random(19)
    wards = db.session.scalars(select(Area).where(Area.level == "ward").order_by(Area.name)).all()
    home = [w for w in wards if w.name == "Castlefields"] or wards
    now = utcnow()
    for n in range(WALK_RESPONSES):
        ward = rng.choice(home) if rng.random() < 0.8 else rng.choice(wards)
        order = [o.id for o in qs["order"].choices()]
        rng.shuffle(order)
        answers = {
            "ward": ward.id,
            "heard": {"o": [rng.choice([o for o in qs["heard"].choices() if not o.invites_text]).id], "t": {}},
            "look": {"o": [o.id for o in qs["look"].choices() if not o.invites_text and rng.random() < 0.5]
                     or [qs["look"].choices()[0].id], "t": {}},
            "pleasant": {"o": [rng.choice(qs["pleasant"].choices()).id], "t": {}},
            "before": {"o": [rng.choice(qs["before"].choices()).id], "t": {}},
            "safe": rng.randint(1, 8),
            "grid": {"g": {str(row.id): rng.choice(qs["grid"].choices()).id for row in qs["grid"].rows()}},
            "order": order,
            "street": rng.choice(STREETS),
            "people": rng.choice([0, 0, 1, 1, 2, 3]),
            "when": (now - timedelta(days=rng.randint(1, 300))).date().isoformat(),
            "else": rng.choice(["The alley behind the shops is very dark.", "Please come on a weekday evening too.",
                                "The steps by the canal are broken.", "No, thank you."]),
        }
        answering.store_complete(survey, {str(qs[k].id): v for k, v in answers.items()}, channel=rng.choice(["online", "online", "paper"]),
                                 submitted_at=now - timedelta(days=rng.random() * 6, minutes=rng.randint(0, 600)), is_demo=True)


register_seeder(40, seed_population)
register_seeder(41, seed_survey)
register_seeder(42, seed_walkabout_survey)
