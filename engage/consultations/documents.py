"""Consultation documents: PDF, Word, Excel and CSV files.

The type is checked from the content (magic bytes and the inside of the ZIP for Word and
Excel), never from the name alone; the name's extension must agree with the content.
Files are stored outside the web root, in ``ENGAGE_UPLOAD_DIR``, under random names, and are
only ever served through a view that checks who may see the consultation. Text is extracted
for search.
"""
from __future__ import annotations

import csv
import io
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from ..core import audit, deletion
from ..core.errors import not_found
from ..core.sanitise import clean_text
from ..extensions import db
from .models import Consultation, ConsultationDocument
from .services import RuleError, can_edit

MAX_TEXT = 200_000
DEFAULT_MAX_MB = 10
KINDS = {
    "pdf": ("application/pdf", "PDF"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel spreadsheet"),
    "csv": ("text/csv", "CSV file"),
}
ALLOWED_HINT = "a PDF, Word (.docx), Excel (.xlsx) or CSV file"


@dataclass
class Checked:
    kind: str
    content_type: str
    text: str


def upload_dir() -> Path:
    path = Path(current_app.config["ENGAGE_UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_bytes() -> int:
    return int(current_app.config.get("ENGAGE_MAX_DOCUMENT_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if len(names) > 5000:
                return None
            total = sum(info.file_size for info in archive.infolist())
            if total > 300 * 1024 * 1024:  # a zip bomb, not a document
                return None
            if "[Content_Types].xml" not in names:
                return None
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, ValueError, OSError, RuntimeError):
        return None
    return None


def _decode_text(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def detect(data: bytes) -> str | None:
    """The kind of file from its content: pdf, docx, xlsx, csv, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    text = _decode_text(data[:65536])
    if text is None:
        return None
    if re.search(r"<\s*(html|script|svg|!doctype)", text[:2000], re.IGNORECASE):
        return None
    try:
        rows = list(csv.reader(io.StringIO(text[:20000])))
    except csv.Error:
        return None
    return "csv" if rows and text.strip() else None


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            if not reader.decrypt(""):
                raise RuleError("This PDF is protected by a password. Upload a copy without a password.", "file")
        except Exception as error:
            if isinstance(error, RuleError):
                raise
            raise RuleError("This PDF is protected by a password. Upload a copy without a password.", "file")
    parts, size = [], 0
    for page in reader.pages[:500]:
        try:
            text = page.extract_text() or ""
        except Exception:
            text = ""
        parts.append(text)
        size += len(text)
        if size > MAX_TEXT:
            break
    return "\n".join(parts)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    parts, size = [], 0
    try:
        for sheet in workbook.worksheets:
            parts.append(sheet.title)
            for row in sheet.iter_rows(values_only=True, max_row=20000):
                line = " ".join(str(v) for v in row if v is not None)
                if line:
                    parts.append(line)
                    size += len(line)
                if size > MAX_TEXT:
                    break
    finally:
        workbook.close()
    return "\n".join(parts)


def _csv_text(data: bytes) -> str:
    text = _decode_text(data) or ""
    return "\n".join(" ".join(row) for row in csv.reader(io.StringIO(text[:MAX_TEXT * 2])))


def check_file(filename: str, data: bytes) -> Checked:
    """Check a file's size, type (by content) and name; extract its text. RuleError if bad."""
    if not data:
        raise RuleError("The selected file is empty", "file")
    if len(data) > max_bytes():
        raise RuleError(f"The selected file must be smaller than {max_bytes() // (1024 * 1024)} MB", "file")
    extension = Path(filename or "").suffix.lower().lstrip(".")
    if extension not in KINDS:
        raise RuleError(f"The selected file must be {ALLOWED_HINT}", "file")
    kind = detect(data)
    if kind is None:
        raise RuleError(f"The selected file is not {ALLOWED_HINT}. Its content does not match any of them", "file")
    if kind != extension:
        raise RuleError(f"The file name says .{extension} but the content is a {KINDS[kind][1]}. Check you chose the right file", "file")
    extract = {"pdf": _pdf_text, "docx": _docx_text, "xlsx": _xlsx_text, "csv": _csv_text}[kind]
    try:
        text = extract(data)
    except RuleError:
        raise
    except Exception:
        raise RuleError(f"The {KINDS[kind][1]} could not be opened. It may be damaged: save it again and upload the new copy", "file")
    text = clean_text(re.sub(r"[ \t]+", " ", text))[:MAX_TEXT]
    return Checked(kind=kind, content_type=KINDS[kind][0], text=text)


def safe_filename(filename: str, kind: str) -> str:
    name = Path((filename or "").replace("\\", "/")).name
    name = re.sub(r"[^\w .()-]", "_", clean_text(name))[:200].strip(" .") or f"document.{kind}"
    return name


def add_document(actor, consultation: Consultation, title: str, filename: str, data: bytes) -> ConsultationDocument:
    """Check and store a file. The file is written before the commit: if the commit fails,
    the view calls ``discard`` with the stored name."""
    if not can_edit(actor, consultation):
        raise RuleError("You cannot change this consultation.")
    title = clean_text(title)
    if len(title) > 200:
        raise RuleError("The title must be 200 characters or fewer", "title")
    checked = check_file(filename, data)
    name = safe_filename(filename, checked.kind)
    if not title:
        title = Path(name).stem.replace("_", " ")[:200] or "Document"
    stored_name = secrets.token_hex(20)
    path = upload_dir() / stored_name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
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
        discard([stored_name])
        raise
    return document


def get_document(consultation: Consultation, document_id: int) -> ConsultationDocument:
    document = db.session.get(ConsultationDocument, document_id) if 0 < document_id < 2**31 else None
    if document is None or document.consultation_id != consultation.id:
        not_found("There is no document with that number in this consultation.")
    return document


def path_of(document: ConsultationDocument) -> Path | None:
    if not re.fullmatch(r"[0-9a-f]{20,100}", document.stored_name or ""):
        return None
    path = upload_dir() / document.stored_name
    return path if path.is_file() else None


def delete_document(actor, consultation: Consultation, document: ConsultationDocument) -> str:
    """Remove the row; returns the stored name to ``discard`` after the commit."""
    if not can_edit(actor, consultation):
        raise RuleError("You cannot change this consultation.")
    stored = document.stored_name
    deletion.delete(actor, document, f"Document removed from {consultation.title}: {document.title}",
                    changes={"title": [document.title, None], "consultation_id": [consultation.id, None]})
    db.session.expire(consultation, ["documents"])
    return stored


def discard(stored_names) -> None:
    """Remove stored files (after a delete commits, or when a save fails)."""
    folder = Path(current_app.config["ENGAGE_UPLOAD_DIR"])
    for name in stored_names:
        if not re.fullmatch(r"[0-9a-f]{20,100}", name or ""):
            continue
        try:
            (folder / name).unlink()
        except FileNotFoundError:
            pass
        except OSError:
            current_app.logger.warning("Could not remove stored document %s", name)


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size} bytes"
