"""Uploaded files: checked, stored outside the web root, and let go again.

The type is checked from the content (magic bytes and the inside of the ZIP for Word and
Excel), never from the name alone; the name's extension must agree with the content.
Files are stored in ``ENGAGE_UPLOAD_DIR`` under random names, and are only ever served
through a view that checks who may see the record they belong to. Text is extracted for
search. Consultation documents and findings reports' attachments both use this module.
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

from ..extensions import db
from .errors import RuleError
from .sanitise import clean_text

_STORED = re.compile(r"[0-9a-f]{20,100}")

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


def store(data: bytes) -> str:
    """Write ``data`` under a new random name (never an existing file); return the name.
    Call ``discard([name])`` if the record that points at it is not saved after all."""
    stored_name = secrets.token_hex(20)
    fd = os.open(upload_dir() / stored_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return stored_name


def path_of(stored_name: str | None) -> Path | None:
    """The stored file's path, or None when the name is not one of ours or the file is gone."""
    if not _STORED.fullmatch(stored_name or ""):
        return None
    path = upload_dir() / stored_name
    return path if path.is_file() else None


def discard(stored_names) -> None:
    """Remove stored files (after a delete commits, or when a save fails)."""
    folder = Path(current_app.config["ENGAGE_UPLOAD_DIR"])
    for name in stored_names:
        if not _STORED.fullmatch(name or ""):
            continue
        try:
            (folder / name).unlink()
        except FileNotFoundError:
            pass
        except OSError:
            current_app.logger.warning("Could not remove stored file %s", name)


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size} bytes"


def receive(form, add, on_error):
    """The upload step every file form shares. Reads the form's ``file`` (one byte over the
    limit at most), calls ``add(filename, data)`` (a service that checks and stores the
    file and flushes its record), and commits once. A broken rule (RuleError) rolls back
    and goes to ``on_error(form, error)``; a failed commit removes the stored file, so no
    file is left without a record. Returns the saved record, or None when the form now
    carries an error."""
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        form.file.errors = list(form.file.errors or []) + ["Select a file to upload"]
        return None
    data = upload.read(max_bytes() + 1)
    try:
        record = add(upload.filename, data)
    except RuleError as error:
        db.session.rollback()
        on_error(form, error)
        return None
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        discard([record.stored_name])
        raise
    return record
