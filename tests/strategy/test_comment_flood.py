"""Comment flood: anonymous strategy comments are rate-limited per address and carry a
honeypot; officers mark comments as spam (who, when): kept, never published, and adoption
does not wait for them. The toolkit's anonymous feedback form carries the honeypot too."""
from __future__ import annotations

from sqlalchemy import func, select

from engage.extensions import db
from engage.strategy import documents
from engage.strategy.models import StrategyComment
from tests.conftest import make_app
from tests.strategy.support import strategy
from tests.toolkit.conftest import entry  # noqa: F401 (fixture)


def _count(model=StrategyComment):
    return db.session.scalar(select(func.count()).select_from(model))


def _post(client, version, body="Say more about feedback.", **extra):
    section = version.sections[0]
    return client.post(f"/strategy/versions/{version.id}/sections/{section.id}/comment",
                       data={"body": body, "name": "Sam", "email": "sam@example.com", **extra})


def test_one_address_cannot_flood_the_comments(tmp_path, _schema, app, users):
    version = strategy(users["officer"], "consultation", public_comments=True)
    limited = make_app(_schema, tmp_path, RATELIMIT_ENABLED=True, ENGAGE_COMMENT_LIMIT="3 per minute")
    with limited.app_context():
        client = limited.test_client()
        assert [_post(client, version, f"Comment {i}").status_code for i in range(3)] == [302, 302, 302]
        response = _post(client, version, "The fourth, in a hurry")
        html = response.get_data(as_text=True)
        saved = _count()
        db.session.remove()
    assert response.status_code == 429 and response.headers["Retry-After"].isdigit()
    assert "too many times" in html and "The fourth, in a hurry" in html  # what was typed is still there
    assert saved == 3


def test_signed_in_partners_are_not_held_by_the_anonymous_limit(tmp_path, _schema, app, users):
    from tests.conftest import sign_in

    version = strategy(users["officer"], "consultation")
    limited = make_app(_schema, tmp_path, RATELIMIT_ENABLED=True, ENGAGE_COMMENT_LIMIT="1 per minute",
                       ENGAGE_LOGIN_LIMIT="100 per minute")
    with limited.app_context():
        client = limited.test_client()
        assert sign_in(client, "practitioner@test.example").status_code == 302
        codes = [_post(client, version, f"Partner comment {i}").status_code for i in range(3)]
        db.session.remove()
    assert codes == [302, 302, 302]


def test_the_honeypot_stops_scripts(client, users):
    version = strategy(users["officer"], "consultation", public_comments=True)
    page = client.get(f"/strategy/versions/{version.id}/sections/{version.sections[0].id}/comment").get_data(as_text=True)
    assert 'name="website"' in page and "engage-honeypot" in page
    response = _post(client, version, website="http://cheap-pills.example")
    assert response.status_code == 400 and "could not be accepted" in response.get_data(as_text=True)
    assert _count() == 0
    assert _post(client, version).status_code == 302
    assert _count() == 1


def test_the_toolkit_feedback_honeypot(client, entry):  # noqa: F811
    from engage.toolkit.models import ToolkitFeedback

    assert 'name="website"' in client.get(f"/toolkit/{entry.slug}").get_data(as_text=True)
    response = client.post(f"/toolkit/{entry.slug}/feedback", data={"useful": "yes", "website": "x"})
    assert response.status_code == 400
    assert _count(ToolkitFeedback) == 0


def test_spam_is_kept_not_published_and_does_not_block_adoption(client, login, users):
    officer = users["officer"]
    version = strategy(officer, "consultation", public_comments=True)
    for i in range(3):
        assert _post(client, version, f"Buy cheap pills {i}").status_code == 302
    assert _post(client, version, "Please say how we will hear back.").status_code == 302
    real = db.session.scalar(select(StrategyComment).where(StrategyComment.body.like("Please%")))
    documents.respond(officer, real, "changed", "We added a section on feedback.")
    db.session.commit()
    refused = documents.comment_counts(version)
    assert refused == (4, 1)
    login("officer")
    assert client.post(f"/admin/strategy/versions/{version.id}/transition", data={"action": "adopt"}).status_code == 400
    spam = db.session.scalars(select(StrategyComment).where(StrategyComment.body.like("Buy%"))).all()
    for comment in spam:
        response = client.post(f"/admin/strategy/comments/{comment.id}/spam", data={"spam": "yes"})
        assert response.status_code == 302
    db.session.expire_all()
    for comment in spam:
        saved = db.session.get(StrategyComment, comment.id)
        assert saved.spam_at is not None and saved.spam_by_id == officer.id  # kept, with who and when
    admin = client.get(f"/admin/strategy/versions/{version.id}/comments").get_data(as_text=True)
    assert admin.count("Marked as spam") >= 3 and "Buy cheap pills 0" in admin
    assert documents.comment_counts(version) == (1, 1)
    assert client.post(f"/admin/strategy/versions/{version.id}/transition",
                       data={"action": "adopt", "confirmed": "yes"}).status_code == 302
    login(None)
    published = client.get(f"/strategy/versions/{version.id}/responses").get_data(as_text=True)
    assert "Please say how we will hear back." in published and "Buy cheap pills" not in published
    assert _count() == 4


def test_only_officers_mark_spam_and_it_can_be_taken_off(client, login, users):
    version = strategy(users["officer"], "consultation", public_comments=True)
    assert _post(client, version, "Not spam at all").status_code == 302
    comment = db.session.scalar(select(StrategyComment))
    login("coordinator")
    assert client.post(f"/admin/strategy/comments/{comment.id}/spam", data={"spam": "yes"}).status_code == 403
    login("officer")
    client.post(f"/admin/strategy/comments/{comment.id}/spam", data={"spam": "yes"})
    client.post(f"/admin/strategy/comments/{comment.id}/spam", data={"spam": "no"})
    db.session.expire_all()
    assert db.session.get(StrategyComment, comment.id).spam_at is None
    assert documents.comment_counts(version) == (1, 0)
