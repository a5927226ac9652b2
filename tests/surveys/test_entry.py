"""Paper and phone entry (channel and who entered it, sent twice stored once, conditions
applied), CSV import (checked whole, all or nothing, claimed once, export round trip)."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys.models import SurveyResponse
from tests.surveys.survey_support import choice, consultation, opt, places, store, survey  # noqa: F401


def count(survey_id):
    return db.session.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey_id,
                                                                                    SurveyResponse.status == "complete"))


def test_paper_entry_records_channel_and_enterer_once(client, login, users, survey, places):
    q = survey.q
    login("practitioner")
    form = client.get(f"/surveys/{survey.id}/entry")
    assert form.status_code == 200 and b"Enter paper or phone answers" in form.data
    never = opt(q["use"], "Never").id
    data = {"submission_key": "abc123key", "channel": "paper", f"q{q['ward'].id}": str(places["castle"].id),
            f"q{q['use'].id}": str(never), f"q{q['comment'].id}": "Written on paper"}
    saved = client.post(f"/surveys/{survey.id}/entry", data=data)
    assert saved.status_code == 302
    response = db.session.scalar(select(SurveyResponse).where(SurveyResponse.submission_key == "abc123key"))
    assert response.channel == "paper" and response.entered_by_id == users["practitioner"].id
    # The form's conditions apply: "Never" skips the Problems section, so its comment is left out.
    assert {a.question_id for a in response.answers} == {q["ward"].id, q["use"].id}
    again = client.post(f"/surveys/{survey.id}/entry", data=data, follow_redirects=True)
    assert b"already saved" in again.data
    assert count(survey.id) == 1
    bad = client.post(f"/surveys/{survey.id}/entry", data={**data, "submission_key": "other1", "channel": "pigeon"})
    assert bad.status_code == 400 and b"Select how these answers were given" in bad.data
    bad = client.post(f"/surveys/{survey.id}/entry", data={**data, "submission_key": "other2", f"q{q['use'].id}": "abc"})
    assert bad.status_code == 400 and b"Choose from the options shown" in bad.data
    assert count(survey.id) == 1


def _upload(client, survey, text, name="answers.csv"):
    return client.post(f"/surveys/{survey.id}/import", data={"file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data")


def _token(response) -> str:
    assert response.status_code == 302, response.data[:3000]
    return response.headers["Location"].split("/import/")[1].split("/")[0].split("?")[0]


def _import(client, survey, token):
    """Press "Import" and wait for the background job (engage.core.jobs) to finish."""
    from engage.surveys import import_jobs

    pressed = client.post(f"/surveys/{survey.id}/import/{token}")
    import_jobs.wait(token)
    return pressed


def test_csv_import_preview_lists_problems_by_row_and_column(client, login, survey, places):
    login("practitioner")
    template = client.get(f"/surveys/{survey.id}/import/template.csv").get_data(as_text=True)
    assert template.strip() == "channel,Q1,Q2,Q3,Q4,Q5,Q6.1,Q6.2"
    bad = "channel,Q1,Q2,Q3,Q9\npaper,Castle,Often,7,\nletter,Atlantis,Often,12,\n"
    page = _upload(client, survey, bad)
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "Row 3, column ‘Q1’" in text and "Row 3, column ‘Q3’" in text
    # The preview table: one line per problem, with its row and column.
    table = text[text.index('id="import-problems"'):]
    cells = [[c.strip() for c in row.split("</td>") if c.strip()] for row in table.split('<tr class="govuk-table__row">')[2:]]
    cells = [[c.split(">")[-1] for c in row][:3] for row in cells]
    assert ["1", "Q9"] == cells[0][:2]
    assert {tuple(c[:2]) for c in cells} >= {("3", "channel"), ("3", "Q1"), ("3", "Q3")}
    assert count(survey.id) == 0


def test_csv_import_runs_in_the_background_once_with_progress(client, login, survey, places):
    from engage.surveys import import_jobs

    login("practitioner")
    good = "channel,Q1,Q2,Q3,Q4,Q6.1\npaper,Castle,Often,7,Litter;Dogs,Strongly agree\n,Mill,Never,,,\n"
    token = _token(_upload(client, survey, good))
    preview = client.get(f"/surveys/{survey.id}/import/{token}")
    assert preview.status_code == 200 and b"2 responses ready" in preview.data and b"Paper" in preview.data
    assert count(survey.id) == 0   # nothing saved until "Import"
    first = _import(client, survey, token)
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/import/{token}/progress")
    assert count(survey.id) == 2
    done = client.get(f"/surveys/{survey.id}/import/{token}/progress")
    assert done.status_code == 200 and b"Answers imported" in done.data and b"2 responses" in done.data
    record = import_jobs.load(token)
    assert record["state"] == "done" and record["done"] == 2 and record["phase"] == "done"
    # Pressed again (a second tab, a double click): told it already ran, imported once.
    second = client.post(f"/surveys/{survey.id}/import/{token}", follow_redirects=True)
    assert b"already been imported" in second.data
    assert count(survey.id) == 2
    # The same file uploaded again is recognised too.
    page = _upload(client, survey, good)
    assert page.status_code == 400 and b"already been imported" in page.data
    channels = sorted(db.session.scalars(select(SurveyResponse.channel)))
    assert channels == ["import", "paper"]


def test_progress_page_shows_how_far_a_running_import_has_got(client, login, survey, places):
    from engage.surveys import import_jobs

    login("practitioner")
    token = _token(_upload(client, survey, "Q1,Q2\nCastle,Often\nMill,Never\nBridge,Often\n"))
    assert import_jobs.UPLOADS.claim(token, phase="saving", done=1, total=3)   # as the job records it part way
    page = client.get(f"/surveys/{survey.id}/import/{token}/progress")
    assert page.status_code == 200
    assert b"Responses saved: 1 of 3" in page.data and b'<progress' in page.data and b'http-equiv="refresh"' in page.data
    # A second press while it runs starts nothing.
    client.post(f"/surveys/{survey.id}/import/{token}")
    assert count(survey.id) == 0


def test_csv_import_is_all_or_nothing(client, login, survey, places, monkeypatch):
    from engage.surveys import answering, import_jobs

    login("practitioner")
    token = _token(_upload(client, survey, "Q1,Q2\nCastle,Often\nMill,Never\nBridge,Often\n"))
    real = answering.store_complete
    calls = []

    def breaks_on_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(answering, "store_complete", breaks_on_the_third)
    _import(client, survey, token)
    assert len(calls) == 3
    assert count(survey.id) == 0   # the two rows stored before the failure were rolled back
    record = import_jobs.load(token)
    assert record["state"] == "failed"
    page = client.get(f"/surveys/{survey.id}/import/{token}/progress")
    assert page.status_code == 400 and b"nothing has been imported" in page.data
    # The claim was released: once fixed, the same upload imports.
    monkeypatch.setattr(answering, "store_complete", real)
    _import(client, survey, token)
    assert count(survey.id) == 3


def test_import_command_shows_progress_and_imports_once(app, survey, places, users, tmp_path):
    from engage.cli import engage_cli

    path = tmp_path / "answers.csv"
    rows = "".join(f"{'Castle' if n % 2 else 'Mill'},Often\n" for n in range(450))
    path.write_text("Q1,Q2\n" + rows)
    runner = app.test_cli_runner()
    result = runner.invoke(engage_cli, ["import-survey-answers", str(survey.id), str(path), "--user", users["officer"].email])
    assert result.exit_code == 0, result.output
    assert "Checking every row" in result.output and "200 of 450 rows checked" in result.output
    assert "450 of 450 responses saved" in result.output and "Imported 450 responses" in result.output
    assert count(survey.id) == 450
    assert set(db.session.scalars(select(SurveyResponse.entered_by_id))) == {users["officer"].id}
    again = runner.invoke(engage_cli, ["import-survey-answers", str(survey.id), str(path)])
    assert again.exit_code == 1 and "already been imported" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_text("Q1,Q2\nCastle,Often\nAtlantis,Often\n")
    failed = runner.invoke(engage_cli, ["import-survey-answers", str(survey.id), str(bad)])
    assert failed.exit_code == 1 and "row 3, column Q1" in failed.output
    assert count(survey.id) == 450


def test_export_then_import_round_trip(client, login, survey, places):
    q = survey.q
    store(survey, {"ward": places["bridge"].id, "use": choice(q["use"], "Sometimes"), "rate": 6,
                   "problems": choice(q["problems"], "Graffiti"), "grid": {"g": {str(q["grid"].rows()[1].id): q["grid"].choices()[2].id}}})
    login("practitioner")
    exported = client.get(f"/surveys/{survey.id}/export/responses.csv").get_data(as_text=True)
    lines = exported.splitlines()
    header = lines[0].split(",")[2:]
    header[0] = "channel"
    body = [",".join(line.split(",")[2:]) for line in lines[1:]]
    rewritten = "\n".join([",".join(header[:1] + header[2:])] + [",".join([b.split(",")[0].lower()] + b.split(",")[2:]) for b in body])
    token = _token(_upload(client, survey, rewritten, "again.csv"))
    _import(client, survey, token)
    values = []
    from engage.surveys.analysis import load_people

    for person in load_people(survey):
        values.append({k: v for k, v in person.values.items()})
    assert values[0] == values[1]


def test_the_same_paper_form_saved_twice_at_once_is_already_saved_not_a_500(app, client, login, users, survey, places,
                                                                           monkeypatch):
    """Both requests found no response with the form's key; the other one stored it first
    (in its own database session), so the database's unique key refuses this copy."""
    from werkzeug.datastructures import MultiDict

    from engage.surveys import answering, entry
    from engage.surveys.models import Survey

    q = survey.q
    data = {"submission_key": "samekey42", "channel": "paper", f"q{q['ward'].id}": str(places["castle"].id),
            f"q{q['use'].id}": str(opt(q["use"], "Never").id)}
    real_store = answering.store_complete
    raced = []

    def the_other_click_lands_first(*args, **kwargs):
        if not raced:
            raced.append(True)
            with app.app_context():  # the other request, its own session, saves and commits
                other = entry.enter(db.session.get(type(users["practitioner"]), users["practitioner"].id),
                                    db.session.get(Survey, survey.id), MultiDict(data))
                assert other.response is not None and not other.duplicate
                db.session.commit()
                db.session.remove()
        return real_store(*args, **kwargs)

    monkeypatch.setattr(answering, "store_complete", the_other_click_lands_first)
    login("practitioner")
    response = client.post(f"/surveys/{survey.id}/entry", data=data, follow_redirects=True)
    assert raced
    assert response.status_code == 200 and b"already saved" in response.data
    monkeypatch.undo()
    assert count(survey.id) == 1
