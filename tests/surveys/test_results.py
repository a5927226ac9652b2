"""Results arithmetic, cross-tabs, suppression, margins of error and significance checked
against figures worked out by hand, weighting (Kish effective base), who answered, comments
and themes, and exports with formula injection neutralised."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from engage.extensions import db
from engage.surveys import analysis, comments, population, stats
from engage.surveys import answering
from engage.surveys.models import PopulationFigure, SurveyAnswer, SurveyResponse
from tests.surveys.survey_support import choice, consultation, opt, places, store, survey  # noqa: F401


def test_two_proportion_test_matches_hand_figures(app):
    # 40/100 against 25/100: pooled 0.325, se 0.06624, z 2.2646, two-sided p 0.0235.
    p = stats.two_proportion_test(40, 100, 25, 100)
    assert p == pytest.approx(0.0235, abs=0.0005) and stats.significant(p)
    # 30/100 against 25/100: z 0.792, p 0.428: not significant.
    p = stats.two_proportion_test(30, 100, 25, 100)
    assert p == pytest.approx(0.428, abs=0.001) and not stats.significant(p)


def test_kish_effective_base(app):
    assert stats.effective_base([1, 1, 2, 2]) == pytest.approx(3.6)
    assert stats.effective_base([1] * 10) == pytest.approx(10)


@pytest.fixture
def answered(survey, places):
    q = survey.q
    for ward, often, never in ((places["castle"], 8, 2), (places["mill"], 2, 8), (places["bridge"], 1, 1)):
        for n in range(often + never):
            label = "Often" if n < often else "Never"
            answers = {"ward": ward.id, "use": choice(q["use"], label)}
            if label == "Often":
                answers["problems"] = choice(q["problems"], "Litter", *(["Dogs"] if n % 2 else []))
            store(survey, answers, channel="paper" if n == 0 else "online")
    return survey


def _table(result, key):
    return next(r for r in result.questions if r.question.id == key).tables[0]


def _cell(table, label, column):
    col = next(i for i, c in enumerate(table.columns) if c.label == column)
    return next(cells for _, lab, cells in table.rows if lab == label)[col]


def test_counts_percentages_bases_and_cross_tab(app, answered, places):
    app.config["ENGAGE_MIN_BASE_FOR_INTERVALS"] = 10   # the groups here are 10 and 12 people
    q = answered.q
    result = analysis.results(answered, by="area-group")
    table = _table(result, q["use"].id)
    everyone = _cell(table, "Often", "Everyone who answered")
    assert (everyone.count, everyone.base, everyone.percent) == (11, 22, 50.0)
    priority = _cell(table, "Often", "Priority wards")
    rest = _cell(table, "Often", "Rest of the borough")
    assert (priority.count, priority.base) == (8, 10) and rest.count == 3 and rest.base == 12
    assert rest.percent == pytest.approx(25.0)
    # 8/10 against 3/12: pooled 0.5, se 0.2141, z 2.569, p 0.010: significant both ways. The
    # table's family is Often and Never (Sometimes: nobody, no test): Holm's 2 × 0.010 < 0.05.
    assert priority.p_value == pytest.approx(0.0102, abs=0.0005)
    assert priority.significant == "higher" and rest.significant == "lower"
    assert table.tests == 2 and table.marks == 2   # each test marks both groups
    # Multiple choice: percentages of the people who answered the question (can add to more than 100).
    problems = _table(result, q["problems"].id)
    assert _cell(problems, "Litter", "Everyone who answered").percent == 100.0
    assert _cell(problems, "Dogs", "Everyone who answered").count == 5  # odd n among the 11
    # By channel: counts add up.
    by_channel = _table(analysis.results(answered, by="channel"), q["use"].id)
    assert _cell(by_channel, "Often", "Paper").count + _cell(by_channel, "Often", "Online").count == 11


def test_intervals_shown_on_request(app, answered):
    # 22 people: under the default minimum base of 30, so no interval.
    table = _table(analysis.results(answered, show_moe=True), answered.q["use"].id)
    assert _cell(table, "Often", "Everyone who answered").interval is None
    app.config["ENGAGE_MIN_BASE_FOR_INTERVALS"] = 20
    table = _table(analysis.results(answered, show_moe=True), answered.q["use"].id)
    cell = _cell(table, "Often", "Everyone who answered")
    # Wilson, 11 of 22, z = 1.95996: centre (0.5 + z²/44) / (1 + z²/22) = 0.5, half-width
    # z × sqrt(0.25/22 + z²/1936) / (1 + z²/22) = 0.18556 → 30.72% to 69.28%.
    assert cell.interval == pytest.approx((30.722, 69.278), abs=0.001)
    assert cell.interval_text == "31% to 69%"


def test_small_groups_are_hidden_outside_staff_views(answered, places):
    staff = _table(analysis.results(answered, by="ward"), answered.q["use"].id)
    bridge = next(c for c in staff.columns if c.label == "Bridge")
    assert bridge.small and not bridge.hidden and _cell(staff, "Often", "Bridge").count == 1
    public = _table(analysis.results(answered, by="ward", public=True), answered.q["use"].id)
    bridge = next(c for c in public.columns if c.label == "Bridge")
    assert bridge.hidden and _cell(public, "Often", "Bridge").percent is None
    figures = analysis.aggregated(answered, public=True)
    use = next(f for f in figures if f["question_id"] == answered.q["use"].id)
    hidden = [f for f in use["figures"] if f["segment"] == "Bridge"]
    assert hidden and all(f["count"] is None and f["suppressed"] for f in hidden)
    shown = [f for f in use["figures"] if f["segment"] == "All respondents" and f["option"] == "Often"]
    assert shown[0]["count"] == 11 and shown[0]["base"] == 22


def test_a_small_group_that_the_total_gives_away_is_hidden_with_another(answered, places):
    """Everyone 22 = Castle 10 + Mill 10 + Bridge 2. Hiding Bridge alone would not do:
    22 − 10 − 10 = 2. Secondary suppression (engage.core.disclosure) hides the next smallest
    ward too, and goes on until no hidden figure can be worked out from what is shown,
    across the tables the public can open (wards, and priority wards against the rest)."""
    channel_only = {"channel": analysis.dimensions(answered)["channel"], "ward": analysis.dimensions(answered)["ward"]}
    q = answered.q["use"]
    people = analysis.load_people(answered)
    # Wards alone: Bridge (2) is hidden; so is Mill, everywhere, because only 2 people in Mill
    # answered the problems question (a group hidden in one table is hidden in all of them),
    # and that keeps Bridge from being worked out from everyone minus Castle and Mill.
    hidden = analysis.publication(answered, people, {"ward": channel_only["ward"]}, 5).hidden_groups
    names = {str(places[k].id): places[k].name for k in ("castle", "mill", "bridge")}
    assert {names[key] for dim, key in hidden if dim == "ward"} == {"Bridge", "Mill"}
    # With "Priority wards" (= Castle) and "Rest of the borough" (= Mill + Bridge) published
    # as well, each could give a hidden ward away, so more is hidden: every ward and both groups.
    public = _table(analysis.results(answered, by="ward", public=True), q.id)
    assert {c.label for c in public.columns if c.hidden} == {"Bridge", "Castle", "Mill"}
    groups = _table(analysis.results(answered, by="area-group", public=True), q.id)
    assert {c.label for c in groups.columns if c.hidden} == {"Priority wards", "Rest of the borough"}
    everyone = public.columns[0]
    assert everyone.label == "Everyone who answered" and not everyone.hidden and everyone.people == 22
    # Staff see every figure.
    staff = _table(analysis.results(answered, by="ward"), q.id)
    assert not any(c.hidden for c in staff.columns)
    # The published figures (API, exports, publishing) hide the same groups.
    use = next(f for f in analysis.aggregated(answered, public=True) if f["question_id"] == q.id)
    assert {f["segment"] for f in use["figures"] if f["suppressed"] and f["dimension"] in ("ward", "area-group")} == {
        "Bridge", "Castle", "Mill", "Priority wards", "Rest of the borough"}


def q_parts(q):
    from engage.surveys import questions as qtypes

    return qtypes.type_of(q).parts(q)


def test_survey_suppression_is_the_shared_disclosure_rule(answered, monkeypatch):
    """Results use engage.core.disclosure, not a rule of their own: change the shared rule
    and the survey's tables follow."""
    from engage.core import disclosure

    monkeypatch.setattr(disclosure, "primary", lambda groups, limit=None: set(groups))
    public = _table(analysis.results(answered, by="ward", public=True), answered.q["use"].id)
    assert public.columns[1:] and all(c.hidden for c in public.columns[1:])


def test_weighted_results_show_both_bases(answered, places):
    for ward in (places["castle"], places["mill"], places["bridge"]):
        db.session.add(PopulationFigure(area_id=ward.id, kind="age-sex", age_band="25 to 34", sex="Female", count=1000))
    db.session.commit()
    # Nobody gave an age band or sex: no one can be weighted, and the page says so.
    result = analysis.results(answered, weighted=True)
    assert result.weighting.weighted == 0 and result.weighting.problem


def test_who_answered_marks_under_representation(answered, places):
    for ward in (places["castle"], places["mill"], places["bridge"]):
        db.session.add(PopulationFigure(area_id=ward.id, kind="age-sex", age_band="25 to 34", sex="Female", count=1000))
    db.session.commit()
    tables = population.who_answered(answered, analysis.load_people(answered))
    wards = {row.label: row for row in next(t for t in tables if t.key == "ward").rows}
    assert wards["Bridge"].respondents == 2 and wards["Bridge"].under  # 9% of answers, 33% of people
    assert wards["Castle"].over and not wards["Castle"].under
    assert wards["Castle"].population_share == pytest.approx(1 / 3)


def test_comments_are_searched_and_coded_with_themes(survey, places, users):
    q = survey.q
    for text in ("More bins please", "Dog mess everywhere", "More bins and less dog mess"):
        store(survey, {"ward": places["mill"].id, "use": choice(q["use"], "Often"), "comment": text})
    litter = comments.add_theme(users["officer"], survey, "Litter")
    dogs = comments.add_theme(users["officer"], survey, "Dogs")
    with pytest.raises(Exception):
        comments.add_theme(users["officer"], survey, "litter")
    found = db.session.scalars(comments.comments_query(survey, text="bins")).all()
    assert [a.text for a in found] == ["More bins please", "More bins and less dog mess"]
    comments.code_comment(users["officer"], survey, found[1], [str(litter.id), str(dogs.id)])
    comments.code_comment(users["officer"], survey, found[0], [str(litter.id)])
    db.session.commit()
    assert {t.name: n for t, n in comments.theme_counts(survey)} == {"Dogs": 1, "Litter": 2}
    assert [a.text for a in db.session.scalars(comments.comments_query(survey, uncoded=True))] == ["Dog mess everywhere"]
    with pytest.raises(Exception):
        comments.code_comment(users["officer"], survey, found[0], ["999999"])


def test_exports_neutralise_formulas_and_drop_personal_text(client, login, survey, places):
    q = survey.q
    q["comment"].personal = False
    db.session.commit()
    store(survey, {"ward": places["mill"].id, "use": choice(q["use"], "Often"), "comment": "=HYPERLINK(\"http://x\")",
                   "problems": choice(q["problems"], "Other, please say", texts={"Other, please say": "@SUM(1)"})})
    login("practitioner")
    text = client.get(f"/surveys/{survey.id}/export/responses.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["response", "reference", "channel", "submitted"] and "Q1" in rows[0]
    comment = rows[1][rows[0].index("Q5")]
    assert comment.startswith("'=HYPERLINK")
    assert rows[1][rows[0].index("Q4")] == "Other, please say: @SUM(1)"
    book = load_workbook(io.BytesIO(client.get(f"/surveys/{survey.id}/export/responses.xlsx").data))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("Q5") + 1)
    assert cell.value.startswith("'=") and cell.data_type == "s"
    # Free text flagged personal never leaves Engage.
    q["comment"].personal = True
    db.session.commit()
    rows = list(csv.reader(io.StringIO(client.get(f"/surveys/{survey.id}/export/responses.csv").get_data(as_text=True))))
    assert rows[1][rows[0].index("Q5")] == "[removed: personal]"
    results = list(csv.reader(io.StringIO(client.get(f"/surveys/{survey.id}/export/results.csv").get_data(as_text=True))))
    assert results[0] == ["question_number", "question", "dimension", "segment", "answer", "count", "base", "percent",
                          "interval_low", "interval_high", "in_base", "suppressed"]
    # One person: 100%, and no interval (a base of 1 is far under the minimum base).
    assert any(r[0] == "Q2" and r[4] == "Often" and r[5:11] == ["1", "1", "100.0", "", "", "yes"] for r in results[1:])


def test_results_page_renders_every_view(app, client, login, answered):
    app.config["ENGAGE_MIN_BASE_FOR_INTERVALS"] = 10
    login("practitioner")
    for query in ("", "?by=area-group&moe=1", "?by=ward&view=public", "?by=channel", "?weighted=1"):
        page = client.get(f"/surveys/{answered.id}/results{query}")
        assert page.status_code == 200, query
    page = client.get(f"/surveys/{answered.id}/results?by=area-group&moe=1")
    assert b"significantly higher" in page.data and b"<svg" in page.data
    # Priority wards: 8 of 10 "Often", Wilson 49.02% to 94.33%; Holm's method named.
    assert "49% to 94%" in page.get_data(as_text=True) and "Holm" in page.get_data(as_text=True)
    assert 'href="/how-we-work-out-the-numbers"' in page.get_data(as_text=True)
    public = client.get(f"/surveys/{answered.id}/results?by=ward&view=public")
    assert b"hidden" in public.data


def test_weighting_to_population_through_the_results(app, survey, places):
    """Raking with real equality answers: the weighted share moves towards the population's,
    both bases are kept, and the effective base is Kish's."""
    from engage.surveys import builder

    app.config["ENGAGE_WEIGHTING_MIN_GROUP"] = 2   # a dozen people: let groups of 2 stand alone

    section = builder.add_equality_section(None, survey)
    age = next(x for x in section.questions if x.equality_key == "age")
    sex = next(x for x in section.questions if x.equality_key == "sex")
    db.session.commit()
    q = survey.q
    # Population: equal wards, 50/50 by sex, one age band. Sample: 6 women and 2 men in Castle,
    # 2 women and 2 men in Mill; women say "Often", men "Never".
    for ward in (places["castle"], places["mill"]):
        for s in ("Female", "Male"):
            db.session.add(PopulationFigure(area_id=ward.id, kind="age-sex", age_band="25 to 34", sex=s, count=500))
    db.session.commit()
    people = [(places["castle"], "Female")] * 6 + [(places["castle"], "Male")] * 2 + [(places["mill"], "Female")] * 2 + [(places["mill"], "Male")] * 2
    for ward, s in people:
        store(survey, {"ward": ward.id, "use": choice(q["use"], "Often" if s == "Female" else "Never")})
        response = db.session.scalars(db.select(SurveyResponse).order_by(SurveyResponse.id.desc())).first()
        for question, label in ((age, "25 to 34"), (sex, s)):
            for row in answering.answer_rows(survey, response.id, {str(question.id): choice(question, label)}):
                db.session.execute(db.insert(SurveyAnswer), row)
        db.session.commit()
    unweighted = _table(analysis.results(survey), q["use"].id)
    assert _cell(unweighted, "Often", "Everyone who answered").percent == pytest.approx(100 * 8 / 12)
    result = analysis.results(survey, weighted=True, show_moe=True)
    assert result.weighting.weighted == 12 and not result.weighting.problem
    table = _table(result, q["use"].id)
    everyone = table.columns[0]
    assert everyone.people == 12 and everyone.base == pytest.approx(12)
    # Raked to 50% women: "Often" (women) falls to 50%.
    assert _cell(table, "Often", "Everyone who answered").percent == pytest.approx(50.0, abs=0.01)
    # Worked by hand: raking a 2 × 2 table converges to weights a(ward) × b(sex). With x, y, z,
    # t the weights of Castle women (6 people), Castle men (2), Mill women (2), Mill men (2):
    # 6x + 2y = 6 (Castle half of 12), 6x + 2z = 6 (women half), 2z + 2t = 6, and xt = yz.
    # So y = z, x = 1 - y/3, t = 3 - y, and (1 - y/3)(3 - y) = y², that is 2y² + 6y - 9 = 0:
    # y = (-6 + √108) / 4 = 1.098076, x = 0.633975, t = 1.901924.
    x, y, t = 0.633975, 1.098076, 1.901924
    assert sorted(round(w, 6) for w in result.weighting.weights.values()) == pytest.approx([x] * 6 + [y] * 4 + [t] * 2, abs=1e-5)
    # Kish: (Σw)² / Σw² = 144 / (6x² + 4y² + 2t²) = 144 / 14.469256 = 9.9521.
    assert everyone.effective == pytest.approx(9.9521, abs=0.001)


def test_rate_limit_per_address(database_url, tmp_path, survey):
    from tests.conftest import make_app

    limited = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True, ENGAGE_SURVEY_RATE_LIMIT="2 per hour")
    client = limited.test_client()
    with limited.app_context():
        codes = [client.post(f"/surveys/{survey.id}", data={}).status_code for _ in range(3)]
        db.session.remove()
    assert codes[:2] == [302, 302] and codes[2] == 429
