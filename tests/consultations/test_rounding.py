"""Consultation results follow the one rounding rule (engage.core.numbers: half up, from the
count and base, once), say when a table's whole percentages do not add up to 100, and link
to the "How we work out these numbers" page (issue 17)."""
from __future__ import annotations

from flask import g, render_template_string

from engage.consultations import importing
from engage.extensions import db
from tests.consultations.results_support import TIDY_HEADER, consultation, csv_bytes, places  # noqa: F401

QUESTION = "Which park do you use most?"


def test_public_results_round_half_up_and_say_when_shares_miss_100(app, users, consultation, client):
    # Every count at least the threshold (5), so the disclosure rules hide none of them.
    rows = [TIDY_HEADER, [QUESTION, "North park", "All respondents", 5, 40], [QUESTION, "South park", "All respondents", 10, 40],
            [QUESTION, "Town park", "All respondents", 25, 40],
            ["Do you feel safe?", "Yes", "All respondents", 10, 20], ["Do you feel safe?", "No", "All respondents", 10, 20]]
    importing.import_results(users["practitioner"], consultation, "r.csv", csv_bytes(rows), fmt="tidy")
    db.session.commit()
    with app.test_request_context("/"):
        g.pop("_login_user", None)
        html = render_template_string('{% include "consultations/results/_results.html" %}', consultation=consultation)
    # 12.5% → 13% (Python's round gives 12), 25%, 62.5% → 63% (round gives 62): 101 in all.
    assert "13%" in html and "63%" in html and "12%" not in html and "62%" not in html
    assert html.count("Because of rounding, the percentages in this table do not all add up to 100.") == 1
    assert 'href="/how-we-work-out-the-numbers"' in html
    # The open data gives one place, rounded the same way, from the count and base.
    from engage.consultations import results

    figures = {r["option"]: r["percent"] for r in results.suppressed_rows(consultation, public=False)}
    assert figures == {"North park": 12.5, "South park": 25.0, "Town park": 62.5, "Yes": 50.0, "No": 50.0}
    export = client.get("/consultations/export-results.csv").get_data(as_text=True)
    assert ",12.5," in export and ",62.5," in export
