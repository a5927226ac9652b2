"""Following by email with no account (issue 18): double opt-in, each kind of news, the weekly
digest, one-click unsubscribe, the purge; all against a real local SMTP server (aiosmtpd)."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from engage.core import mail
from engage.extensions import db
from engage.follow import services
from engage.follow.models import Follow, FollowAddress, FollowNews
from engage.sharing import responses
from tests.consultations.records_support import log
from tests.sharing.support import make_report, publish

EMAIL = "resident@home.example"


def _link(message, path):
    found = re.search(r"http://localhost(/follow/%s/[\w-]+)" % path, message.get_body(("plain",)).get_content())
    assert found, message.get_body(("plain",)).get_content()
    return found.group(1)


def _to_me(smtp_server):
    return [m for m in smtp_server if EMAIL in m.envelope_to]


def _follow(client, smtp_server, query, cadence="immediate", **form):
    before = len(_to_me(smtp_server))
    response = client.post(f"/follow?{query}", data={"email": EMAIL, "cadence": cadence, **form})
    assert response.status_code == 302, response.get_data(as_text=True)
    mine = _to_me(smtp_server)
    assert len(mine) == before + 1
    return mine[-1]


def _confirm(client, confirm_mail):
    path = _link(confirm_mail, "confirm")
    page = client.get(path)
    assert page.status_code == 200 and "Yes, start the emails" in page.get_data(as_text=True)
    assert client.post(path).status_code == 200


def _answer(world, report, **data):
    base = {"status": "planned", "action": "Sweep every week", "owner": "Streets team", "due_on": date.today() + timedelta(days=30)}
    base.update(data)
    saved = responses.save_response(world["coordinator"], report, world["partnership"], report.recommendations[0], base)
    return responses.publish_response(world["coordinator"], report, saved)   # a draft is nobody's news


def _headers_ok(message):
    stop = _link(message, "stop")
    assert message["List-Unsubscribe"].strip() == f"<http://localhost{stop}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_nothing_before_confirmation_then_each_kind_of_news(world, client, smtp_server):
    confirm_mail = _follow(client, smtp_server, f"area={world['castle'].id}")
    assert "Confirm you want emails about Castle" in confirm_mail["Subject"]
    _headers_ok(confirm_mail)
    # Not confirmed yet: a report from work in the ward tells this address nothing.
    first = publish(world, make_report(world, title="Litter findings"))
    assert len(_to_me(smtp_server)) == 1
    assert db.session.scalar(select(FollowNews.id)) is None

    _confirm(client, confirm_mail)
    report = publish(world, make_report(world, title="Parks findings"))
    response = _answer(world, report)
    db.session.commit()
    responses.add_update(world["coordinator"], report, response, "The first sweep was on Monday.", "in-progress")
    db.session.commit()
    news = _to_me(smtp_server)[1:]
    assert [m["Subject"] for m in news] == [
        "Results published: Parks findings",
        "Safer Borough Partnership has responded: Parks findings",
        "Progress from Safer Borough Partnership: Parks findings"]
    assert "Action planned: Clean the streets more often" in news[1].get_body(("plain",)).get_content()
    assert "The first sweep was on Monday." in news[2].get_body(("plain",)).get_content()
    for message in news:
        _headers_ok(message)
    assert first.id != report.id


def test_a_consultation_opening_near_a_follower_by_date(world, client, smtp_server):
    # Following the town: a ward inside it counts (the place rule).
    _confirm(client, _follow(client, smtp_server, f"area={world['north'].id}"))
    tomorrow = date.today() + timedelta(days=1)
    consultation = log(world["users"]["practitioner"], title="Play areas survey", area_ids=[world["castle"].id],
                       planned_start=tomorrow, planned_close=tomorrow + timedelta(days=20))
    assert services.announce_opened(date.today()) == []
    assert services.announce_opened(tomorrow) == [consultation.id]
    db.session.commit()
    assert services.announce_opened(tomorrow) == []        # announced once
    db.session.commit()
    opened = _to_me(smtp_server)[1:]
    assert [m["Subject"] for m in opened] == ["Have your say: Play areas survey"]
    assert "Have your say by" in opened[0].get_body(("plain",)).get_content()
    # A place elsewhere hears nothing.
    assert services._matching(area_ids={world["bridge"].id}) == []


def test_weekly_digest_once_however_often_the_sender_runs(app, world, client, smtp_server):
    _confirm(client, _follow(client, smtp_server, "what=you-said-we-did", cadence="weekly"))
    report = publish(world, make_report(world, title="Parks findings"))
    _answer(world, report)
    db.session.commit()
    assert len(_to_me(smtp_server)) == 1                   # the confirm email only: news waits for the digest
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["engage", "send-follow-updates"])
        assert result.exit_code == 0, result.output
    digests = _to_me(smtp_server)[1:]
    assert len(digests) == 1
    assert digests[0]["Subject"] == "This week: 2 new things about “You said, we did”"
    body = digests[0].get_body(("plain",)).get_content()
    assert "Results published: Parks findings" in body and "has responded: Parks findings" in body
    _headers_ok(digests[0])
    # A second sender that read the same state before the first committed stores nothing:
    # the digest is keyed by follow and week.
    follow = db.session.scalar(select(Follow))
    follow.last_digest_at = None
    for item in follow.news:
        item.sent_at = None
    db.session.commit()
    assert services.send_digests() == 0
    db.session.commit()
    assert len(_to_me(smtp_server)) == 2


def _rows_holding(text):
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            if any(isinstance(v, str) and text in v for v in row):
                found.append(table.name)
    return found


def test_unsubscribe_by_link_and_by_one_click_leaves_no_address(world, client, smtp_server):
    first = _follow(client, smtp_server, f"area={world['castle'].id}")
    second = _follow(client, smtp_server, "what=you-said-we-did")
    _confirm(client, first)
    _confirm(client, second)
    publish(world, make_report(world, title="Parks findings"))   # news for both, sent
    assert mail.wait_idle(client.application)
    # By the link: a page with a button (a mail scanner opening the link stops nothing).
    stop = _link(first, "stop")
    assert "Stop the emails" in client.get(stop).get_data(as_text=True)
    assert db.session.scalar(select(FollowAddress.id)) is not None
    assert client.post(stop).status_code == 200
    assert _rows_holding(EMAIL) == ["follow_address"]            # the other follow still uses it
    # One click (RFC 8058): the mail program POSTs to the header's link, no page, no CSRF token.
    one_click = second["List-Unsubscribe"].strip().strip("<>").replace("http://localhost", "")
    response = client.post(one_click, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    db.session.expire_all()
    assert _rows_holding(EMAIL) == []
    assert db.session.scalar(select(Follow.id)) is None
    assert client.get(stop).status_code == 404                  # the link is dead, in plain words


def test_waiting_mail_is_dropped_on_unsubscribe(world, smtp_server):
    follow = services.start(EMAIL, "you-said-we-did", 0, "immediate")
    # Stored, not yet sent: stopping now takes it out of the outbox too.
    services.unsubscribe(follow)
    db.session.commit()
    assert _to_me(smtp_server) == []
    assert _rows_holding(EMAIL) == []


def test_purge_after_a_year_without_a_confirmed_follow(app, world, smtp_server):
    from engage.core.models import utcnow

    now = utcnow()
    old = services.start("old@home.example", "you-said-we-did", 0, "immediate", now=now - timedelta(days=366))
    recent = services.start("recent@home.example", "you-said-we-did", 0, "immediate", now=now - timedelta(days=300))
    kept = services.start("kept@home.example", "you-said-we-did", 0, "immediate", now=now - timedelta(days=800))
    services.confirm(kept, now=now - timedelta(days=700))
    old_id = old.id
    db.session.commit()
    assert mail.wait_idle(app)
    result = app.test_cli_runner().invoke(args=["engage", "purge-expired"])
    assert result.exit_code == 0, result.output
    assert "follow: 1 deleted." in result.output
    left = set(db.session.scalars(select(FollowAddress.email)))
    assert left == {"recent@home.example", "kept@home.example"}
    assert old_id not in set(db.session.scalars(select(Follow.id)))


def test_the_follow_form_says_what_is_wrong(world, client, smtp_server):
    page = client.get("/follow")
    assert page.status_code == 200 and "Your ward or area" in page.get_data(as_text=True)
    no_place = client.post("/follow", data={"email": EMAIL, "cadence": "weekly"})
    assert no_place.status_code == 400
    assert "Select your area from the list, or enter your postcode" in no_place.get_data(as_text=True)
    bad_email = client.post(f"/follow?area={world['castle'].id}", data={"email": "not an address", "cadence": "weekly"})
    assert bad_email.status_code == 400 and "in the correct format" in bad_email.get_data(as_text=True)
    assert "not an address" in bad_email.get_data(as_text=True)                  # what was typed is kept
    bot = client.post(f"/follow?area={world['castle'].id}", data={"email": EMAIL, "cadence": "weekly", "website": "x"})
    assert bot.status_code == 400
    assert client.get("/follow?consultation=99999").status_code == 404
    assert client.get("/follow/confirm/not-a-real-token-at-all-xx").status_code == 404
    assert _to_me(smtp_server) == []
    assert db.session.scalar(select(FollowAddress.id)) is None


def test_pages_link_to_the_follow_page(world, client):
    from engage.consultations.models import Consultation

    consultation = db.session.scalar(select(Consultation))
    assert f"/follow?consultation={consultation.id}" in client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert f"/follow?area={world['castle'].id}" in client.get("/places").get_data(as_text=True)
    assert "/follow?what=you-said-we-did" in client.get("/you-said-we-did").get_data(as_text=True)


def test_one_click_works_with_csrf_protection_on(_schema, tmp_path):
    """Mail programs POST to the List-Unsubscribe link with no form token: that must still
    stop the emails, while the confirm button keeps its CSRF protection."""
    from tests.conftest import make_app, running

    with running(make_app(_schema, tmp_path, WTF_CSRF_ENABLED=True)) as app:
        follow = services.start(EMAIL, "you-said-we-did", 0, "weekly")
        token = follow.token
        db.session.commit()
        client = app.test_client()
        assert client.post(f"/follow/confirm/{token}").status_code == 400
        response = client.post(f"/follow/stop/{token}", data="List-Unsubscribe=One-Click",
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
        db.session.expire_all()
        assert db.session.scalar(select(FollowAddress.id)) is None


def test_a_consultation_open_for_more_than_a_week_is_not_news(world, client, smtp_server):
    _confirm(client, _follow(client, smtp_server, f"area={world['castle'].id}"))
    today = date.today()
    log(world["users"]["practitioner"], title="Long open survey", area_ids=[world["castle"].id],
        planned_start=today - timedelta(days=20), planned_close=today + timedelta(days=20))
    db.session.execute(FollowNews.__table__.delete())
    from engage.follow.models import FollowOpened

    db.session.execute(FollowOpened.__table__.delete())   # as if it had opened before follow existed
    db.session.commit()
    assert services.announce_opened(today) == []


def test_too_many_follow_requests_keep_what_was_typed(_schema, tmp_path, app, world):
    from tests.conftest import make_app

    limited = make_app(_schema, tmp_path, RATELIMIT_ENABLED=True, ENGAGE_FOLLOW_RATE_LIMIT="2 per minute")
    with limited.app_context():
        client = limited.test_client()
        for _ in range(2):
            client.post(f"/follow?area={world['castle'].id}", data={"email": "x", "cadence": "weekly"})
        response = client.post(f"/follow?area={world['castle'].id}", data={"email": EMAIL, "cadence": "weekly"})
        html = response.get_data(as_text=True)
        db.session.remove()
    assert response.status_code == 429
    assert "What you wrote is still here" in html and EMAIL in html
    assert db.session.scalar(select(FollowAddress.id)) is None     # nothing stored, nothing sent


def test_one_weekly_email_a_person_however_many_things_they_follow(app, world, client, smtp_server):
    """A resident following their ward and "you said, we did", both weekly, gets one email a
    week: a part for each, a report about both told once (then "see above"), a link under
    each part that stops that one, and one that stops everything (also the one-click header)."""
    _confirm(client, _follow(client, smtp_server, f"area={world['castle'].id}", cadence="weekly"))
    _confirm(client, _follow(client, smtp_server, "what=you-said-we-did", cadence="weekly"))
    other = "neighbour@home.example"
    services.confirm(services.start(other, "you-said-we-did", 0, "weekly"))
    publish(world, make_report(world, title="Parks findings"))     # news for all three follows
    db.session.commit()
    assert len(_to_me(smtp_server)) == 2                           # the two confirm emails only
    assert services.send_digests() == 2                            # one for each person
    db.session.commit()
    assert services.send_digests() == 0
    db.session.commit()
    assert mail.wait_idle(app)
    digests = _to_me(smtp_server)[2:]
    assert len(digests) == 1
    digest = digests[0]
    assert digest["Subject"] == "This week: 1 new thing about what you follow"
    body = digest.get_body(("plain",)).get_content()
    castle, everything = body.index(f"== {world['castle'].name} and the places around it =="), body.index("== “You said, we did” ==")
    assert castle < everything
    assert body.count("Results published: Parks findings") == 2 and "Results published: Parks findings (see above)" in body
    stops = re.findall(r"http://localhost(/follow/stop/[\w-]+)", body)
    assert len(stops) == 2 and stops[0] != stops[1]
    stop_all = re.search(r"http://localhost(/follow/stop-all/[\w-]+)", body).group(1)
    assert digest["List-Unsubscribe"].strip() == f"<http://localhost{stop_all}>"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    theirs = [m for m in smtp_server if other in m.envelope_to and m["Subject"].startswith("This week")]
    assert [m["Subject"] for m in theirs] == ["This week: 1 new thing about “You said, we did”"]

    # The page behind the link names what stops; one click stops every follow of this
    # address and deletes it, and nobody else's.
    page = client.get(stop_all).get_data(as_text=True)
    assert "Stop every email from us to this address" in page and world["castle"].name in page
    response = client.post(stop_all, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and "your email address has been deleted" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _rows_holding(EMAIL) == []
    assert db.session.scalar(select(FollowAddress.id).where(FollowAddress.email == other)) is not None
    assert client.get(stop_all).status_code == 404


def test_stopping_one_follow_takes_back_a_digest_not_yet_sent(app, world, client, smtp_server):
    """The weekly email is stored, not yet sent, when the resident stops following their ward:
    it is taken back, and the news of what they still follow goes in the next one, alone."""
    ward = services.start(EMAIL, "place", world["castle"].id, "weekly")
    everything = services.start(EMAIL, "you-said-we-did", 0, "weekly")
    services.confirm(ward)
    services.confirm(everything)
    publish(world, make_report(world, title="Parks findings"))
    assert services.send_digests() == 1
    services.unsubscribe(db.session.get(Follow, ward.id))         # before the commit: it has not left
    follow = db.session.get(Follow, everything.id)
    assert follow.last_digest_at is None and [n.sent_at for n in follow.news] == [None]
    db.session.commit()
    assert services.send_digests() == 1
    db.session.commit()
    assert mail.wait_idle(app)
    mine = [m for m in _to_me(smtp_server) if m["Subject"].startswith("This week")]
    assert [m["Subject"] for m in mine] == ["This week: 1 new thing about “You said, we did”"]
    assert world["castle"].name not in mine[0].get_body(("plain",)).get_content()
