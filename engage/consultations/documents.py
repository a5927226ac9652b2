"""Consultation documents: PDF, Word, Excel and CSV files, checked and stored by
``engage.core.uploads``; their words are read for search.

A PDF, Word or Excel file's words are read after the upload, in background work
(``read_text_later``), by a child process with limits on time and memory
(``uploads.read_text``): the record says "reading", then holds the words, or says in plain
words why none could be read. A file that is slow or huge to read costs that child, never
the upload request. A CSV file's words are read at once."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from ..core import audit, deletion, queue, uploads
from ..core.errors import not_found
from ..core.sanitise import clean_text
from ..extensions import db
from .models import Consultation, ConsultationDocument
from .services import RuleError, can_edit

def add_document(actor, consultation: Consultation, title: str, filename: str, data: bytes) -> ConsultationDocument:
    """Check and store a file. The file is written before the commit: if the commit fails,
    the view calls ``uploads.discard`` with the stored name."""
    if not can_edit(actor, consultation):
        raise RuleError("You cannot change this consultation.")
    title = clean_text(title)
    if len(title) > 200:
        raise RuleError("The title must be 200 characters or fewer", "title")
    checked = uploads.check_file(filename, data)
    name = uploads.safe_filename(filename, checked.kind)
    if not title:
        title = Path(name).stem.replace("_", " ")[:200] or "Document"
    stored_name = uploads.store(data)
    try:
        document = ConsultationDocument(
            consultation=consultation, title=title, filename=name, stored_name=stored_name,
            content_type=checked.content_type, size=len(data), extracted_text=checked.text or "",
            text_state=uploads.READ if checked.text is not None else uploads.READING,
            uploaded_by_id=getattr(actor, "id", None),
        )
        db.session.add(document)
        db.session.flush()
        audit.record(actor, "create", document, f"Document added to {consultation.title}: {title}",
                     changes={"title": [None, title], "filename": [None, name], "consultation_id": [None, consultation.id]})
        db.session.flush()
    except Exception:
        uploads.discard([stored_name])
        raise
    return document


def get_document(consultation: Consultation, document_id: int) -> ConsultationDocument:
    document = db.session.get(ConsultationDocument, document_id) if 0 < document_id < 2**31 else None
    if document is None or document.consultation_id != consultation.id:
        not_found("There is no document with that number in this consultation.")
    return document


def send(document: ConsultationDocument, **options):
    """The download of the document's file (wherever it is kept), or None when it is missing."""
    return uploads.send_stored(document.stored_name, mimetype=document.content_type, download_name=document.filename,
                               size=document.size, **options)


def delete_document(actor, consultation: Consultation, document: ConsultationDocument) -> str:
    """Remove the row; returns the stored name to ``uploads.discard`` after the commit."""
    if not can_edit(actor, consultation):
        raise RuleError("You cannot change this consultation.")
    stored = document.stored_name
    deletion.delete(actor, document, f"Document removed from {consultation.title}: {document.title}",
                    changes={"title": [document.title, None], "consultation_id": [consultation.id, None]})
    db.session.expire(consultation, ["documents"])
    return stored


# ---- reading the words, in background work ---------------------------------------------------

def _text_key(document_id: int) -> str:
    return f"document-text-{document_id}"


def read_text_later(app: Flask, document: ConsultationDocument) -> None:
    """After the upload's commit: read the document's words in background work, when they
    are still to be read."""
    if document.text_state == uploads.READING:
        queue.enqueue(read_text, document.id, key=_text_key(document.id), label="Read a document's words for search",
                      now=True)


def resume_stalled(app: Flask, consultation: Consultation) -> None:
    """Start the reading again for any document still "reading" well after its child would
    have been stopped (the server restarted while it read); reading twice changes nothing."""
    from datetime import timedelta

    from ..core.models import utcnow

    cutoff = utcnow() - timedelta(seconds=uploads.read_text_seconds() + 60)
    for document in consultation.documents:
        if document.text_state == uploads.READING and document.uploaded_at < cutoff \
                and not queue.pending(_text_key(document.id)):
            read_text_later(app, document)


def wait_for_text(document_id: int, timeout: float = 60.0) -> None:
    """Wait for the document's words to be read (tests and benchmarks)."""
    queue.wait_for(_text_key(document_id), timeout)


def read_text(document_id: int) -> None:
    """Read a stored document's words (a child process with limits) and record them, or the
    plain reason none were read. Only a document still "reading" is changed (a document
    deleted meanwhile is left alone), and the search index follows the commit."""
    document = db.session.get(ConsultationDocument, document_id)
    if document is None or document.text_state != uploads.READING:
        return
    data = uploads.read_stored(document.stored_name)
    kind = next((k for k, (content_type, _) in uploads.KINDS.items() if content_type == document.content_type), None)
    db.session.rollback()  # hold no transaction open while the child reads
    result = uploads.read_text(kind, data) if data is not None and kind else \
        uploads.TextRead("", uploads.TEXT_DAMAGED)
    document = db.session.get(ConsultationDocument, document_id)
    if document is None or document.text_state != uploads.READING:
        return
    document.extracted_text = result.text
    document.text_state = uploads.UNREAD if result.problem else uploads.READ
    document.text_problem = result.problem or ""
    db.session.commit()
