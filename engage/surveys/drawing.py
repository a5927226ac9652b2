"""A question as residents first see it, drawn once per process for each distinct input
(issue 21: pages that stay fast when a survey launches).

Drawing a question's fields (``templates/surveys/_questions.html``) was half of a question
page's work: a macro call and a dozen escapes per answer option. What it draws follows from
what it is given alone (the macros are imported without the page's context) and the
reader's language. So a question page's fields are remembered, keyed by that input:

- the question and its answer options are the structure snapshot's immutable copies
  (engage/surveys/snapshot.py: one set of objects per committed structure_version; a
  structure being changed in an uncommitted transaction is never kept there, so it is drawn
  from objects no other request has). The key holds the objects themselves, so what they are
  compared by (their identity) cannot be reused by other objects while remembered;
- everything else in the field (its number on the page, the order of its options, the wards
  read for it on this request, ...) is in the key as a value;
- only a field as first shown is remembered: no answer, nothing typed, no error (so no
  resident's answers are kept beyond their own request), for a reader of the site's own
  language in the standard version (a translation or easy-read text is read from the
  database on each request, and a text missing from a translation is noted on the page).

Anything else is drawn as before.
"""
from __future__ import annotations

import threading

from flask import current_app
from markupsafe import Markup

from ..core import content, i18n
from .snapshot import Frozen

KEEP = 512  # distinct fields kept per app (forgotten all at once beyond that)
EXTENSION = "engage_survey_fields_drawn"
_lock = threading.Lock()


def _blank(state) -> bool:
    return isinstance(state, dict) and not any(state.values())


_PLAIN = frozenset({str, int, float, bool, type(None)})  # exactly these (a Markup is not a str here)


def _value(value):
    """``value`` as part of a key: plain values and snapshot copies as they are, lists and
    tuples as tuples of those; anything else (a dict, an ORM object) is refused."""
    kind = type(value)
    if kind in _PLAIN or isinstance(value, Frozen):
        return value
    if kind is list or kind is tuple:
        return tuple(v if type(v) in _PLAIN or isinstance(v, Frozen) else _value(v) for v in value)
    raise TypeError(f"not a key: {kind.__name__}")


def key_of(macro, field: dict):
    """The key a field is remembered by, or None when it is not to be remembered."""
    if field.get("error") or not _blank(field.get("state")) or not isinstance(field.get("q"), Frozen):
        return None
    language = i18n.current_language()
    if content.reading_language() != language or language != i18n.default_language():
        return None
    try:
        return (macro, language) + tuple((name, _value(value)) for name, value in sorted(field.items()) if name != "state")
    except TypeError:
        return None


def draw(macro, field: dict) -> Markup:
    """``macro(field)``, remembered for a field as first shown (see above)."""
    key = key_of(macro, field)
    if key is None:
        return macro(field)
    kept = current_app.extensions.get(EXTENSION)
    if kept is None:
        with _lock:
            kept = current_app.extensions.setdefault(EXTENSION, {})
    found = kept.get(key)
    if found is None:
        found = Markup(macro(field))
        with _lock:
            if len(kept) >= KEEP:
                kept.clear()
            kept[key] = found
    return found
