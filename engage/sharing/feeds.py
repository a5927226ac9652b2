"""The Atom feed of published reports and the partnerships' responses, built with feedgen
(a well-kept library that writes valid Atom, escaping included)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from feedgen.feed import FeedGenerator
from flask import current_app, url_for

from . import responses
from ..core import clock

MAX_ENTRIES = 50


def _aware(moment):
    return moment.replace(tzinfo=timezone.utc)


def _line(response, today) -> str:
    words = f"{response.status_label}: {response.recommendation.text[:200]}" + (f" – {response.action[:300]}" if response.action else "")
    words += f". Progress: {response.stage_label}"
    if response.due_on:
        words += f", due {response.due_on.day} {response.due_on:%B %Y}"
    if response.overdue_on(today):
        words += ". OVERDUE: the due date has passed and it is not done"
    return words


def build(reports, filters_args: dict, today=None) -> bytes:
    from datetime import date

    today = today or clock.today()
    site = current_app.config["ENGAGE_SITE_NAME"]
    feed = FeedGenerator()
    self_url = url_for("sharing.feed", _external=True, **filters_args)
    feed.id(self_url)
    feed.title(f"You said, we did – {site}")
    feed.subtitle("Findings reports the partnership has published, and what each partnership did about them.")
    feed.link(href=url_for("sharing.you_said_we_did", _external=True, **filters_args), rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.author({"name": site})
    feed.language("en-GB")
    entries = []
    for report in reports:
        link = url_for("sharing.report", report_id=report.id, _external=True)
        entries.append((report.public_from, f"{link}#report", f"You said: {report.title}", link,
                        report.summary or report.title, [p.name for p in report.partnerships]))
        for item in responses.progress(report):
            mine = [r for r in report.responses if r.partnership_id == item.partnership.id]
            if not mine:
                continue
            latest = max(max(r.updated_at for r in mine), max((u.created_at for r in mine for u in r.updates), default=mine[0].updated_at))
            lines = [_line(r, today) for r in mine]
            entries.append((latest, f"{link}#partnership-{item.partnership.id}",
                            f"We did: {item.partnership.name} responded to {report.title}",
                            f"{link}#partnership-{item.partnership.id}", "\n".join(lines), [item.partnership.name]))
            # A promise past its date and not done is news of its own, dated the day it became late.
            for response in item.overdue(today):
                became_late = clock.end_of_day(response.due_on)
                entries.append((became_late, f"{link}#response-{response.id}-overdue-{response.due_on.isoformat()}",
                                f"Overdue: {item.partnership.name} on {report.title}",
                                f"{link}#response-{response.id}", _line(response, today), [item.partnership.name]))
    entries.sort(key=lambda e: e[0], reverse=True)
    entries = entries[:MAX_ENTRIES]
    feed.updated(_aware(entries[0][0]) if entries else None)
    for moment, entry_id, title, link, summary, categories in reversed(entries):
        entry = feed.add_entry()
        entry.id(entry_id)
        entry.title(title)
        entry.link(href=link)
        entry.summary(summary)
        entry.updated(_aware(moment))
        entry.published(_aware(moment))
        for name in categories:
            entry.category(term=name)
    return feed.atom_str(pretty=True)
