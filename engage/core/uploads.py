"""Uploaded files: checked, stored outside the web root, and let go again.

The type is checked from the content (magic bytes and the inside of the ZIP for Word and
Excel), never from the name alone; the name's extension must agree with the content.
Files are kept in the upload storage (engage/core/storage.py: ``documents/<random name>``, in
a bucket every web node shares or the ``ENGAGE_UPLOAD_DIR`` folder), and are only ever served
through a view that checks who may see the record they belong to (``open_stored``: a stream,
so a large document is never held whole in memory). Files an older Engage stored directly in
``ENGAGE_UPLOAD_DIR/<random name>`` are read there when the storage has no copy
(``move_legacy`` copies them in: ``flask --app wsgi engage move-documents``). Text is extracted for
search. Consultation documents and findings reports' attachments both use this module.

Word and Excel files are ZIP archives, and a small one can unpack to gigabytes (a "zip bomb":
a 150 KB workbook once cost 17 seconds of work and 250 MB of memory). ``inspect_zip`` reads
every entry while it unpacks it, counting the bytes that really come out (the sizes a ZIP
declares are never trusted) against a budget, and counts a workbook's cells and shared
strings on the way; it stops at the first limit passed, so refusing a bomb costs a fraction
of a second. Everything that opens an uploaded workbook or document calls it first (this
module's ``check_file``, and the results import in engage/consultations/importing.py).
Settings: ``ENGAGE_UNPACKED_MAX_MB`` (all entries together), ``ENGAGE_XLSX_MAX_CELLS``,
``ENGAGE_XLSX_MAX_STRINGS``.
"""
from __future__ import annotations

import csv
import io
import lzma
import os
import re
import secrets
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from ..extensions import db
from .errors import RuleError
from .i18n import N_, gettext
from .sanitise import clean_text

_STORED = re.compile(r"[0-9a-f]{20,100}")

MAX_TEXT = 200_000
DEFAULT_MAX_MB = 10
KINDS = {
    "pdf": ("application/pdf", N_("PDF")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", N_("Word document")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", N_("Excel spreadsheet")),
    "csv": ("text/csv", N_("CSV file")),
}
ALLOWED_HINT = "a PDF, Word (.docx), Excel (.xlsx) or CSV file"


@dataclass
class Checked:
    kind: str
    content_type: str
    text: str | None  # None: the words are read later (``read_text``, in background work)


def max_bytes() -> int:
    return int(current_app.config.get("ENGAGE_MAX_DOCUMENT_MB", DEFAULT_MAX_MB)) * 1024 * 1024


# ---- ZIP archives (Word and Excel): real sizes and counts, not declared ones ----------------

DEFAULT_UNPACKED_MB = 100
DEFAULT_MAX_CELLS = 2_000_000
DEFAULT_MAX_STRINGS = 300_000
MAX_ENTRIES = 5000
_CHUNK = 64 * 1024
# The parts counted: in a worksheet, rows (<row ...>) and cells (<c ...>, <c/>); in the shared
# strings, strings (<si>). Each is counted without a namespace prefix and with any prefix
# (<x:c>, less its closing tags </x:c>) by patterns that start with fixed text (searched for
# many times faster than one pattern with an optional prefix); text holding ":c " counts a
# little high, never low.
_PLAIN = {"row": re.compile(rb"<row[\s/>]"), "c": re.compile(rb"<c[\s/>]"), "si": re.compile(rb"<si[\s/>]")}  # noqa: E501
_PREFIXED = {"row": re.compile(rb":row[\s/>]"), "c": re.compile(rb":c[\s/>]"), "si": re.compile(rb":si[\s/>]")}
_CLOSING = {"row": re.compile(rb"</[\w.-]{1,31}:row\s*>"), "c": re.compile(rb"</[\w.-]{1,31}:c\s*>"),
            "si": re.compile(rb"</[\w.-]{1,31}:si\s*>")}
_ANY_ROW = re.compile(rb"[<:]row[\s/>]")
_TAIL = 48  # longer than any tag counted


_ENDS = (b" ", b">", b"/", b"\t", b"\n", b"\r")
_OPENING = {name: tuple(b"<" + name.encode() + end for end in _ENDS) for name in _PLAIN}


def _tags(name: str, text: bytes) -> int:
    count = sum(text.count(opening) for opening in _OPENING[name])  # no allocation, unlike findall
    if b":" + name.encode() in text:
        count += len(_PREFIXED[name].findall(text)) - len(_CLOSING[name].findall(text))
    return count


class UnsafeFile(RuleError):
    """An archive that unpacks to more than Engage reads, or that is damaged. The message
    is for the person who uploaded it."""

    def __init__(self, message: str):
        super().__init__(message, "file")


@dataclass
class ZipReport:
    names: list[str]
    unpacked: int = 0   # bytes that really came out of every entry
    cells: int = 0      # cells in the worksheets (workbooks)
    strings: int = 0    # shared strings (workbooks)
    rows: int = 0       # rows in the worksheets, as written (blank ones too)
    widest: int = 0     # the most cells in one row


def _setting(name: str, default: int) -> int:
    try:
        return int(current_app.config.get(name, default))
    except RuntimeError:  # outside an app (a script): the defaults
        return default


def zip_limits() -> dict[str, int]:
    return {"unpacked": _setting("ENGAGE_UNPACKED_MAX_MB", DEFAULT_UNPACKED_MB) * 1024 * 1024,
            "cells": _setting("ENGAGE_XLSX_MAX_CELLS", DEFAULT_MAX_CELLS),
            "strings": _setting("ENGAGE_XLSX_MAX_STRINGS", DEFAULT_MAX_STRINGS)}


def _split(carry: bytes, chunk: bytes) -> tuple[bytes, bytes]:
    """``carry + chunk`` cut in two: a head holding every tag that starts in it whole, and a
    tail (a tag cut off by the chunk's end) carried on to the next chunk."""
    buffer = carry + chunk
    last = buffer.rfind(b"<")
    if not chunk or last < 0 or len(buffer) - last >= _TAIL:
        return buffer, b""
    return buffer[:last], buffer[last:]


class _Counter:
    def __init__(self, report: ZipReport, limits: dict[str, int], what: str):
        self.report, self.limits, self.what = report, limits, what
        self.in_row = 0

    def start(self) -> None:
        self.in_row = 0

    def sheet(self, head: bytes) -> None:
        report = self.report
        # The first piece goes on with the row before; each other one starts a row.
        # (A prefixed sheet is also cut at its rows' closing tags: those pieces hold no cells.)
        pieces = (_ANY_ROW if b":row" in head else _PLAIN["row"]).split(head)
        cells = [_tags("c", piece) for piece in pieces]
        report.cells += sum(cells)
        report.rows += _tags("row", head)
        report.widest = max(report.widest, self.in_row + cells[0], max(cells[1:], default=0))
        self.in_row = (self.in_row + cells[0]) if len(cells) == 1 else cells[-1]
        if report.cells > self.limits["cells"]:
            raise UnsafeFile(gettext("The file has more than %(count)s cells, more than Engage reads. Save the sheet you "
                                     "need on its own, or as CSV", count=f"{self.limits['cells']:,}"))

    def strings(self, head: bytes) -> None:
        self.report.strings += _tags("si", head)
        if self.report.strings > self.limits["strings"]:
            raise UnsafeFile(gettext("The file has more than %(count)s different pieces of text, more than Engage reads. "
                                     "Save the sheet you need on its own, or as CSV", count=f"{self.limits['strings']:,}"))


def inspect_zip(data: bytes, what: str = "file", limits: dict[str, int] | None = None,
                damaged: str | None = None) -> ZipReport:
    """Unpack every entry of the archive in ``data`` without keeping it, counting the bytes
    that come out (never trusting the declared sizes) and a workbook's rows, cells and shared
    strings. Raises UnsafeFile at the first limit passed, or when the archive is damaged
    (an entry whose real size or checksum differs from what the archive says is damaged)."""
    limits = limits or zip_limits()
    too_big = gettext("The file is too large once unpacked: Engage reads up to %(size)s MB. Save it again with less in "
                      "it, or as CSV", size=limits['unpacked'] // (1024 * 1024))
    damaged = gettext(damaged) if damaged else gettext("The file could not be opened. It may be damaged: save it again and "
                                                       "upload the new copy")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise UnsafeFile(gettext("The file holds more than %(count)s parts, so Engage cannot read it",
                                         count=f"{MAX_ENTRIES:,}"))
            report = ZipReport(names=[info.filename for info in infos])
            counter = _Counter(report, limits, what)
            for info in infos:
                name = info.filename.lower()
                count = (counter.sheet if name.startswith("xl/worksheets/") and name.endswith(".xml")
                         else counter.strings if name == "xl/sharedstrings.xml" else None)
                carry = b""
                counter.start()
                # zipfile stops at the declared size and then checks the checksum, so an entry
                # that says it is small but is not is refused as damaged; the budget below
                # stops one that really is big, whatever it says.
                with archive.open(info) as entry:
                    while True:
                        chunk = entry.read(_CHUNK)
                        report.unpacked += len(chunk)
                        if report.unpacked > limits["unpacked"]:
                            raise UnsafeFile(too_big)
                        if count is not None:
                            head, carry = _split(carry, chunk)
                            count(head)
                        if not chunk:
                            break
    except UnsafeFile:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, RuntimeError,
            EOFError, zlib.error, lzma.LZMAError):
        raise UnsafeFile(damaged)
    return report


def _zip_kind(data: bytes) -> str | None:
    """docx or xlsx from the archive's parts, or None. UnsafeFile for a bomb or a damaged one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, RuntimeError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    kind = "docx" if "word/document.xml" in names else "xlsx" if "xl/workbook.xml" in names else None
    if kind is not None:
        inspect_zip(data, "spreadsheet" if kind == "xlsx" else "Word document")
    return kind


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


def _pdf_opens(data: bytes) -> None:
    """A PDF is opened (not read) in the request, so a damaged or password-protected one is
    refused at once; pypdf caps what one stream may unpack to."""
    from pypdf import PdfReader

    protected = RuleError(gettext("This PDF is protected by a password. Upload a copy without a password."), "file")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise protected
        len(reader.pages)
    except RuleError:
        raise
    except Exception as error:
        if "decrypt" in str(error).lower() or "password" in str(error).lower():
            raise protected
        raise RuleError(gettext("The PDF could not be opened. It may be damaged: save it again and upload the new copy"), "file")


def _csv_text(data: bytes) -> str:
    text = _decode_text(data) or ""
    return "\n".join(" ".join(row) for row in csv.reader(io.StringIO(text[:MAX_TEXT * 2])))


def check_file(filename: str, data: bytes) -> Checked:
    """Check a file's size, type (by content, a Word or Excel file's real unpacked size and
    counts, a PDF's opening) and name. RuleError if bad. A CSV file's words come with it;
    the others' are read afterwards by ``read_text``, outside the request."""
    if not data:
        raise RuleError(gettext("The selected file is empty"), "file")
    if len(data) > max_bytes():
        raise RuleError(gettext("The selected file must be smaller than %(size)s MB", size=max_bytes() // (1024 * 1024)), "file")
    extension = Path(filename or "").suffix.lower().lstrip(".")
    if extension not in KINDS:
        raise RuleError(gettext("The selected file must be a PDF, Word (.docx), Excel (.xlsx) or CSV file"), "file")
    kind = detect(data)
    if kind is None:
        raise RuleError(gettext("The selected file is not a PDF, Word (.docx), Excel (.xlsx) or CSV file. Its content does "
                                "not match any of them"), "file")
    if kind != extension:
        raise RuleError(gettext("The file name says .%(extension)s but the content is a %(kind)s. Check you chose the right "
                                "file", extension=extension, kind=gettext(KINDS[kind][1])), "file")
    if kind == "pdf":
        _pdf_opens(data)
    if kind != "csv":  # the words are read later, by ``read_text`` in background work
        return Checked(kind=kind, content_type=KINDS[kind][0], text=None)
    text = clean_text(re.sub(r"[ \t]+", " ", _csv_text(data)))[:MAX_TEXT]
    return Checked(kind=kind, content_type=KINDS[kind][0], text=text)


# ---- reading the words, in a child process with limits ------------------------------------

DEFAULT_TEXT_CPU_SECONDS = 20
DEFAULT_TEXT_MEMORY_MB = 512
READING, READ, UNREAD = "reading", "read", "failed"
TEXT_READING = N_("Engage is reading the words in this file, so that search can find it.")  # translated where shown
TEXT_TOO_BIG = ("Engage could not read the words in this file: it took too long or needed too much memory. "
                "Search will not find its words, but people can still open it.")
TEXT_DAMAGED = ("Engage could not read the words in this file. It may be damaged: save it again and upload "
                "the new copy. Until then search will not find its words.")
TEXT_PROTECTED = ("Engage could not read the words in this file because it has a password. Upload a copy "
                  "without a password, so that search can find it.")
_READER = Path(__file__).with_name("text_reader.py")


def read_text_seconds() -> int:
    """The longest a reading child may take by the clock (three times its processor time)."""
    return _setting("ENGAGE_TEXT_CPU_SECONDS", DEFAULT_TEXT_CPU_SECONDS) * 3 + 10


@dataclass
class TextRead:
    text: str
    problem: str | None = None          # plain words for the person, when the words were not read
    cpu_seconds: float = 0.0            # the child's processor time (the benchmark and tests read it)


def read_text(kind: str, data: bytes) -> TextRead:
    """The words in a stored file, read in a child process that the kernel stops when it
    passes ``ENGAGE_TEXT_CPU_SECONDS`` of processor time or ``ENGAGE_TEXT_MEMORY_MB`` of memory
    (engage/core/text_reader.py); a clock limit (three times the processor time) covers a
    child that waits. Never raises for a bad file: the problem is in plain words."""
    import resource
    import subprocess
    import sys

    if kind == "csv":
        return TextRead(clean_text(re.sub(r"[ \t]+", " ", _csv_text(data)))[:MAX_TEXT])
    cpu = _setting("ENGAGE_TEXT_CPU_SECONDS", DEFAULT_TEXT_CPU_SECONDS)
    memory = _setting("ENGAGE_TEXT_MEMORY_MB", DEFAULT_TEXT_MEMORY_MB)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        # One thread for the maths libraries a reader may load (each of their threads reserves
        # memory, which counts against the child's limit).
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        done = subprocess.run([sys.executable, "-I", str(_READER), kind, str(cpu), str(memory)], input=data,
                              capture_output=True, timeout=read_text_seconds(), check=False, env=env)
    except subprocess.TimeoutExpired:
        return TextRead("", TEXT_TOO_BIG)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if done.returncode == 0:
        text = done.stdout.decode("utf-8", "replace")
        return TextRead(clean_text(re.sub(r"[ \t]+", " ", text))[:MAX_TEXT], cpu_seconds=used)
    if done.returncode == 3:
        problem = TEXT_PROTECTED if done.stderr.startswith(b"password") else TEXT_DAMAGED
        return TextRead("", problem, cpu_seconds=used)
    return TextRead("", TEXT_TOO_BIG, cpu_seconds=used)  # killed at a limit, or out of memory


def safe_filename(filename: str, kind: str) -> str:
    name = Path((filename or "").replace("\\", "/")).name
    name = re.sub(r"[^\w .()-]", "_", clean_text(name))[:200].strip(" .") or f"document.{kind}"
    return name


DOCUMENTS = "documents"


def _key(stored_name: str) -> str:
    return f"{DOCUMENTS}/{stored_name}"


def _legacy(stored_name: str) -> Path:
    """Where an older Engage kept the file: directly in this node's uploads folder."""
    return Path(current_app.config["ENGAGE_UPLOAD_DIR"]) / stored_name


def store(data: bytes) -> str:
    """Keep ``data`` in the upload storage under a new random name; return the name.
    Call ``discard([name])`` if the record that points at it is not saved after all."""
    from .storage import upload_storage

    stored_name = secrets.token_hex(20)
    upload_storage().put(_key(stored_name), data)
    return stored_name


def open_stored(stored_name: str | None):
    """A binary stream of the stored file (close it when done), or None when the name is not
    one of ours or the file is gone. The storage first, then where an older Engage put it."""
    from .storage import upload_storage

    if not _STORED.fullmatch(stored_name or ""):
        return None
    handle = upload_storage().open(_key(stored_name))
    if handle is None:
        try:
            handle = open(_legacy(stored_name), "rb")
        except OSError:
            return None
    return handle


def read_stored(stored_name: str | None) -> bytes | None:
    """The stored file's bytes, or None (as ``open_stored``)."""
    handle = open_stored(stored_name)
    if handle is None:
        return None
    try:
        return handle.read()
    finally:
        handle.close()


def send_stored(stored_name: str | None, *, mimetype: str, download_name: str, size: int | None = None, **options):
    """A download response streaming the stored file (from whichever node or bucket holds
    it), or None when it is missing. Its ETag is the stored name: a stored file never changes."""
    from flask import send_file

    handle = open_stored(stored_name)
    if handle is None:
        return None
    response = send_file(handle, mimetype=mimetype, as_attachment=True, download_name=download_name,
                         etag=stored_name, **options)
    response.call_on_close(handle.close)
    if size is not None and response.status_code == 200:
        response.content_length = size
    return response


def discard(stored_names) -> None:
    """Remove stored files (after a delete commits, or when a save fails)."""
    from .storage import upload_storage

    storage = upload_storage()
    for name in stored_names:
        if not _STORED.fullmatch(name or ""):
            continue
        try:
            storage.delete(_key(name))
            _legacy(name).unlink(missing_ok=True)
        except Exception:  # noqa: BLE001  (the record is gone either way; the file is logged)
            current_app.logger.warning("Could not remove stored file %s", name)


def move_legacy(echo=lambda message: None) -> int:
    """Copy the documents an older Engage kept directly in this node's ``ENGAGE_UPLOAD_DIR``
    into the upload storage (``documents/<name>``), each checked by reading it back, then
    remove the old file. Safe to run again; returns how many were moved."""
    from .storage import upload_storage

    storage = upload_storage()
    folder = Path(current_app.config["ENGAGE_UPLOAD_DIR"])
    moved = 0
    for path in sorted(folder.glob("*")) if folder.is_dir() else ():
        if not path.is_file() or not _STORED.fullmatch(path.name):
            continue
        data = path.read_bytes()
        storage.put(_key(path.name), data)
        if storage.get(_key(path.name)) != data:
            raise OSError(f"The storage did not keep {path.name} whole; it was left where it was")
        path.unlink()
        moved += 1
        echo(path.name)
    return moved


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
