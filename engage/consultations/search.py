"""The "consultations" search index: consultations, their questions (with the headline
figure) and their key findings, with facets and the visibility fields used as a filter.

Each consultation owns several documents (key ``Consultation:<id>``):
- kind ``consultation``: title, summary, purpose, how to take part, document text, findings;
- kind ``question``: the question, its answer options and its headline figure;
- kind ``finding``: the statement and its evidence.

Facets are stored as ids so that renaming a place or a priority needs no reindex, except:
``priority`` holds each tagged priority AND every later priority it became (so work tagged
with a 2005 priority is found under its 2006 successor), and ``area`` holds each tagged area
AND every area it sits inside (so Runcorn finds ward-level work), and ``area_tag`` the tagged
areas alone, so that filtering by a ward also finds town- and borough-wide work (the place rule). Changing a priority's
mapping or moving an area re-indexes the consultations it touches (the watchers at the end).

Status depends on today's date. The index holds the status on the day it was written;
``refresh_statuses`` (run by the search pages at most once a day per process) re-indexes the
consultations whose status has moved on since. Headline figures and findings are indexed only
once results are published (``results_published_on`` on or before the day of indexing).
"""
from __future__ import annotations

import logging
import re
import threading
from datetime import date
from typing import NamedTuple

from flask import current_app, url_for
from sqlalchemy import func, select
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from ..core.i18n import N_
from ..extensions import db
from ..partnership.models import Area, Priority
from ..search import IndexSpec, backend, key, register
from .models import (
    AUDIENCES,
    CHANNELS,
    STATUSES,
    AnswerOption,
    Consultation,
    ConsultationDocument,
    ConsultationTag,
    Finding,
    Question,
    ResultFigure,
    Segment,
    consultation_area,
    consultation_priority,
)
from ..core import clock

log = logging.getLogger(__name__)
_WORDS = re.compile(r"\w+", re.UNICODE)
INDEX = "consultations"
FACETS = ["kind", "status", "year", "organisation", "partnership", "priority", "outcome", "area", "method", "audience", "channel"]
KINDS = {"consultation": N_("Consultations"), "question": N_("Questions asked"), "finding": N_("Key findings")}


def _facet_field(stored=False):
    # Facets are read from the index's postings, not from stored fields: only the two the
    # results page shows (status, year) are stored.
    return KEYWORD(stored=stored, commas=True, scorable=False, lowercase=False)


SCHEMA = Schema(
    owner=ID(stored=True),
    doc_id=ID(stored=True, unique=True),
    kind=ID(stored=True),
    consultation_id=STORED,  # shown, never searched: no index terms
    object_id=STORED,
    title=TEXT(stored=True, analyzer=StemmingAnalyzer()),
    body=TEXT(stored=True, analyzer=StemmingAnalyzer()),
    extra=TEXT(analyzer=StemmingAnalyzer()),
    words=TEXT(analyzer=StandardAnalyzer(stoplist=None, minsize=2)),
    ctitle=STORED,
    headline=STORED,
    sortdate=COLUMN(NumericColumn("i")),  # only for sorting: a column, no index terms
    visibility=ID,
    org_id=ID,
    status=_facet_field(stored=True),
    year=_facet_field(stored=True),
    organisation=_facet_field(),
    partnership=_facet_field(),
    priority=_facet_field(),
    outcome=_facet_field(),
    area=_facet_field(),
    area_tag=_facet_field(),  # the areas the consultation names (no more), for the place rule's wider places
    method=_facet_field(),
    audience=_facet_field(),
    channel=_facet_field(),
)
TEXT_FIELDS = {"title": 3.0, "body": 1.5, "extra": 1.0}


def _join(values) -> str:
    return ",".join(str(v).replace(",", " ").strip() for v in values if str(v).strip())


def successor_ids(priorities) -> set[int]:
    """Each priority and every later priority it became, however many frameworks on."""
    out, stack = set(), list(priorities)
    while stack and len(out) < 1000:
        priority = stack.pop()
        if priority.id in out:
            continue
        out.add(priority.id)
        stack.extend(priority.successors)
    return out


def area_and_ancestor_ids(areas) -> set[int]:
    out = set()
    for area in areas:
        out.add(area.id)
        out.update(a.id for a in area.ancestors)
    return out


def _facets(c: Consultation, today: date) -> dict:
    from .headlines import consultation_year

    year = consultation_year(c)
    return {
        "status": c.status_on(today),
        "year": str(year) if year else "",
        "organisation": _join([c.lead_organisation_id] + sorted(o.id for o in c.partners)),
        "partnership": _join(sorted(p.id for p in c.partnerships)),
        "priority": _join(sorted(successor_ids(c.priorities))),
        "outcome": _join(sorted(o.id for o in c.outcomes)),
        "area": _join(sorted(area_and_ancestor_ids(c.areas))),
        "area_tag": _join(sorted(a.id for a in c.areas)),
        "method": _join(c.methods),
        "audience": _join(c.audiences),
        "channel": _join(c.channels),
        "visibility": c.visibility,
        "org_id": str(c.lead_organisation_id),
    }


def _today() -> date:
    """Today's date (one place, so tests can move the clock)."""
    return clock.today()


def _in_order(items, *attrs: str) -> list:
    """``items`` sorted by ``attrs`` and then id. A relationship without an order of its own,
    or with ties in its order, comes back in any order (PostgreSQL gives a lazy load and a
    batch load different ones): sorted, a consultation gets the same documents either way,
    the order ``_parts_in_bulk`` reads them in."""
    return sorted(items, key=lambda item: tuple(getattr(item, a) for a in attrs) + (item.id,))


class _Parts(NamedTuple):
    """What a consultation's documents need from its children, as plain values: read from
    its relationships for one consultation, or for a whole batch at once in a rebuild."""

    questions: list[tuple[int, str, str, list[str], str]]  # id, text, themes, option labels, headline
    findings: list[tuple[int, str, str]]  # id, statement, evidence (published results only)
    files: list[tuple[str, str]]  # title, extracted text


def _parts_of(c: Consultation, published: bool) -> _Parts:
    from .results import headlines

    heads = headlines(c) if published else {}

    def headline(q):
        head = heads.get(q.id)
        return head.text if head else ""

    return _Parts(
        questions=[(q.id, q.text, q.themes or "", [o.label for o in _in_order(q.options, "position")], headline(q))
                   for q in _in_order(c.questions, "position")],
        findings=[(f.id, f.statement, f.evidence) for f in _in_order(c.findings, "position")] if published else [],
        files=[(d.title, d.extracted_text) for d in _in_order(c.documents)],
    )


def _parts_in_bulk(session, batch: list[Consultation], today: date) -> dict[int, _Parts]:
    """``_parts_of`` for a batch of consultations in five plain queries: no ORM object per
    question, option or figure (building those was most of a rebuild's reading time). The
    same order and the same headline rule as ``_parts_of``: a consultation with results typed
    in or imported by staff (figures no survey decided) has its headlines worked out with its
    own tables' hiding (``results.headlines``), the rest from the decisions stored."""
    from ..core import disclosure
    from .results import headlines
    from .headlines import consultation_year, top_answer
    from .services import results_published

    ids = [c.id for c in batch]
    published = {c.id for c in batch if results_published(c, today)}
    parts = {cid: _Parts([], [], []) for cid in ids}
    options: dict[int, list[str]] = {}
    for qid, label in session.execute(
            select(AnswerOption.question_id, AnswerOption.label).join(Question, Question.id == AnswerOption.question_id)
            .where(Question.consultation_id.in_(ids)).order_by(AnswerOption.question_id, AnswerOption.position, AnswerOption.id)):
        options.setdefault(qid, []).append(label)
    figures: dict[int, list[tuple]] = {}
    own: set[int] = set()   # consultations deciding some figures themselves
    if published:
        for qid, cid, count, base, position, label, shown in session.execute(
                select(ResultFigure.question_id, Question.consultation_id, ResultFigure.count, ResultFigure.base,
                       AnswerOption.position, AnswerOption.label, ResultFigure.disclosure)
                .join(Question, Question.id == ResultFigure.question_id)
                .join(Segment, Segment.id == ResultFigure.segment_id)
                .outerjoin(AnswerOption, AnswerOption.id == ResultFigure.option_id)
                .where(Question.consultation_id.in_(sorted(published)), Segment.dimension == "all")
                .order_by(ResultFigure.id)):
            figures.setdefault(qid, []).append((count, base, position or 0, label, shown))
            if shown is None:
                own.add(cid)
    own_heads = {c.id: headlines(c) for c in batch if c.id in own}
    threshold = disclosure.threshold()
    years = {c.id: consultation_year(c) for c in batch}
    for qid, cid, text, themes in session.execute(
            select(Question.id, Question.consultation_id, Question.text, Question.themes)
            .where(Question.consultation_id.in_(ids)).order_by(Question.consultation_id, Question.position, Question.id)):
        if cid in own_heads:
            head = own_heads[cid].get(qid)
        else:
            head = top_answer(figures.get(qid, ()), threshold, years[cid]) if cid in published else None
        parts[cid].questions.append((qid, text, themes or "", options.get(qid, []), head.text if head else ""))
    if published:
        for fid, cid, statement, evidence in session.execute(
                select(Finding.id, Finding.consultation_id, Finding.statement, Finding.evidence)
                .where(Finding.consultation_id.in_(sorted(published))).order_by(Finding.consultation_id, Finding.position, Finding.id)):
            parts[cid].findings.append((fid, statement, evidence))
    for cid, title, text in session.execute(
            select(ConsultationDocument.consultation_id, ConsultationDocument.title, ConsultationDocument.extracted_text)
            .where(ConsultationDocument.consultation_id.in_(ids)).order_by(ConsultationDocument.consultation_id, ConsultationDocument.id)):
        parts[cid].files.append((title, text))
    return parts




def documents(c: Consultation) -> list[dict]:
    from sqlalchemy.orm import object_session

    from .choices import method_choices
    from .services import results_published

    today = _today()
    session = object_session(c)
    method_labels = session.info.get(_LABELS) if session is not None else None
    if method_labels is None:
        method_labels = dict(method_choices(session))
        if session is not None and session.info.get(_REBUILDING):  # one look-up per batch of a rebuild
            session.info[_LABELS] = method_labels
    published = results_published(c, today)
    bulk = session.info.get(_PARTS) if session is not None else None
    parts = bulk.get(c.id) if bulk else None
    if parts is None:
        parts = _parts_of(c, published)
    starts = c.starts_on or c.closes_on
    common = {
        "owner": key(c),
        "consultation_id": c.id,
        "ctitle": c.title,
        "sortdate": int(starts.strftime("%Y%m%d")) if starts else 0,
        **_facets(c, today),
    }
    labels = " ".join(
        [c.lead_organisation.name if c.lead_organisation else ""]
        + [o.name for o in _in_order(c.partners, "name")] + [p.name for p in _in_order(c.priorities)]
        + [t.name for t in _in_order(c.themes)] + [str(o) for o in _in_order(c.outcomes)] + [a.name for a in _in_order(c.areas, "name")]
        + [AUDIENCES.get(a, a) for a in c.audiences] + [method_labels.get(m, m) for m in c.methods]
        + [CHANNELS.get(ch, ch) for ch in c.channels]
    )
    findings_text = " ".join(f"{statement} {evidence}" for _id, statement, evidence in parts.findings)
    document_text = " ".join(f"{title} {text}" for title, text in parts.files)
    body = "\n".join(p for p in (c.summary, c.purpose) if p)
    # "Did you mean" draws on the words of the whole index, whoever is asking, so only public
    # records lend it their words: a near miss must never reveal a partners-only record. Each
    # word once, on the consultation's own document (its questions' and findings' words too):
    # a word's frequency is then the number of consultations using it, and indexing is quicker.
    def spell(*texts: str) -> str:
        if c.visibility != "public":
            return ""
        return " ".join(dict.fromkeys(w.lower() for t in texts for w in _WORDS.findall(t or "")))

    docs = [{
        **common,
        "doc_id": f"consultation:{c.id}",
        "kind": "consultation",
        "object_id": c.id,
        "title": c.title,
        "body": body,
        "extra": " ".join([c.how_to_take_part, labels, findings_text, document_text]),
        "words": spell(c.title, body, labels, findings_text, document_text[:20000],
                       *(f"{text} {themes} " + " ".join(options) for _id, text, themes, options, _head in parts.questions)),
        "headline": "",
    }]
    for qid, text, themes, options, head in parts.questions:
        docs.append({
            **common,
            "doc_id": f"question:{qid}",
            "kind": "question",
            "object_id": qid,
            "title": text,
            "body": "; ".join(options),
            "extra": " ".join([themes, c.title, labels]),
            "headline": head,
        })
    for fid, statement, evidence in parts.findings:
        docs.append({
            **common,
            "doc_id": f"finding:{fid}",
            "kind": "finding",
            "object_id": fid,
            "title": statement,
            "body": evidence,
            "extra": " ".join([c.title, labels]),
            "headline": "",
        })
    return docs


_REBUILDING, _LABELS, _PARTS = "engage_rebuilding", "engage_method_labels", "engage_parts"


def _all_roots():
    """Every consultation for a rebuild, 250 at a time, each batch in its own short-lived
    session: the consultations with their tags and names loaded in a few queries, and their
    questions, options, headline figures, findings and document text read as plain rows
    (``_parts_in_bulk``); no cursor or transaction is left open between batches."""
    from sqlalchemy.orm import Session, selectinload

    last = 0
    while True:
        with Session(db.engine, expire_on_commit=False) as session:
            session.info[_REBUILDING] = True
            batch = session.scalars(
                select(Consultation).where(Consultation.id > last).order_by(Consultation.id).limit(250).options(
                    selectinload(Consultation.lead_organisation), selectinload(Consultation.partners),
                    selectinload(Consultation.partnerships), selectinload(Consultation.priorities),
                    selectinload(Consultation.themes), selectinload(Consultation.outcomes), selectinload(Consultation.areas),
                )).all()
            if batch:
                session.info[_PARTS] = _parts_in_bulk(session, batch, _today())
            session.commit()  # the rows are loaded: end the read transaction (nothing expires)
            if not batch:
                return
            yield from batch
            last = batch[-1].id


def _count_roots() -> int:
    return db.session.scalar(select(func.count()).select_from(Consultation)) or 0


SPEC = IndexSpec(
    name=INDEX,
    label="Consultations, questions and findings",
    schema=SCHEMA,
    root=Consultation,
    documents=documents,
    all_roots=_all_roots,
    count_roots=_count_roots,
    watch={
        Question: lambda q: [q.consultation],
        AnswerOption: lambda o: [o.question.consultation] if o.question is not None else [],
        ResultFigure: lambda f: [f.question.consultation] if f.question is not None else [],
        Segment: lambda s: [s.consultation],
        Finding: lambda f: [f.consultation],
        ConsultationDocument: lambda d: [d.consultation],
        ConsultationTag: lambda t: [t.consultation],
    },
    text_fields=TEXT_FIELDS,
    spelling_field="words",
)
register(SPEC)


# ---- the partnership's own data changing ---------------------------------------------------
# A consultation's priority and area facets are worked out when it is indexed (the priorities
# that replaced its own, the areas around its own). When an officer maps a priority to a new
# one, or moves an area in the tree, the consultations it touches are indexed again.

def _consultations_tagged(link, column, ids) -> list[Consultation]:
    if not ids:
        return []
    return list(db.session.scalars(
        select(Consultation).where(Consultation.id.in_(select(link.c.consultation_id).where(column.in_(sorted(ids)))))))


def _touched_by_priority(priority) -> list[Consultation]:
    """Consultations tagged with this priority or one it replaced (their facets name its successors)."""
    from ..partnership.services import priority_lineage_ids

    return _consultations_tagged(consultation_priority, consultation_priority.c.priority_id, priority_lineage_ids([priority.id]))


def _touched_by_area(area) -> list[Consultation]:
    """Consultations tagged with this area or one inside it (their facets name the areas around)."""
    from ..partnership.services import area_subtree_ids

    return _consultations_tagged(consultation_area, consultation_area.c.area_id, area_subtree_ids([area.id]))


SPEC.watch[Priority] = _touched_by_priority
SPEC.watch[Area] = _touched_by_area


# ---- keeping the status facet true ---------------------------------------------------------

_REFRESHED: dict[str, date] = {}
_REFRESH_LOCK = threading.Lock()


def refresh_statuses(today: date | None = None, force: bool = False) -> int:
    """Re-index consultations whose status today differs from the indexed one. Runs at most
    once a day per process unless ``force``; returns how many were queued."""
    today = today or _today()
    marker = current_app.config["ENGAGE_INDEX_DIR"]
    with _REFRESH_LOCK:
        if not force and _REFRESHED.get(marker) == today:
            return 0
        _REFRESHED[marker] = today
    try:
        indexed = {}
        for fields in backend().documents(INDEX, kind="consultation"):
            indexed[int(fields["consultation_id"])] = fields.get("status")
        rows = db.session.execute(select(
            Consultation.id, Consultation.planned_start, Consultation.planned_close, Consultation.actual_start,
            Consultation.actual_close, Consultation.results_published_on))
        stale = set()
        for cid, ps, pc, as_, ac, rp in rows:
            probe = Consultation(planned_start=ps, planned_close=pc, actual_start=as_, actual_close=ac, results_published_on=rp)
            if cid in indexed and indexed[cid] != probe.status_on(today):
                stale.add(cid)
        if stale:
            from ..search import write_pending

            write_pending(current_app._get_current_object(), {(INDEX, "Consultation", cid) for cid in stale})
        return len(stale)
    except Exception:  # never break a search page over this; the next day tries again
        log.exception("Could not refresh consultation statuses in the search index")
        return 0


def status_label(value: str) -> str:
    return STATUSES.get(value, value)


# ---- running a search --------------------------------------------------------------------

def hit_url(fields: dict, external: bool = False) -> str:
    """Where a hit lives: the consultation page, at the question or finding."""
    url = url_for("consultations.page", consultation_id=fields["consultation_id"], _external=external)
    if fields.get("kind") == "question":
        return url + f"#question-{fields['object_id']}"
    if fields.get("kind") == "finding":
        return url + f"#finding-{fields['object_id']}"
    return url


# Words people put around what they are looking for ("what have residents said about ..."):
# dropped from the query unless nothing else is left.
FILLER = set("""what whats have has had did do does done said say says saying tell told telling about around regarding
on of the a an any anything anyone people person residents resident public think thought thinks views view opinion
opinions feel felt how why who which where when there their they them us me i we our you your is are was were be been
please show find search looking look for want know results result consultation consultations asked ask""".split())


def plain_query(text: str) -> str:
    """The words that carry the meaning of a question typed in plain English."""
    import re

    words = re.findall(r"\w+", text or "", re.UNICODE)
    kept = [w for w in words if w.lower() not in FILLER]
    if not kept or len(kept) == len(words):
        return text or ""
    return " ".join(kept)


def place_clause(values: list[str]) -> list[tuple[str, str]]:
    """The place rule as a search filter: documents whose consultation is in a chosen place or
    inside it (the ``area`` facet holds each named area and every area around it), or names
    a wider place it sits in (``area_tag``: town- and borough-wide work)."""
    from ..core.params import to_id
    from ..partnership.services import place_scope

    clause = []
    for value in values:
        clause.append(("area", value))
        scope = place_scope(to_id(value))
        if scope is not None:
            clause.extend(("area_tag", str(w.id)) for w in scope.wider)
    return list(dict.fromkeys(clause))


def covers_labels(hits, selected_areas: list[str]) -> dict[int, str]:
    """{consultation id: "Covers all of Halton"} for the hits found only through a wider place
    of the one chosen area (the consultations' places are read from the database, whatever
    the search backend stores)."""
    from ..core.params import to_id
    from ..partnership.services import place_scope

    if len(selected_areas) != 1:
        return {}
    scope = place_scope(to_id(selected_areas[0]))
    ids = {int(h.fields["consultation_id"]) for h in hits if h.fields.get("consultation_id") is not None}
    if scope is None or not ids:
        return {}
    tagged: dict[int, list[int]] = {}
    for cid, area_id in db.session.execute(select(consultation_area.c.consultation_id, consultation_area.c.area_id)
                                           .where(consultation_area.c.consultation_id.in_(sorted(ids)))):
        tagged.setdefault(cid, []).append(area_id)
    out = {}
    for cid, area_ids in tagged.items():
        label = scope.label_for(area_ids)
        if label:
            out[cid] = label
    return out


def run_search(user_or_audience, text: str, selected: dict[str, list[str]], page: int = 1, pagelen: int = 20):
    """Search the consultations index as this person may see it. ``selected`` maps facet
    fields to chosen values (ORed within a field, ANDed across fields)."""
    from .services import search_filter

    refresh_statuses()
    filters = search_filter(user_or_audience)
    for field in FACETS:
        values = [str(v)[:200] for v in (selected.get(field) or [])][:20]
        if values:
            filters.append(place_clause(values) if field == "area" else [(field, v) for v in values])
    sort = None if (text or "").strip() else "sortdate"
    results = backend().search(INDEX, plain_query(text), filters=filters, facets=FACETS, page=page, pagelen=pagelen,
                            highlight=("title", "body"), sort=sort, reverse=True)
    results.query = (text or "")[:500]
    return results
