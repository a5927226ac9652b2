"""Following in Welsh (issue 23): a follow keeps the language it was asked for in, and every
email about it (the confirm email, news, the footer with the stop link) arrives in that
language through a real SMTP server, while an English follower of the same thing gets
English. The pages on the way (form, check your email, confirm, stop, stopped) are Welsh."""
from __future__ import annotations

from sqlalchemy import select

from engage.core import mail
from engage.extensions import db
from engage.follow.models import Follow, FollowAddress
from tests.follow.test_follow import _link
from tests.sharing.support import make_report, publish

WELSH = "preswylydd@cartref.example"
ENGLISH = "resident@home.example"


def _text(message) -> str:
    return message["Subject"] + "\n" + message.get_body(("plain",)).get_content()


def _sent_to(smtp_server, address):
    return [m for m in smtp_server if address in m.envelope_to]


def test_a_follow_asked_for_in_welsh_gets_its_emails_in_welsh(world, app, smtp_server):
    welsh, english = app.test_client(), app.test_client()
    welsh.get("/language/cy")
    form = welsh.get("/follow?what=you-said-we-did").text
    assert "Cael negeseuon e-bost am “Dywedoch chi, gwnaethom ni”" in form
    assert "Your email address" not in form and "How often do you want emails?" not in form
    assert "Send me a link to confirm" not in form and "Anfon dolen ataf i gadarnhau" in form
    refused = welsh.post("/follow?what=you-said-we-did", data={"email": "", "cadence": "immediate"})
    assert refused.status_code == 400 and "Rhowch eich cyfeiriad e-bost" in refused.text  # the error, in Welsh

    sent = welsh.post("/follow?what=you-said-we-did", data={"email": WELSH, "cadence": "immediate"})
    assert sent.status_code == 302
    assert "Gwiriwch eich e-bost" in welsh.get(sent.headers["Location"]).text
    assert english.post("/follow?what=you-said-we-did",
                        data={"email": ENGLISH, "cadence": "immediate"}).status_code == 302
    assert db.session.scalar(select(Follow.language).join(FollowAddress).where(FollowAddress.email == WELSH)) == "cy"

    confirm = _sent_to(smtp_server, WELSH)[-1]
    words = _text(confirm)
    assert confirm["Subject"] == "Cadarnhewch eich bod eisiau negeseuon e-bost am “Dywedoch chi, gwnaethom ni”"
    assert "I ddechrau’r negeseuon e-bost, agorwch y ddolen hon" in words
    assert "I atal y negeseuon e-bost hyn, agorwch y ddolen hon" in words          # the footer too
    for phrase in ("Confirm you want", "Hello,", "To start the emails", "If it was not you", "To stop these emails",
                   "You get this email", "You said, we did"):
        assert phrase not in words, phrase
    assert _text(_sent_to(smtp_server, ENGLISH)[-1]).startswith("Confirm you want emails about “You said, we did”")

    # The pages follow the reader's own choice of language: this reader's is Welsh.
    path = _link(confirm, "confirm")
    page = welsh.get(path).text
    assert "Dechrau’r negeseuon e-bost am" in page and "Ie, dechrau’r negeseuon e-bost" in page
    assert "Start the emails" not in page
    done = welsh.post(path).text
    assert "Byddwch chi’n cael negeseuon e-bost" in done and "You will get emails" not in done
    english.post(_link(_sent_to(smtp_server, ENGLISH)[-1], "confirm"))

    # News: the same report, told to each follower in their own language.
    publish(world, make_report(world, title="Parks findings"))
    db.session.commit()
    assert mail.wait_idle(app)
    news = _sent_to(smtp_server, WELSH)[-1]
    words = _text(news)
    assert news["Subject"] == "Canlyniadau wedi’u cyhoeddi: Parks findings"
    assert "Mae newyddion am “Dywedoch chi, gwnaethom ni”" in words and "Darllen rhagor:" in words
    for phrase in ("Results published", "There is news", "Read more", "Each partnership named", "To stop these emails"):
        assert phrase not in words, phrase
    assert _sent_to(smtp_server, ENGLISH)[-1]["Subject"] == "Results published: Parks findings"

    # Stopping: the page and the answer are in Welsh.
    stop = _link(news, "stop")
    page = welsh.get(stop).text
    assert "Atal y negeseuon e-bost am" in page and "Stop the emails" not in page
    stopped = welsh.post(stop).text
    assert "Mae’r negeseuon e-bost wedi dod i ben" in stopped and "The emails have stopped" not in stopped


def test_the_weekly_digest_of_a_welsh_follow_is_in_welsh(world, app, smtp_server):
    # Asked for outside any page (as the CLI would): the language is given.
    from engage.follow import services

    follow = services.start(WELSH, "you-said-we-did", 0, "weekly", language="cy")
    services.confirm(follow)
    db.session.commit()
    publish(world, make_report(world, title="Parks findings"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["engage", "send-follow-updates"])
    assert result.exit_code == 0, result.output
    digest = _sent_to(smtp_server, WELSH)[-1]
    words = _text(digest)
    assert digest["Subject"] == "Yr wythnos hon: 1 peth newydd am “Dywedoch chi, gwnaethom ni”"
    assert "Dyma beth sy’n newydd yr wythnos hon" in words and "Canlyniadau wedi’u cyhoeddi: Parks findings" in words
    for phrase in ("This week", "Here is what is new", "Results published", "To stop these emails"):
        assert phrase not in words, phrase


def test_a_welsh_weekly_email_for_two_follows_is_welsh_throughout(world, app, smtp_server):
    """One weekly email for two follows asked for in Welsh: every line of it, and the page
    behind its "stop every email" link, in Welsh."""
    import re

    from engage.follow import services

    ward = services.start(WELSH, "place", world["castle"].id, "weekly", language="cy")
    everything = services.start(WELSH, "you-said-we-did", 0, "weekly", language="cy")
    services.confirm(ward)
    services.confirm(everything)
    publish(world, make_report(world, title="Parks findings"))
    assert services.send_digests() == 1
    db.session.commit()
    assert mail.wait_idle(app)
    digest = [m for m in _sent_to(smtp_server, WELSH) if m["Subject"].startswith("Yr wythnos hon")]
    assert [m["Subject"] for m in digest] == ["Yr wythnos hon: 1 peth newydd am yr hyn rydych chi’n ei ddilyn"]
    words = _text(digest[0])
    assert "(gweler uchod)" in words and "I atal pob e-bost gennym ni i’r cyfeiriad hwn" in words
    for phrase in ("Hello,", "what you follow", "see above", "To stop", "You get this email", "once a week"):
        assert phrase not in words, phrase
    stop_all = re.search(r"http://localhost(/follow/stop-all/[\w-]+)", words).group(1)
    reader = app.test_client()
    reader.get("/language/cy")
    page = reader.get(stop_all).text
    assert "Atal pob e-bost gennym ni i’r cyfeiriad hwn" in page and "Stop every email" not in page
