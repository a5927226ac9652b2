"""Findings reports in the search index (through ``engage/search``): words in a published
report, its key findings, recommendations and the partnerships' responses find it. Who may
see which report is still decided by ``services.public_query``: the index only narrows the
list by words, so an embargoed or partner-only report can never leak through it."""
from __future__ import annotations

from sqlalchemy import func, select
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, NUMERIC, TEXT, Schema

from ..extensions import db
from ..search import IndexSpec, backend, key, register
from .models import FindingsReport, Recommendation, ReportFinding, Response, ResponseUpdate

INDEX = "findings"
MAX_HITS = 500

SCHEMA = Schema(
    owner=ID(stored=True),
    doc_id=ID(stored=True, unique=True),
    report_id=NUMERIC(stored=True),
    title=TEXT(stored=True, analyzer=StemmingAnalyzer()),
    body=TEXT(analyzer=StemmingAnalyzer()),
)


def documents(report: FindingsReport) -> list[dict]:
    if report.state != "published":
        return []
    parts = [report.summary, report.meaning]
    parts += [f"{f.statement} {f.evidence}" for f in report.findings]
    parts += [r.text for r in report.recommendations]
    parts += [f"{r.partnership.name} {r.action} {r.reason} {r.owner} " + " ".join(u.note for u in r.updates)
              for r in report.responses]
    parts += [c.title for c in report.consultations] + [a.name for a in report.areas]
    return [{"owner": key(report), "doc_id": key(report), "report_id": report.id, "title": report.title,
             "body": "\n".join(p for p in parts if p)}]


def _all_roots():
    last = 0
    while True:
        batch = db.session.scalars(select(FindingsReport).where(FindingsReport.id > last).order_by(FindingsReport.id).limit(200)).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].id


SPEC = IndexSpec(
    name=INDEX,
    label="Findings reports and responses",
    schema=SCHEMA,
    root=FindingsReport,
    documents=documents,
    all_roots=_all_roots,
    count_roots=lambda: db.session.scalar(select(func.count()).select_from(FindingsReport)) or 0,
    watch={
        ReportFinding: lambda f: [f.report],
        Recommendation: lambda r: [r.report],
        Response: lambda r: [r.report],
        ResponseUpdate: lambda u: [u.response.report] if u.response is not None else [],
    },
    text_fields={"title": 3.0, "body": 1.0},
)
register(SPEC)


def matching_ids(text: str) -> list[int] | None:
    """Report ids whose words match, best first; None when there is nothing to search for."""
    text = (text or "").strip()[:200]
    if not text:
        return None
    results = backend().search(INDEX, text, pagelen=MAX_HITS)
    return [int(hit.fields["report_id"]) for hit in results.hits]
