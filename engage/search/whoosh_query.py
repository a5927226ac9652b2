"""Answering a query over a Whoosh index with arrays (numpy) instead of Whoosh's matchers.

Whoosh stores the index; this module reads it. For each query:

1. the matched documents are worked out as a boolean array over the index's documents, from
   the posting lists of the query's words (decoded block by block into arrays, on every query:
   no query's postings are kept), ANDed with the filters and the live (not deleted) documents;
2. the total and the facet counts come from that array without scoring (a ``bincount`` over
   each facet's (document, value) pairs);
3. only then are the matched documents scored, with Whoosh's own BM25F formula (B=0.75,
   K1=1.2, the same idf and the same byte-coded field lengths), over one text field holding
   title, body and extra together plus the title again for a boost; and only the page asked
   for is taken from the scores (``argpartition``), read and highlighted.

What is kept between queries is what does not depend on any query and never changes while a
segment exists (segments are immutable): each segment's field lengths, its facet values per
document, and the documents of filter terms (visibility, kind, facet values). A searcher
combines its segments' arrays into index-wide ones once, when the index changes. Phrases
(words one after another) are matched here too, from the positions of the documents holding
every word; anything else the arrays cannot answer goes to Whoosh (``docs_for_query``) for
the match, and is scored by its words. "Did you mean" finds words within one or
two edits of a segment's word list with rapidfuzz (the same words Whoosh's corrector gives,
in the same order).
"""
from __future__ import annotations

import heapq
import math
import zlib
from collections import OrderedDict
from itertools import accumulate
from pickle import loads

import numpy as np
from rapidfuzz import process as _rf_process
from rapidfuzz.distance import Levenshtein as _rf_levenshtein
from whoosh import query as wq
from whoosh.util.numeric import byte_to_length

B, K1 = 0.75, 1.2
_LENGTH_OF_BYTE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_TF = np.zeros(0, dtype=np.float32)


def postings(leaf, field: str, text) -> tuple[np.ndarray, np.ndarray]:
    """Every (document, term frequency) of ``text`` in ``field`` of one segment, deleted
    documents included (the live mask removes them), as arrays."""
    try:
        if (field, text) not in leaf:
            return _EMPTY_IDS, _EMPTY_TF
        tbytes = leaf._text_to_bytes(field, text)
        matcher = leaf._terms.matcher(field, tbytes, leaf.schema[field].format)
    except Exception:
        return _EMPTY_IDS, _EMPTY_TF
    try:
        return _decode(matcher)
    except Exception:  # a posting format this reader does not know: ask Whoosh, slowly
        matcher = leaf.postings(field, text)
        items = [(docnum, matcher.weight()) for docnum in _ids_of(matcher)]
        if not items:
            return _EMPTY_IDS, _EMPTY_TF
        ids, weights = zip(*items)
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)


def positions_postings(leaf, field: str, text, within: np.ndarray | None = None) -> tuple[np.ndarray, list] | None:
    """The (document, encoded positions) of ``text`` in ``field`` of one segment; with
    ``within`` (sorted document numbers), blocks holding none of them are skipped."""
    try:
        if (field, text) not in leaf:
            return _EMPTY_IDS, []
        tbytes = leaf._text_to_bytes(field, text)
        matcher = leaf._terms.matcher(field, tbytes, leaf.schema[field].format)
        ids, values = _decode(matcher, with_values=True, within=within)
        if len(values) != len(ids):
            return None
        return ids, values
    except Exception:
        return None  # the caller asks Whoosh instead


def decode_positions(value: bytes) -> list[int]:
    """A W3 Positions value (a count, then the pickled gaps) as positions."""
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(loads(value[4:])))


def _ids_of(matcher):
    while matcher.is_active():
        yield matcher.id()
        matcher.next()


def _decode(matcher, with_values: bool = False, within: np.ndarray | None = None):
    """Read a W3 posting list's blocks straight into arrays (Whoosh's own reading decodes
    the ids one by one in Python). With ``with_values``: (ids, the encoded values)."""
    inlined = getattr(matcher, "_ids", None) if not hasattr(matcher, "_postfile") else None
    if inlined is not None:  # a short list kept inside the term info
        if with_values:
            return np.asarray(matcher._ids, dtype=np.int64), list(matcher._values or ())
        return (np.asarray(matcher._ids, dtype=np.int64),
                np.asarray(matcher._weights, dtype=np.float32) if matcher._weights else np.ones(len(matcher._ids), np.float32))
    ids_parts, weight_parts, values = [], [], []
    previous_max = -1
    while not matcher._atend:
        if within is not None:
            # The block holds documents previous_max+1 .. its last id: skip it unread
            # when none of those is wanted.
            block_max = matcher._maxid
            start = np.searchsorted(within, previous_max, side="right")
            previous_max = block_max
            if start >= len(within) or within[start] > block_max:
                matcher._next_block()
                continue
        postfile, offset, length = matcher._postfile, matcher._dataoffset, matcher._nextoffset - matcher._dataoffset
        data = postfile.get(offset, length)
        if matcher._compression:
            data = zlib.decompress(data)
        deltas, weights, block_values = loads(data)
        ids = np.cumsum(np.asarray(deltas, dtype=np.int64))
        ids_parts.append(ids)
        if with_values:
            if not isinstance(block_values, (tuple, list)) or len(block_values) != len(ids):
                raise ValueError("no per-posting values")
            values.extend(block_values)
        elif weights is None:
            weight_parts.append(np.ones(len(ids), np.float32))
        elif isinstance(weights, float):
            weight_parts.append(np.full(len(ids), weights, np.float32))
        else:
            weight_parts.append(np.frombuffer(weights, dtype=np.float32) if isinstance(weights, bytes)
                                else np.asarray(weights, dtype=np.float32))
        matcher._next_block()
    if with_values:
        return (np.concatenate(ids_parts) if ids_parts else _EMPTY_IDS), values
    if not ids_parts:
        return _EMPTY_IDS, _EMPTY_TF
    return np.concatenate(ids_parts), np.concatenate(weight_parts)


class SegmentData:
    """What one immutable segment holds, in its own document numbers; built on first use."""

    MAX_TERMS = 2048

    def __init__(self):
        self.terms: OrderedDict = OrderedDict()  # (field, value) -> ids (filter terms only)
        self.values: dict[str, tuple] = {}       # facet field -> (docs, codes, labels)
        self.lengths: dict[str, np.ndarray] = {}
        self.sortkeys: dict[str, np.ndarray] = {}
        self.vocabs: dict[str, dict[str, int]] = {}

    def vocabulary(self, leaf, field: str) -> dict[str, int]:
        """Every word of ``field`` in this segment with its total frequency (deleted
        documents' words included, as in Whoosh's word list)."""
        out = self.vocabs.get(field)
        if out is None:
            out = {}
            try:
                for btext, info in leaf.iter_field(field):
                    word = btext.decode("utf-8") if isinstance(btext, bytes) else str(btext)
                    out[word] = int(info.weight())
            except Exception:
                out = {}
            self.vocabs[field] = out
        return out

    def term_ids(self, leaf, field: str, value: str) -> np.ndarray:
        key = (field, value)
        ids = self.terms.get(key)
        if ids is None:
            ids = postings(leaf, field, value)[0]
            self.terms[key] = ids
            if len(self.terms) > self.MAX_TERMS:
                self.terms.popitem(last=False)
        return ids

    def facet(self, leaf, field: str):
        out = self.values.get(field)
        if out is None:
            docs, codes, labels = [], [], []
            if field in leaf.schema:
                try:
                    terms = list(leaf.lexicon(field))
                except Exception:
                    terms = []
                for code, text in enumerate(terms):
                    ids = postings(leaf, field, text)[0]
                    labels.append(text.decode("utf-8") if isinstance(text, bytes) else str(text))
                    docs.append(ids)
                    codes.append(np.full(len(ids), code, dtype=np.int32))
            out = (np.concatenate(docs) if docs else _EMPTY_IDS,
                   np.concatenate(codes) if codes else np.zeros(0, np.int32), labels)
            self.values[field] = out
        return out

    def field_lengths(self, leaf, field: str) -> np.ndarray:
        lengths = self.lengths.get(field)
        if lengths is None:
            from .whoosh_backend import length_bytes

            try:
                data = length_bytes(leaf._perdoc, field)
            except Exception:
                data = None
            if data is None:
                lengths = np.zeros(leaf.doc_count_all(), np.float32)
            else:
                lengths = _LENGTH_OF_BYTE[np.frombuffer(data, dtype=np.uint8)]
            self.lengths[field] = lengths
        return lengths

    def sort_key(self, leaf, field: str) -> np.ndarray:
        keys = self.sortkeys.get(field)
        if keys is None:
            count = leaf.doc_count_all()
            try:
                column = leaf.column_reader(field)
                keys = np.array([_sortable(column[i]) for i in range(count)], dtype=np.float64)
            except Exception:
                keys = np.zeros(count, np.float64)
            self.sortkeys[field] = keys
        return keys


def _sortable(value) -> float:
    """A number that orders like ``value``: numbers as they are; text by its first six characters
    (exact in a float64), so a title column sorts A to Z and ties fall back to document order."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        key = 0
        for char in value.lower()[:6].ljust(6, "\0"):
            key = key * 256 + min(ord(char), 255)
        return float(key)
    return float(value or 0)


class View:
    """One searcher's segments as index-wide arrays; made again when the index changes."""

    def __init__(self, searcher, leaves):
        self.searcher = searcher
        self.leaves = leaves  # [(leaf reader, offset, SegmentData)]
        self.size = searcher.reader().doc_count_all()
        live = np.zeros(self.size, dtype=bool)
        for leaf, offset, _data in leaves:
            count = leaf.doc_count_all()
            live[offset:offset + count] = True
            if leaf.has_deletions():
                dead = np.fromiter(leaf.deleted_docs_set, dtype=np.int64)
                live[dead + offset] = False
        self.live = live
        self._query: dict = {}  # postings decoded for the query running now (one query at a time per view)
        self._query_text = None
        self._facets: dict[str, tuple] = {}
        self._lengths: dict[str, np.ndarray] = {}
        self._sortkeys: dict[str, np.ndarray] = {}
        self._vocabs: dict[str, tuple] = {}

    def begin(self, text=None, keep: bool = False) -> None:
        """A new query: forget the previous query's postings, unless ``keep`` and it was the
        same text (the facet counts that go with one search)."""
        if not (keep and text == self._query_text):
            self._query = {}
        self._query_text = text

    # ---- documents of terms --------------------------------------------------------------
    def term_mask(self, field: str, value, cached: bool) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        if not cached:
            mask[self.term_postings(field, value)[0]] = True
            return mask
        for leaf, offset, data in self.leaves:
            mask[data.term_ids(leaf, field, value) + offset] = True
        return mask

    def term_postings(self, field: str, text) -> tuple[np.ndarray, np.ndarray]:
        known = self._query.get((field, text))
        if known is None:
            known = self._query[(field, text)] = self._term_postings(field, text)
        return known

    def _term_postings(self, field: str, text) -> tuple[np.ndarray, np.ndarray]:
        ids, tfs = [], []
        for leaf, offset, _data in self.leaves:
            i, t = postings(leaf, field, text)
            if len(i):
                ids.append(i + offset)
                tfs.append(t)
        if not ids:
            return _EMPTY_IDS, _EMPTY_TF
        return (ids[0], tfs[0]) if len(ids) == 1 else (np.concatenate(ids), np.concatenate(tfs))

    def filter_mask(self, filters) -> np.ndarray | None:
        """Documents passing every clause (a clause ORs its (field, value) pairs)."""
        mask = None
        for clause in filters or []:
            if not clause:
                continue
            union = np.zeros(self.size, dtype=bool)
            for field, value in clause:
                union |= self.term_mask(str(field), str(value), cached=True)
            mask = union if mask is None else mask & union
        return mask

    # ---- matching --------------------------------------------------------------------------
    def match(self, q) -> np.ndarray:
        """The documents ``q`` matches (deleted ones included; AND with ``live``)."""
        if isinstance(q, wq.Every):
            return self.live.copy()
        if isinstance(q, wq.NullQuery.__class__) or q is wq.NullQuery:
            return np.zeros(self.size, dtype=bool)
        if type(q) is wq.Term:
            return self.term_mask(q.fieldname, q.text, cached=False)
        if type(q) is wq.And:
            parts = q.subqueries
            out = self.match(parts[0]) if parts else np.zeros(self.size, dtype=bool)
            for sub in parts[1:]:
                if not out.any():
                    break
                out &= self.match(sub)
            return out
        if type(q) is wq.Or and not getattr(q, "minmatch", 0):
            out = np.zeros(self.size, dtype=bool)
            for sub in q.subqueries:
                out |= self.match(sub)
            return out
        if type(q) is wq.AndNot:
            return self.match(q.a) & ~self.match(q.b)
        if type(q) is wq.AndMaybe:
            return self.match(q.a)
        if type(q) is wq.Not:
            return ~self.match(q.query)
        if type(q) is wq.Phrase and q.slop == 1 and q.words:
            key = ("phrase", q.fieldname, tuple(q.words))
            mask = self._query.get(key)
            if mask is None:
                mask = self.phrase(q.fieldname, list(q.words))
                if mask is not None:
                    self._query[key] = mask
            if mask is not None:
                return mask.copy()
        mask = np.zeros(self.size, dtype=bool)
        ids = np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)
        mask[ids] = True
        return mask

    def phrase(self, field: str, words: list) -> np.ndarray | None:
        """The documents holding ``words`` one after another in ``field`` (what Whoosh's
        Phrase query with slop 1 matches): the documents with every word, then their
        positions compared. None when the index cannot say (Whoosh answers instead)."""
        schema = self.searcher.schema
        if field not in schema or not schema[field].format or not schema[field].format.supports("positions"):
            return None
        try:
            texts = [schema[field].to_bytes(w) for w in words]
        except ValueError:
            return np.zeros(self.size, dtype=bool)
        mask = self.live.copy()
        for word in words:  # keyed as the scoring reads them, so their postings are decoded once
            mask &= self.term_mask(field, word, cached=False)
            if not mask.any():
                return mask
        # Per word, rarest first: each candidate document's positions, shifted back by the
        # word's place in the phrase; only blocks holding a candidate are read.
        reader = self.searcher.reader()
        order = sorted(range(len(texts)), key=lambda k: reader.doc_frequency(field, texts[k]))
        starts: dict[int, set] | None = None
        for place in order:
            text = texts[place]
            found: dict[int, set] = {}
            wanted = np.flatnonzero(mask)
            for leaf, offset, _data in self.leaves:
                count = leaf.doc_count_all()
                lo, hi = np.searchsorted(wanted, [offset, offset + count])
                if lo == hi:
                    continue
                decoded = positions_postings(leaf, field, text, within=wanted[lo:hi] - offset)
                if decoded is None:
                    return None
                ids, values = decoded
                if not len(ids):
                    continue
                ids = ids + offset
                keep = np.flatnonzero(mask[ids])
                for doc, i in zip(ids[keep].tolist(), keep.tolist()):
                    value = values[i]
                    # A W3 Positions value: a 4-byte count, then the pickled gaps (ending ".").
                    gaps = loads(value[4:] if value.endswith(b".") else value[4:] + b".")
                    running = accumulate(gaps, initial=-place)
                    next(running)  # the starting value, not a position
                    shifted = set(running)
                    if starts is not None:
                        shifted &= starts[doc]
                    if shifted:
                        found[doc] = shifted
            starts = found
            if not starts:
                break
            mask = np.zeros(self.size, dtype=bool)
            mask[np.fromiter(starts, dtype=np.int64, count=len(starts))] = True
        out = np.zeros(self.size, dtype=bool)
        if starts:
            out[np.fromiter(starts, dtype=np.int64, count=len(starts))] = True
        return out

    # ---- facets ------------------------------------------------------------------------
    def facet(self, field: str):
        out = self._facets.get(field)
        if out is None:
            labels: dict[str, int] = {}
            docs, codes = [], []
            for leaf, offset, data in self.leaves:
                d, c, names = data.facet(leaf, field)
                remap = np.array([labels.setdefault(name, len(labels)) for name in names], dtype=np.int32)
                docs.append(d + offset)
                codes.append(remap[c] if len(c) else c)
            out = (np.concatenate(docs) if docs else _EMPTY_IDS,
                   np.concatenate(codes) if codes else np.zeros(0, np.int32), list(labels))
            self._facets[field] = out
        return out

    def facet_counts(self, matched: np.ndarray, facets) -> dict[str, dict[str, int]]:
        out = {}
        for field in facets:
            docs, codes, labels = self.facet(field)
            counts = np.bincount(codes[matched[docs]], minlength=len(labels)) if len(labels) else []
            out[field] = {labels[i]: int(n) for i, n in enumerate(counts) if n and labels[i] not in ("", "None")}
        return out

    # ---- spelling ----------------------------------------------------------------------
    def vocabulary(self, field: str):
        """(word -> total frequency, first letter -> words) of ``field`` over the segments."""
        out = self._vocabs.get(field)
        if out is None:
            freqs: dict[str, int] = {}
            for leaf, _offset, data in self.leaves:
                for word, n in data.vocabulary(leaf, field).items():
                    freqs[word] = freqs.get(word, 0) + n
            by_first: dict[str, list[str]] = {}
            for word in freqs:
                by_first.setdefault(word[:1], []).append(word)
            out = self._vocabs[field] = (freqs, list(freqs), by_first)
        return out

    def suggest(self, field: str, word: str, maxdist: int, prefix: int, limit: int = 8) -> list[str]:
        """What Whoosh's ``reader.corrector(field).suggest(word, limit, maxdist, prefix)``
        gives (the same words in the same order: within ``maxdist`` Levenshtein edits,
        sharing the first ``prefix`` letters, the most frequent first, then A to Z), with
        the distances worked out in C (rapidfuzz) instead of a Python automaton walk."""
        freqs, words, by_first = self.vocabulary(field)
        if prefix:
            choices = [w for w in by_first.get(word[:1], ()) if w[:prefix] == word[:prefix]] if prefix > 1 else by_first.get(word[:1], [])
        else:
            choices = words
        if not choices:
            return []
        found = _rf_process.extract(word, choices, scorer=_rf_levenshtein.distance, score_cutoff=maxdist, limit=None)
        scored = [(0 - (maxdist + (1.0 / (freqs.get(w) or 1) * 0.5)), w) for w, _distance, _index in found]
        best = heapq.nlargest(limit, scored)
        return [w for _score, w in sorted(best, key=lambda x: (0 - x[0], x[1]))]

    # ---- scoring -----------------------------------------------------------------------
    def lengths(self, field: str) -> np.ndarray:
        out = self._lengths.get(field)
        if out is None:
            parts = [data.field_lengths(leaf, field) for leaf, _offset, data in self.leaves]
            out = np.concatenate(parts) if parts else np.zeros(0, np.float32)
            self._lengths[field] = out
        return out

    def sort_keys(self, field: str) -> np.ndarray:
        out = self._sortkeys.get(field)
        if out is None:
            parts = [data.sort_key(leaf, field) for leaf, _offset, data in self.leaves]
            out = np.concatenate(parts) if parts else np.zeros(0, np.float64)
            self._sortkeys[field] = out
        return out

    def bm25(self, scores: np.ndarray, matched: np.ndarray, field: str, text, boost: float, b: float = B) -> None:
        """Add ``boost`` x BM25F of ``text`` in ``field`` to the matched documents' scores,
        as Whoosh's BM25F computes it."""
        ids, tfs = self.term_postings(field, text)
        if not len(ids):
            return
        keep = matched[ids]
        ids, tfs = ids[keep], tfs[keep]
        if not len(ids):
            return
        reader = self.searcher.reader()
        count = reader.doc_count_all()
        idf = math.log(count / (reader.doc_frequency(field, text) + 1)) + 1
        average = (reader.field_length(field) / count) or 1.0
        lengths = self.lengths(field)[ids]
        scores[ids] += boost * idf * (tfs * (K1 + 1)) / (tfs + K1 * ((1 - b) + b * lengths / average))


def scoring_terms(q) -> list[tuple[str, object]]:
    """The (field, text) words of a query that count towards the score."""
    out = []
    try:
        for field, text in q.iter_all_terms():
            if (field, text) not in out:
                out.append((field, text))
    except Exception:
        pass
    return out


def top(scores: np.ndarray, candidates: np.ndarray, wanted: int, descending: bool = True) -> np.ndarray:
    """The ``wanted`` best candidates in order (ties: lower document number first)."""
    if not len(candidates) or wanted <= 0:
        return candidates[:0]
    values = scores[candidates]
    if descending:
        values = -values
    if len(candidates) > wanted:
        kth = np.partition(values, wanted - 1)[wanted - 1]
        keep = values <= kth  # everything tied with the last one too, so ties break by number
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((candidates, values))
    return candidates[order][:wanted]
