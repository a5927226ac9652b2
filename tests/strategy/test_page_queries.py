"""Query budget for the public strategy page (bench/pages.py, issue 21): every section's
published comments are loaded in one query, so a strategy of 2 sections and one of 6 run the
same number of SQL statements (it was one more query for each section)."""
from __future__ import annotations

from tests.query_support import statements
from tests.strategy.support import strategy


def test_the_strategy_page_runs_the_same_queries_for_2_or_6_sections(app, client, users):
    officer_id = users["officer"].id
    strategy(users["officer"], "adopted", sections=[(f"Part {n}", f"What part {n} says.") for n in range(2)])
    few, reply = statements(client, "/strategy")
    assert "Part 1" in reply.get_data(as_text=True)

    from engage.accounts.models import User
    from engage.extensions import db

    strategy(db.session.get(User, officer_id), "adopted", title="Engagement Strategy 2",
             sections=[(f"Chapter {n}", f"What chapter {n} says.") for n in range(6)])
    many, reply = statements(client, "/strategy")
    page = reply.get_data(as_text=True)
    assert all(f"Chapter {n}" in page for n in range(6)) and "Part 1" not in page
    assert many == few, f"{few} statements for 2 sections, {many} for 6: a query per section"
    # The version, its sections, their comments (one query for all, the sections not read a
    # second time to load them) and the versions open for comment: 5 -> 4 on the demo.
    assert many <= 4, f"{many} statements for the strategy page"
