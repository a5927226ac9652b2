"""Intervals, significance marks and rounding (issue 17), checked against figures worked out
by hand and against a second implementation (the z-test from its formula, statsmodels'
multipletests), never against the function under test.

Each test names the fault it catches; each was planted and seen to fail:
- the interval on the raw (or weighted) base instead of the effective base;
- the normal (Wald) interval instead of Wilson near 0% and 100%; an interval under the minimum base;
- a group under the minimum base tested, or tested against a rest under it;
- a breakdown tested against the question it is made from;
- the family correction dropped (or Benjamini–Hochberg in place of the Holm the page names);
- the rest's effective base taken as the sum of its parts' instead of its people's Kish base;
- Python's round (half to even) in place of round half up.
"""
from __future__ import annotations

import math

import pytest

from engage.core import numbers
from engage.extensions import db
from engage.surveys import analysis, builder, stats
from engage.surveys.analysis import Person
from tests.surveys.survey_support import choice, consultation, opt, places, store, survey  # noqa: F401

Z = 1.959963984540054   # the 97.5% point of the normal distribution


def z_test(c1, n1, c2, n2) -> float:
    """The pooled two-proportion z-test from its formula (a second implementation)."""
    pooled = (c1 + c2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return math.erfc(abs((c1 / n1 - c2 / n2) / se) / math.sqrt(2))


def people(survey, spec, start=1):
    """[(how many, answer to "use", channel, ward id, weight)] as Person records."""
    q = survey.q["use"]
    out, n = [], start
    for count, label, channel, ward, weight in spec:
        for _ in range(count):
            values = {q.id: {"o": [opt(q, label).id], "t": {}}}
            if ward is not None:
                values[survey.q["ward"].id] = ward
            out.append(Person(n, channel, ward, values, weight))
            n += 1
    return out


def table(result, question):
    return next(r for r in result.questions if r.question.id == question.id).tables[0]


def cell(t, label, column):
    col = next(i for i, c in enumerate(t.columns) if c.label == column)
    return next(cells for _key, lab, cells in t.rows if lab == label)[col]


# ---- intervals ---------------------------------------------------------------------------

def test_wilson_interval_near_0_and_100_percent(app):
    """Fault: the normal (Wald) interval, which gives 0% ± 0 for 0 of 40."""
    # 0 of 40: Wilson's high end is z² / (n + z²) = 3.84146 / 43.84146 = 8.762%.
    assert stats.interval(0, 40) == pytest.approx((0.0, 8.7622), abs=0.0001)
    # 40 of 40: the low end is n / (n + z²) = 40 / 43.84146 = 91.238%.
    assert stats.interval(40, 40) == pytest.approx((91.2378, 100.0), abs=0.0001)
    # 1 of 30: centre (1/30 + z²/60) / (1 + z²/30) = 0.08630, half-width
    # z × sqrt((1/30)(29/30)/30 + z²/3600) / (1 + z²/30) = 0.08039 → 0.59% to 16.67%.
    assert stats.interval(1, 30) == pytest.approx((0.5909, 16.6704), abs=0.0001)
    # Every interval stays within 0 to 100 and holds its share.
    for count in range(0, 41):
        low, high = stats.interval(count, 40)
        assert 0 <= low <= 100 * count / 40 <= high <= 100 + 1e-9


def test_no_interval_under_the_minimum_base_which_is_a_setting(app):
    """Fault: an interval for a base under the minimum, or a second place reading the setting."""
    assert numbers.min_base() == 30
    assert stats.interval(10, 29) is None and stats.interval(10, 30) is not None
    app.config["ENGAGE_MIN_BASE_FOR_INTERVALS"] = 4
    assert numbers.min_base() == 4
    # 3 of 4 (the Wald interval ran past 100%: 75% ± 42.4): Wilson stays inside, 30.06% to 95.44%.
    assert stats.interval(3, 4) == pytest.approx((30.0642, 95.4413), abs=0.0001)
    assert stats.interval(3, 3.9) is None
    for bad in ("many", 0, -3, None):
        app.config["ENGAGE_MIN_BASE_FOR_INTERVALS"] = bad
        assert numbers.min_base() == 30


def test_weighted_interval_uses_the_effective_base(survey):
    """Fault: the interval on the raw base (60 people) or the weighted base (90)."""
    # 30 people of weight 2 say "Often", 30 of weight 1 say "Never": weighted share 60/90 = 2/3.
    # Kish effective base (Σw)² / Σw² = 90² / (30 × 4 + 30 × 1) = 8100 / 150 = 54.
    crowd = people(survey, [(30, "Often", "online", None, 2.0), (30, "Never", "online", None, 1.0)])
    t = table(analysis.results(survey, people=crowd, show_moe=True), survey.q["use"])
    everyone = t.columns[0]
    assert (everyone.people, everyone.base, everyone.effective) == (60, pytest.approx(90), pytest.approx(54))
    often = cell(t, "Often", "Everyone who answered")
    assert often.percent == pytest.approx(200 / 3)
    # Wilson for 36 of 54: centre (2/3 + z²/108) / (1 + z²/54) = 0.65560, half-width
    # z × sqrt((2/3)(1/3)/54 + z²/11664) / (1 + z²/54) = 0.12199 → 53.36% to 77.76%.
    # (On 60 people it would be 54.06% to 77.27%; on 90, 56.42% to 75.55%.)
    assert often.interval == pytest.approx((53.361, 77.759), abs=0.001)
    assert often.interval_text == "53% to 78%"


# ---- significance ------------------------------------------------------------------------

def test_groups_under_the_minimum_base_are_not_tested(survey):
    """Fault: a group under the minimum base tested (or compared with a rest under it)."""
    def run(phone):
        crowd = people(survey, [(phone, "Often", "phone", None, 1.0), (40, "Never", "online", None, 1.0),
                                (40, "Never", "paper", None, 1.0)])
        return table(analysis.results(survey, by="channel", people=crowd), survey.q["use"])

    t = run(29)
    phone = cell(t, "Often", "Phone")
    assert phone.p_value is None and phone.significant == ""
    # Online and paper (40 each) are tested against the other groups together (80 and 69 people).
    assert cell(t, "Often", "Online").significant == "lower" and t.tests == 4
    t = run(30)
    assert cell(t, "Often", "Phone").significant == "higher" and t.tests == 6
    # Two groups, one of 29: neither side of the one comparison reaches 30, so nothing is tested.
    crowd = people(survey, [(29, "Often", "phone", None, 1.0), (40, "Never", "online", None, 1.0)])
    t = table(analysis.results(survey, by="channel", people=crowd), survey.q["use"])
    assert t.tests == 0 and not any(c.significant for _k, _l, cells in t.rows for c in cells)


def test_a_breakdown_is_never_tested_against_its_own_question(survey, places):
    """Fault: the ward question tested by ward (every ward is 100% its own ward)."""
    crowd = people(survey, [(40, "Often", "online", places["castle"].id, 1.0), (40, "Never", "online", places["mill"].id, 1.0),
                            (40, "Sometimes", "online", places["bridge"].id, 1.0)])
    for by in ("ward", "area-group"):
        result = analysis.results(survey, by=by, people=crowd)
        own = table(result, survey.q["ward"])
        assert own.own_question and own.tests == 0 and own.marks == 0
        assert not any(c.significant or c.p_value is not None for _k, _l, cells in own.rows for c in cells)
        other = table(result, survey.q["use"])
        assert not other.own_question and other.tests > 0 and other.marks > 0
    # An equality breakdown is made from its own question.
    section = builder.add_equality_section(None, survey)
    db.session.commit()
    sex = next(x for x in section.questions if x.equality_key == "sex")
    assert analysis.dimensions(survey)[f"q{sex.id}"].source == frozenset({sex.id})


def test_holm_controls_each_table_as_a_family(survey):
    """Fault: the correction dropped, or Benjamini–Hochberg used where the page says Holm."""
    from statsmodels.stats.multitest import multipletests

    # By hand, Holm on 0.01, 0.02, 0.03, 0.04: 0.01 ≤ 0.05/4 is kept; 0.02 > 0.05/3 stops there.
    # (Uncorrected, all four pass; Benjamini–Hochberg keeps all four too: 0.04 ≤ 0.05 × 4/4.)
    assert stats.family([0.01, 0.02, 0.03, 0.04]) == [True, False, False, False]
    assert stats.family([0.04, 0.001, 0.03]) == [False, True, False]   # 0.001 ≤ 0.05/3; 0.03 > 0.05/2 stops
    assert stats.family([]) == []
    # Against statsmodels' Holm on 300 random families of 1 to 40 tests, many near the edge.
    # (multipletests' Holm runs gc.collect() each time: frozen objects make that quick.)
    import gc
    import random

    rng = random.Random(17)
    frozen_before = gc.get_freeze_count()   # the suite freezes what it holds (tests/conftest.py collect_less)
    gc.freeze()
    try:
        for _ in range(300):
            family = [rng.random() ** rng.choice((1, 3, 6)) for _ in range(rng.randint(1, 40))]
            assert stats.family(family) == list(multipletests(family, alpha=0.05, method="holm")[0])
    finally:
        if not frozen_before:
            gc.unfreeze()

    # A table of 3 channels × 3 answers = 9 tests. Online (10 often, 20 sometimes, 10 never of 40)
    # against paper and phone together (40 often, 20 sometimes, 20 never of 80).
    others = [(20, "Often", ch, None, 1.0) for ch in ("paper", "phone")] + [
        (10, "Sometimes", ch, None, 1.0) for ch in ("paper", "phone")] + [(10, "Never", ch, None, 1.0) for ch in ("paper", "phone")]
    crowd = people(survey, [(10, "Often", "online", None, 1.0), (20, "Sometimes", "online", None, 1.0),
                            (10, "Never", "online", None, 1.0)] + others)
    t = table(analysis.results(survey, by="channel", people=crowd), survey.q["use"])
    assert t.tests == 9
    expected = {("Online", "Often"): z_test(10, 40, 40, 80), ("Online", "Sometimes"): z_test(20, 40, 20, 80),
                ("Paper", "Often"): z_test(20, 40, 30, 80)}
    assert expected[("Online", "Often")] == pytest.approx(0.0088, abs=0.0001)
    assert expected[("Online", "Sometimes")] == pytest.approx(0.0062, abs=0.0001)
    for (column, label), p_value in expected.items():
        assert cell(t, label, column).p_value == pytest.approx(p_value, rel=1e-9)
    p_values = [c.p_value for _k, _l, cells in t.rows for c in cells if c.p_value is not None]
    assert len(p_values) == 9 and sum(p < 0.05 for p in p_values) == 2
    # Holm: 9 × 0.0062 = 0.056 > 0.05, so nothing is marked; BH would have marked both.
    assert sum(multipletests(p_values, method="holm")[0]) == 0 and sum(multipletests(p_values, method="fdr_bh")[0]) == 2
    assert t.marks == 0 and not any(c.significant for _k, _l, cells in t.rows for c in cells)

    # One more "Often" answer in place of a "Sometimes"... until Holm keeps one: 29, 1, 10.
    crowd = people(survey, [(29, "Often", "online", None, 1.0), (1, "Sometimes", "online", None, 1.0),
                            (10, "Never", "online", None, 1.0)]) + crowd[40:]
    t = table(analysis.results(survey, by="channel", people=crowd), survey.q["use"])
    p_values = [c.p_value for _k, _l, cells in t.rows for c in cells if c.p_value is not None]
    assert list(multipletests(p_values, method="holm")[0]).count(True) == t.marks == 1
    assert cell(t, "Sometimes", "Online").significant == "lower"   # p = 0.0022: 9 × 0.0022 = 0.020
    assert cell(t, "Often", "Online").significant == ""             # p = 0.0188: 8 × 0.0188 = 0.15


def test_the_rest_has_the_kish_base_of_its_people_as_a_whole(survey):
    """Fault: the rest's effective base as the sum of its groups' effective bases."""
    # Online: 40 people of weight 1, 30 "Often". Paper: 40 of weight 1; phone: 40 of weight 3;
    # each 20 "Often". The rest of online is paper and phone together: weighted base 160,
    # weighted "Often" 20 + 60 = 80 (50%), Kish base 160² / (40 × 1 + 40 × 9) = 25600 / 400 = 64
    # (the sum of the parts' effective bases, 40 + 40 = 80, is 25% too big).
    crowd = people(survey, [(30, "Often", "online", None, 1.0), (10, "Never", "online", None, 1.0),
                            (20, "Often", "paper", None, 1.0), (20, "Never", "paper", None, 1.0),
                            (20, "Often", "phone", None, 3.0), (20, "Never", "phone", None, 3.0)])
    t = table(analysis.results(survey, by="channel", people=crowd), survey.q["use"])
    phone = next(c for c in t.columns if c.label == "Phone")
    assert phone.effective == pytest.approx(40) and phone.base == pytest.approx(120)
    # 75% of 40 against 50% of 64: pooled (30 + 32) / 104 = 0.59615, se 0.098897, z 2.5279, p 0.011475.
    # (With 80: pooled 0.58333, z 2.6186, p 0.008829.)
    assert cell(t, "Often", "Online").p_value == pytest.approx(0.011475, abs=0.000002)
    assert cell(t, "Often", "Online").p_value == pytest.approx(z_test(30, 40, 32, 64), rel=1e-9)


# ---- rounding ----------------------------------------------------------------------------

def test_one_rounding_rule_rounds_half_up(app):
    """Fault: Python's round or format (half to even): 12.5 → 12."""
    assert [numbers.percent_text(v) for v in (12.5, 37.5, 0.5, 2.5, 99.5, 0.4, 0, None)] == [
        "13%", "38%", "1%", "3%", "100%", "<1%", "0%", ""]
    # 57 of 200 is 28.5% exactly, though 100 × 0.285 is 28.499999999999996 as a float.
    assert numbers.percent_text(100 * (57 / 200)) == "29%" and numbers.percent(57, 200, 0) == 29.0
    # One place, for the API and exports: 1 of 8 = 12.5; 49 of 400 = 12.25 → 12.3 (round gives 12.2).
    assert numbers.percent(1, 8) == 12.5 and numbers.percent(49, 400) == 12.3 and numbers.percent(1, 0) is None
    # Rounded once, from the count: 12.46% shows as 12%, not 12.5 → 13%.
    assert numbers.percent_text(numbers.share(623, 5000)) == "12%"
    assert numbers.adds_to_100([100 / 3] * 3) is False and numbers.adds_to_100([12.5, 87.5]) is False
    assert numbers.adds_to_100([25, 75, None]) is True and numbers.adds_to_100([]) is True
    # Weighted counts and bases are whole people, by the same rule: 2.5 → 3, 1234.5 → 1,235.
    assert [numbers.whole_text(v) for v in (2.5, 3.5, 1234.5, 0.4, None)] == ["3", "4", "1,235", "0", ""]
    assert analysis.Cell(2.5, 10.5, 23.8).count_text() == "3"
    # Averages and average ranks by the same rule ("%.1f" and "%.2f" give 2.2 and 0.12): 2.25 → 2.3, 0.125 → 0.13.
    assert [numbers.decimal_text(v) for v in (2.25, 0.05, 7.0, None)] == ["2.3", "0.1", "7.0", ""]
    assert numbers.decimal_text(0.125, 2) == "0.13"
    with app.test_request_context("/"):
        from flask import render_template_string

        assert render_template_string("{{ 2.25 | decimal(1) }} {{ 1.125 | decimal(2) }}") == "2.3 1.13"


def test_pages_api_and_exports_share_the_rounding_rule(app, client, login, survey):
    """One of 8 people is 12.5%: 13% on the page and its chart, 12.5 in the API and the export;
    a table whose whole percentages do not add to 100 says so."""
    q = survey.q
    for n in range(8):
        store(survey, {"use": choice(q["use"], "Often" if n == 0 else "Never")})
    for label in ("Often", "Sometimes", "Never"):
        store(survey, {"use": choice(q["use"], label), "problems": choice(q["problems"], "Litter")})
    login("practitioner")
    page = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    # Of 11 people: Often 2 (18.18%), Sometimes 1 (9.09%), Never 8 (72.73%): 18 + 9 + 73 = 100.
    assert "18%" in page and "73%" in page
    api = client.get(f"/api/v1/surveys/{survey.id}/results").get_json()
    use = next(x for x in api["questions"] if x["question_id"] == q["use"].id)
    everyone = {f["option"]: f for f in use["figures"] if f["dimension"] == "all"}
    assert everyone["Often"]["percent"] == 18.2 and everyone["Never"]["percent"] == 72.7
    assert api["min_base_for_intervals"] == 30 and everyone["Often"]["interval_low"] is None
    export = client.get(f"/surveys/{survey.id}/export/results.csv").get_data(as_text=True)
    assert "Often,2,11,18.2,,,yes," in export
    # Take out 3 "Never" answers: 2, 1 and 5 of 8 are 25%, 12.5% and 62.5%: 25 + 13 + 63 = 101.
    from engage.surveys.models import SurveyResponse

    never = opt(q["use"], "Never").id
    gone = [r for r in db.session.scalars(db.select(SurveyResponse)) if any(a.option_id == never for a in r.answers)][:3]
    for response in gone:
        db.session.delete(response)
    db.session.commit()
    page = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "13%" in page and "63%" in page and "12%" not in page
    assert "Because of rounding, the percentages in this table do not all add up to 100." in page
    api = client.get(f"/api/v1/surveys/{survey.id}/results").get_json()
    use = next(x for x in api["questions"] if x["question_id"] == q["use"].id)
    assert {f["option"]: f["percent"] for f in use["figures"] if f["dimension"] == "all"} == {
        "Often": 25.0, "Sometimes": 12.5, "Never": 62.5}


def test_consultation_results_round_half_up_and_say_when_shares_miss_100(app):
    from engage.consultations import results

    assert results.percent_text(results.percent(1, 8)) == "13%" and results.percent(3, 8) == 37.5
    t = results.Table("t", "t", [results.Column(1, "All", "all", 8, False, False)],
                      [("A", [results.Cell(1, 8, numbers.share(1, 8))]), ("B", [results.Cell(2, 8, numbers.share(2, 8))]),
                       ("C", [results.Cell(5, 8, numbers.share(5, 8))])])
    assert [c[0].percent_text for _l, c in t.rows] == ["13%", "25%", "63%"] and not t.adds_to_100
    t.multiple = True
    assert t.adds_to_100


# ---- answers left out of the base --------------------------------------------------------

def test_an_answer_can_be_left_out_of_the_base(app, survey):
    q = survey.q["use"]
    with pytest.raises(builder.BuildError) as problem:
        builder.update_question(None, survey, q, {"text": q.text, "options": "Often\nSometimes\nNever",
                                                  "out_of_base": "Maybe"}, q.version)
    assert problem.value.field == "out_of_base" and "not one of the answers" in problem.value.message
    db.session.rollback()
    builder.update_question(None, survey, q, {"text": q.text, "options": "Often\nSometimes\nNever", "required": True,
                                              "out_of_base": "never"}, q.version)
    db.session.commit()
    assert [o.label for o in q.choices() if o.out_of_base] == ["Never"]
    crowd = people(survey, [(30, "Often", "online", None, 1.0), (10, "Sometimes", "online", None, 1.0),
                            (20, "Never", "paper", None, 1.0)])
    t = table(analysis.results(survey, people=crowd, show_moe=True), q)
    everyone = t.columns[0]
    # 60 answered; the 20 "Never" are counted but not in the base: 30 of 40 = 75%.
    assert everyone.base == 40 and everyone.people == 40
    often, never = cell(t, "Often", "Everyone who answered"), cell(t, "Never", "Everyone who answered")
    assert often.percent == 75.0 and often.interval is not None
    assert never.outside and never.count == 20 and never.percent is None and never.interval is None
    assert t.adds_to_100
    # Not tested either: the paper group is all "Never", so it has no one in the base.
    t = table(analysis.results(survey, by="channel", people=crowd), q)
    assert all(c.p_value is None for c in next(cells for k, _l, cells in t.rows if k == str(opt(q, "Never").id)))
    # The public view hides a group by its base: 3 in the base and 10 "Never" is a group of 3.
    crowd += people(survey, [(3, "Often", "phone", None, 1.0), (10, "Never", "phone", None, 1.0)], start=500)
    t = table(analysis.results(survey, by="channel", people=crowd, public=True), q)
    phone = next(c for c in t.columns if c.label == "Phone")
    assert phone.people == 3 and phone.hidden


def test_the_method_page_is_linked_and_says_what_a_range_assumes(app, client):
    page = client.get("/how-we-work-out-the-numbers").get_data(as_text=True)
    assert "12.5% shows as 13%" in page and "fewer than 30 people" in page and "Holm" in page
    assert "picked at random" in page
    app.config["ENGAGE_MIN_BASE_FOR_INTERVALS"] = 50
    assert "fewer than 50 people" in client.get("/how-we-work-out-the-numbers").get_data(as_text=True)
    glossary = client.get("/glossary").get_data(as_text=True)
    assert "true figure for everyone" not in glossary and 'id="effective-base"' in glossary


def test_editors_leave_an_answer_out_of_the_base_through_the_form(client, login, survey):
    q = survey.q["use"]
    login("practitioner")
    page = client.get(f"/surveys/{survey.id}/questions/{q.id}/edit")
    assert "Answers left out of the base" in page.get_data(as_text=True)
    bad = client.post(f"/surveys/{survey.id}/questions/{q.id}/edit",
                      data={"text": q.text, "options": "Often\nSometimes\nNever", "out_of_base": "Often\nSometimes\nNever",
                            "required": "y", "version": str(q.version)})
    assert bad.status_code == 400 and "Leave at least one answer in the base" in bad.get_data(as_text=True)
    saved = client.post(f"/surveys/{survey.id}/questions/{q.id}/edit",
                        data={"text": q.text, "options": "Often\nSometimes\nNever", "out_of_base": "Never",
                              "required": "y", "version": str(q.version)})
    assert saved.status_code == 302
    db.session.expire_all()
    assert {o.label: o.out_of_base for o in q.choices()} == {"Often": False, "Sometimes": False, "Never": True}
    assert "Never" in client.get(f"/surveys/{survey.id}/questions/{q.id}/edit").get_data(as_text=True).split(
        'name="out_of_base"')[1].split("</textarea>")[0]
    # Published to the consultation database without it: that database works every
    # percentage out from the base, which would count it.
    from engage.surveys import publishing

    for label in ("Often", "Often", "Never"):
        store(survey, {"use": choice(q, label)})
    aggregate = publishing.build_aggregate(survey)
    data = next(v for v in aggregate.questions.values() if v.code == "Q2")
    assert "Never" not in data.options and set(data.bases.values()) == {2}
    page = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "not in base" in page and "100%" in page
