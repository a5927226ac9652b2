"""Reading the words in an uploaded PDF, Word or Excel file, for search: run in a child process
with a limit on processor time and on memory, so a file that is slow or huge to read (a bomb)
costs the child, never a web worker. engage/core/uploads.py (``read_text``) runs it as

    python -I text_reader.py KIND CPU_SECONDS MEMORY_MB   < file bytes   > words (UTF-8)

It imports nothing from Engage (``-I`` keeps the script's folder and the environment out of
``sys.path``). The limits are set first, before any library is loaded: the kernel stops the
child when it passes its processor time (SIGXCPU, then SIGKILL), and a memory request beyond
the limit fails (MemoryError). Exit codes: 0 the words are on stdout; 3 the file could not be
read (stderr says ``password`` or ``damaged``); anything else, or killed: over a limit.
"""
from __future__ import annotations

import io
import resource
import sys

MAX_TEXT = 200_000
EXIT_UNREADABLE = 3
EXIT_TOO_BIG = 4


class Protected(Exception):
    """The file needs a password."""


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            if not reader.decrypt(""):
                raise Protected()
        except Exception as error:
            raise Protected() from error
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


def docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def xlsx_text(data: bytes) -> str:
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
            if size > MAX_TEXT:
                break
    finally:
        workbook.close()
    return "\n".join(parts)


READERS = {"pdf": pdf_text, "docx": docx_text, "xlsx": xlsx_text}


def main(argv: list[str]) -> int:
    kind, cpu_seconds, memory_mb = argv[1], int(argv[2]), int(argv[3])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024, memory_mb * 1024 * 1024))
    data = sys.stdin.buffer.read()
    try:
        text = READERS[kind](data)
    except Protected:
        sys.stderr.write("password")
        return EXIT_UNREADABLE
    except MemoryError:
        return EXIT_TOO_BIG
    except Exception:
        sys.stderr.write("damaged")
        return EXIT_UNREADABLE
    sys.stdout.buffer.write(text[:MAX_TEXT * 2].encode("utf-8", "replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
