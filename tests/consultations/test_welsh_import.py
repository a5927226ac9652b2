"""The consultation form and the results import pages in Welsh (issue 23): their own words from
the Welsh catalogue, and every problem found in a file a whole Welsh sentence. A problem found
in the background is kept with the upload as its catalogue text and values, so the page shows
it in the language of whoever opens it, not of whoever started the import."""
from __future__ import annotations

import io

from flask import g

from engage.consultations import import_jobs
from tests.consultations.results_support import (  # noqa: F401  (fixtures)
    consultation,
    csv_bytes,
    make_consultation,
    places,
    raw_rows,
    tidy_rows,
)
from tests.i18n_support import assert_pages_in_welsh

TIDY_FORM = {f"col_{i}": role for i, role in enumerate(["question", "option", "segment", "count", "base"])}
RAW_FORM = {"col_0": "id", "col_1": "segment:ward", "col_2": "segment:age", "col_3": "segment:sex", "col_4": "question",
            "col_5": "question-multi"}


def _as(login, role):
    client = login(role)
    g.pop("_login_user", None)
    return client


def _upload(client, consultation, name, data, fmt="tidy"):
    return client.post(f"/consultations/{consultation.id}/results/import",
                       data={"file": (io.BytesIO(data), name), "format": fmt}, content_type="multipart/form-data")


def test_the_consultation_form_is_in_welsh(login, consultation):
    client = _as(login, "practitioner")
    assert_pages_in_welsh(client, {
        "/consultations/new": ("Dim ond y teitl a’r crynodeb sydd eu hangen nawr", [
            "Log a consultation", "Only the title and summary are needed now", "What it is about", "Who runs it",
            "Partners and partnerships", "Where and who", "Who you are asking", "Planned start date", "For example, 27 3 2026",
            "Leave the start date empty", "Reach and cost", "Cost in pounds", "Who can see this consultation",
            "What will be shown when you save", "Anyone can see it on this website.", "Save consultation", ">Cancel<",
            "A plain title people will recognise"]),
        f"/consultations/{consultation.id}/edit": ("Cadw’r ymgynghoriad", [
            "Save consultation", "What it is about", "Equality monitoring was collected", "Results published on",
            "it shows as closed, with its results"]),
    }, all_found=True)
    # A form error is a Welsh sentence too.
    page = client.post("/consultations/new", data={"title": "x" * 201, "summary": "A summary"})
    assert page.status_code == 400 and "Rhaid i’r teitl fod yn 200 nod neu lai" in page.text
    assert "Title must be 200 characters or fewer" not in page.text


def test_the_import_pages_and_their_problems_are_in_welsh(login, consultation):
    client = _as(login, "practitioner")
    assert_pages_in_welsh(client, {f"/consultations/{consultation.id}/results/import": ("Dau fath o ffeil", [
        "Import results", "Bring in the answers", "Two kinds of file", "figures template (CSV)", "responses template (Excel)",
        "Files can be up to", "Upload a file", "What is in the file?", "Upload and check the file", "Back to the consultation"])},
        all_found=True)
    rows = tidy_rows()
    rows[5][3] = "lots"
    preview_url = _upload(client, consultation, "results.csv", csv_bytes(rows)).headers["Location"]
    page = client.get(preview_url)
    assert '<html lang="cy"' in page.text and "Gwirio’r colofnau" in page.text
    assert "Rhes 6, colofn ‘count’: Nid yw ‘lots’ yn rhif cyfan" in page.text.replace("&#39;", "'")
    for english in ("Check the columns", "is not a whole number", "Row 6", "Problems to fix", "What each column holds",
                    "rows of data", "The count (people who gave the answer)", "For example:", "Import results",
                    "Check the file with these columns"):
        assert english not in page.text, english
    assert not g.get("engage_untranslated"), g.get("engage_untranslated")
    # A good file, imported in Welsh: the page after it is Welsh.
    preview_url = _upload(client, consultation, "good.csv", csv_bytes(tidy_rows())).headers["Location"]
    done = client.post(preview_url, data=TIDY_FORM, follow_redirects=True)
    assert "Canlyniadau wedi’u mewnforio" in done.text
    for english in ("Results imported", "What happens next", "Time taken", "Import another file", "Questions imported"):
        assert english not in done.text, english
    assert "Amser a gymerwyd" in done.text and "Mewnforio ffeil arall" in done.text


def test_a_problem_found_in_the_background_reads_in_the_language_of_whoever_opens_it(app, login, consultation):
    app.config["ENGAGE_IMPORT_BACKGROUND_ROWS"] = 10
    client = _as(login, "practitioner")           # started in English
    rows = raw_rows(30)
    rows[25][1] = "Nowhere"
    preview_url = _upload(client, consultation, "responses.csv", csv_bytes(rows), fmt="raw").headers["Location"]
    token = preview_url.rsplit("/", 1)[-1]
    progress = client.post(preview_url, data=RAW_FORM).headers["Location"]
    import_jobs.wait(token, 30)
    stored = import_jobs.load(token)["problems"]
    assert stored and stored[0]["message"] == "'%(place)s' is not one of Engage's places. Check the spelling, or ask an officer to add it to Engage's places"
    english = client.get(progress).text.replace("&#39;", "'")
    assert "Row 26, column 'Ward': 'Nowhere' is not one of Engage's places" in english
    client.get("/language/cy")
    welsh = client.get(progress).text
    assert '<html lang="cy"' in welsh and "Ni fewnforiwyd y canlyniadau" in welsh
    assert "Rhes 26, colofn ‘Ward’: Nid yw ‘Nowhere’ yn un o leoedd Engage" in welsh
    assert "is not one of Engage" not in welsh and "The results were not imported" not in welsh
    # The column choices page shows the same stored problem, in Welsh.
    again = client.get(preview_url).text
    assert "Nid yw ‘Nowhere’ yn un o leoedd Engage" in again and "is not one of Engage" not in again
