"""Scoring how easy a page's words are to read: the Flesch–Kincaid grade (textstat) of the prose
in a page's <main>.

The prose is what people read as sentences: paragraphs, list items, headings, hints, inset
text, summary list values and details. Each is a separate piece, so a heading or a list item
ends a sentence. Tables of figures, drop-down options and the page's menus are not prose and
are left out (they would only make the score look easier than the prose is). Text a screen
reader reads (the visually hidden words) counts."""
from __future__ import annotations

import re
from html.parser import HTMLParser

UNITS = {"p", "li", "h1", "h2", "h3", "h4", "dd", "dt", "legend", "summary", "label", "caption", "blockquote"}
UNIT_CLASSES = ("govuk-hint", "govuk-inset-text", "govuk-warning-text__text", "govuk-details__text")
SKIP = {"script", "style", "svg", "textarea", "select", "table", "nav", "button", "code", "pre"}
VOID = {"br", "input", "img", "hr", "meta", "link", "source", "col", "wbr"}


class _Prose(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_main = 0
        self.skip = 0
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, is a unit, is skipped)
        self.pieces: list[str] = []
        self.current: list[str] = []
        self.unit_depth = 0

    def _end_piece(self):
        text = " ".join("".join(self.current).split())
        if re.search(r"[A-Za-z]", text):
            self.pieces.append(text if re.search(r"[.!?:;…]['’”)]?$", text) else text + ".")
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main += 1
            return
        if not self.in_main or tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        unit = tag in UNITS or any(c in UNIT_CLASSES for c in classes)
        skipped = tag in SKIP or "govuk-error-summary" in classes
        if unit:
            self._end_piece()
            self.unit_depth += 1
        if skipped:
            self.skip += 1
        self.stack.append((tag, unit, skipped))

    def handle_endtag(self, tag):
        if tag == "main" and self.in_main:
            self._end_piece()
            self.in_main -= 1
            return
        if not self.in_main or tag in VOID:
            return
        while self.stack:
            name, unit, skipped = self.stack.pop()
            if unit:
                self._end_piece()
                self.unit_depth -= 1
            if skipped:
                self.skip -= 1
            if name == tag:
                break

    def handle_data(self, data):
        if self.in_main and not self.skip and self.unit_depth:
            self.current.append(data)


def page_words(html: str) -> str:
    """The prose of a page's <main>, one sentence or more per paragraph, heading or list item."""
    parser = _Prose()
    parser.feed(html)
    parser.close()
    return " ".join(parser.pieces)


def grade(text: str) -> float:
    """The Flesch–Kincaid grade level of ``text`` (a US school grade: 8 is about age 13 to 14)."""
    import textstat

    return float(textstat.flesch_kincaid_grade(text)) if text.strip() else 0.0


def stored_names() -> list[str]:
    """Every short value stored in the database's text columns (names of places, partners,
    priorities, people; titles), longest first. These are the partnership's data, not the
    page's own words, so ``own_words`` takes them out before scoring."""
    from sqlalchemy import String, Text, select

    from engage.extensions import db

    values: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String) and not isinstance(c.type, Text)
                   and (c.type.length or 0) <= 300]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for value in row:
                # Names have a capital letter; lower-case values are codes ("ward", "public").
                if isinstance(value, str) and len(value.strip()) >= 2 and re.search(r"[A-Z]", value):
                    values.add(value.strip())
    return sorted(values, key=len, reverse=True)


def own_words(html: str, names: list[str]) -> str:
    """The page's prose with the stored names taken out: the words the page itself uses."""
    text = page_words(html)
    for name in names:
        if name in text:
            text = re.sub(rf"(?<![\w@]){re.escape(name)}(?![\w@])", " ", text)
    # Email and web addresses are not words.
    text = re.sub(r"\S+@\S+|https?://\S+|(?<!\w)/[\w./?=<>-]+", " ", text)
    # Tidy what is left: empty brackets and runs of punctuation.
    text = re.sub(r"\(\s*[,;:]?\s*\)", " ", text)
    text = re.sub(r"\s+([.,;:])", r"\1", text)
    text = re.sub(r"([.,;:])(?:\s*[.,;:])+", r"\1", text)
    return " ".join(text.split())
