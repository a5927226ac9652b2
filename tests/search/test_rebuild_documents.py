"""A rebuild reads a batch of consultations' questions, options, headline figures, findings
and document text as plain rows (``_parts_in_bulk``), not as ORM objects: the documents it
writes must be exactly those a single consultation's update writes (``documents(c)``
reading its relationships), whatever the data."""
from __future__ import annotations

from sqlalchemy import select

from engage.consultations import search as csearch
from engage.consultations.models import Consultation, ConsultationDocument, Finding
from engage.extensions import db
from tests.consultations.records_support import add_question, log, publish, ref  # noqa: F401  (fixture)


def _one_by_one() -> dict[int, list[dict]]:
    db.session.expire_all()
    return {c.id: csearch.documents(c) for c in db.session.scalars(select(Consultation).order_by(Consultation.id))}


def _as_a_rebuild_reads_them() -> dict[int, list[dict]]:
    return {c.id: csearch.documents(c) for c in csearch._all_roots()}


def test_a_rebuild_builds_the_same_documents_as_single_updates(seeded, users, ref):
    published = log(users["practitioner"], title="Bins survey", summary="Collections.")
    add_question(published, "How satisfied are you with bin collections?", ["Very", "Fairly", "Not at all"],
                 {"all": (200, [50, 90, 60]), "Runcorn": (80, [10, 40, 30])})
    add_question(published, "A tie between two answers", ["First", "Second"], {"all": (100, [50, 50])})
    add_question(published, "A base too small to show", ["Yes", "No"], {"all": (3, [2, 1])})
    add_question(published, "No figures at all", ["Yes", "No"], {})
    published.findings.append(Finding(position=2, statement="Second finding", evidence="Later"))
    published.findings.append(Finding(position=1, statement="First finding", evidence="Earlier"))
    published.documents.append(ConsultationDocument(title="Report", filename="r.txt", stored_name="x1", content_type="text/plain",
                                                    size=10, extracted_text="Words from the report about recycling"))
    db.session.commit()
    publish(published)
    unpublished = log(users["practitioner"], title="Parks survey", summary="Green spaces.")
    add_question(unpublished, "Do you visit parks?", ["Yes", "No"], {"all": (120, [100, 20])})
    unpublished.findings.append(Finding(position=1, statement="Hidden until published", evidence="Not yet"))
    db.session.commit()

    expected = _one_by_one()
    built = _as_a_rebuild_reads_them()
    assert built == expected
    # The comparison covers what matters: headlines (with the tie going to the earlier option,
    # and none under the threshold or without figures), findings in order, document text.
    by_title = {d["title"]: d for docs in built.values() for d in docs}
    assert by_title["How satisfied are you with bin collections?"]["headline"].startswith("Fairly came first: 45%, base 200")
    assert by_title["A tie between two answers"]["headline"].startswith("First came first: 50%")
    assert by_title["A base too small to show"]["headline"] == ""
    assert by_title["No figures at all"]["headline"] == ""
    assert by_title["Do you visit parks?"]["headline"] == ""
    assert "Hidden until published" not in by_title
    bins = built[published.id]
    assert [d["title"] for d in bins if d["kind"] == "finding"] == ["First finding", "Second finding"]
    assert "recycling" in bins[0]["extra"]
    assert any(d["kind"] == "question" and d["headline"] for docs in built.values() for d in docs if docs is not bins), \
        "the demo data's own published figures give headlines too"
