"""Every import claims its upload once, in the request and in the background; a second
submission is told the import already ran and where to see it; and deleting a consultation
while its import runs leaves no orphan questions or figures."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from engage.consultations import import_jobs, importing
from engage.consultations.models import AnswerOption, Consultation, Question, ResultFigure, Segment
from engage.extensions import db
from tests.consultations.results_support import consultation, csv_bytes, places, raw_rows, tidy_rows  # noqa: F401 (fixtures)

RAW_MAPPING = {"col_0": "id", "col_1": "segment:ward", "col_2": "segment:age", "col_3": "segment:sex",
               "col_4": "question", "col_5": "question-multi"}


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Question, AnswerOption, ResultFigure, Segment))


def _as(login, role):
    from flask import g

    client = login(role)
    g.pop("_login_user", None)
    return client


def _upload(client, consultation, rows, fmt="raw"):
    response = client.post(f"/consultations/{consultation.id}/results/import",
                           data={"file": (io.BytesIO(csv_bytes(rows)), "responses.csv"), "format": fmt},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_double_click_on_a_small_import_imports_it_once(app, login, consultation, monkeypatch):
    """The second submission arrives while the first is still importing (in the request)."""
    client = _as(login, "practitioner")
    preview_url = _upload(client, consultation, raw_rows(12))
    second = {}
    real = importing.import_results

    def import_while_the_second_click_arrives(*args, **kwargs):
        if not second:
            other = app.test_client()
            with other.session_transaction() as session:
                with client.session_transaction() as mine:
                    session.update(dict(mine))
            second["response"] = other.post(preview_url, data=RAW_MAPPING)
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "import_results", import_while_the_second_click_arrives)
    first = client.post(preview_url, data=RAW_MAPPING)
    assert first.status_code == 302 and first.headers["Location"].endswith("/done")
    told = second["response"]
    assert told.status_code == 302 and "/progress" in told.headers["Location"]
    questions = db.session.scalar(select(func.count()).select_from(Question).where(Question.consultation_id == consultation.id))
    assert questions == 2  # once, not twice
    # Sent again after it finished: told it ran, and shown what it imported.
    again = client.post(preview_url, data=RAW_MAPPING, follow_redirects=True)
    html = again.get_data(as_text=True)
    assert "This file has already been imported, so it was not imported again" in html
    assert "/done" in again.request.path
    assert db.session.scalar(select(func.count()).select_from(Question)) == 2


def test_a_second_submission_of_a_background_import_is_told_where_to_see_it(app, login, consultation):
    app.config["ENGAGE_IMPORT_BACKGROUND_ROWS"] = 10
    client = _as(login, "practitioner")
    preview_url = _upload(client, consultation, raw_rows(40))
    token = preview_url.rsplit("/", 1)[-1]
    assert import_jobs.claim(token)  # as if the first click's import is running now
    response = client.post(preview_url, data=RAW_MAPPING, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "This file is already being imported, so it was not started again" in html
    assert "/progress" in response.request.path
    assert _counts() == (0, 0, 0, 0)


def test_deleting_a_consultation_during_its_background_import_leaves_no_orphans(app, login, users, consultation, monkeypatch):
    """The consultation is deleted (and committed) by someone else after the import has read
    the file and before it writes: the database refuses rows that point at nothing, the import
    rolls back and says why, and no questions, options, figures or groups are left behind."""
    from sqlalchemy.orm import Session

    app.config["ENGAGE_IMPORT_BACKGROUND_ROWS"] = 10
    client = _as(login, "practitioner")
    preview_url = _upload(client, consultation, raw_rows(40))
    token = preview_url.rsplit("/", 1)[-1]
    consultation_id = consultation.id
    real_save = importing.save

    def deleted_meanwhile(*args, **kwargs):
        with Session(db.engine) as other:
            other.delete(other.get(Consultation, consultation_id))
            other.commit()
        return real_save(*args, **kwargs)

    monkeypatch.setattr(importing, "save", deleted_meanwhile)
    mapping = {int(k[4:]): v for k, v in RAW_MAPPING.items()}
    assert import_jobs.start(app, token, mapping, False) is not None
    import_jobs.wait(token, 30)
    record = import_jobs.load(token)
    assert record["state"] == "failed"
    assert record["problems"] == [import_jobs.GONE]
    db.session.expire_all()
    assert db.session.get(Consultation, consultation_id) is None
    assert _counts() == (0, 0, 0, 0)
