"""Consultation documents: PDF, Word, Excel and CSV files, checked and stored by
``engage.core.uploads``; their text is extracted for search."""
from __future__ import annotations

from pathlib import Path

from ..core import audit, deletion, uploads
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
            content_type=checked.content_type, size=len(data), extracted_text=checked.text,
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


def path_of(document: ConsultationDocument) -> Path | None:
    return uploads.path_of(document.stored_name)


def delete_document(actor, consultation: Consultation, document: ConsultationDocument) -> str:
    """Remove the row; returns the stored name to ``uploads.discard`` after the commit."""
    if not can_edit(actor, consultation):
        raise RuleError("You cannot change this consultation.")
    stored = document.stored_name
    deletion.delete(actor, document, f"Document removed from {consultation.title}: {document.title}",
                    changes={"title": [document.title, None], "consultation_id": [consultation.id, None]})
    db.session.expire(consultation, ["documents"])
    return stored
