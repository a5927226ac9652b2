"""Every page a partnership officer (who sees every staff page) can reach by following links
passes axe-core, has one h1 and fits a 320 px screen (the sweep: tests/browser/sweep_support.py;
a resident's sweep is tests/browser/test_every_page.py).

States the demo would not otherwise show are reached too: the background work page with an
email failing and one given up (planted before the sweep, removed after), and the demo's
decided bid round, whose funded bids link to their projects."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from tests.browser.sweep_support import NOT_FOUND, sweep_as

pytestmark = pytest.mark.browser

TROUBLE = "Sweep: an email the mail server keeps refusing"


@contextmanager
def _emails_in_trouble(app):
    """One email failing (its next try far off, so the live server's sender leaves it alone)
    and one given up, for the time of the sweep."""
    from engage.core import mail
    from engage.core.models import OutboxMessage, utcnow
    from engage.extensions import db

    now = utcnow()
    with app.app_context():
        for n, state in enumerate((mail.WAITING, mail.GIVEN_UP)):
            db.session.add(OutboxMessage(
                key=f"sweep-trouble-{n}", to_address="officer@example.org" if state == mail.WAITING else "",
                subject=f"{TROUBLE} ({state})", body="", state=state, attempts=3, first_failed_at=now - timedelta(days=2),
                next_try_at=now + timedelta(days=2), finished_at=now if state == mail.GIVEN_UP else None,
                last_error="550 Mailbox unavailable"))
        db.session.commit()
        failing, given_up = mail.troubled()
        assert {m.subject for m in failing + given_up} >= {f"{TROUBLE} (waiting)", f"{TROUBLE} (given-up)"}
        db.session.remove()
    try:
        yield
    finally:
        with app.app_context():
            db.session.execute(delete(OutboxMessage).where(OutboxMessage.key.like("sweep-trouble-%")))
            db.session.commit()
            db.session.remove()


def _decided_round_pages(app) -> set[str]:
    from engage.extensions import db
    from engage.funding.models import BidRound

    with app.app_context():
        decided = db.session.scalars(select(BidRound).where(BidRound.state == "decided")).all()
        pages = {f"/funding/rounds/{r.id}" for r in decided} | {f"/funding/bids/{b.id}" for r in decided for b in r.bids}
        assert decided and all(b.project_id for r in decided for b in r.bids if b.awarded), "the demo needs a decided round"
        db.session.remove()
    return pages


def test_every_page_an_officer_can_reach_is_accessible_and_fits_a_phone(_browser, live_server, live_app):
    decided = _decided_round_pages(live_app)
    with _emails_in_trouble(live_app):
        swept = sweep_as(_browser, live_server, live_app, "officer",
                         ["/account", "/findings/manage", "/findings/dashboard", "/admin/reference", "/admin/search",
                          "/consultations/new", "/strategy/plan", "/admin/background-work", NOT_FOUND])
    assert swept.short_of("officer", least=180) == []
    opened = {url[len(live_server):] for url in swept.checked}
    assert "/admin/background-work" in opened
    # A decided round's page and one of its bids (with "Funded project") are kinds of page of their own.
    assert len(opened & decided) >= 2, sorted(opened & decided)
    assert swept.problems == {}, swept.problems
