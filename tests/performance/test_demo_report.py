"""The demo on Halton's own figures: a target at each stage worked out from its readings,
one stage closed, and the exception report for November 2006 as a page and a Word document
(opened with python-docx). The public pages read at grade 8 or below, with one h1."""
from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from docx import Document
from sqlalchemy import select

from engage.extensions import db
from engage.performance import report, services
from engage.performance.models import LadderStage, MonitoringPeriod
from tests.readability_support import grade, own_words, stored_names

from .support import target, world


@pytest.fixture
def halton(seeded):
    return seeded


def _period(name):
    return db.session.scalar(select(MonitoringPeriod).where(MonitoringPeriod.name == name))


def _a_target_at_each_stage_worked_out():
    open_stages = db.session.scalars(select(LadderStage).where(LadderStage.state.in_(("nominating", "planning", "acting", "reported")))).all()
    by_stage = {s.stage: s for s in open_stages}
    assert sorted(by_stage) == [1, 2, 3]
    assert not any(s.by_hand for s in open_stages)           # all worked out from the readings
    assert by_stage[3].indicator.name == "Unemployment rate in the six priority wards"
    assert by_stage[2].indicator.name == "Residents satisfied with how clean their streets are"
    assert by_stage[1].indicator.name == "15–16 year olds who drink alcohol"
    for number, stage in by_stage.items():   # the stage each is at is what the readings give
        assert services.series(stage.indicator)[-1].stage == number
    closed = db.session.scalars(select(LadderStage).where(LadderStage.state == "closed")).all()
    assert [s.indicator.name for s in closed] == ["Working-age residents who are economically inactive"]


def _the_november_2006_exception_report(client):
    november = _period("April to September 2006")
    built = report.build(november)
    assert built.title == "Exception report to the board, November 2006"
    names = [i.indicator.name for i in built.items]
    assert names[:3] == ["Unemployment rate in the six priority wards", "Residents satisfied with how clean their streets are",
                         "15–16 year olds who drink alcohol"]
    # on track, yearly figures not due, and the closed stage are left out; a missing figure is late
    assert "Teenagers who say they drink in pubs" not in names
    assert "Working-age residents who are economically inactive" not in names
    late = next(i for i in built.items if i.indicator.name == "Groups in the Community Empowerment Network")
    assert late.problems == ["Late: no figure was reported for April to September 2006."]
    assert [s.indicator.name for s in built.closed] == ["Working-age residents who are economically inactive"]
    streets = built.items[1]
    assert streets.doing.startswith("Extra street cleansing rounds")

    page = client.get(f"/performance/periods/{november.id}/exceptions").get_data(as_text=True)
    assert "4 of 7 targets are listed" in page and "Off track: 43% for April to September 2006" in page

    response = client.get(f"/performance/periods/{november.id}/exceptions.docx")
    assert response.status_code == 200 and "exception-report-2006-11.docx" in response.headers["Content-Disposition"]
    doc = Document(io.BytesIO(response.data))
    assert doc.core_properties.title == "Exception report to the board, November 2006"
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[:3] == ["Exception report to the board, November 2006", "Targets off track, late or at a stage of the ladder",
                            "Plan actions that are late"]
    table = doc.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Target", "What is wrong", "What is being done", "Who", "Report back by"]
    assert len(rows) == 1 + len(built.items)
    assert rows[1][0].startswith("Unemployment rate in the six priority wards") and "At stage 3" in rows[1][1]
    assert rows[2][4] == "15 February 2007"


def _the_quarterly_report_carries_the_last_review():
    quarter = _period("October to December 2006")
    built = report.build(quarter)
    assert built.review.name == "April to September 2006" and built.title.endswith("February 2007")
    # by the end of February 2007 the stages' reports (due 15 February) are late
    assert any("Late: the report to the Performance and Standards Group was due by 15 February 2007." in i.problems for i in built.items)


def _the_public_pages_read_plainly(client):
    """Every performance page a resident can reach: grade 8 or below, one h1, 200."""
    names = stored_names()
    paths = ["/performance"]
    paths += [f"/performance/targets/{i.id}" for i in services.targets()[:3]]
    paths += [f"/performance/stages/{s.id}" for s in db.session.scalars(select(LadderStage)).all()[:4]]
    paths += [f"/performance/periods/{_period('April to September 2006').id}",
              f"/performance/periods/{_period('October to December 2006').id}",
              f"/performance/periods/{_period('April to September 2006').id}/exceptions"]
    hard = []
    for path in paths:
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert len(re.findall(r"<h1\b", html)) == 1, path
        score = grade(own_words(html, names))
        if score > 8:
            hard.append(f"{path}: {score:.1f}")
    assert hard == []


def test_a_report_with_nothing_wrong_says_so(app):
    w = world()
    target(w, [50, 50, 50, 50])
    built = report.build(w["periods"][2])
    assert built.items == [] and built.fine == 1
    body = report.to_docx(built, "Test Partnership")
    doc = Document(io.BytesIO(body))
    assert "No target is off track, late or at a stage of the ladder." in [p.text for p in doc.paragraphs]


def _a_stage_page_shows_what_residents_said_about_its_outcome(client):
    """The streets target (outcome SH1) at stage 2: the demo's consultations, findings
    reports and the partnerships' published responses on SH1 are on its page, through the
    outcome_evidence registry. Planted fault caught: the sharing capability's registration
    taken out (no findings report on the page)."""
    from engage.core.registry import outcome_evidence
    from engage.partnership.models import Outcome

    stage = services.open_stage(next(i for i in services.targets() if i.name.startswith("Residents satisfied")))
    outcome = db.session.scalar(select(Outcome).where(Outcome.code == "SH1"))
    found = outcome_evidence.find([outcome.id], None)
    kinds = {e["kind"] for e in found}
    assert {"Consultation", "Findings report"} <= kinds
    page = client.get(f"/performance/stages/{stage.id}").get_data(as_text=True)
    for item in found:
        assert urlsplit(item["url"]).path in page


def _a_period_links_to_the_money_for_its_quarter(client):
    """The quarter's spend against budget is the strategy's board report, linked, not copied."""
    from engage.strategy import board_report, budget

    linked = 0
    for period in services.periods():
        response = client.get(f"/performance/periods/{period.id}")
        assert response.status_code == 200, period.name
        assert client.get(f"/performance/periods/{period.id}/exceptions").status_code == 200, period.name
        page = response.get_data(as_text=True)
        year, quarter = budget.quarter_of(period.ends_on)
        has = (year, quarter) in board_report.available()
        assert (f'href="/plan/reports/{year}/q{quarter}"' in page) == has, period.name
        linked += has
    assert linked >= 1


def _residents_find_the_performance_pages(client):
    """Linked from the strategy page, and from each monitored indicator's page to its target;
    an indicator with no monitoring level is not on the ladder and links nowhere."""
    from engage.partnership.models import Indicator

    assert 'href="/performance"' in client.get("/strategy").get_data(as_text=True)
    monitored = services.targets()[0]
    page = client.get(f"/strategy/indicators/{monitored.id}").get_data(as_text=True)
    assert f'href="/performance/targets/{monitored.id}"' in page
    unmonitored = db.session.scalar(select(Indicator).where(Indicator.monitoring_level.is_(None)))
    if unmonitored is not None:
        assert "/performance/targets/" not in client.get(f"/strategy/indicators/{unmonitored.id}").get_data(as_text=True)


def test_the_halton_demo(halton, client):
    """One load of the demo (loading it is the slow part) for every check above, in order."""
    _a_target_at_each_stage_worked_out()
    # running the review again (as the hourly command does) changes nothing
    assert services.review(tell=False) == {"started": 0, "closed": 0, "escalated": 0}
    _the_november_2006_exception_report(client)
    _the_quarterly_report_carries_the_last_review()
    _a_stage_page_shows_what_residents_said_about_its_outcome(client)
    _a_period_links_to_the_money_for_its_quarter(client)
    _the_public_pages_read_plainly(client)
    _residents_find_the_performance_pages(client)
