"""The officers' search index page: what is in the index, and rebuilding it in the background
with a progress bar, one rebuild at a time."""
import json
import time

import pytest

from engage.search import backend, services
from tests.consultations.records_support import log, ref  # noqa: F401  (fixture)


@pytest.fixture
def two(users, ref):
    return [log(users["practitioner"], title="Parks survey"), log(users["practitioner"], title="Bus services survey")]


def _job_folder():
    """Where the rebuild's state lives: the database with the postgres backend, else a folder."""
    return None if services._store() is not None else services._folder()


def _hold_claim(folder):
    store = services._store()
    if store is not None:
        assert store.claim()
    else:
        (folder / services._CLAIM).touch()


def _put_raw(folder, data):
    store = services._store()
    if store is not None:
        store.write(data)
    else:
        (folder / services._JOB).write_text(json.dumps(data))


def _row(html, label):
    row = html[html.index(label):]
    return row[:row.index("</tr>")]


def test_page_shows_records_and_entries(login, client, two):
    login("officer")
    html = client.get("/admin/search").get_data(as_text=True)
    assert html.count("<h1") == 1 and "Rebuild the search index" in html
    row = _row(html, "Consultations, questions and findings")
    assert row.count(">2<") == 2  # two records in the database, two entries in the index


def test_officer_rebuilds_the_index_with_progress(app, login, client, two):
    search = backend()
    search.rebuild("consultations", iter([]))  # an empty index: search finds nothing
    assert search.search("consultations", "parks").total == 0
    login("officer")
    response = client.post("/admin/search", data={"submit": "Rebuild the search index", "auto_refresh": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/search?refresh=on")
    job = services.wait(30)
    assert job["state"] == "done" and job["counts"]["consultations"] == 2 and job["started_by"] == "Test Officer"
    assert job["done"]["consultations"] == job["totals"]["consultations"] == 2
    assert search.search("consultations", "parks").total == 1
    html = client.get("/admin/search").get_data(as_text=True)
    assert "The last rebuild, started by Test Officer, finished" in html and "http-equiv" not in html


def test_a_running_rebuild_shows_progress_and_is_not_started_twice(app, login, client, users, two):
    folder = _job_folder()
    _hold_claim(folder)
    services._write(folder, {"state": "running", "started_by": "Another Officer", "totals": {"consultations": 40},
                             "done": {"consultations": 10}, "counts": {}})
    assert services.start_rebuild(users["officer"]) is False
    login("officer")
    html = client.get("/admin/search?refresh=on").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in html and "Stop updating this page" in html
    assert '<progress class="engage-progress" id="progress-consultations" max="40" value="10">' in html
    assert "Consultations: 10 of 40 records" in html and "started by Another Officer" in html
    assert "Rebuild the search index" not in html  # no second button while it runs
    html = client.get("/admin/search").get_data(as_text=True)  # refreshing is asked for, never imposed
    assert "http-equiv" not in html and "Check progress" in html


def test_a_rebuild_whose_process_died_can_be_started_again(app, login, client, users, two):
    folder = _job_folder()
    _hold_claim(folder)
    services._write(folder, {"state": "running", "totals": {}, "done": {}, "counts": {}})
    stale = services.job()
    stale["updated"] = time.time() - services.STALE_SECONDS - 5
    _put_raw(folder, stale)
    assert services.job()["state"] == "stopped"
    login("officer")
    assert "stopped before it finished" in client.get("/admin/search").get_data(as_text=True)
    assert services.start_rebuild(users["officer"]) is True
    assert services.wait(30)["state"] == "done"


def test_only_officers_may_rebuild(users):
    for role in ("vcs", "practitioner", "coordinator"):
        with pytest.raises(PermissionError):
            services.start_rebuild(users[role])


def test_with_the_postgres_backend_every_web_server_shares_the_rebuild_state(app, users, two):
    from tests.conftest import require

    if not (services._store() is not None):
        pytest.skip("runs in the PostgreSQL pass (TEST_DATABASE_URL); CI runs that pass too")
    assert services.start_rebuild(users["officer"]) is True
    assert services.wait(30)["state"] == "done"
    # Kept in the database, so a second process sees it; no index folder was made.
    assert services._store().read()["counts"]["consultations"] == 2
    from pathlib import Path

    assert not Path(app.config["ENGAGE_INDEX_DIR"]).exists()
