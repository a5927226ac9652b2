"""Results tables, the suppression rule (public pages and exports vs staff who may edit),
percentages, the comparison of priority wards with the borough, and the accessible SVG chart
with its table alternative."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import g, render_template_string
from flask_login import login_user

from engage.consultations import importing, results
from engage.extensions import db
from tests.consultations.results_support import (  # noqa: F401  (fixtures)
    SATISFIED,
    TIDY_HEADER,
    consultation,
    csv_bytes,
    make_consultation,
    places,
    raw_rows,
    tidy_rows,
)

INCLUDE = '{% include "consultations/results/_results.html" %}'


def _load(users, consultation, rows=None, fmt="tidy"):
    importing.import_results(users["practitioner"], consultation, "r.csv", csv_bytes(rows or tidy_rows()), fmt=fmt)
    db.session.commit()


def _render(app, consultation, user=None) -> str:
    with app.test_request_context("/"):
        g.pop("_login_user", None)
        if user is not None:
            login_user(user)
        return render_template_string(INCLUDE, consultation=consultation)


def _row(html: str, label: str) -> str:
    """The table row whose heading cell starts with ``label``."""
    match = re.search(r'<tr class="govuk-table__row">\s*<th scope="row" class="govuk-table__header">' + re.escape(label) + r"(.*?)</tr>", html, re.S)
    assert match, f"no row for {label}"
    return match.group(1)


def test_public_page_hides_figures_with_a_small_base(app, users, consultation):
    _load(users, consultation)  # Mill: 4 people answered
    html = _render(app, consultation)
    mill = _row(html, "Mill")
    assert mill.count("Hidden") == 2 and "Fewer than 5" in mill
    assert "75%" not in mill and "(3)" not in mill
    castle = _row(html, "Castle")
    assert "33%" in castle and "(10)" in castle and ">30<" in castle
    assert "figures are hidden so that nobody can be identified" in html
    assert "Hidden on public pages" not in html


def test_staff_who_may_edit_see_every_figure_marked(app, users, consultation):
    _load(users, consultation)
    html = _render(app, consultation, users["practitioner"])
    mill = _row(html, "Mill")
    assert "75%" in mill and "(3)" in mill and "Hidden on public pages" in mill
    assert "you see every figure" in html
    # An officer too; but someone signed in from another organisation sees the public view.
    assert "75%" in _row(_render(app, consultation, users["officer"]), "Mill")
    from engage.partnership.models import Organisation

    users["vcs"].organisation_id = db.session.scalar(db.select(Organisation.id).where(Organisation.name == "Other Trust"))
    db.session.commit()
    assert "Fewer than 5" in _row(_render(app, consultation, users["vcs"]), "Mill")


def test_threshold_is_a_setting(app, users, consultation):
    _load(users, consultation)
    app.config["ENGAGE_SUPPRESSION_THRESHOLD"] = 31
    html = _render(app, consultation)
    assert "Fewer than 31" in _row(html, "Castle") and "Hidden" in _row(html, "Castle")
    assert "60%" in html  # everyone: base 100
    app.config["ENGAGE_SUPPRESSION_THRESHOLD"] = 1
    assert "75%" in _row(_render(app, consultation), "Mill")


def test_unpublished_results_only_for_staff(app, users, org, places):
    c = make_consultation(org, published=False, areas=[places["borough"]])
    _load(users, c)
    assert "engage-results" not in _render(app, c)
    assert "Satisfied came first" in _render(app, c, users["practitioner"])
    assert results.suppressed_figures(c, public=True) == []
    assert results.suppressed_figures(c, public=False)[0]["results"]


def test_suppressed_figures_for_exports(users, consultation):
    _load(users, consultation)
    data = results.suppressed_figures(consultation)
    question = next(q for q in data if q["text"] == SATISFIED)
    by = {(r["segment"], r["option"]): r for r in question["results"]}
    assert by[("All respondents", "Satisfied")] == {
        "option": "Satisfied", "option_position": 1, "segment": "All respondents", "dimension": "all",
        "count": 60, "base": 100, "percent": 60.0, "suppressed": False, "small_base": False}
    assert by[("Mill", "Satisfied")]["count"] is None and by[("Mill", "Satisfied")]["base"] is None
    assert by[("Mill", "Satisfied")]["percent"] is None and by[("Mill", "Satisfied")]["suppressed"] is True
    # Rest of the borough is Mill alone here, so it is hidden too.
    assert by[("Rest of the borough", "Satisfied")]["suppressed"] is True
    staff = {(r["segment"], r["option"]): r for r in next(q for q in results.suppressed_figures(consultation, public=False) if q["text"] == SATISFIED)["results"]}
    assert staff[("Mill", "Satisfied")]["count"] == 3 and staff[("Mill", "Satisfied")]["small_base"] is True
    assert staff[("Mill", "Satisfied")]["suppressed"] is False
    rows = results.suppressed_rows(consultation)
    assert any(r["question"] == SATISFIED and r["segment"] == "Mill" and r["count"] is None for r in rows)
    assert all(set(r) >= {"consultation_id", "question_id", "option", "segment", "count", "base", "percent", "suppressed"} for r in rows)


def test_percentages(users, consultation):
    assert results.percent_text(41.5) == "42%" and results.percent_text(40.5) == "41%"
    assert results.percent_text(0.3) == "<1%" and results.percent_text(0.0) == "0%"
    assert results.percent(1, 3) == 33.3 and results.percent(0, 0) is None
    rows = [TIDY_HEADER, ["Q", "A", "All", 1, 3], ["Q", "B", "All", 2, 3]]
    _load(users, consultation, rows)
    (question,) = results.question_results(consultation, public=False)  # base 3: staff view
    cells = {label: cells[0] for label, cells in question.headline_table.rows}
    assert cells["A"].percent_text == "33%" and cells["B"].percent_text == "67%"
    assert question.headline == f"B came first: 67%, base 3, {consultation.starts_on.year}"
    (public,) = results.question_results(consultation, public=True)
    assert public.headline is None and all(c.hidden for _, cells in public.headline_table.rows for c in cells)


def test_priority_wards_compared_with_the_borough(app, users, consultation):
    _load(users, consultation, raw_rows(12), fmt="raw")
    view = results.for_viewer(consultation, users["practitioner"])
    safe = next(q for q in view.questions if q.question.text == "Do you feel safe after dark?")
    assert [c.label for c in safe.headline_table.columns] == ["All respondents", "Priority wards", "Rest of the borough"]
    assert safe.compares_priority and view.compares_priority
    yes = dict(safe.headline_table.rows)["Yes"]
    assert [c.percent_text for c in yes] == ["25%", "50%", "0%"]
    svg = str(safe.chart)
    assert 'class="bar--priority"' in svg and 'class="bar--compare"' in svg and 'class="bar"' in svg
    assert "Priority wards</li>" in svg and "Rest of the borough</li>" in svg  # the legend
    assert "comparing people in the priority wards with the rest of the borough" in svg
    html = _render(app, consultation, users["practitioner"])
    assert "The charts compare people living in the priority wards with the rest of the borough" in html
    assert "Results by ward" in html and "Results by age band" in html and "Results by sex" in html
    assert "(priority ward)" in _row(html, "Castle") and "(priority ward)" not in _row(html, "Mill")


def test_chart_is_accessible_with_the_table_as_text_alternative(app, users, consultation):
    _load(users, consultation)
    html = _render(app, consultation)
    question_id = db.session.scalar(db.select(db.func.min(results.Question.id)))
    block = html.split(f'id="question-{question_id}"')[1].split('class="engage-question"')[0]
    chart = block[block.index('<div class="engage-chart"'):block.index('<table')]
    assert 'role="img"' in chart
    labelledby = re.search(r'aria-labelledby="([^"]+)"', chart).group(1).split()
    for element_id in labelledby:
        assert re.search(rf'<p class="govuk-visually-hidden" id="{element_id}">', chart)
    assert f'id="chart-q{question_id}-title">Chart: {SATISFIED}</p>' in chart
    assert "The table that follows gives the same figures" in chart
    # The table comes straight after the chart, with the same percentages.
    after = block[block.index('<table'):]
    for percent in ("60%", "40%"):
        assert f'<span class="engage-chart__value">{percent}</span>' in chart and percent in after
    # Hidden figures draw no bar; nothing uses a style attribute or a script (CSP).
    assert "Rest of the borough: hidden" in chart
    assert "style=" not in html and "<script" not in html


def test_chart_labels_are_never_cut_and_have_no_fixed_size():
    """Labels are whole text in HTML (they wrap and zoom), never shortened by a character
    count, and the chart has no fixed pixel width to be scaled down on a phone."""
    from engage.consultations.charts import Bar, Group, bar_chart

    long = "Improving local parks, play areas and green spaces across the Rest of the borough"
    chart = str(bar_chart("c", "T", "D", [Group(long, [Bar(12.5, "bar", "12%")]), Group("Rest of the borough", [Bar(None, "bar", "hidden")])]))
    assert f'<div class="engage-chart__label">{long}</div>' in chart
    assert "…" not in chart and "viewBox" not in chart
    assert not re.search(r'<(svg|div)[^>]*class="engage-chart"[^>]*width=', chart)
    assert 'width="12.5%"' in chart
    assert chart.count("<rect") == 1  # the missing figure draws no bar


def test_bar_lengths_follow_the_percentages(users, consultation):
    rows = [TIDY_HEADER, ["Q", "Most", "All", 75, 100], ["Q", "Some", "All", 25, 100]]
    _load(users, consultation, rows)
    (question,) = results.question_results(consultation)
    widths = [float(w) for w in re.findall(r'<rect class="bar" x="0" y="0" width="([\d.]+)%"', str(question.chart))]
    assert len(widths) == 2 and widths[0] == pytest.approx(3 * widths[1])


def test_no_results_yet_offers_import_to_staff(app, users, org, places):
    c = make_consultation(org, areas=[places["borough"]])
    staff = _render(app, c, users["practitioner"])
    assert "There are no results for this consultation yet" in staff
    assert f"/consultations/{c.id}/results/import" in staff
    assert "/results/import" not in _render(app, c)


def test_consultation_page_shows_the_results(app, client, users, consultation):
    _load(users, consultation)
    html = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "engage-results" in html  # the results section is on the page (a missing one fails, never skips)
    assert html.count("<h1") == 1
    assert "Satisfied came first: 60%, base 100" in html and "Fewer than 5" in html


def test_manage_links_offer_the_import(app, users, consultation):
    with app.test_request_context("/"):
        html = render_template_string('{% include "consultations/results/_manage_links.html" %}', consultation=consultation)
    assert f'href="/consultations/{consultation.id}/results/import"' in html and html.strip().startswith("<li>")


def test_old_results_year_in_headline(users, org, places):
    c = make_consultation(org, start=date(2005, 6, 1), close=date(2005, 7, 1), areas=[places["borough"]])
    _load(users, c, [TIDY_HEADER, ["What should improve?", "Cleaner streets", "All", 1025, 2500],
                     ["What should improve?", "Less crime", "All", 900, 2500]])
    (question,) = results.question_results(c)
    assert question.headline == "Cleaner streets came first: 41%, base 2,500, 2005"
    assert c.results_published_on <= date.today() + timedelta(days=0)
