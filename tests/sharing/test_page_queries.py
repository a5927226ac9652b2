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
