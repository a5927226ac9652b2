"""A survey's results published into the consultation database keep the survey's own
suppression (engage/surveys/publishing.py, ResultFigure.disclosure): the consultation's API,
CSV and page show exactly the figures the survey publishes, with the same cells hidden, and
never suppress them a second time. The walkabout demo survey is the case that needs it: 52 of
its 60 answers come from Castlefields, the survey hides the priority wards, and a second,
independent suppression hid Castlefields instead, so that together a ward's split by channel
(30 online, 22 paper) could be worked out (tests/integrity/test_disclosure_everywhere.py).
Results typed in by staff keep the consultation database's own suppression.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engage.extensions import db

from .test_disclosure_everywhere import demo  # noqa: F401  (the fixture: a demo survey, published)

WALKABOUT = "Castlefields walkabouts: where should we walk?"


def _survey_figures(survey) -> dict:
    """{(question, option, dimension, segment): (count, base)} as the survey publishes them, for
    the figures the consultation database holds (answers counted in the base)."""
    from engage.surveys import analysis

    out = {}
    for q in analysis.aggregated(survey, public=True):
        for f in q["figures"]:
            if not f["in_base"]:
                continue   # "Don't know": not written to the consultation database
            dimension = f["dimension"].split(":", 1)[1] if f["dimension"].startswith("equality:") else f["dimension"]
            out[(q["text"], f["option"], dimension, f["segment"][:120])] = (f["count"], f["base"])
    return out


def _consultation_figures(consultation) -> dict:
    from engage.consultations import results

    return {(q["text"], r["option"], r["dimension"], r["segment"]): (r["count"], r["base"])
            for q in results.suppressed_figures(consultation, public=True) for r in q["results"]}


def _page_figures(consultation) -> dict:
    """What the public page's tables show: {(question, option, dimension, segment): count or None}."""
    from engage.consultations import results

    out = {}
    for q in results.for_viewer(consultation, None).questions:
        for table in q.tables:
            for label, cells in table.rows:
                for col, cell in zip(table.columns, cells):
                    if cell.count is None and not cell.hidden:
                        continue
                    out[(q.question.text, label, col.dimension, col.label)] = None if cell.hidden else cell.count
    return out


@pytest.mark.parametrize("demo", [WALKABOUT], indirect=True)
def test_the_consultation_hides_exactly_the_cells_the_survey_hides(demo, runner):
    survey = demo
    consultation = survey.consultation
    published = _survey_figures(survey)
    shown = _consultation_figures(consultation)
    assert shown and published

    def hidden_cells(figures):
        return {key for key, (count, _base) in figures.items() if count is None}

    def hidden_bases(figures):
        return {key[:1] + key[2:] for key, (_count, base) in figures.items() if base is None}

    # The same hidden cells and bases, and the same numbers everywhere else.
    assert hidden_cells(shown) == hidden_cells(published)
    assert hidden_bases(shown) == hidden_bases(published)
    assert shown == published
    # The page shows the same counts (and hides the same cells) as the API and the CSV.
    page = _page_figures(consultation)
    assert page == {key: count for key, (count, _base) in shown.items()}

    # Each question's headline ("X came first: 41%, base 60") on the page and in search gives
    # only figures the survey shows, and only when no hidden answer might have come first.
    from engage.consultations import results

    heads = results.headlines(consultation)
    headlines = 0
    for question in consultation.questions:
        head = heads[question.id]
        if head is None:
            continue
        headlines += 1
        assert published[(question.text, head.option, "all", "All respondents")] == (head.count, head.base)
        everyone = [(count, base) for (q, _o, d, _s), (count, base) in published.items() if q == question.text and d == "all"]
        hidden_people = head.base - sum(count or 0 for count, _b in everyone)
        assert all(count is not None for count, _b in everyone) or head.count > hidden_people
    assert headlines

    # The case that leaked: the survey shows Castlefields (52 answers) as a group; so does the
    # consultation database now, rather than hiding it (and other figures) its own way.
    ward_q = next(q.text for q in survey.questions if q.qtype == "area")
    assert shown[(ward_q, "Castlefields", "all", "All respondents")] == (52, 52)
    castlefields = [(count, base) for (_q, _o, d, s), (count, base) in shown.items() if d == "ward" and s == "Castlefields"]
    assert castlefields and all(base is not None for _count, base in castlefields)
    assert any(count is not None for count, _base in castlefields)
    # 313 figures: 228 hidden (counts of 1 to 4 of the many walk routes, and those hidden with
    # them), 85 shown.
    assert len(hidden_cells(shown)) > 50 and len(shown) - len(hidden_cells(shown)) > 50

    # Results written by an earlier version carry no decision: the consultation database then
    # suppresses them itself and picks other cells. The command writes them again with it.
    from sqlalchemy import update

    from engage.consultations.models import Question, ResultFigure

    db.session.execute(update(ResultFigure).where(ResultFigure.question_id.in_(
        select(Question.id).where(Question.consultation_id == consultation.id))).values(disclosure=None))
    db.session.commit()
    assert _consultation_figures(consultation) != published
    outcome = runner.invoke(args=["engage", "republish-survey-results"])
    assert outcome.exit_code == 0, outcome.output
    assert "written again" in outcome.output
    db.session.expire_all()
    assert _consultation_figures(consultation) == published


@pytest.mark.parametrize("demo", [WALKABOUT], indirect=True)
def test_results_typed_in_keep_the_consultation_databases_own_suppression(demo):
    """Another demo consultation's results (typed in, not from a survey) carry no decision and
    are suppressed by the consultation database: their small groups are still hidden."""
    from engage.consultations import results
    from engage.consultations.models import Consultation, Question, ResultFigure
    from engage.surveys.models import Survey

    from_surveys = select(Survey.consultation_id).where(Survey.published_at.is_not(None))
    typed = db.session.scalars(select(Consultation).where(
        Consultation.id.in_(select(Question.consultation_id).join(ResultFigure, ResultFigure.question_id == Question.id)),
        Consultation.id.not_in(from_surveys)).order_by(Consultation.id)).all()
    assert typed
    decided = db.session.scalar(select(ResultFigure.id).join(Question, Question.id == ResultFigure.question_id)
                                .where(Question.consultation_id.in_([c.id for c in typed]), ResultFigure.disclosure.is_not(None)).limit(1))
    assert decided is None
    small_hidden = 0
    for consultation in typed:
        truth = {(q["text"], r["option"], r["segment"]): r for q in results.suppressed_figures(consultation, public=False) for r in q["results"]}
        for q in results.suppressed_figures(consultation, public=True):
            for r in q["results"]:
                true = truth[(q["text"], r["option"], r["segment"])]
                if true["base"] < results.threshold():
                    assert r["count"] is None and r["base"] is None
                    small_hidden += 1
    if not small_hidden:
        pytest.fail("no typed-in consultation of the demo has a small group to hide")
