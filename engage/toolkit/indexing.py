"""The toolkit's search index: its schema and the document built from each entry.

Registered with ``engage.search`` when this module is imported. The bench script
(bench/toolkit_search.py) uses the same schema and builder, so its figures are real.
"""
from __future__ import annotations

import html
import re

from sqlalchemy import func, select
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from ..extensions import db
from ..search import IndexSpec, key, register
from .models import ToolkitEntry

INDEX = "toolkit"
# Facet name (also the URL parameter and the API's facet key) -> index field.
FACETS = ("kind", "purpose", "audience", "group_size", "time", "cost")
# Two searched fields: the heading (title and extra search words) counts five times the
# text (summary and body). Two, not four: Whoosh then joins each word's matches from the two
# fields as it goes, instead of loading every match of every field first (much faster).
TEXT_FIELDS = {"heading": 5.0, "text": 1.0}

STEMMING = StemmingAnalyzer()
# Unstemmed words, stop words kept, for "did you mean": a suggestion must be a real word.
WORDS = RegexTokenizer() | LowercaseFilter()


def build_schema() -> Schema:
    return Schema(
        owner=ID(stored=True),
        slug=ID(stored=True, unique=True),
        kind=KEYWORD(stored=True, commas=True),
        heading=TEXT(analyzer=STEMMING),
        text=TEXT(analyzer=STEMMING),
        title=STORED,
        summary=STORED,
        body=STORED,  # the plain text, for snippets
        purpose=KEYWORD(stored=True, commas=True),
        audience=KEYWORD(stored=True, commas=True),
        group_size=KEYWORD(stored=True, commas=True),
        time=KEYWORD(stored=True, commas=True),
        cost=KEYWORD(stored=True, commas=True),
        spelling=TEXT(analyzer=WORDS, phrase=False),
        sort_title=ID(sortable=True),
    )


# Markdown to the words a reader sees, with regular expressions (the full Markdown and
# bleach pass costs more than indexing itself, and search only needs the words).
_MARKUP = [
    (re.compile(r"<[^>]*>"), " "),                                  # stray tags
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),                # [text](url) -> text
    (re.compile(r"^\s{0,3}(#{1,6}|>+|[-*+]\s+\[[ xX]\]|[-*+]|\d+[.)])\s+", re.M), ""),  # headings, quotes, lists
    (re.compile(r"^\s*\|?[-:| ]{3,}\|?\s*$", re.M), " "),            # table rules
    (re.compile(r"[*_`|]+"), " "),                                  # emphasis, code, table pipes
]
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)


def plain_text(markdown_text: str | None) -> str:
    """What a reader sees, without the Markdown: used for search and snippets."""
    text = markdown_text or ""
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return _SPACE.sub(" ", html.unescape(text)).strip()


def spelling_words(*texts: str) -> str:
    """Each word once: a word's frequency in the index is then the number of entries that
    use it, which ranks "did you mean" well, and indexing is quicker."""
    seen = dict.fromkeys(w.lower() for text in texts for w in _WORD.findall(text or ""))
    return " ".join(seen)


def entry_document(entry) -> dict:
    """The one document an entry gives. Works on any object with the entry's attributes."""
    body = plain_text(entry.body)
    keywords = ". ".join(entry.keywords or [])
    doc = {
        "owner": key(entry),
        "slug": entry.slug,
        "kind": entry.kind,
        "title": entry.title,
        "summary": entry.summary,
        "body": body,
        "heading": f"{entry.title}. {keywords}",
        "text": f"{entry.summary} {body}",
        "spelling": spelling_words(entry.title, keywords, entry.summary, body),
        "sort_title": entry.title.lower(),
    }
    facets = {
        "purpose": entry.purpose or [],
        "audience": entry.audiences or [],
        "group_size": [entry.group_size] if entry.group_size else [],
        "time": [entry.time_needed] if entry.time_needed else [],
        "cost": [entry.cost] if entry.cost else [],
    }
    for name, values in facets.items():
        if values:
            doc[name] = ",".join(values)
    return doc


def _documents(entry: ToolkitEntry) -> list[dict]:
    return [entry_document(entry)]


def _all_roots():
    """Every entry, 200 at a time: no database cursor stays open while the index is written
    (on SQLite an open cursor would keep other people's saves waiting)."""
    last = 0
    while True:
        batch = db.session.scalars(select(ToolkitEntry).where(ToolkitEntry.id > last).order_by(ToolkitEntry.id).limit(200)).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def _count_roots() -> int:
    return db.session.scalar(select(func.count()).select_from(ToolkitEntry)) or 0


SPEC = IndexSpec(
    name=INDEX,
    label="Toolkit entries",
    schema=build_schema(),
    root=ToolkitEntry,
    documents=_documents,
    all_roots=_all_roots,
    count_roots=_count_roots,
    text_fields=TEXT_FIELDS,
    spelling_field="spelling",
)
register(SPEC)
