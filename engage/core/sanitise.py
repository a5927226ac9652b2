"""Cleaning user-written text: every piece of user Markdown or HTML goes through here."""
from __future__ import annotations

import re
from functools import lru_cache

import bleach
import markdown as md
from markupsafe import Markup

ALLOWED_TAGS = [
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul", "input",
]
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "h2": ["id"],
    "h3": ["id"],
    "th": ["scope"],
    "input": ["type", "disabled", "checked"],
}
ALLOWED_PROTOCOLS = ["http", "https", "mailto"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str | None, max_length: int | None = None) -> str:
    """Plain text from a form: control characters removed, whitespace trimmed."""
    if value is None:
        return ""
    value = _CONTROL.sub("", str(value)).strip()
    if max_length is not None:
        value = value[:max_length]
    return value


def _strip_disallowed_inputs(html: str) -> str:
    # Task-list checkboxes are the only inputs allowed, and they are always disabled.
    return re.sub(r"<input(?![^>]*type=\"checkbox\")[^>]*>", "", html)


def clean_html(html: str) -> str:
    cleaned = bleach.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True
    )
    cleaned = _strip_disallowed_inputs(cleaned)
    return bleach.linkify(cleaned, callbacks=[bleach.callbacks.nofollow], skip_tags=["pre", "code"])


# A checklist item, "- [ ] text", after cleaning: <li>[ ] text</li> (no nested list inside).
_TASK = re.compile(r"<li>\s*\[( |x|X)\]\s*((?:(?!<li[\s>]|</li>).)*?)</li>", re.S)


def _task(match) -> str:
    # The checkbox sits inside its label, so it is named for screen readers (axe "label").
    checked = " checked" if match.group(1) != " " else ""
    return f'<li class="engage-check"><label class="engage-check__label"><input type="checkbox" disabled{checked}> {match.group(2)}</label></li>'


# Remembered renderings: the HTML depends on nothing but the text, so the text itself is the
# key and a changed text is simply a new key (nothing can be shown out of date or to the wrong
# person). Markdown and bleach were most of the work of a survey's start page, the strategy and
# a findings report (bench/pages.py). Long texts are rendered afresh, to bound the memory kept.
_REMEMBER_CHARS = 20_000


def render_markdown(text: str | None) -> Markup:
    """Markdown to safe HTML, with GOV.UK classes and "- [ ] item" checklists."""
    text = str(text or "")
    if len(text) <= _REMEMBER_CHARS:
        return _remembered_markdown(text)
    return _render_markdown(text)


def _render_markdown(text: str) -> Markup:
    html = md.markdown(text, extensions=["tables", "sane_lists", "toc"], output_format="html")
    # Clean first; the checklist markup added afterwards is fixed text around cleaned content.
    html = _TASK.sub(_task, clean_html(html))
    return Markup(add_govuk_classes(html))


_remembered_markdown = lru_cache(maxsize=1024)(_render_markdown)


_CLASSES = {
    "h2": "govuk-heading-m", "h3": "govuk-heading-s", "h4": "govuk-heading-s", "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet", "ol": "govuk-list govuk-list--number", "a": "govuk-link",
    "table": "govuk-table", "th": "govuk-table__header", "td": "govuk-table__cell",
    "tr": "govuk-table__row", "blockquote": "govuk-inset-text", "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
}


def add_govuk_classes(html: str) -> str:
    """Add GOV.UK Frontend classes to the tags that cleaned HTML may hold."""

    def repl(match):
        tag = match.group(1)
        return f'<{tag} class="{_CLASSES[tag]}"' + match.group(2)

    return re.sub(r"<(%s)(\s|>|/)" % "|".join(_CLASSES), repl, html)
