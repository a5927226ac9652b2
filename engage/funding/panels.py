"""The funding pages in the signed-in person's "What you can do" list (``account.dashboard``)."""
from __future__ import annotations

from flask import url_for
from markupsafe import Markup, escape
from sqlalchemy import select

from ..core.i18n import gettext
from ..extensions import db
from .models import BidRound, bid_round_assessor
from .services import is_partner


def dashboard_links(user, _viewer=None):
    if not is_partner(user):
        return None
    items = [(url_for("funding.index"), gettext("See funding programmes, their bid rounds and the ranked bids"))]
    scoring = db.session.scalars(select(BidRound).join(bid_round_assessor).where(bid_round_assessor.c.user_id == user.id,
                                                                                  BidRound.state == "scoring")).all()
    items.extend((url_for("funding.round_page", round_id=r.id), gettext("Score the bids in “%(round)s”", round=r.title)) for r in scoring)
    return Markup("".join(f'<li><a class="govuk-link" href="{escape(href)}">{escape(text)}</a></li>' for href, text in items))
