"""/metrics for operators (engage/core/metrics.py): who may read it, and figures that move when
things happen: requests by endpoint, survey answers, mail sent and failed, the outbox, imports,
search work not yet written."""
from __future__ import annotations

import socket

from prometheus_client.parser import text_string_to_metric_families

from engage.core import jobs, mail
from engage.extensions import db
from tests.mail_support import smtp_server  # noqa: F401
from tests.surveys.survey_support import consultation, opt, places, survey  # noqa: F401

TOKEN = "operators-only-0123456789"


def read(client, **labels_wanted) -> dict:
    """{(name, sorted labels): value} from /metrics."""
    page = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert page.status_code == 200, page.status_code
    assert page.headers["Content-Type"].startswith("text/plain; version=")
    out = {}
    for family in text_string_to_metric_families(page.get_data(as_text=True)):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def value(figures: dict, name: str, **labels) -> float:
    return figures.get((name, tuple(sorted(labels.items()))), 0.0)


def test_only_operators_may_read_it(app, client):
    # Nothing set: not there.
    assert client.get("/metrics").status_code == 404
    app.config["ENGAGE_METRICS_TOKEN"] = TOKEN
    refused = client.get("/metrics")
    assert refused.status_code == 403 and "for the people who run this site" in refused.get_data(as_text=True)
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 403   # not a bearer token
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    # By address (the test client is 127.0.0.1): allowed inside the network, refused outside.
    app.config.update(ENGAGE_METRICS_TOKEN="", ENGAGE_METRICS_ALLOW="10.0.0.0/8, 192.168.1.7")
    assert client.get("/metrics").status_code == 403
    app.config["ENGAGE_METRICS_ALLOW"] = "10.0.0.0/8, 127.0.0.0/8"
    assert client.get("/metrics").status_code == 200
    # No public page links to it.
    assert b"/metrics" not in client.get("/").data


def test_requests_are_counted_by_endpoint_not_address(app, client):
    app.config["ENGAGE_METRICS_TOKEN"] = TOKEN
    before = read(client)
    for n in range(3):
        client.get(f"/consultations/{900000 + n}")   # three addresses, one route
    after = read(client)
    moved = value(after, "engage_http_requests_total", endpoint="consultations.page", method="GET", status="404") \
        - value(before, "engage_http_requests_total", endpoint="consultations.page", method="GET", status="404")
    assert moved == 3
    assert value(after, "engage_http_request_duration_seconds_count", endpoint="consultations.page") \
        - value(before, "engage_http_request_duration_seconds_count", endpoint="consultations.page") == 3
    # No label holds an address typed in.
    assert not any("900000" in str(labels) for _, labels in after)
    client.open("/", method="BREW")
    assert any(dict(labels).get("method") == "other" for name, labels in read(client) if name == "engage_http_requests_total")


def _answer(client, survey, email=None):
    from sqlalchemy import select

    from engage.partnership.models import Area

    q = survey.q
    client.post(f"/surveys/{survey.id}", data={})
    mill = db.session.scalar(select(Area).where(Area.name == "Mill"))
    client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": str(mill.id),
                                                      f"q{q['use'].id}": str(opt(q["use"], "Never").id)})
    assert client.post(f"/surveys/{survey.id}/check", data={"email": email} if email else {}).status_code == 303


def test_survey_answers_and_mail_are_counted(app, client, survey, smtp_server):
    app.config["ENGAGE_METRICS_TOKEN"] = TOKEN
    before = read(client)
    _answer(client, survey)
    client.post(f"/surveys/{survey.id}/check", data={})    # the same page again: not a second answer
    mail.queue_mail("officer@example.org", "Weekly digest", "Three new answers.")
    db.session.commit()
    assert len(smtp_server) == 1
    middle = read(client)
    assert value(middle, "engage_survey_submissions_total", channel="online") \
        - value(before, "engage_survey_submissions_total", channel="online") == 1
    assert value(middle, "engage_mail_sent_total") - value(before, "engage_mail_sent_total") == 1
    assert value(middle, "engage_mail_outbox_messages", state="sent") - value(before, "engage_mail_outbox_messages", state="sent") == 1

    # The mail server goes away: a failed try (retry), counted and seen waiting in the outbox.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        app.config["MAIL_PORT"] = s.getsockname()[1]
    mail.queue_mail("officer@example.org", "Weekly digest", "Four new answers.")
    db.session.commit()
    assert mail.wait_idle(app, timeout=60)   # the background sender's try, after the commit
    after = read(client)
    assert value(after, "engage_mail_failed_total", outcome="retry") - value(middle, "engage_mail_failed_total", outcome="retry") >= 1
    assert value(after, "engage_mail_sent_total") == value(middle, "engage_mail_sent_total")
    assert value(after, "engage_mail_outbox_messages", state="waiting") == 1
    assert value(after, "engage_mail_outbox_messages", state="failing") == 1


def test_imports_and_search_lag_are_read_from_where_they_live(app, client):
    from engage.search.models import SearchPending

    app.config["ENGAGE_METRICS_TOKEN"] = TOKEN
    before = read(client)
    assert value(before, "engage_search_pending", index="consultations") == 0
    store = jobs.STORES["imports"]
    running = store.store({"user_id": 1}, b"a,b\n")
    assert store.claim(running) is not None
    failed = store.store({"user_id": 1}, b"a,b\n")
    store.claim(failed)
    store.fail(failed, ["The file has no rows."])
    # Index work that could not be written yet (the index was locked): it waits in the table.
    db.session.add(SearchPending(index_name="consultations", model="Consultation", object_id=12345))
    db.session.commit()
    after = read(client)
    assert value(after, "engage_import_jobs", kind="imports", state="running") == 1
    assert value(after, "engage_import_jobs", kind="imports", state="failed") == 1
    assert value(after, "engage_search_pending", index="consultations") == 1
    assert value(after, "engage_search_pending_oldest_seconds") >= 0
    store.release(running)


def test_a_broken_source_leaves_the_rest_of_the_scrape(app, client):
    from engage.core import metrics

    app.config["ENGAGE_METRICS_TOKEN"] = TOKEN

    def broken():
        raise RuntimeError("planted")

    metrics.register_gauge("engage_test_broken", "A source that fails.", (), broken)
    try:
        figures = read(client)
        assert ("engage_test_broken", ()) not in figures and ("engage_mail_sent_total", ()) in figures
    finally:
        metrics._GAUGES.pop("engage_test_broken", None)


def test_paper_answers_are_counted_once_by_channel(app, client, login, users, survey):
    from sqlalchemy import select

    from engage.partnership.models import Area

    app.config["ENGAGE_METRICS_TOKEN"] = TOKEN
    before = read(client)
    q = survey.q
    login("practitioner")
    castle = db.session.scalar(select(Area).where(Area.name == "Castle"))
    data = {"submission_key": "metrics1key", "channel": "paper", f"q{q['ward'].id}": str(castle.id),
            f"q{q['use'].id}": str(opt(q["use"], "Never").id)}
    assert client.post(f"/surveys/{survey.id}/entry", data=data).status_code == 302
    client.post(f"/surveys/{survey.id}/entry", data=data)     # sent twice: saved once, counted once
    after = read(client)
    assert value(after, "engage_survey_submissions_total", channel="paper") \
        - value(before, "engage_survey_submissions_total", channel="paper") == 1
