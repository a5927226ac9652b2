"""Weighting (engage/surveys/weighting.py): trimmed raking checked against weightipy (an
independent rim-weighting implementation) and against figures worked out by hand; the
weighted margins meet their targets within 0.5 points or the result says why not; every
weight within the cap and floor; the efficiency figure; small and empty groups; people
without ward, age band or sex left out; the population the survey could reach (16+)."""
from __future__ import annotations

import contextlib
import io
import random

import pytest

from engage.core import numbers
from engage.extensions import db
from engage.surveys import analysis, answering, builder, population, weighting
from engage.surveys.models import PopulationFigure, SurveyAnswer, SurveyResponse
from tests.surveys.survey_support import choice, consultation, places, store, survey  # noqa: F401

KEYS = ("ward", "age", "sex")


def _shares(people, weights):
    """Weighted share (per cent) of each category of each dimension, worked out directly."""
    total = sum(weights[p[0]] for p in people if p[0] in weights)
    out = {k: {} for k in KEYS}
    for p in people:
        if p[0] not in weights:
            continue
        for i, key in enumerate(KEYS):
            out[key][p[i + 1]] = out[key].get(p[i + 1], 0.0) + 100.0 * weights[p[0]] / total
    return out


def _product_sample():
    """40 people, 5 in each ward × age × sex cell: raking has a closed-form answer."""
    people, n = [], 0
    for ward in ("A", "B"):
        for age in ("x", "y"):
            for sex in ("F", "M"):
                for _ in range(5):
                    n += 1
                    people.append((n, ward, age, sex))
    return people


TARGETS = {"ward": {"A": 60, "B": 40}, "age": {"x": 30, "y": 70}, "sex": {"F": 50, "M": 50}}


def test_hand_worked_raking_and_efficiency():
    # Sample: half in each ward, age and sex, independently. Targets: A 60%, x 30%, F 50%.
    # Each weight is the product of the factors: A 0.6/0.5 = 1.2, B 0.8, x 0.6, y 1.4, sex 1:
    # (A, x) 0.72, (A, y) 1.68, (B, x) 0.48, (B, y) 1.12 (10 people each).
    # Efficiency: (Σw)² / (n Σw²) = 40² / (40 × 10 × (0.72² + 1.68² + 0.48² + 1.12²)) = 1600 / 1930.24 = 0.82891.
    people = _product_sample()
    result = weighting.rake(people, TARGETS)
    expected = {("A", "x"): 0.72, ("A", "y"): 1.68, ("B", "x"): 0.48, ("B", "y"): 1.12}
    for pid, ward, age, _sex in people:
        assert result.weights[pid] == pytest.approx(expected[(ward, age)], abs=1e-6)
    assert result.usable and result.capped == 0 and not result.problem
    assert result.efficiency == pytest.approx(0.82891, abs=1e-5)
    assert result.effective_base == pytest.approx(33.1565, abs=1e-3)
    assert result.lowest == pytest.approx(0.48) and result.highest == pytest.approx(1.68)


def _skewed_sample(seed=7, n=400):
    rng = random.Random(seed)
    return [(i, rng.choices(["W1", "W2", "W3", "W4"], [0.4, 0.3, 0.2, 0.1])[0],
             rng.choices(["16-34", "35-54", "55-74", "75+"], [0.1, 0.25, 0.4, 0.25])[0],
             rng.choices(["F", "M"], [0.62, 0.38])[0]) for i in range(1, n + 1)]


def _weightipy(people, targets, cap=None):
    """The same raking by weightipy (rim weighting from the Quantipy lineage)."""
    import pandas as pd
    import weightipy

    frame = pd.DataFrame([{"id": p[0], "ward": p[1], "age": p[2], "sex": p[3]} for p in people])
    percent = {k: {c: 100.0 * v / sum(t.values()) for c, v in t.items()} for k, t in targets.items()}
    scheme = weightipy.scheme_from_dict(percent, rim_params={"max_iterations": 5000, "convcrit": 1e-12,
                                                             **({"cap": cap} if cap else {})})
    scheme.anesrake_cap_correction = False
    with contextlib.redirect_stdout(io.StringIO()):
        weights = weightipy.weight(frame, scheme)
    return dict(zip(frame["id"], weights.to_numpy()))


SKEWED_TARGETS = {"ward": {"W1": 25, "W2": 25, "W3": 25, "W4": 25}, "age": {"16-34": 30, "35-54": 30, "55-74": 25, "75+": 15},
                  "sex": {"F": 51, "M": 49}}


def _assert_margins_met(people, weights, targets):
    shares = _shares(people, weights)
    for key in KEYS:
        total = sum(targets[key].values())
        for category, count in targets[key].items():
            assert shares[key][category] == pytest.approx(100.0 * count / total, abs=0.5), (key, category)
    return shares


def test_raking_agrees_with_weightipy_and_meets_every_margin():
    """Without trimming (cap and floor out of reach), the raking is weightipy's raking."""
    people = _skewed_sample()
    result = weighting.rake(people, SKEWED_TARGETS, cap=1000, floor=0.001)
    assert result.usable and result.weighted == len(people) and result.capped == 0
    other = _weightipy(people, SKEWED_TARGETS)
    assert max(abs(result.weights[pid] - other[pid]) for pid in other) < 1e-6
    shares = _assert_margins_met(people, result.weights, SKEWED_TARGETS)
    # The margins the result reports are the ones worked out here.
    reported = {(m.key, c.label): c.weighted for m in result.margins for c in m.categories}
    assert reported[("age", "75+")] == pytest.approx(shares["age"]["75+"], abs=1e-6)


def test_cap_and_floor_hold_inside_the_iterations():
    """Targets that need weights past 5 without trimming: with trimming every weight stays
    within 0.2 to 5, the targets are still met, and weightipy's trimmed raking agrees."""
    people = _skewed_sample()
    untrimmed = _weightipy(people, SKEWED_TARGETS)
    assert max(untrimmed.values()) > 5   # the cap has work to do
    result = weighting.rake(people, SKEWED_TARGETS)
    weights = list(result.weights.values())
    assert min(weights) >= 0.2 - 1e-12 and max(weights) <= 5 + 1e-12
    at_limits = sum(1 for w in weights if abs(w - 5) < 1e-9 or abs(w - 0.2) < 1e-9)
    assert result.capped == at_limits and result.capped > 0
    assert result.usable and result.largest_gap <= 0.5
    _assert_margins_met(people, result.weights, SKEWED_TARGETS)
    assert not any(abs(w - 0.2) < 1e-9 for w in weights)   # only the cap binds here (weightipy 0.4.2 cannot take a floor)
    trimmed = _weightipy(people, SKEWED_TARGETS, cap=5)
    assert max(abs(result.weights[pid] - trimmed[pid]) for pid in trimmed) < 1e-3


def test_low_efficiency_is_a_warning():
    people = _skewed_sample()
    fine = weighting.rake(people, SKEWED_TARGETS)
    assert fine.efficiency > 0.5 and not fine.warnings
    hard = {"ward": {"W1": 20, "W2": 20, "W3": 30, "W4": 30}, "age": {"16-34": 35, "35-54": 30, "55-74": 25, "75+": 10},
            "sex": {"F": 49, "M": 51}}
    result = weighting.rake(people, hard)
    weights = list(result.weights.values())
    kish = sum(weights) ** 2 / sum(w * w for w in weights) / len(weights)   # worked out here, not by the module
    assert result.usable and result.efficiency == pytest.approx(kish) and kish < 0.5
    assert any(f"efficiency is {numbers.percent_text(100 * kish)}:" in w for w in result.warnings)


def test_targets_that_cannot_be_met_say_which_group_and_why():
    # 60 of 100 people are 75+, against 5% of the population: each would have to count as
    # 0.05 / 0.6 = 0.083 of a person, under the floor of 0.2.
    people = [(i, "W1" if i % 2 else "W2", "75+" if i <= 60 else "16-74", "F" if i % 3 else "M") for i in range(1, 101)]
    targets = {"ward": {"W1": 50, "W2": 50}, "age": {"16-74": 95, "75+": 5}, "sex": {"F": 50, "M": 50}}
    result = weighting.rake(people, targets)
    assert not result.met and not result.usable
    assert "75+" in result.problem and "floor of 0.2" in result.problem and "60 people answered" in result.problem
    assert all(0.2 - 1e-12 <= w <= 5 + 1e-12 for w in result.weights.values())
    age = next(m for m in result.margins if m.key == "age")
    old = next(c for c in age.categories if c.label == "75+")
    assert old.target == pytest.approx(5) and old.weighted > 5.5   # the best the floor allows: 60×0.2 / (60×0.2 + 40×w)


def test_small_groups_merge_with_a_neighbour_and_empty_ones_warn():
    people = _product_sample()
    # Age "w" has nobody, "z" has 3 people: both join a neighbour, and the empty one is a warning.
    people += [(100 + i, "A", "z", "F") for i in range(3)]
    targets = {"ward": {"A": 50, "B": 50}, "age": {"w": 10, "x": 30, "y": 50, "z": 10}, "sex": {"F": 50, "M": 50}}
    result = weighting.rake(people, targets, {"age": [["w", "x", "y", "z"]]})
    labels = [c.label for c in next(m for m in result.margins if m.key == "age").categories]
    assert labels == ["w and x", "y and z"]
    assert any("nobody answered from w" in w for w in result.warnings)
    assert any("y and z (23 answered in all)" in n for n in result.notes)
    assert result.usable


def test_people_without_ward_age_or_sex_are_left_out_and_counted():
    people = _product_sample() + [(200, None, "x", "F"), (201, "A", None, "M"), (202, "A", "x", "X")]
    result = weighting.rake(people, TARGETS)
    assert result.not_given == 2 and result.outside == 1 and result.left_out == 3
    assert not {200, 201, 202} & set(result.weights) and result.weighted == 40


def test_too_few_people_is_a_problem_not_a_quiet_weight_of_one():
    result = weighting.rake(_product_sample()[:10], TARGETS)
    assert not result.usable and "at least 20" in result.problem and not result.weights


def test_weighted_mean_and_median_by_hand():
    assert weighting.weighted_mean([1, 2, 3], [1, 1, 2]) == pytest.approx(9 / 4)
    # Running weights 1, 2, 4 of 4: half (2) is reached exactly at 2, so the middle is (2 + 3) / 2.
    assert weighting.weighted_median([1, 2, 3], [1, 1, 2]) == pytest.approx(2.5)
    assert weighting.weighted_median([1, 2, 3], [1, 1, 3]) == 3
    assert weighting.weighted_median([5, 1, 3, 2], [1, 1, 1, 1]) == pytest.approx(2.5)   # ordinary median


# ---- through the survey's results -------------------------------------------------------------

@pytest.fixture
def weighted_survey(survey, places):
    """40 answers in the product pattern: Castle/Mill × 25–34 / 45–54 × Female/Male, 5 each;
    the population: Castle 60%, 25–34 30%, women 50%. Castle 25–34 say "Often", others "Never".
    Plus one person who gave no sex and one aged under 16."""
    section = builder.add_equality_section(None, survey)
    age_q = next(x for x in section.questions if x.equality_key == "age")
    sex_q = next(x for x in section.questions if x.equality_key == "sex")
    db.session.commit()
    wards = {"A": places["castle"], "B": places["mill"]}
    bands = {"x": "25 to 34", "y": "45 to 54"}
    for ward, wshare in (("A", 0.6), ("B", 0.4)):
        for age, ashare in (("x", 0.3), ("y", 0.7)):
            for sex in ("Female", "Male"):
                db.session.add(PopulationFigure(area_id=wards[ward].id, kind="age-sex", age_band=bands[age], sex=sex,
                                                count=round(10000 * wshare * ashare * 0.5)))
        db.session.add(PopulationFigure(area_id=wards[ward].id, kind="age-sex", age_band="Under 16", sex="Female", count=5000))
    db.session.commit()
    q = survey.q
    rows = [(w, a, s) for _, w, a, s in _product_sample()] + [("A", "x", None), ("A", "u", "F")]
    for ward, age, sex in rows:
        store(survey, {"ward": wards[ward].id, "use": choice(q["use"], "Often" if (ward, age) == ("A", "x") else "Never")})
        response = db.session.scalars(db.select(SurveyResponse).order_by(SurveyResponse.id.desc())).first()
        given = {age_q: "Under 16" if age == "u" else bands[age], sex_q: {"F": "Female", "M": "Male"}.get(sex)}
        for question, label in given.items():
            if label:
                for row in answering.answer_rows(survey, response.id, {str(question.id): choice(question, label)}):
                    db.session.execute(db.insert(SurveyAnswer), row)
    survey.min_age = 16
    db.session.commit()
    return survey


def test_weighted_results_meet_targets_and_use_the_effective_base(weighted_survey):
    survey = weighted_survey
    result = analysis.results(survey, weighted=True, show_moe=True)
    w = result.weighting
    assert w.usable and w.weighted == 40 and w.not_given == 1 and w.outside == 1
    table = next(r for r in result.questions if r.question.id == survey.q["use"].id).tables[0]
    everyone = table.columns[0]
    # The two people left out are not in the weighted table; the weighted base is the 40 weighted.
    assert everyone.people == 40 and everyone.base == pytest.approx(40)
    # Effective base by hand: 33.1565 (see test_hand_worked_raking_and_efficiency).
    assert everyone.effective == pytest.approx(33.1565, abs=1e-3)
    often = next(cells for _, label, cells in table.rows if label == "Often")[0]
    # "Often" is Castle 25–34: 10 people × 0.72 = 7.2 of 40 = 18%; shown as 7 people, not 7.2.
    assert often.percent == pytest.approx(18.0, abs=1e-4) and often.count_text() == "7"
    # The 95% Wilson range on the effective base n = 33.1565, worked by hand with z = 1.95996:
    # centre (p + z²/2n) / (1 + z²/n) = 0.21323, half-width z / (1 + z²/n) × sqrt(p(1 − p)/n + z²/4n²)
    # = 0.12818: 8.50% to 34.14% (on the raw base of 40 it would be 9.09% to 32.52%).
    low, high = often.interval
    assert low == pytest.approx(8.505, abs=0.01) and high == pytest.approx(34.140, abs=0.01)


def test_weighting_is_to_the_population_the_survey_could_reach(weighted_survey):
    survey = weighted_survey
    profile = population.profile(survey)
    assert "Under 16" not in profile["age"] and profile["sex"]["Female"] == pytest.approx(5000)
    survey.min_age = 0
    everyone = population.profile(survey)
    assert everyone["age"]["Under 16"] == 10000 and everyone["sex"]["Female"] == pytest.approx(15000)


def test_results_page_says_when_targets_cannot_be_met(client, login, weighted_survey, places):
    survey = weighted_survey
    # Make the population 95% Mill: Castle's 20 people would each have to count as 0.1.
    for figure in db.session.scalars(db.select(PopulationFigure).where(PopulationFigure.area_id == places["mill"].id)):
        figure.count *= 30
    db.session.commit()
    login("practitioner")
    page = client.get(f"/surveys/{survey.id}/results?weighted=1").get_data(as_text=True)
    assert "These results are not weighted: they do not match the population." in page
    assert "floor of 0.2" in page and "Castle" in page
    assert "unweighted, effective" not in page   # no weighted bases presented
    result = analysis.results(survey, weighted=True)
    assert not result.weighting.usable
    table = next(r for r in result.questions if r.question.id == survey.q["use"].id).tables[0]
    assert table.columns[0].people == 42 and table.columns[0].base == 42   # everyone, unweighted


def test_demo_weighting_meets_targets_and_the_stall_survey_cannot(seeded):
    from engage.surveys import demo
    from engage.surveys.models import Survey

    main = db.session.scalar(db.select(Survey).where(Survey.title == demo.SURVEY_TITLE))
    stall = db.session.scalar(db.select(Survey).where(Survey.title == demo.STALL_TITLE))
    assert main.min_age == 16
    result = analysis.results(main, weighted=True)
    w = result.weighting
    assert w.usable and w.largest_gap <= 0.5 and w.efficiency > 0.5
    assert all(0.2 <= x <= 5 for x in w.weights.values())
    sex = {c.label: c.weighted for m in w.margins if m.key == "sex" for c in m.categories}
    assert sex["Female"] == pytest.approx(51, abs=0.5)
    other = analysis.results(stall, weighted=True).weighting
    assert not other.usable and "75 and over" in other.problem


def test_who_the_survey_is_for_is_a_setting(client, login, survey):
    login("practitioner")
    data = {"title": "Parks survey", "retention_days": "365", "version": str(survey.version), "min_age": "16"}
    saved = client.post(f"/surveys/{survey.id}/settings", data=data)
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(survey), survey.id).min_age == 16
    page = client.get(f"/surveys/{survey.id}/settings").get_data(as_text=True)
    assert "People aged 16 and over" in page
    tampered = client.post(f"/surveys/{survey.id}/settings", data={**data, "min_age": "7", "version": str(survey.version)})
    assert tampered.status_code == 400
    with pytest.raises(builder.BuildError):
        builder.update_settings(None, survey, {"title": "Parks survey", "retention_days": 365, "min_age": 7}, survey.version)


def test_weighted_average_and_middle_value_use_the_weights(weighted_survey, places):
    """Ratings 2 (Castle 25–34, weight 0.72), 8 (Castle 45–54, 1.68), 4 (Mill 25–34, 0.48),
    6 (Mill 45–54, 1.12), 10 people each. Unweighted: average 5, middle 5. Weighted: average
    (2×7.2 + 8×16.8 + 4×4.8 + 6×11.2) / 40 = 5.88; running weights 7.2 (2), 12 (4), 23.2 (6)
    pass half of 40 at 6, so the middle value is 6."""
    survey = weighted_survey
    rating = {("Castle", "25 to 34"): 2, ("Castle", "45 to 54"): 8, ("Mill", "25 to 34"): 4, ("Mill", "45 to 54"): 6}
    people = analysis.load_people(survey)
    groups = population.person_groups(survey, people)
    for p in people:
        key = (groups[p.id].get("ward"), groups[p.id].get("age"))
        if key in rating and "sex" in groups[p.id]:
            for row in answering.answer_rows(survey, p.id, {str(survey.q["rate"].id): rating[key]}):
                db.session.execute(db.insert(SurveyAnswer), row)
    db.session.commit()

    def numeric(result):
        return next(r for r in result.questions if r.question.id == survey.q["rate"].id).tables[0].numeric

    plain = numeric(analysis.results(survey))
    assert plain["count"] == 40 and plain["mean"] == pytest.approx(5.0) and plain["median"] == pytest.approx(5.0)
    weighted = numeric(analysis.results(survey, weighted=True))
    assert weighted["mean"] == pytest.approx(5.88) and weighted["median"] == 6


def test_weighted_ranking_uses_the_weights(weighted_survey):
    """Castle's 20 people (weights 0.72 and 1.68: 24 in all) put Parks first, Mill's 20
    (0.48 and 1.12: 16) put it second. Average rank of Parks weighted: (24 × 1 + 16 × 2) / 40 = 1.4."""
    from tests.surveys.survey_support import add

    survey = weighted_survey
    ranking = add(survey, survey.sections[0], "ranking", "Put these in order", options=["Parks", "Streets"])
    db.session.commit()
    parks, streets = [o.id for o in ranking.choices()]
    people = analysis.load_people(survey)
    groups = population.person_groups(survey, people)
    for p in people:
        ward = groups[p.id].get("ward")
        order = [parks, streets] if ward == "Castle" else [streets, parks]
        for row in answering.answer_rows(survey, p.id, {str(ranking.id): order}):
            db.session.execute(db.insert(SurveyAnswer), row)
    db.session.commit()

    def mean_rank(result):
        rows = next(r for r in result.questions if r.question.id == ranking.id).ranking
        return next(mean for label, mean, _n in rows if label == "Parks")

    # Unweighted, the two people left out of weighting (both in Castle) count too: (22 × 1 + 20 × 2) / 42.
    assert mean_rank(analysis.results(survey)) == pytest.approx(62 / 42)
    assert mean_rank(analysis.results(survey, weighted=True)) == pytest.approx(1.4)
