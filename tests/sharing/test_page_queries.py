"""Query budgets for the public results pages (bench/pages.py, issue 21).

- A findings report loads its key findings' questions (with their figures, options and
  segments, for the headline figure) and its responses in a fixed number of queries: the
  same for one key finding with a question as for five. Before, each cost six or more. And
  at most 19 in all (22 here and on the demo before the report was loaded once).
- "You said, we did" loads the older published results' organisations and key findings with
  the list: the same number of queries for 2 of them as for 8."""
from __future__ import annotations

from datetime import date, timedelta

from engage.extensions import db
from tests.consultations.records_support import add_question, log
from tests.query_support import statements
from tests.sharing.support import make_report, publish


def add_finding(report_id, consultation_id, n: int) -> None:
    from engage.consultations.models import Consultation
    from engage.sharing.models import FindingsReport, ReportFinding

    consultation = db.session.get(Consultation, consultation_id)
    question = add_question(consultation, f"How clean is street number {n}?", ["Clean", "Dirty"], {"all": (200, [150, 50])})
    report = db.session.get(FindingsReport, report_id)
    report.findings.append(ReportFinding(position=10 + n, statement=f"Street {n} is clean", question_id=question.id))
    db.session.commit()


def test_a_findings_report_runs_the_same_queries_for_one_key_finding_or_five(app, client, world):
    report = publish(world, make_report(world))
    report_id, consultation_id = report.id, world["consultation"].id
    add_finding(report_id, consultation_id, 1)
    few, reply = statements(client, f"/findings/{report_id}")
    assert "Clean came first" in reply.get_data(as_text=True) or "75" in reply.get_data(as_text=True)
    for n in range(2, 6):
        add_finding(report_id, consultation_id, n)
    many, reply = statements(client, f"/findings/{report_id}")
    page = reply.get_data(as_text=True)
    assert all(f"How clean is street number {n}?" in page for n in range(1, 6))
    assert many == few, f"{few} statements for one key finding with a question, {many} for five: queries per finding"
    # One load of the report with what its page shows (not one to check it and another to show
    # it), each recommendation's responses found among the report's, no drafts for a resident:
    # 22 statements on the demo before, 16 after (here 22 before, 17 after). Then 19: each
    # cited consultation's headlines are worked out with its own tables' hiding (its
    # questions with their options, figures and groups: three statements per consultation
    # instead of the questions' figures loaded with the report), so that no headline shows
    # what a table hides (tests/consultations/test_search.py).
    assert many <= 19, f"{many} statements for a findings report"


def test_you_said_we_did_runs_the_same_queries_for_2_or_8_older_results(app, client, world):
    from engage.consultations.models import Finding

    practitioner_id = world["users"]["practitioner"].id

    def older(n):
        from engage.accounts.models import User

        c = log(db.session.get(User, practitioner_id), title=f"Older results number {n}", summary="What people said.",
                results_published_on=date.today() - timedelta(days=3 + n))
        c.findings.append(Finding(position=1, statement=f"Finding of older result {n}", evidence=""))
        db.session.commit()

    for n in range(2):
        older(n)
    few, reply = statements(client, "/you-said-we-did")
    assert "Finding of older result 1" in reply.get_data(as_text=True)
    for n in range(2, 8):
        older(n)
    many, reply = statements(client, "/you-said-we-did")
    page = reply.get_data(as_text=True)
    assert all(f"Finding of older result {n}" in page for n in range(8))
    assert many == few, f"{few} statements for 2 older results, {many} for 8: queries per result"


def _selected(page: str, select_id: str) -> list[str]:
    """The option texts marked selected in the select ``select_id`` of ``page``."""
    import re

    box = re.search(rf'<select[^>]*id="{select_id}".*?</select>', page, re.S)
    assert box, f"no select {select_id}"
    return [text.strip() for text in re.findall(r"<option[^>]*selected[^>]*>([^<]*)</option>", box.group(0))]


def test_you_said_we_did_filters_cost_a_query_each_and_show_changes_at_once(app, client, world):
    """The filter lists are read as plain columns (the priorities with their framework in one
    query) and each select is drawn once per distinct list (engage/core/templating.pure): a
    renamed partnership or area, a new ward and the chosen value show on the very next load."""
    from engage.partnership.models import Area, Partnership

    publish(world, make_report(world))
    ids = {"first": world["partnership"].id, "second": world["second"].id, "castle": world["castle"].id}
    first_name = world["partnership"].name
    count, reply = statements(client, "/you-said-we-did")
    page = reply.get_data(as_text=True)
    assert ">Healthy Borough Partnership</option>" in page
    # 17 statements on the demo before (the framework and its priorities two queries, the
    # older results' covering reports a query of its own), 15 after; here 16 before, 14 after.
    assert count <= 14, f"{count} statements for 'You said, we did'"

    second = db.session.get(Partnership, ids["second"])
    second.name = "Healthier Halton Partnership"
    castle = db.session.get(Area, ids["castle"])
    old_area = castle.name
    castle.name = "Castlefields and Norton"
    db.session.add(Area(name="Brand New Ward", level="ward", parent_id=castle.parent_id))
    db.session.commit()
    page = client.get("/you-said-we-did").get_data(as_text=True)
    assert "Healthier Halton Partnership</option>" in page and "Healthy Borough Partnership" not in page
    assert "Castlefields and Norton</option>" in page and f"{old_area}</option>" not in page
    assert "Brand New Ward</option>" in page

    page = client.get(f"/you-said-we-did?partnership={ids['first']}").get_data(as_text=True)
    assert _selected(page, "filter-partnership") == [first_name]
    page = client.get(f"/you-said-we-did?partnership={ids['second']}").get_data(as_text=True)
    assert _selected(page, "filter-partnership") == ["Healthier Halton Partnership"]
