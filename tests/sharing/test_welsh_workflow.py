"""A findings report waiting in review, read in Welsh (issue 23): the "What happens next" macro
says who it waits for (the approvers' words put together in the reader's language), and when
nobody but the author could approve it, how to fix that; the email to reviewers stays in the
site's own language, whoever sent the report."""
from __future__ import annotations

from engage.extensions import db
from tests.i18n_support import assert_pages_in_welsh
from tests.sharing.support import make_report, smtp, world  # noqa: F401  (fixtures)


def test_who_a_report_waits_for_is_said_in_welsh(client, login, world, smtp):
    world["officer2"].active = False
    db.session.commit()
    officer = world["users"]["officer"]
    report = make_report(world, author=officer, partnership_ids=[world["partnership"].id])
    login("officer")
    client.get("/language/cy")  # sent for review from a page in Welsh
    sent = client.post(f"/findings/{report.id}/move/submit", data={})
    assert sent.status_code in (302, 303), sent.status_code
    db.session.expire_all()
    assert report.state == "in-review"
    client.get("/language/en")
    assert_pages_in_welsh(client, {f"/findings/{report.id}": (
        "Yn aros am swyddog partneriaeth heblaw’r awdur (nid Test Officer) i’w gymeradwyo.", [
            "Waiting for a partnership officer other than the author (not Test Officer) to approve it.",
            "Nobody can approve this report yet", "To fix this, a partnership officer can let the coordinators of",
            "Who can do it: its reviewers.", "Who can do it: its authors or a partnership officer."])},
        all_found=True)
    page = client.get(f"/findings/{report.id}").text
    assert "Does neb yn gallu cymeradwyo’r adroddiad hwn eto" in page
    # The email to the reviewers is in English: the site's own language, not the sender's.
    mail = smtp.to("coordinator@test.example", "to review")
    assert mail and "waiting for a partnership officer other than the author" in mail[0]["body"]
    assert "swyddog partneriaeth" not in mail[0]["body"]
