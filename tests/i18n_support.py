"""Finding text in a template that a reader would see but no translation call carries.

A template's source is read with Jinja's own lexer. What a person reads is:

- text between HTML tags, and the readable attributes (``alt``, ``title``, ``aria-label``,
  ``placeholder``, a button's ``value``), outside any ``{{ ... }}``, ``{% ... %}`` or
  ``{% trans %}...{% endtrans %}``;
- inside ``{{ ... }}`` or ``{% ... %}``, a string given to a GOV.UK macro under a key a reader
  sees (``'text': 'Save'``, ``'label': {...}``...) rather than through ``_()``.

Everything else (tag names, classes, links, Jinja code, punctuation and numbers) is not text.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from jinja2 import Environment

# Keys of the GOV.UK Frontend macros' parameters whose strings a person reads.
READ_KEYS = {
    "text", "html", "label", "hint", "legend", "caption", "titleText", "title", "menuButtonText",
    "navigationLabel", "visuallyHiddenText", "heading", "summary", "summaryText", "descriptionText",
    "ariaLabel", "content", "value_text", "textareaDescriptionText", "errorMessage", "closeButtonText",
}
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
PLACEHOLDER = "\uE000"  # stands for an expression's output: never counted as text
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
ATTRIBUTE_ONLY = re.compile(r'[\w-]+="[^"]*"')


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        attrs = dict(attrs)
        for name in READ_ATTRIBUTES:
            self._check(attrs.get(name))
        if tag == "input" and (attrs.get("type") or "").lower() in ("submit", "button"):
            self._check(attrs.get("value"))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._check(data)

    def _check(self, value):
        # A macro that writes an attribute (`aria-describedby="{{ ids }}"`) outside a tag.
        if value and ATTRIBUTE_ONLY.fullmatch(value.strip()):
            return
        if value and LETTER.search(value.replace(PLACEHOLDER, " ")):
            self.found.append(" ".join(value.replace(PLACEHOLDER, "…").split()))


def untranslated_text(source: str, env: Environment | None = None, plain: bool = False) -> list[str]:
    """Every piece of readable text in ``source`` outside a translation call. ``plain``: the
    template is not HTML (an email's text), so all text outside Jinja's tags counts."""
    env = env or Environment(extensions=["jinja2.ext.i18n"])
    found: list[str] = []
    html: list[str] = []
    depth_trans = 0
    previous: list[tuple[str, str]] = []  # the tokens of the current {{ }} / {% %}
    for _lineno, kind, value in env.lex(source):
        if kind == "data":
            if not depth_trans:
                html.append(value)
            continue
        if kind in ("variable_begin",):
            html.append(PLACEHOLDER)
        if kind in ("variable_begin", "block_begin"):
            previous = []
            continue
        if kind in ("variable_end", "block_end"):
            names = [v for k, v in previous if k == "name"]
            if names[:1] == ["trans"]:
                depth_trans += 1
            elif names[:1] == ["endtrans"]:
                depth_trans = max(0, depth_trans - 1)
            found.extend(_macro_strings(previous))
            previous = []
            continue
        if kind not in ("whitespace", "comment_begin", "comment_end", "comment", "raw_begin", "raw_end"):
            previous.append((kind, value))
    text = "".join(html)
    if plain:
        for line in text.splitlines():
            if LETTER.search(line.replace(PLACEHOLDER, " ")):
                found.append(" ".join(line.replace(PLACEHOLDER, "…").split()))
        return found
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.found + found


def _macro_strings(tokens: list[tuple[str, str]]) -> list[str]:
    """Strings given under a readable key (``'text': 'Save'``), not wrapped in ``_()``."""
    found = []
    for i in range(len(tokens) - 2):
        (k1, v1), (k2, v2), (k3, v3) = tokens[i], tokens[i + 1], tokens[i + 2]
        if k1 == "string" and k2 == "operator" and v2 == ":" and k3 == "string":
            key, value = v1[1:-1], v3[1:-1]
            if key in READ_KEYS and LETTER.search(value):
                found.append(f"{key}: {value}")
    return found


def assert_pages_in_welsh(client, pages: dict, strip: str = "<>", all_found: bool = False) -> None:
    """``pages``: {path: (Welsh that must be there, [English that must not])}. Each English
    phrase is first seen on the English page (so its absence in Welsh means something); then,
    in Welsh, each page says lang="cy", shows its Welsh phrase and none of the English, and
    notes none of the page's own words as shown in English (staff-written data may be).
    ``all_found``: every page answers 200 in Welsh (a list that also checks error pages, such
    as a bad filter's 400, leaves it off)."""
    from flask import g

    for path, (_welsh, english) in pages.items():
        shown = client.get(path).text
        missing = [phrase for phrase in english if phrase not in shown]
        assert not missing, (path, missing)
    client.get("/language/cy")
    for path, (welsh, english) in pages.items():
        page = client.get(path)
        assert not all_found or page.status_code == 200, path
        assert '<html lang="cy"' in page.text, path
        assert welsh in page.text, (path, welsh)
        left = [phrase for phrase in english if phrase in page.text]
        assert not left, (path, left)
        own = {m for m in (g.get("engage_untranslated") or ()) if any(m.startswith(e.strip(strip)) for e in english)}
        assert not own, (path, own)
