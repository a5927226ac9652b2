"""The Whoosh backend: one on-disk index per IndexSpec, one writer at a time.

Indexes are opened once per process; each thread keeps its own searcher and refreshes it
(cheap) before a query. Writes retry while another writer holds the lock; if the index still
cannot be written, the work is kept in the ``search_pending`` table and applied by the next
successful write or by ``reindex``.
"""
from __future__ import annotations

import logging
import os
import re
import threading
import time
from pathlib import Path
from typing import Iterable

from whoosh import index as windex
from whoosh import sorting
from whoosh.highlight import ContextFragmenter, HtmlFormatter
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup
from whoosh.query import And, Every, Or, Term

from .spec import Hit, IndexSpec, Results

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 500
_WORD = re.compile(r"\w+", re.UNICODE)


class IndexUnavailable(Exception):
    """The index could not be written (locked for too long, or the folder is read-only)."""


class WhooshBackend:
    def __init__(self, index_dir: str, lock_wait: float = 5.0):
        self.index_dir = Path(index_dir)
        self.lock_wait = lock_wait
        self.specs: dict[str, IndexSpec] = {}
        self._indexes: dict[str, windex.Index] = {}
        self._open_lock = threading.Lock()
        self._local = threading.local()

    # ---- opening -----------------------------------------------------------------------
    def register(self, spec: IndexSpec) -> None:
        self.specs[spec.name] = spec

    def _dir(self, name: str) -> Path:
        return self.index_dir / name

    def index(self, name: str) -> windex.Index:
        ix = self._indexes.get(name)
        if ix is not None:
            return ix
        with self._open_lock:
            ix = self._indexes.get(name)
            if ix is None:
                path = self._dir(name)
                if windex.exists_in(str(path)):
                    ix = windex.open_dir(str(path))
                    if set(ix.schema.names()) != set(self.specs[name].schema.names()):
                        log.warning("Search index %s has an old schema; rebuilding it empty (run reindex)", name)
                        ix = windex.create_in(str(path), self.specs[name].schema)
                else:
                    path.mkdir(parents=True, exist_ok=True)
                    ix = windex.create_in(str(path), self.specs[name].schema)
                self._indexes[name] = ix
        return ix

    def searcher(self, name: str):
        cache = getattr(self._local, "searchers", None)
        if cache is None:
            cache = self._local.searchers = {}
        searcher = cache.get(name)
        if searcher is None:
            searcher = cache[name] = self.index(name).searcher()
        else:
            fresh = searcher.refresh()
            if fresh is not searcher:
                cache[name] = searcher = fresh
        return searcher

    def health(self) -> str | None:
        """None when every index can be opened and read; otherwise what is wrong."""
        try:
            if not self.index_dir.exists():
                self.index_dir.mkdir(parents=True, exist_ok=True)
            for name in self.specs:
                self.searcher(name).doc_count()
        except Exception as error:  # report, never raise
            return f"the search index cannot be read ({type(error).__name__})"
        return None

    # ---- writing -----------------------------------------------------------------------
    def _writer(self, name: str):
        deadline = time.monotonic() + self.lock_wait
        delay = 0.02
        while True:
            try:
                return self.index(name).writer()
            except windex.LockError:
                if time.monotonic() >= deadline:
                    raise IndexUnavailable(f"the {name} index is locked by another writer")
                time.sleep(delay)
                delay = min(delay * 2, 0.25)
            except OSError as error:
                raise IndexUnavailable(f"the {name} index cannot be written: {error}") from error

    def apply(self, name: str, owners: dict[str, list[dict] | None]) -> None:
        """Replace the documents of each owner key (None or [] removes them)."""
        if not owners:
            return
        writer = self._writer(name)
        try:
            for owner, docs in owners.items():
                writer.delete_by_term("owner", owner)
                for doc in docs or []:
                    writer.add_document(**doc)
            writer.commit()
        except Exception as error:
            writer.cancel()
            if isinstance(error, OSError):
                raise IndexUnavailable(str(error)) from error
            raise

    def rebuild(self, name: str, documents: Iterable[list[dict]], progress=None) -> int:
        """Empty the index and write every document again (one writer, merged to one segment)."""
        spec = self.specs[name]
        path = self._dir(name)
        path.mkdir(parents=True, exist_ok=True)
        with self._open_lock:
            ix = windex.create_in(str(path), spec.schema)
            self._indexes[name] = ix
        self._local.searchers = {}
        writer = ix.writer(limitmb=128, procs=1)
        count = 0
        try:
            for docs in documents:
                for doc in docs:
                    writer.add_document(**doc)
                    count += 1
                if progress:
                    progress(1)
            writer.commit(optimize=True)
        except Exception:
            writer.cancel()
            raise
        return count

    def doc_count(self, name: str) -> int:
        return self.searcher(name).doc_count()

    # ---- searching ---------------------------------------------------------------------
    def search(
        self,
        name: str,
        text: str,
        *,
        filters: list[list[tuple[str, str]]] | None = None,
        facets: Iterable[str] = (),
        page: int = 1,
        pagelen: int = 20,
        highlight: Iterable[str] = (),
        sort: str | None = None,
        reverse: bool = False,
        fields: dict[str, float] | None = None,
    ) -> Results:
        """Full-text search with AND between words (falling back to OR when nothing matches),
        filters (a list of clauses ANDed; each clause ORs its (field, value) pairs), facet
        counts, highlighted snippets and a "did you mean" suggestion."""
        spec = self.specs[name]
        text = (text or "").strip()
        message = None
        if len(text) > MAX_QUERY_LENGTH:
            text = text[:MAX_QUERY_LENGTH]
            message = f"Your search was very long, so only the first {MAX_QUERY_LENGTH} characters were used."
        searcher = self.searcher(name)
        filter_query = self._filter(filters)
        boosts = fields or spec.text_fields
        page = max(1, min(int(page or 1), 1000))

        def run(query):
            groupedby = {f: sorting.FieldFacet(f, allow_overlap=True, maptype=sorting.Count) for f in facets}
            kwargs = {"filter": filter_query, "terms": bool(highlight)}
            if groupedby:
                kwargs["groupedby"] = groupedby
            if sort:
                kwargs["sortedby"] = sorting.FieldFacet(sort, reverse=reverse)
            return searcher.search_page(query, page, pagelen=pagelen, **kwargs)

        if text:
            query = self._parse(text, boosts, AndGroup, searcher.schema)
            results = run(query)
            if results.total == 0 and len(_WORD.findall(text)) > 1:
                results = run(self._parse(text, boosts, OrGroup.factory(0.9), searcher.schema))
        else:
            results = run(Every())

        hits = []
        formatter = HtmlFormatter(tagname="mark", classname="engage-highlight", between=" … ")
        for hit in results:
            fields_ = dict(hit.fields())
            highlights = {}
            for field_name in highlight:
                stored = fields_.get(field_name)
                if text and stored:
                    results.results.fragmenter = ContextFragmenter(maxchars=220, surround=60)
                    results.results.formatter = formatter
                    snippet = hit.highlights(field_name, text=stored, top=2)
                    if snippet:
                        highlights[field_name] = snippet
            hits.append(Hit(fields=fields_, score=float(hit.score or 0), highlights=highlights))

        facet_counts = {}
        for f in facets:
            try:
                facet_counts[f] = {str(k): int(v) for k, v in results.results.groups(f).items() if k not in (None, "")}
            except KeyError:
                facet_counts[f] = {}
        suggestion = self._suggest(searcher, spec, text) if text else None
        return Results(query=text, total=results.total, page=page, pagelen=pagelen, hits=hits,
                       facets=facet_counts, suggestion=suggestion, message=message)

    @staticmethod
    def _filter(filters):
        if not filters:
            return None
        clauses = []
        for clause in filters:
            terms = [Term(f, str(v)) for f, v in clause]
            if not terms:
                continue
            clauses.append(terms[0] if len(terms) == 1 else Or(terms))
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else And(clauses)

    @staticmethod
    def _parse(text, boosts, group, schema):
        parser = MultifieldParser(list(boosts), schema, fieldboosts=boosts, group=group)
        # People type words, not query syntax: fields, wildcards and ranges are switched off.
        for plugin_name in ("FieldsPlugin", "WildcardPlugin", "RangePlugin", "BoostPlugin", "RegexPlugin", "FuzzyTermPlugin"):
            for plugin in list(parser.plugins):
                if type(plugin).__name__ == plugin_name:
                    parser.remove_plugin(plugin)
        try:
            return parser.parse(text)
        except Exception:  # whatever went wrong, fall back to the plain words
            words = " ".join(_WORD.findall(text)) or "nothingtofind"
            return parser.parse(words)

    @staticmethod
    def _suggest(searcher, spec: IndexSpec, text: str) -> str | None:
        """Replace words the index has never seen with the nearest word it has."""
        if not spec.spelling_field:
            return None
        words = _WORD.findall(text.lower())
        if not words or len(words) > 12:
            return None
        reader = searcher.reader()
        changed, out = False, []
        for word in words:
            if len(word) < 3 or word.isdigit() or (spec.spelling_field, word) in reader:
                out.append(word)
                continue
            try:
                candidates = searcher.suggest(spec.spelling_field, word, limit=1)
            except Exception:
                candidates = []
            if candidates:
                out.append(candidates[0])
                changed = True
            else:
                out.append(word)
        return " ".join(out) if changed else None


def writable(path: str) -> bool:
    return os.access(path, os.W_OK)
