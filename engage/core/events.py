"""Things that happened, told to whoever listens: a tiny publish/subscribe hub, per app.

A capability that makes something happen calls ``publish(name, **payload)`` at the one place
it happens (after its own change is flushed); a capability that cares registers
``subscribe(name, handler)`` in its ``init_app`` and gets ``handler(**payload)``. Neither
imports the other.

Handlers run at once, in the caller's request and transaction: they must only queue work
(rows, outbox mail with a send-once ``key``) and never send, wait or commit. Work queued by a
handler is rolled back with the change that caused it. A handler that raises makes the
caller's change fail too, so keep them small.

Names in use (add yours here). Payloads carry ids, not objects, so a handler reloads what it
needs:

``consultation.opened``
    ``consultation_id``: a public consultation's start date has come (engage/consultations
    when a save makes it open; a scheduled job also finds ones whose date simply arrived, so
    handlers must be safe to run twice for the same consultation).
``findings.published``
    ``report_id``: a findings report has become public (engage/sharing/notices.release,
    after any embargo).
``response.published``
    ``report_id``, ``response_id``, ``partnership_id``: a partnership's response to a
    recommendation is public (engage/sharing/responses).
``response.progress``
    ``report_id``, ``response_id``, ``update_id``: progress was added to a public response.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, current_app

CONSULTATION_OPENED = "consultation.opened"
FINDINGS_PUBLISHED = "findings.published"
RESPONSE_PUBLISHED = "response.published"
RESPONSE_PROGRESS = "response.progress"

_KEY = "engage_event_handlers"


def subscribe(name: str, handler: Callable[..., None], app: Flask | None = None) -> None:
    """Call ``handler(**payload)`` whenever ``name`` is published in this app. Registering the
    same handler twice for a name keeps one."""
    handlers = (app or current_app).extensions.setdefault(_KEY, {}).setdefault(name, [])
    if handler not in handlers:
        handlers.append(handler)


def publish(name: str, **payload) -> int:
    """Run every handler subscribed to ``name``, in the order they subscribed, in the current
    transaction. Returns how many ran."""
    handlers = list(current_app.extensions.get(_KEY, {}).get(name, ()))
    for handler in handlers:
        handler(**payload)
    return len(handlers)


def subscribers(name: str) -> list[Callable[..., None]]:
    return list(current_app.extensions.get(_KEY, {}).get(name, ()))
