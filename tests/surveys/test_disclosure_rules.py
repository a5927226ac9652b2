"""Public survey tables that disclose no one (issue 17): counts of 1 to 4 hidden, a group that
all gave one answer protected, averages, ranges and ranking means only from the threshold up
(a group exactly at the threshold is shown), the "Base" line following the table, and one
configured threshold for surveys and consultations alike."""
from __future__ import annotations

import pytest

from engage.core import disclosure
from engage.extensions import db
from engage.surveys import analysis
from tests.surveys.survey_support import add, choice, consultation, places, store, survey  # noqa: F401


def _table(result, question):
    return next(r for r in result.questions if r.question.id == question.id)


def _column(table, label):
    return next(c for c in table.columns if c.label == label)


def _cell(table, row, column):
    index = next(i for i, c in enumerate(table.columns) if c.label == column)
    return next(cells for _k, label, cells in table.rows if label == row)[index]


@pytest.fixture
def people(survey, places):
    """Castle 6 (5 Often, 1 Sometimes), Mill 6 (all Often), Bridge 5 (2 Often, 3 Sometimes).
    Five people rate the park (2, 4, 6, 8, 9): exactly the threshold."""
    q = survey.q
    plan = [("castle", "Often")] * 5 + [("castle", "Sometimes")] + [("mill", "Often")] * 6 + \
           [("bridge", "Often")] * 2 + [("bridge", "Sometimes")] * 3
    ratings = iter([2, 4, 6, 8, 9])
    for n, (ward, use) in enumerate(plan):
        answers = {"ward": places[ward].id, "use": choice(q["use"], use)}
        if ward == "bridge":
            answers["rate"] = next(ratings)
        store(survey, answers)
    return survey


def test_small_counts_are_hidden_and_cannot_be_worked_out(people):
    use = people.q["use"]
    table = _table(analysis.results(people, by="ward", public=True), use).tables[0]
    # Castle's one "Sometimes" is hidden, and so is another of Castle's answers (else 6 - 5).
    assert _cell(table, "Sometimes", "Castle").hidden and _cell(table, "Sometimes", "Castle").percent is None
    assert sum(_cell(table, label, "Castle").hidden for label in ("Often", "Sometimes", "Never")) >= 2
    # Bridge 2 and 3: both small counts, both hidden; its base (5, at the threshold) is shown.
    assert _cell(table, "Often", "Bridge").hidden and _cell(table, "Sometimes", "Bridge").hidden
    assert not _column(table, "Bridge").hidden and _column(table, "Bridge").base == 5
    # No count of 1 to 4 anywhere in what is published.
    for question in analysis.aggregated(people, public=True):
        for f in question["figures"]:
            assert f["count"] is None or not 0 < f["count"] < disclosure.threshold(), f
    # Staff see every figure.
    staff = _table(analysis.results(people, by="ward"), use).tables[0]
    assert _cell(staff, "Sometimes", "Castle").count == 1 and not _cell(staff, "Sometimes", "Castle").hidden


def test_a_group_that_all_gave_one_answer_is_protected(people):
    """Mill: all 6 said "Often". Showing 100% would tell each person's answer."""
    table = _table(analysis.results(people, by="ward", public=True), people.q["use"]).tables[0]
    assert all(_cell(table, label, "Mill").hidden for label in ("Often", "Sometimes", "Never"))
    figures = next(q for q in analysis.aggregated(people, public=True) if q["question_id"] == people.q["use"].id)["figures"]
    mill = [f for f in figures if f["segment"] == "Mill"]
    assert mill and all(f["count"] is None and f["percent"] is None for f in mill)


def test_a_group_exactly_at_the_threshold_is_shown(people):
    """Bridge has exactly 5 people (the threshold): its column and base are shown; so are the
    average, middle value and range of the 5 ratings."""
    result = analysis.results(people, by="ward", public=True)
    table = _table(result, people.q["use"]).tables[0]
    assert not _column(table, "Bridge").hidden
    rate = _table(result, people.q["rate"])
    assert not rate.answered_hidden and rate.answered == 5
    numeric = rate.tables[0].numeric
    assert numeric == {"count": 5, "mean": 5.8, "median": 6, "min": 2, "max": 9}
    assert disclosure.shown_statistics(5, 5) and not disclosure.shown_statistics(4, 5)


def test_minimum_maximum_and_averages_are_not_shown_for_a_small_group(people):
    """Four ratings: the lowest of them is one person's answer. Staff still see them."""
    from engage.surveys.models import SurveyAnswer, SurveyResponse
    from sqlalchemy import delete, select

    rate = people.q["rate"]
    last = db.session.scalar(select(SurveyAnswer.id).join(SurveyResponse).where(SurveyAnswer.question_id == rate.id)
                             .order_by(SurveyAnswer.id.desc()).limit(1))
    db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.id == last))
    db.session.commit()
    public = _table(analysis.results(people, public=True), rate)
    assert public.tables[0].numeric is None
    assert public.answered_hidden   # the "Base: N answered" line follows the table
    staff = _table(analysis.results(people), rate)
    assert staff.tables[0].numeric["min"] == 2 and staff.tables[0].numeric["count"] == 4


def test_ranking_means_only_from_the_threshold_up(people):
    q = add(people, people.sections[0], "ranking", "Put these in order", options=["Paths", "Bins"])
    db.session.commit()
    paths, bins = [o.id for o in q.choices()]
    from engage.surveys import answering

    for n in range(5):
        ranked = [paths, bins] if n < 4 else [paths]   # Bins ranked by 4 people, Paths by 5
        answering.store_complete(people, {str(q.id): ranked, str(people.q["use"].id): choice(people.q["use"], "Often"),
                                          str(people.q["ward"].id): _ward(people)}, channel="online")
    db.session.commit()
    ranking = dict((label, (mean, n)) for label, mean, n in _table(analysis.results(people, public=True), q).ranking)
    assert ranking["Paths"] == (1.0, 5)      # exactly at the threshold: shown
    assert ranking["Bins"] == (None, None)   # 4 people: neither the mean nor the count
    staff = dict((label, (mean, n)) for label, mean, n in _table(analysis.results(people), q).ranking)
    assert staff["Bins"] == (2.0, 4)


def _ward(survey):
    from engage.partnership.models import Area
    from sqlalchemy import select

    return db.session.scalar(select(Area.id).where(Area.name == "Castle"))


def test_the_base_line_on_the_page_follows_the_table(people, client, login):
    from engage.surveys.models import SurveyAnswer
    from sqlalchemy import delete

    db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.question_id == people.q["rate"].id,
                                                  SurveyAnswer.number > 5))
    db.session.commit()   # 2 ratings left
    login("officer")
    html = client.get(f"/surveys/{people.id}/results", query_string={"view": "public"}).get_data(as_text=True)
    section = html.split(f'id="q-{people.q["rate"].id}"')[1].split("</section>")[0]
    assert "hidden, so that nobody can be identified" in section and "2 answered" not in section
    staff = client.get(f"/surveys/{people.id}/results").get_data(as_text=True)
    assert "2 answered" in staff.split(f'id="q-{people.q["rate"].id}"')[1].split("</section>")[0]


@pytest.mark.parametrize("setting", [3, 7])
def test_one_configured_threshold_for_surveys_and_consultations(app, people, org, users, setting):
    """ENGAGE_SUPPRESSION_THRESHOLD is read through engage.core.disclosure.threshold() alone:
    surveys and consultations follow the same setting."""
    from engage.consultations import importing, results, services
    from tests.consultations.results_support import TIDY_HEADER, csv_bytes, make_consultation

    assert not hasattr(services, "suppression_threshold")
    app.config["ENGAGE_SUPPRESSION_THRESHOLD"] = setting
    assert disclosure.threshold() == setting
    # The survey: Bridge (5 people) is shown at 3, hidden at 7 (as is the rating's average).
    result = analysis.results(people, by="ward", public=True)
    assert result.threshold == setting
    assert _column(_table(result, people.q["use"]).tables[0], "Bridge").hidden == (setting > 5)
    assert (_table(result, people.q["rate"]).tables[0].numeric is None) == (setting > 5)
    # A consultation: a group of 6 is shown at 3 and hidden at 7.
    c = make_consultation(org, title="Threshold survey", responses=30)
    rows = [TIDY_HEADER]
    for segment, yes, base in (("All respondents", 15, 30), ("Castle", 3, 6), ("Mill", 12, 24)):
        rows += [["Safe?", "Yes", segment, yes, base], ["Safe?", "No", segment, base - yes, base]]
    importing.import_results(users["practitioner"], c, "t.csv", csv_bytes(rows), fmt="tidy")
    db.session.commit()
    flat = results.suppressed_figures(c, public=True)[0]["results"]
    castle = [r for r in flat if r["segment"] == "Castle"]
    assert all(r["suppressed"] for r in castle) == (setting > 6)
    assert all(r["count"] is not None for r in castle) == (setting <= 3)
    view = results.for_viewer(c, None)
    assert view.threshold == setting
