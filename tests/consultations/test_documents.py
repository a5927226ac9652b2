"""Documents: type checked by content, size limits, storage outside the web root under
random names, text extracted for search, downloads only for people who may see them."""
from __future__ import annotations

import io
import os
import stat
import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engage.consultations import documents
from engage.consultations.models import ConsultationDocument
from engage.core import uploads
from engage.extensions import db
from tests.conftest import sign_in
from tests.consultations.records_support import log, ref, sign_in_other  # noqa: F401


def pdf_bytes(text: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Tablecell"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(text: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Question", text])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(text: str) -> bytes:
    return f"question,answer\nFavourite,{text}\n".encode()


def upload(client, consultation_id, filename, content, title=""):
    return client.post(f"/consultations/{consultation_id}/documents",
                       data={"title": title, "file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


@pytest.mark.parametrize("filename,maker,content_type", [
    ("report.pdf", pdf_bytes, "application/pdf"),
    ("Report (final).docx", docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("data.xlsx", xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("data.csv", csv_bytes, "text/csv"),
])
def test_upload_stores_outside_web_root_and_extracts_text(app, client, login, users, ref, filename, maker, content_type,
                                                          monkeypatch):
    c = log(users["practitioner"])
    login("practitioner")
    content = maker("Zebracrossing")
    # The background reading waits until the test has seen the page say it is reading.
    seen, real_read = threading.Event(), uploads.read_text
    monkeypatch.setattr(uploads, "read_text", lambda *args: seen.wait(30) and real_read(*args))
    response = upload(client, c.id, filename, content)
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    document = db.session.scalar(select(ConsultationDocument))
    assert document.content_type == content_type and document.size == len(content)
    assert document.filename == filename
    # A PDF, Word or Excel file's words are read in background work, outside the request.
    if filename.endswith(".csv"):
        assert document.text_state == "read"
    else:
        assert document.text_state == "reading"
        assert "reading the words in this file" in client.get(f"/consultations/{c.id}/documents").get_data(as_text=True)
        seen.set()
        documents.wait_for_text(document.id)
        db.session.refresh(document)
    assert document.text_state == "read" and document.text_problem == ""
    assert "Zebracrossing" in document.extracted_text
    stored = Path(app.config["ENGAGE_UPLOAD_DIR"]) / "documents" / document.stored_name  # the folder storage
    assert stored.read_bytes() == content
    assert len(document.stored_name) >= 32 and filename not in document.stored_name
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    assert not str(stored.resolve()).startswith(str(Path(app.static_folder).resolve()))
    # The text is found by search, and the file comes back through the download view.
    html = client.get("/consultations/search?q=zebracrossing").get_data(as_text=True)
    assert "Street cleaning survey" in html
    download = client.get(f"/consultations/{c.id}/documents/{document.id}/download")
    assert download.status_code == 200 and download.data == content
    assert "attachment" in download.headers["Content-Disposition"]


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in names.items():
            archive.writestr(name, body)
    return buffer.getvalue()


BAD_FILES = [
    ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00binary", "is not a PDF, Word (.docx), Excel (.xlsx) or CSV file"),
    ("notes.txt", b"hello", "must be a PDF, Word (.docx), Excel (.xlsx) or CSV file"),
    ("page.csv", b"<html><script>alert(1)</script></html>", "is not a PDF, Word (.docx), Excel (.xlsx) or CSV file"),
    ("sheet.xlsx", "DOCX", "the content is a Word document"),
    ("empty.pdf", b"", "The selected file is empty"),
    ("broken.pdf", b"%PDF-1.4\nthis is not really a pdf", "could not be opened"),
    ("archive.docx", _zip({"hello.txt": b"hi"}), "is not a PDF, Word (.docx), Excel (.xlsx) or CSV file"),
    ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a PDF, Word (.docx), Excel (.xlsx) or CSV file"),
]


@pytest.mark.parametrize("filename,content,message", BAD_FILES)
def test_bad_files_are_refused_with_a_clear_error(app, client, login, users, ref, filename, content, message):
    if content == "DOCX":
        content = docx_bytes("hello")
    c = log(users["practitioner"])
    login("practitioner")
    response = upload(client, c.id, filename, content)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and message in html
    assert db.session.scalar(select(func.count()).select_from(ConsultationDocument)) == 0
    folder = Path(app.config["ENGAGE_UPLOAD_DIR"])
    assert not folder.exists() or list(folder.iterdir()) == []


def test_no_file_selected(client, login, users, ref):
    c = log(users["practitioner"])
    login("practitioner")
    response = client.post(f"/consultations/{c.id}/documents", data={"title": "x"}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Select a file to upload" in response.get_data(as_text=True)


def test_file_over_the_size_limit_is_refused(app, client, login, users, ref):
    app.config["ENGAGE_MAX_DOCUMENT_MB"] = 1
    c = log(users["practitioner"])
    login("practitioner")
    response = upload(client, c.id, "big.csv", b"a,b\n" * 300_000)
    assert response.status_code == 400
    assert "must be smaller than 1 MB" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ConsultationDocument)) == 0


def test_file_name_cannot_escape_the_folder(app, client, login, users, ref):
    c = log(users["practitioner"])
    login("practitioner")
    assert upload(client, c.id, "../../../etc/passwd.csv", csv_bytes("x")).status_code == 302
    document = db.session.scalar(select(ConsultationDocument))
    assert document.filename == "passwd.csv"
    folder = Path(app.config["ENGAGE_UPLOAD_DIR"])
    assert [p for p in folder.rglob("*") if p.is_file()] == [folder / "documents" / document.stored_name]


def test_downloads_follow_visibility(app, client, login, users, ref):
    c = log(users["practitioner"], visibility="organisation")
    login("practitioner")
    assert upload(client, c.id, "private.csv", csv_bytes("secret")).status_code == 302
    document = db.session.scalar(select(ConsultationDocument))
    url = f"/consultations/{c.id}/documents/{document.id}/download"
    assert client.get(url).status_code == 200
    assert client.get(url).headers["Cache-Control"] == "private, no-store"
    login(None)
    assert client.get(url).status_code == 404
    sign_in_other(client, ref)
    assert client.get(url).status_code == 404
    login("officer")
    assert client.get(url).status_code == 200
    # A document id from another consultation is not served under this one.
    other = log(users["practitioner"], title="Public one")
    assert client.get(f"/consultations/{other.id}/documents/{document.id}/download").status_code == 404


def test_only_editors_upload_and_delete(app, client, login, users, ref):
    c = log(ref["other_user"], title="Theirs")
    login("practitioner")
    assert upload(client, c.id, "a.csv", csv_bytes("x")).status_code == 403
    folder = Path(app.config["ENGAGE_UPLOAD_DIR"])
    assert not folder.exists() or list(folder.iterdir()) == []
    client.post("/sign-out")
    sign_in(client, ref["other_user"].email)
    assert upload(client, c.id, "a.csv", csv_bytes("x")).status_code == 302
    document = db.session.scalar(select(ConsultationDocument))
    stored = folder / "documents" / document.stored_name
    login("practitioner")
    assert client.post(f"/consultations/{c.id}/documents/{document.id}/delete").status_code == 403
    assert stored.exists()
    login("officer")
    assert client.post(f"/consultations/{c.id}/documents/{document.id}/delete").status_code == 302
    assert not stored.exists()
    assert db.session.scalar(select(func.count()).select_from(ConsultationDocument)) == 0


def test_deleting_a_consultation_removes_its_files(app, client, login, users, ref):
    c = log(users["practitioner"])
    login("practitioner")
    upload(client, c.id, "a.csv", csv_bytes("x"))
    stored = Path(app.config["ENGAGE_UPLOAD_DIR"]) / "documents" / db.session.scalar(select(ConsultationDocument.stored_name))
    assert stored.exists()
    assert client.post(f"/consultations/{c.id}/delete").status_code == 302
    assert not stored.exists()


def test_public_downloads_are_never_kept_by_shared_caches(app, client, login, users, ref):
    """Issue 12: a public document was cached for five minutes by anyone ("public,
    max-age=300"), so it went on being served after its consultation stopped being public."""
    c = log(users["practitioner"], visibility="public")
    login("practitioner")
    assert upload(client, c.id, "report.csv", csv_bytes("open")).status_code == 302
    document = db.session.scalar(select(ConsultationDocument))
    url = f"/consultations/{c.id}/documents/{document.id}/download"
    login(None)
    response = client.get(url)
    assert response.status_code == 200
    cache = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert "private" in cache and "no-cache" in cache
    assert "public" not in cache and not any(p.startswith("max-age=") and p != "max-age=0" for p in cache)
    c.visibility = "organisation"
    db.session.commit()
    assert client.get(url).status_code == 404


def test_documents_an_older_engage_stored_are_still_served_and_can_be_moved(app, client, login, users, ref):
    """Before issue 21 a document lay directly in ENGAGE_UPLOAD_DIR/<stored name>; now it is
    kept in the upload storage (documents/<stored name>). Old files are read where they are,
    and `engage move-documents` moves them into the storage once."""
    c = log(users["practitioner"], visibility="public")
    login("practitioner")
    content = csv_bytes("Oldfile")
    assert upload(client, c.id, "old.csv", content).status_code == 302
    document = db.session.scalar(select(ConsultationDocument))
    folder = Path(app.config["ENGAGE_UPLOAD_DIR"])
    new_place, old_place = folder / "documents" / document.stored_name, folder / document.stored_name
    new_place.rename(old_place)   # as an older Engage left it
    url = f"/consultations/{c.id}/documents/{document.id}/download"
    response = client.get(url)
    assert response.status_code == 200 and response.data == content
    result = app.test_cli_runner().invoke(args=["engage", "move-documents"])
    assert result.exit_code == 0 and "Moved 1 stored file" in result.output
    assert not old_place.exists() and new_place.read_bytes() == content
    response = client.get(url)
    assert response.status_code == 200 and response.data == content
    assert app.test_cli_runner().invoke(args=["engage", "move-documents"]).output.startswith("Moved 0 stored files")
    # Deleting the document removes the file wherever it lies.
    new_place.rename(old_place)
    login("officer")
    assert client.post(f"/consultations/{c.id}/documents/{document.id}/delete").status_code == 302
    assert not old_place.exists() and not new_place.exists()
