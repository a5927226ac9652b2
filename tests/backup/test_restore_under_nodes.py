"""A restore under running nodes (engage/core/generation.py, engage/backup/archive.py).

Running processes remember survey structures keyed by the survey's id and structure_version
(engage/surveys/snapshot.py). A restore puts older rows back, so those ids and versions come
round again with other content. Two nodes (apps on the database, each with its own memory)
keep running while a third restores under them with ``--force --while-running``:

- the restored wording shows on the node that had the later wording in memory;
- the next structure change gets a version number never used before the restore;
- ids go on from where the database had reached before the restore (never given twice);
- a version number that does come round again never brings back what a node kept from
  before the restore (the database's generation changed);
- on PostgreSQL the restore refuses, changing nothing, while another process is connected,
  unless told ``--while-running``."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import psycopg
from sqlalchemy import select, update

from engage.extensions import db
from tests.conftest import make_app
from tests.surveys.survey_support import add, consultation, places  # noqa: F401  (fixtures)


def _survey(consultation, question: str):
    from engage.consultations.models import Consultation
    from engage.surveys import builder

    consultation = db.session.get(Consultation, consultation if isinstance(consultation, int) else consultation.id)
    survey = builder.create_survey(None, consultation, {
        "title": "Parks survey", "opens_at": datetime.now() - timedelta(days=1),
        "closes_at": datetime.now() + timedelta(days=10)})
    first = add(survey, survey.sections[0], "single", question, options=["Often", "Never"])
    db.session.flush()
    ids = survey.id, first.id   # read before the commit: reading them after it would open a transaction
    db.session.commit()
    return ids


def _version(survey_id: int) -> int:
    from engage.surveys.models import Survey

    db.session.expire_all()
    found = db.session.scalar(select(Survey.structure_version).where(Survey.id == survey_id))
    db.session.commit()   # a node between requests holds no transaction
    return found


def _reword(question_id: int, text: str) -> None:
    from engage.surveys import builder
    from engage.surveys.models import SurveyQuestion

    db.session.expire_all()
    q = db.session.get(SurveyQuestion, question_id)
    builder.update_question(None, q.survey, q, {"text": text, "options": "Often\nNever"}, q.version)
    db.session.commit()


def _first_page(client, survey_id: int) -> str:
    reply = client.post(f"/surveys/{survey_id}", data={})
    assert reply.status_code == 302, reply.status_code
    return re.search(r"/surveys/\d+/page/\d+", reply.headers["Location"]).group(0)


def _shown(client, page: str) -> str:
    reply = client.get(page)
    assert reply.status_code == 200, page
    return reply.get_data(as_text=True)


def test_a_restore_under_running_nodes_never_serves_what_they_remembered(app, client, consultation, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    consultation = consultation.id
    survey_id, question_id = _survey(consultation, "How often do you use the park?")
    node_b = make_app(url, tmp_path / "node-b")
    b = node_b.test_client()
    page_a, page_b = _first_page(client, survey_id), _first_page(b, survey_id)
    assert "use the park" in _shown(client, page_a) and "use the park" in _shown(b, page_b)

    made = app.test_cli_runner().invoke(args=["engage", "backup", "--to", str(tmp_path / "site.tar.gz")])
    assert made.exit_code == 0, made.output
    backed_up = _version(survey_id)

    # After the backup: new wording, which both nodes now remember; and a new survey (its id
    # will be free again after the restore), which node B remembers.
    _reword(question_id, "How often do you walk in the park?")
    remembered = _version(survey_id)
    assert "walk in the park" in _shown(client, page_a) and "walk in the park" in _shown(b, page_b)
    later_id, _ = _survey(consultation, "Which bus do you take to the library?")
    assert "bus" in _shown(b, _first_page(b, later_id))

    # The restore, by another process, while both nodes run.
    restorer = make_app(url, tmp_path / "restorer")
    with restorer.app_context():
        try:
            done = restorer.test_cli_runner().invoke(
                args=["engage", "restore", str(tmp_path / "site.tar.gz"), "--force", "--while-running"])
            assert done.exit_code == 0, done.output
        finally:
            db.session.remove()
            db.engine.dispose()

    restored = _version(survey_id)
    assert restored not in (backed_up, remembered) and restored > remembered, (backed_up, remembered, restored)
    # Node A shows the restored wording (it remembered the later one).
    shown = _shown(client, page_a)
    assert "use the park" in shown and "walk in the park" not in shown

    # The next change gets a version number no node has seen, and node B, which has not asked
    # since the restore, shows it.
    _reword(question_id, "How often do you cycle in the park?")
    after = _version(survey_id)
    assert after not in (backed_up, remembered, restored) and after > restored
    shown = _shown(b, page_b)
    assert "cycle in the park" in shown and "walk in the park" not in shown

    # A survey made now does not take the id the survey made after the backup had (the
    # restore carried the ids reached forward): a link to that one finds nothing, not this one.
    from engage.surveys.models import Survey

    again_id, _ = _survey(consultation, "Where do you park your bike?")
    assert again_id > later_id, (again_id, later_id)
    assert client.get(f"/surveys/{later_id}").status_code == 404
    db.session.commit()

    # Even a version number that does come round again (set here by hand: a restore of an
    # archive from before the versions were moved on) never brings back what a node kept
    # from before the restore: node B last saw this survey at ``remembered`` with its
    # "walk" wording, and the generation has changed since.
    node_c = make_app(url, tmp_path / "node-c")
    c = node_c.test_client()
    page_c = _first_page(c, survey_id)
    made = app.test_cli_runner().invoke(args=["engage", "backup", "--to", str(tmp_path / "second.tar.gz")])
    assert made.exit_code == 0, made.output
    _reword(question_id, "How often do you run in the park?")
    assert "run in the park" in _shown(c, page_c)   # node C keeps it at this version
    kept_at = _version(survey_id)
    db.session.commit()   # node A's requests share this test's session: between requests it holds nothing
    with restorer.app_context():
        try:
            done = restorer.test_cli_runner().invoke(
                args=["engage", "restore", str(tmp_path / "second.tar.gz"), "--force", "--while-running"])
            assert done.exit_code == 0, done.output
        finally:
            db.session.remove()
            db.engine.dispose()
    db.session.execute(update(Survey).where(Survey.id == survey_id).values(structure_version=kept_at))
    db.session.commit()
    shown = _shown(c, page_c)
    assert "cycle in the park" in shown and "run in the park" not in shown
    with node_c.app_context():
        db.session.remove()
        db.engine.dispose()
    with node_b.app_context():
        db.session.remove()
        db.engine.dispose()


def test_postgresql_restore_refuses_while_other_processes_are_connected(app, consultation, tmp_path):
    if db.engine.dialect.name != "postgresql":
        import pytest

        pytest.skip("SQLite cannot tell which other processes have the file open")
    from engage.surveys.models import SurveyQuestion

    survey_id, question_id = _survey(consultation, "How often do you use the park?")
    made = app.test_cli_runner().invoke(args=["engage", "backup", "--to", str(tmp_path / "site.tar.gz")])
    assert made.exit_code == 0, made.output
    _reword(question_id, "Wording made after the backup")
    libpq = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, application_name="engage:999999") as other_node:
        refused = app.test_cli_runner().invoke(args=["engage", "restore", str(tmp_path / "site.tar.gz"), "--force"])
        assert refused.exit_code != 0
        assert "other connections" in refused.output and "engage:999999" in refused.output
        assert "--while-running" in refused.output and "Nothing was changed" in refused.output
        db.session.expire_all()
        assert db.session.get(SurveyQuestion, question_id).text == "Wording made after the backup"

        done = app.test_cli_runner().invoke(
            args=["engage", "restore", str(tmp_path / "site.tar.gz"), "--force", "--while-running"])
        assert done.exit_code == 0, done.output
        other_node.execute("SELECT 1")
    db.session.expire_all()
    assert db.session.get(SurveyQuestion, question_id).text == "How often do you use the park?"
