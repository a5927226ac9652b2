"""Imports checked before they run (issue 13): "Check the columns" checks the whole file
against the chosen columns, says which layout a file looks like, accepts any of Engage's
places, and keeps instructions out of the question wording."""
from __future__ import annotations

import io

from sqlalchemy import select

from engage.consultations import import_jobs, importing
from engage.consultations.models import Question, Segment
from engage.extensions import db
from tests.consultations.results_support import consultation, csv_bytes, places, raw_rows, tidy_rows  # noqa: F401  (fixtures)
from tests.forms_support import values_kept


def _as(login, role):
    from flask import g

    client = login(role)
    g.pop("_login_user", None)
    return client


def _upload(client, consultation, data, fmt, name="responses.csv"):
    response = client.post(f"/consultations/{consultation.id}/results/import",
                           data={"file": (io.BytesIO(data), name), "format": fmt}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def _questions() -> int:
    return len(db.session.scalars(select(Question)).all())


def test_check_the_columns_finds_every_problem_before_import(login, consultation):
    rows = raw_rows(12)
    rows[3].append("an extra cell")   # spreadsheet row 4: one more cell than the headings
    rows[6][2] = "sixteen"            # spreadsheet row 7: not an age band
    client = _as(login, "practitioner")
    preview = client.get(_upload(client, consultation, csv_bytes(rows), "raw"))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 400  # before anyone selects "Import results"
    assert "The file has problems to fix before you import it" in html
    assert ("Row 4: this row has 1 more cell than the heading row: &#39;an extra cell&#39; is in column G, which has no heading. "
            "Delete it, or give the column a heading in row 1") in html
    assert ("Row 7, column &#39;Age band&#39;: &#39;sixteen&#39; is not an age band Engage recognises. "
            "Write age bands with numbers, like 16-24, 65+ or under 16") in html
    assert _questions() == 0


def test_checking_again_with_other_columns_keeps_the_choices(login, consultation):
    client = _as(login, "practitioner")
    url = _upload(client, consultation, csv_bytes(raw_rows(12)), "raw")
    assert client.get(url).status_code == 200  # the guessed columns are fine
    posted = {"col_0": "id", "col_1": "segment:ward", "col_2": "question", "col_3": "segment:sex", "col_4": "question",
              "col_5": "question-multi", "replace": "y"}
    response = client.post(url, data={**posted, "check": "Check the file with these columns"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Engage checked all 12 rows against the columns below and found no problems" in html
    assert "3 questions" in html and _questions() == 0
    assert values_kept(html, posted) == []


def test_choosing_figures_for_a_responses_file_says_what_it_looks_like(login, consultation):
    client = _as(login, "practitioner")
    url = _upload(client, consultation, csv_bytes(raw_rows(12)), "tidy")
    html = client.get(url).get_data(as_text=True)
    hint = "This file looks like responses (one row per person, one column per question), not figures"
    assert hint in html and html.index(hint) < html.index("Choose the column that holds the question")
    switched = client.post(url.rstrip("/") + "/layout", data={"format": "raw"})
    assert switched.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "Responses (one row per person)" in html and hint not in html
    assert "found no problems" in html


def test_a_figures_file_chosen_as_responses_is_named_too(login, consultation):
    client = _as(login, "practitioner")
    html = client.get(_upload(client, consultation, csv_bytes(tidy_rows()), "raw", name="figures.csv")).get_data(as_text=True)
    assert "This file looks like figures (one row per answer and group)" in html


def test_any_place_in_the_tree_is_accepted(app, users, consultation, places):
    rows = [["Ward", "Q1 Do you feel safe?"], ["Castle Village", "Yes"], ["Castle", "No"], ["Northtown", "Yes"],
            ["Testborough", "No"], ["Mill", "Yes"]]
    summary = importing.import_results(users["practitioner"], consultation, "r.csv", csv_bytes(rows), fmt="raw")
    db.session.commit()
    assert summary.respondents == 5
    segments = {(s.dimension, s.label): s.area_id for s in db.session.scalars(select(Segment))}
    assert segments[("neighbourhood", "Castle Village")] == places["village"].id
    assert segments[("town", "Northtown")] == places["north"].id
    assert ("ward", "Testborough") not in segments  # the borough is everyone
    figures = {(f.segment.label, f.option.label): (f.count, f.base) for q in consultation.questions for f in q.figures}
    # Castle Village is inside Castle, a priority ward; a town holds both kinds, so it is in neither group.
    assert figures[("Priority wards", "Yes")] == (1, 2)
    assert figures[("Rest of the borough", "Yes")] == (1, 1)
    assert figures[("All respondents", "Yes")] == (3, 5)


def test_a_misspelt_place_gets_a_suggestion(app, users, consultation):
    rows = [["Ward", "Q1 Do you feel safe?"], ["Castle Vilage", "Yes"]]
    try:
        importing.import_results(users["practitioner"], consultation, "r.csv", csv_bytes(rows), fmt="raw")
    except importing.ImportProblems as error:
        assert error.messages == ["Row 2, column 'Ward': 'Castle Vilage' is not one of Engage's places. Did you mean 'Castle Village'?"]
    else:
        raise AssertionError("a place Engage does not have was accepted")


def test_instructions_in_a_heading_stay_out_of_the_wording(app, users, consultation):
    rows = [["Q1 Which of these would most improve your area? (choose any; separate answers with ;)", "Q2 Are you happy here? (tick one)"],
            ["Cleaner streets", "Yes"], ["Better parks", "No"]]
    sheet = importing.read_file("r.csv", csv_bytes(rows))
    assert importing.guess_mapping(sheet.headers, "raw", sheet.rows) == {0: "question-multi", 1: "question"}
    importing.import_results(users["practitioner"], consultation, "r.csv", csv_bytes(rows), fmt="raw")
    db.session.commit()
    assert sorted(q.text for q in consultation.questions) == ["Are you happy here?", "Which of these would most improve your area?"]


def test_the_template_heading_has_no_instructions(client):
    data = client.get("/consultations/results/templates/raw.csv").get_data(as_text=True)
    assert "(choose any" not in data and "Q2 Which of these would most improve your area?" in data


def test_a_large_file_is_checked_in_the_background_with_progress(app, login, consultation):
    app.config["ENGAGE_IMPORT_BACKGROUND_ROWS"] = 10
    rows = raw_rows(40)
    rows[30][2] = "sixteen"
    client = _as(login, "practitioner")
    url = _upload(client, consultation, csv_bytes(rows), "raw")
    token = url.rsplit("/", 1)[-1]
    first = client.get(url)
    assert first.status_code == 302 and first.headers["Location"].endswith("/progress")
    import_jobs.wait(token, 30)
    # The progress page as it looks while a check runs (set after the thread, so no race).
    import_jobs.update(token, state="checking", phase="checking", done=20, total=40)
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    import_jobs.update(token, state="uploaded", phase="")
    assert "Rows checked: 20 of 40" in page and "Checking the file" in page and "Nothing is saved" in page and '<meta http-equiv="refresh"' in page
    html = client.get(url).get_data(as_text=True)
    assert "Row 31, column &#39;Age band&#39;: &#39;sixteen&#39; is not an age band" in html and _questions() == 0
