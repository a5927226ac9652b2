"""Importing attitudinal results from CSV and Excel (.xlsx) files.

Two formats:

* **tidy**: one row per figure: the question, the answer option, the segment (group of
  people), the count and the base (how many in the group answered), and optionally what kind
  of segment it is and a question number;
* **raw**: one row per respondent and one column per question, plus equality columns (ward,
  age band, sex, ethnicity, disability, or any other) that become segments. Engage counts the
  answers and bases itself, and adds "Priority wards" and "Rest of the borough" from the
  wards' priority flags.

The whole file is checked before anything is saved. Every problem names its row (as the
spreadsheet numbers it: the heading row is row 1) and its column. Results are written in one
transaction, the figures in bulk (never a flush per row). Questions the consultation already
has results for are replaced only when the person asks for it.

Services flush; the caller (a view, the command line or a background job) commits once.
"""
from __future__ import annotations

import csv
import difflib
import io
import re
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterable

from flask import current_app
from sqlalchemy import delete, insert, select

from ..core import audit, uploads
from ..core.i18n import N_, gettext as _, ngettext
from ..core.models import utcnow
from ..core.sanitise import clean_text
from ..extensions import db
from ..partnership.models import Area
from .models import AnswerOption, Consultation, Question, ResultFigure, Segment

FORMATS = {
    "tidy": "Tidy: one row per figure (question, answer, segment, count, base)",
    "raw": "Raw: one row per respondent, one column per question",
}
EXTENSIONS = ("csv", "xlsx")

ALL_LABEL = "All respondents"
PRIORITY_LABEL = "Priority wards"
REST_LABEL = "Rest of the borough"

# What each column of a tidy file can hold.
TIDY_ROLES = {
    "question": N_("The question"),
    "option": N_("The answer option"),
    "segment": N_("The segment (group of people)"),
    "dimension": N_("The kind of segment (ward, age band, sex…)"),
    "count": N_("The count (people who gave the answer)"),
    "base": N_("The base (people in the group who answered)"),
    "code": N_("The question number"),
    "ignore": N_("Ignore this column"),
}
TIDY_REQUIRED = ("question", "option", "count", "base")
TIDY_ROLE_NAMES = {"question": "question", "option": "answer option", "segment": "segment", "dimension": "kind of segment",
                   "count": "count", "base": "base", "code": "question number"}
# What a person is told about the columns they chose, a whole sentence for each role.
CHOOSE_COLUMN = {"question": N_("Choose the column that holds the question"),
                 "option": N_("Choose the column that holds the answer option"),
                 "count": N_("Choose the column that holds the count"),
                 "base": N_("Choose the column that holds the base")}
ONE_COLUMN = {"question": N_("Only one column can hold the question: you chose %(names)s"),
              "option": N_("Only one column can hold the answer option: you chose %(names)s"),
              "segment": N_("Only one column can hold the segment: you chose %(names)s"),
              "dimension": N_("Only one column can hold the kind of segment: you chose %(names)s"),
              "count": N_("Only one column can hold the count: you chose %(names)s"),
              "base": N_("Only one column can hold the base: you chose %(names)s"),
              "code": N_("Only one column can hold the question number: you chose %(names)s")}

# What each column of a raw (respondent-level) file can hold.
RAW_ROLES = {
    "question": N_("A question (one answer per person)"),
    "question-multi": N_("A question (several answers, separated by ;)"),
    "segment:ward": N_("Ward (respondents are also grouped into priority wards and the rest of the borough)"),
    "segment:age": N_("Age band"),
    "segment:sex": N_("Sex"),
    "segment:ethnicity": N_("Ethnicity"),
    "segment:disability": N_("Disability"),
    "segment:other": N_("Another way to group people (the heading names the group)"),
    "id": N_("Respondent number (checked for repeats, not imported)"),
    "ignore": N_("Ignore this column"),
}
ONE_RAW_COLUMN = {"id": N_("Only one column can be the respondent number: you chose %(names)s"),
                  "segment:ward": N_("Only one column can be the ward: you chose %(names)s"),
                  "segment:age": N_("Only one column can be the age band: you chose %(names)s"),
                  "segment:sex": N_("Only one column can be the sex: you chose %(names)s"),
                  "segment:ethnicity": N_("Only one column can be the ethnicity: you chose %(names)s"),
                  "segment:disability": N_("Only one column can be the disability: you chose %(names)s")}

MAX_PROBLEMS = 100
MAX_OPTIONS_PER_QUESTION = 60
MAX_SEGMENT_VALUES = 200
MAX_COLUMNS = 500
EXCEL_MAX_COLUMNS = 16_384

Progress = Callable[[str, int, int], None]


# ---- problems ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    """A sentence for a person, kept as its catalogue text (marked with ``N_``) and its values,
    and written out in the language in force each time it is shown (``str``): a problem found
    in a background job, stored with the upload, reads in the language of whoever opens the
    page. Stored as a plain dict (``stored``)."""

    message: str
    values: tuple = ()

    @classmethod
    def of(cls, message: str, **values) -> "Text":
        return cls(message, tuple(sorted((k, str(v)) for k, v in values.items())))

    def __str__(self) -> str:
        return _(self.message, **dict(self.values)) if self.values else _(self.message)

    def stored(self) -> dict:
        return {"message": self.message, "values": dict(self.values)}


def says(message: str, **values) -> Text:
    """``Text.of``: ``says(N_("'%(value)s' is not a whole number"), value=raw)``."""
    return Text.of(message, **values)


@dataclass
class Problem:
    message: "str | Text"
    row: int | None = None
    column: str | None = None
    also_rows: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        problem = str(self.message) if isinstance(self.message, Text) else _(self.message)
        if self.row is not None and self.column:
            text = _("Row %(row)s, column '%(column)s': %(problem)s", row=self.row, column=self.column, problem=problem)
        elif self.row is not None:
            text = _("Row %(row)s: %(problem)s", row=self.row, problem=problem)
        elif self.column:
            text = _("Column '%(column)s': %(problem)s", column=self.column, problem=problem)
        else:
            text = problem
        if self.also_rows:
            shown = ", ".join(str(r) for r in self.also_rows[:5])
            more = len(self.also_rows) - 5
            if more > 0:
                text = _("%(problem)s (also on rows %(rows)s and %(more)s more)", problem=text, rows=shown, more=f"{more:,}")
            else:
                text = ngettext("%(problem)s (also on row %(rows)s)", "%(problem)s (also on rows %(rows)s)",
                                len(self.also_rows), problem=text, rows=shown)
        return text

    def stored(self) -> dict:
        """The problem as plain JSON for the upload's record: its sentence untranslated, so
        the page shows it in its reader's language (``from_stored``)."""
        message = self.message.stored() if isinstance(self.message, Text) else {"message": self.message, "values": {}}
        return {**message, "row": self.row, "column": self.column, "also_rows": list(self.also_rows)}

    @classmethod
    def from_stored(cls, item) -> "Problem":
        """A problem from an upload's record: a dict (``stored``), or a plain sentence."""
        if isinstance(item, dict):
            values = item.get("values") or {}
            message = Text.of(item.get("message") or "", **values) if values else (item.get("message") or "")
            return cls(message, item.get("row"), item.get("column"), list(item.get("also_rows") or []))
        return cls(str(item))


class ImportProblems(Exception):
    """The file cannot be imported; nothing has been saved."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems[:3]))
        self.problems = problems

    @property
    def messages(self) -> list[str]:
        """The problems in the language in force (the command line, a form's error)."""
        return [str(p) for p in self.problems]

    @property
    def stored(self) -> list[dict]:
        """The problems to keep with the upload, shown later in their reader's language."""
        return [p.stored() for p in self.problems]


class _Problems:
    """Collects problems; the same problem on many rows is reported once with its rows."""

    def __init__(self, limit: int = MAX_PROBLEMS):
        self.items: list[Problem] = []
        self._grouped: dict[tuple, Problem] = {}
        self.limit = limit
        self.truncated = False

    def add(self, message: "str | Text", row: int | None = None, column: str | None = None, group: tuple | None = None,
            **values) -> None:
        """``message`` a sentence marked with ``N_``, its ``%(name)s`` values given by name."""
        if values:
            message = says(message, **values)
        if group is not None and group in self._grouped:
            self._grouped[group].also_rows.append(row)
            return
        if len(self.items) >= self.limit:
            self.truncated = True
            return
        problem = Problem(message, row, column)
        self.items.append(problem)
        if group is not None:
            self._grouped[group] = problem

    @property
    def full(self) -> bool:
        return len(self.items) >= self.limit

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            items = list(self.items)
            if self.truncated:
                items.append(Problem(says(N_("There are more problems than the %(limit)s shown. Fix these and try again."),
                                          limit=self.limit)))
            raise ImportProblems(items)


def _fail(message: "str | Text", row: int | None = None, column: str | None = None, **values):
    """Stop with one problem: ``message`` a sentence marked with ``N_``, its values by name."""
    raise ImportProblems([Problem(says(message, **values) if values else message, row, column)])


# ---- settings ----------------------------------------------------------------------------

def max_bytes() -> int:
    return int(float(current_app.config.get("ENGAGE_IMPORT_MAX_MB", 10)) * 1024 * 1024)


def max_rows() -> int:
    return int(current_app.config.get("ENGAGE_IMPORT_MAX_ROWS", 50_000))


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


# ---- reading files -----------------------------------------------------------------------

@dataclass
class Sheet:
    """The cells of a file: a heading row and data rows (blank rows left out), each with the
    row number a spreadsheet would show."""

    filename: str
    kind: str
    headers: list[str]
    rows: list[list]
    row_numbers: list[int]
    total_rows: int  # data rows in the file (an estimate when only the start was read)

    def column_name(self, index: int) -> str:
        heading = self.headers[index] if index < len(self.headers) else ""
        return heading or f"column {column_letter(index)}"


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def extension_of(filename: str) -> str:
    name = (filename or "").strip().lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def check_upload(filename: str, size: int) -> Text | None:
    """A plain message when a file cannot be accepted before it is even opened, else None
    (``str`` of it is in the language in force)."""
    ext = extension_of(filename)
    if ext == "xls":
        return says(N_("The file is an old-style Excel file (.xls). Open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV UTF-8"))
    if ext not in EXTENSIONS:
        return says(N_("The file must be a CSV file (.csv) or an Excel workbook (.xlsx)"))
    if size == 0:
        return says(N_("The file is empty"))
    if size > max_bytes():
        return says(N_("The file is %(size)s; it must be %(most)s or smaller. Split it into smaller files"), size=_size(size),
                    most=_size(max_bytes()))
    return None


def _cell(value):
    """A cell as the importer sees it: text stripped, whole floats as ints, dates as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return clean_text(str(value))


def _blank(cells) -> bool:
    return all(c == "" for c in cells)


def read_file(filename: str, data: bytes, *, limit: int | None = None, progress: Progress | None = None) -> Sheet:
    """Read a CSV or XLSX file. ``limit`` stops after that many data rows (for a preview).
    Raises ImportProblems with a plain message when the file cannot be read."""
    message = check_upload(filename, len(data))
    if message:
        _fail(message)
    ext = extension_of(filename)
    rows_iter, estimate = _xlsx_rows(data) if ext == "xlsx" else _csv_rows(data)
    header: list | None = None
    header_row = 0
    rows: list[list] = []
    numbers: list[int] = []
    cap = max_rows()
    seen = 0
    for number, raw in rows_iter:
        cells = [_cell(v) for v in raw]
        while cells and cells[-1] == "":
            cells.pop()
        if header is None:
            if not cells:
                continue
            header = [str(c) for c in cells]
            header_row = number
            if len(header) > MAX_COLUMNS:
                _fail(N_("The file has %(columns)s columns; Engage reads up to %(most)s"), row=number, columns=f"{len(header):,}",
                      most=MAX_COLUMNS)
            continue
        if not cells:
            continue
        seen += 1
        if limit is not None and seen > limit:
            break
        if seen > cap:
            _fail(N_("The file has more than %(most)s rows of data; Engage imports up to %(most)s at a time. Split it into smaller files"),
                  most=f"{cap:,}")
        rows.append(cells)
        numbers.append(number)
        if progress and seen % 500 == 0:
            progress("reading", seen, max(estimate - header_row, seen))
    if header is None:
        _fail(N_("The file is empty: it has no heading row and no results"))
    if not rows:
        _fail(N_("The file has a heading row but no rows of results under it"), row=header_row + 1)
    total = len(rows) if limit is None or seen <= limit else max(estimate - header_row, len(rows))
    return Sheet(filename=filename, kind=ext, headers=header, rows=rows, row_numbers=numbers, total_rows=total)


def count_rows(filename: str, data: bytes, stop_after: int | None = None) -> int:
    """The rows of data in a file (not blank, under the heading row), counted from the rows
    themselves: a workbook's own claim of its size (its "dimension") can be wrong or made up.
    ``stop_after`` stops counting once there are more rows than that (enough to know a file
    is large), so a large workbook is not read twice. A workbook whose rows (as written,
    blank ones too) or cells already say it is large is not read at all: reading it is work
    for the background."""
    ext = extension_of(filename)
    if ext == "xlsx" and stop_after is not None:
        report = _inspect(data)
        if report.rows - 1 > stop_after or report.cells > stop_after * MAX_COLUMNS // 10:
            return max(report.rows - 1, stop_after + 1)
    rows_iter, _estimate = _xlsx_rows(data) if ext == "xlsx" else _csv_rows(data)
    header_seen, count = False, 0
    try:
        for _number, raw in rows_iter:
            if all(_cell(v) == "" for v in raw):
                continue
            if not header_seen:
                header_seen = True
                continue
            count += 1
            if stop_after is not None and count > stop_after:
                break
    finally:
        close = getattr(rows_iter, "close", None)
        if close:
            close()
    return count


def _csv_rows(data: bytes):
    if data[:4] == b"PK\x03\x04":
        _fail(N_("The file looks like an Excel workbook with a .csv name. Rename it to end in .xlsx, or save it from Excel as CSV UTF-8"))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            _fail(N_("The file cannot be read as text. Save it from your spreadsheet as CSV UTF-8 (Comma delimited)"))
    else:
        if b"\x00" in data[:8192]:
            _fail(N_("The file does not look like a CSV file (it holds binary data). Save it from your spreadsheet as CSV UTF-8 (Comma delimited)"))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            _fail(N_("The file is not saved as UTF-8 text, so some characters cannot be read (the first is on this row). "
                     "In your spreadsheet choose Save As and then CSV UTF-8 (Comma delimited)"), row=line)
    sample = "\n".join(text[:20000].splitlines()[:20])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    estimate = text.count("\n") + (0 if text.endswith("\n") else 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows():
        number = 0
        try:
            for number, row in enumerate(reader, start=1):
                yield number, row
        except csv.Error as error:
            _fail(N_("The file cannot be read as CSV here (%(error)s). Check the quotes on this row"), row=number + 1, error=error)

    return rows(), estimate


UNREADABLE_XLSX = N_("The file is not an Excel workbook Engage can read. Open it in Excel and save it again as an "
                     "Excel Workbook (.xlsx), without a password")


def _inspect(data: bytes) -> uploads.ZipReport:
    """The workbook's real unpacked size, cells and shared strings within the limits
    (engage/core/uploads.py), and no row wider than Excel allows: a file that passes can be
    opened, and its first rows read for a preview, in a moment."""
    try:
        report = uploads.inspect_zip(data, "workbook", damaged=UNREADABLE_XLSX)
    except uploads.UnsafeFile as error:
        _fail(str(error))
    if report.widest > EXCEL_MAX_COLUMNS:
        _fail(N_("A row of the workbook has %(cells)s cells; Excel allows %(most)s. Open it in Excel and save it again, or save "
                 "it as CSV"), cells=f"{report.widest:,}", most=f"{EXCEL_MAX_COLUMNS:,}")
    return report


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = UNREADABLE_XLSX
    try:
        # Real unpacked sizes, cells and shared strings first (a small file can unpack to
        # gigabytes): openpyxl only ever opens a workbook within the limits.
        _inspect(data)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, EOFError):
        _fail(unreadable)
    sheets = [ws for ws in workbook.worksheets if ws.title.strip().lower() not in {"how to fill this in", "instructions", "notes"}]
    if not sheets:
        workbook.close()
        _fail(N_("The workbook has no sheet of results"))
    sheet = sheets[0]
    estimate = sheet.max_row or 0

    def rows():
        try:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, list(row)
        except (KeyError, ValueError, TypeError, zipfile.BadZipFile):
            _fail(unreadable)
        finally:
            workbook.close()

    return rows(), estimate


# ---- column mapping ----------------------------------------------------------------------

def _norm(text) -> str:
    text = str(text or "").casefold().replace("&", " and ")
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


TIDY_GUESSES = {
    "question": {"question", "question text", "questions", "q", "question wording"},
    "option": {"option", "answer", "answer option", "response", "response option", "answers", "options", "choice"},
    "segment": {"segment", "group", "breakdown", "segment label", "sub group", "subgroup", "cross break", "category"},
    "dimension": {"dimension", "segment type", "kind of segment", "breakdown by", "segment dimension", "group type", "kind"},
    "count": {"count", "n", "number", "respondents", "frequency", "total count", "people"},
    "base": {"base", "base size", "total", "answered", "base n", "sample", "sample size"},
    "code": {"code", "question number", "question code", "q no", "qno", "number of question", "ref"},
}
RAW_GUESSES = {
    "segment:ward": {"ward", "ward name", "electoral ward", "home ward"},
    "segment:age": {"age", "age band", "age group", "age range"},
    "segment:sex": {"sex", "gender"},
    "segment:ethnicity": {"ethnicity", "ethnic group", "ethnic origin", "ethnic background"},
    "segment:disability": {"disability", "disabled", "disability status", "long term illness or disability"},
    "id": {"id", "respondent", "respondent id", "respondent number", "response id", "ref", "reference", "serial", "case", "case id", "urn"},
}


def guess_format(headers: list[str]) -> str:
    names = {_norm(h) for h in headers}
    has = lambda role: bool(names & TIDY_GUESSES[role])  # noqa: E731
    return "tidy" if has("count") and has("base") and has("question") else "raw"


def guess_mapping(headers: list[str], fmt: str, rows: list[list] | None = None) -> dict[int, str]:
    """A first guess at each column's role from its heading (and, for raw files, from the
    first rows: a question whose answers hold ";" is taken to allow several answers)."""
    out: dict[int, str] = {}
    if fmt == "tidy":
        used = set()
        for index, heading in enumerate(headers):
            name = _norm(heading)
            role = next((r for r, names in TIDY_GUESSES.items() if name in names and r not in used), "ignore")
            if role != "ignore":
                used.add(role)
            out[index] = role
        return out
    for index, heading in enumerate(headers):
        name = _norm(heading)
        role = next((r for r, names in RAW_GUESSES.items() if name in names), None)
        if role is None:
            role = "question" if name else "ignore"
            if role == "question" and (question_wording(heading)[1]
                                       or rows and any(index < len(r) and ";" in str(r[index]) for r in rows[:50])):
                role = "question-multi"
        out[index] = role
    return out


def mapping_from_names(headers: list[str], fmt: str, pairs: Iterable[str], rows: list[list] | None = None) -> dict[int, str]:
    """Command-line mapping: "Heading=role" pairs on top of the guessed mapping."""
    roles = TIDY_ROLES if fmt == "tidy" else RAW_ROLES
    mapping = guess_mapping(headers, fmt, rows)
    problems = _Problems()
    by_name = {}
    for index, heading in enumerate(headers):
        by_name.setdefault(heading.strip().casefold(), index)
        by_name.setdefault(column_letter(index).casefold(), index)
    for pair in pairs:
        if "=" not in pair:
            problems.add(N_("'%(pair)s' should look like COLUMN=ROLE, for example \"Ward=segment:ward\""), pair=pair)
            continue
        name, role = (part.strip() for part in pair.rsplit("=", 1))
        index = by_name.get(name.casefold())
        if index is None:
            problems.add(N_("The file has no column called '%(name)s'. Its columns are: %(columns)s"), name=name,
                         columns=", ".join(repr(h) for h in headers))
            continue
        if role not in roles:
            problems.add(N_("'%(role)s' is not a role for a %(layout)s file. Choose one of: %(roles)s"), role=role, layout=fmt,
                         roles=", ".join(roles))
            continue
        mapping[index] = role
    problems.raise_if_any()
    return mapping


def check_mapping(sheet: Sheet, fmt: str, mapping: dict[int, str]) -> list[Problem]:
    """Problems with the chosen roles of the columns (before any row is read)."""
    problems: list[Problem] = []
    chosen: dict[str, list[int]] = defaultdict(list)
    for index, role in mapping.items():
        if role != "ignore":
            chosen[role].append(index)
    if fmt == "tidy":
        for role in TIDY_REQUIRED:
            if not chosen.get(role):
                problems.append(Problem(says(CHOOSE_COLUMN[role])))
        for role, indexes in chosen.items():
            if len(indexes) > 1:
                names = " and ".join(f"'{sheet.column_name(i)}'" for i in indexes)
                problems.append(Problem(says(ONE_COLUMN[role], names=names)))
        return problems
    questions = chosen.get("question", []) + chosen.get("question-multi", [])
    if not questions:
        problems.append(Problem(says(N_("Choose at least one column that is a question"))))
    for role in ("id", "segment:ward", "segment:age", "segment:sex", "segment:ethnicity", "segment:disability"):
        indexes = chosen.get(role, [])
        if len(indexes) > 1:
            names = " and ".join(f"'{sheet.column_name(i)}'" for i in indexes)
            problems.append(Problem(says(ONE_RAW_COLUMN[role], names=names)))
    seen: dict[str, int] = {}
    for index in sorted(questions + chosen.get("segment:other", [])):
        heading = sheet.headers[index] if index < len(sheet.headers) else ""
        if not heading:
            problems.append(Problem(says(N_("This column has no heading. Type the question (or the name of the group) in row 1, or "
                                            "choose 'Ignore this column'")), row=1, column=sheet.column_name(index)))
            continue
        key = _norm(heading)
        if key in seen:
            problems.append(Problem(says(N_("Two columns have the same heading (columns %(first)s and %(second)s). Give each "
                                            "question its own heading"), first=column_letter(seen[key]), second=column_letter(index)),
                                    row=1, column=heading))
        seen[key] = index
    return problems


# ---- places and segments -----------------------------------------------------------------

ALL_WORDS = {"", "all", "all respondents", "total", "everyone", "overall", "all people", "base all", "whole sample", "borough", "all residents"}
PRIORITY_WORDS = {"priority wards", "priority ward", "priority", "priority areas", "in priority wards"}
REST_WORDS = {"rest of the borough", "rest of borough", "rest", "other wards", "non priority wards", "not priority wards",
              "elsewhere", "rest of the wards", "outside priority wards"}
DIMENSION_WORDS = {
    "all": "all", "total": "all", "everyone": "all", "overall": "all", "all respondents": "all",
    "ward": "ward", "wards": "ward",
    "area group": "area-group", "priority wards": "area-group", "priority": "area-group", "priority ward": "area-group",
    "age": "age", "age band": "age", "age group": "age", "age range": "age",
    "sex": "sex", "gender": "sex",
    "ethnicity": "ethnicity", "ethnic group": "ethnicity", "ethnic origin": "ethnicity", "ethnic background": "ethnicity",
    "disability": "disability", "disabled": "disability", "disability status": "disability",
    "other": "other",
}
SEX_WORDS = {"male", "female", "man", "woman", "men", "women", "males", "females", "boy", "girl", "boys", "girls"}
DISABILITY_WORDS = {"disabled", "not disabled", "disabled people", "non disabled", "has a disability", "no disability",
                    "disability", "limiting long term illness", "no limiting long term illness"}
ETHNICITY_WORDS = {"white", "white british", "white other", "black", "black british", "asian", "asian british", "mixed",
                   "mixed ethnicity", "bme", "minority ethnic", "black and minority ethnic", "chinese", "other ethnic group",
                   "white irish", "gypsy or irish traveller"}
AGE_PATTERN = re.compile(r"^(aged? )?(\d{1,2}\s*(-|–|to)\s*\d{1,3}|\d{1,2}\s*(\+|and over|or over|plus|and older)|under \d{1,2}|over \d{1,2})( years?)?$", re.I)

SegKey = tuple  # (dimension, label)
EVERYONE = object()  # a respondent's place that is the whole borough: no segment of its own


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", str(text).casefold()).strip("-")[:40] or "other"


# Which level wins when two places share a name: the ward, then the smaller places, then the larger.
_LEVEL_PREFERENCE = {"ward": 0, "neighbourhood": 1, "lsoa": 2, "town": 3, "borough": 4}


@dataclass(frozen=True)
class PlaceInfo:
    area_id: int
    name: str
    level: str
    priority: bool | None  # in a priority ward (None: a town or the borough, which holds both kinds)


class Places:
    """Engage's places (by name or official code), for turning text into segments. Any place
    in the tree is accepted: wards, the neighbourhoods and small areas inside them, towns and
    the borough."""

    def __init__(self):
        rows = db.session.execute(select(Area.id, Area.name, Area.code, Area.level, Area.priority_ward, Area.parent_id)).all()
        by_id = {r.id: r for r in rows}
        self.wards: dict[str, tuple[int, str, bool]] = {}
        self.places: dict[str, PlaceInfo] = {}
        self.borough_names: set[str] = set()

        def ward_of(row):
            node, steps = row, 0
            while node is not None and node.level != "ward" and steps < 10:
                node, steps = by_id.get(node.parent_id), steps + 1
            return node if node is not None and node.level == "ward" else None

        for row in sorted(rows, key=lambda r: (_LEVEL_PREFERENCE.get(r.level, 9), r.id)):
            if row.level == "ward":
                self.wards.setdefault(_norm(row.name), (row.id, row.name, bool(row.priority_ward)))
                if row.code:
                    self.wards.setdefault(_norm(row.code), (row.id, row.name, bool(row.priority_ward)))
            elif row.level == "borough":
                self.borough_names.add(_norm(row.name))
            ward = ward_of(row)
            info = PlaceInfo(row.id, row.name, row.level, bool(ward.priority_ward) if ward is not None else None)
            self.places.setdefault(_norm(row.name), info)
            if row.code:
                self.places.setdefault(_norm(row.code), info)
        self.has_priority = any(p for _, _, p in self.wards.values())
        self._lookups: dict[str, tuple | None] = {}

    def ward(self, text: str):
        key = _norm(text)
        if key not in self._lookups:
            self._lookups[key] = self.wards.get(key) or self.wards.get(re.sub(r"\s*ward$", "", key))
        return self._lookups[key]

    def place(self, text: str) -> PlaceInfo | None:
        key = _norm(text)
        return self.places.get(key) or self.places.get(re.sub(r"\s*ward$", "", key))

    def unknown_ward(self, text: str) -> Text:
        """"'Hale' is not one of Engage's places", with the nearest name when one is close."""
        match = difflib.get_close_matches(_norm(text), list(self.places), n=1, cutoff=0.75)
        if match:
            return says(N_("'%(place)s' is not one of Engage's places. Did you mean '%(suggestion)s'?"), place=text,
                        suggestion=self.places[match[0]].name)
        return says(N_("'%(place)s' is not one of Engage's places. Check the spelling, or ask an officer to add it to "
                       "Engage's places"), place=text)


NOT_SAID = {"prefer not to say", "not known", "unknown", "not stated", "refused", "did not say", "no answer", "not given"}
AGE_EXAMPLES = "like 16-24, 65+ or under 16"


def age_problem(label: str) -> Text | None:
    """A plain message when a value is not an age band (or an age, or "prefer not to say")."""
    key = _norm(label)
    if AGE_PATTERN.match(label.strip()) or key in NOT_SAID or re.fullmatch(r"\d{1,3}", key) and int(key) <= 120:
        return None
    return says(N_("'%(value)s' is not an age band Engage recognises. Write age bands with numbers, like 16-24, 65+ or under 16"),
                value=_shown(label))


def place_segment(places: Places, label: str):
    """(dimension, label, area_id, priority) for a place's name, or None when Engage does not
    have it. A ward is a "ward" segment; a neighbourhood, small area or town is a segment of its
    own level; the borough is everyone ("all")."""
    info = places.place(label)
    if info is None:
        return None
    if info.level == "borough":
        return ("all", ALL_LABEL, None, False)
    return (info.level, info.name, info.area_id, info.priority)


@dataclass
class SegmentInfo:
    dimension: str
    label: str
    area_id: int | None = None
    priority: bool | None = False  # None: a town, which holds priority wards and others


class _Segments:
    """The segments an import uses, keyed by (dimension, label), in order of first use."""

    def __init__(self):
        self.items: dict[SegKey, SegmentInfo] = {}

    def get(self, dimension: str, label: str, area_id: int | None = None, priority: bool | None = False) -> SegKey:
        key = (dimension, label)
        if key not in self.items:
            self.items[key] = SegmentInfo(dimension, label, area_id, priority)
        return key


def _resolve_segment(places: Places, dim_text: str, seg_text: str) -> tuple[tuple | None, str | None, str | None]:
    """(dimension, label, area_id, priority) for tidy-file text, or (None, role to blame, message)."""
    label = re.sub(r"\s+", " ", str(seg_text or "")).strip()
    key = _norm(label)
    dim_key = _norm(dim_text)
    if len(label) > 120:
        return None, "segment", says(N_("the segment must be 120 characters or fewer"))
    if dim_key:
        dimension = DIMENSION_WORDS.get(dim_key) or _slug(dim_text)
    else:
        dimension = None
    if dimension is None:
        if key in ALL_WORDS or key in places.borough_names:
            return ("all", ALL_LABEL, None, False), None, None
        if key in PRIORITY_WORDS:
            return ("area-group", PRIORITY_LABEL, None, True), None, None
        if key in REST_WORDS:
            return ("area-group", REST_LABEL, None, False), None, None
        place = place_segment(places, label)
        if place:
            return place, None, None
        if AGE_PATTERN.match(label):
            return ("age", label, None, False), None, None
        if key in SEX_WORDS:
            return ("sex", label, None, False), None, None
        if key in DISABILITY_WORDS:
            return ("disability", label, None, False), None, None
        if key in ETHNICITY_WORDS:
            return ("ethnicity", label, None, False), None, None
        close = difflib.get_close_matches(key, list(places.places), n=1, cutoff=0.8)
        if close:
            return None, "segment", says(N_("'%(label)s' is not a segment Engage recognises. Did you mean the place '%(place)s'? Use "
                                            "the name of one of Engage's places, 'Priority wards', 'Rest of the borough' or 'All "
                                            "respondents', or add a column saying what kind of group it is (for example age band, "
                                            "sex or ethnicity)"), label=label, place=places.places[close[0]].name)
        return None, "segment", says(N_("'%(label)s' is not a segment Engage recognises. Use the name of one of Engage's places, "
                                        "'Priority wards', 'Rest of the borough' or 'All respondents', or add a column saying what "
                                        "kind of group it is (for example age band, sex or ethnicity)"), label=label)
    if dimension == "all":
        return ("all", ALL_LABEL, None, False), None, None
    if not label:
        return None, "segment", says(N_("the segment is blank: say which group of people the figures are for"))
    if dimension == "ward":
        place = place_segment(places, label)
        if not place:
            return None, "segment", places.unknown_ward(label)
        return place, None, None
    if dimension == "age":
        problem = age_problem(label)
        if problem:
            return None, "segment", problem
    if dimension == "area-group":
        if key in PRIORITY_WORDS:
            return ("area-group", PRIORITY_LABEL, None, True), None, None
        if key in REST_WORDS:
            return ("area-group", REST_LABEL, None, False), None, None
        return None, "segment", says(N_("'%(label)s' should be 'Priority wards' or 'Rest of the borough'"), label=label)
    return (dimension, label, None, False), None, None


# ---- the aggregate an import builds ------------------------------------------------------

@dataclass
class QuestionData:
    text: str
    code: str = ""
    qtype: str = "single"
    options: list[str] = field(default_factory=list)
    option_keys: dict[str, str] = field(default_factory=dict)  # normalised -> label
    figures: dict[tuple[str, SegKey], int] = field(default_factory=dict)  # (option, segment) -> count
    bases: dict[SegKey, int] = field(default_factory=dict)
    # What the public may see of each figure, when the source decided it (a survey's own
    # publication): (option, segment) -> one of models.DISCLOSURES. Empty for files staff
    # import: the consultation database then suppresses the figures itself.
    disclosed: dict[tuple[str, SegKey], str] = field(default_factory=dict)

    def option(self, label: str) -> str:
        key = label.casefold()
        existing = self.option_keys.get(key)
        if existing is None:
            self.option_keys[key] = existing = label
            self.options.append(label)
        return existing


@dataclass
class Aggregate:
    fmt: str
    questions: dict[str, QuestionData] = field(default_factory=dict)  # normalised text -> data
    segments: _Segments = field(default_factory=_Segments)
    rows: int = 0
    respondents: int | None = None

    def question(self, text: str) -> QuestionData:
        key = _question_key(text)
        data = self.questions.get(key)
        if data is None:
            data = self.questions[key] = QuestionData(text=text)
        return data


def _question_key(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def _whole(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,12}", text):
        return int(text)
    if re.fullmatch(r"[+-]?\d{1,12}\.0+", text):
        return int(float(text))
    return None


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _extra_cells(sheet: Sheet, cells: list, number: int, problems: "_Problems") -> None:
    """A row longer than the heading row: a cell in no column (often a row shifted by a stray
    comma), so the row cannot be trusted."""
    if len(cells) <= len(sheet.headers):
        return
    index = next((i for i in range(len(sheet.headers), len(cells)) if cells[i] != ""), len(sheet.headers))
    extra = len(cells) - len(sheet.headers)
    message = (N_("this row has %(extra)s more cell than the heading row: '%(value)s' is in column %(letter)s, which has no "
                  "heading. Delete it, or give the column a heading in row 1") if extra == 1 else
               N_("this row has %(extra)s more cells than the heading row: '%(value)s' is in column %(letter)s, which has no "
                  "heading. Delete it, or give the column a heading in row 1"))
    problems.add(message, number, None, group=("extra-cells",), extra=extra, value=_shown(cells[index]), letter=column_letter(index))


# Instructions people put after a question in a heading, which are not part of its wording:
# "(choose any; separate answers with ;)", "(tick all that apply)", "[select one]".
_INSTRUCTION = re.compile(
    r"\s*[(\[]\s*(?:please\s+)?(?:choose|tick|select|pick|mark|circle|separate|you can|one answer|all that apply|any that apply)"
    r"[^()\[\]]*[)\]]\s*$", re.I)
_SEVERAL = re.compile(r"\b(any|all|several|more than one|multiple|separate answers)\b|;", re.I)


def question_wording(heading: str) -> tuple[str, bool]:
    """(the question's wording without an instruction in brackets at the end, whether the
    instruction says several answers may be chosen)."""
    match = _INSTRUCTION.search(heading or "")
    if not match:
        return (heading or "").strip(), False
    return heading[:match.start()].strip() or heading.strip(), bool(_SEVERAL.search(match.group(0)))


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress and (done % 250 == 0 or done == total):
        progress("checking", done, total)


# ---- tidy files --------------------------------------------------------------------------

def _aggregate_tidy(sheet: Sheet, mapping: dict[int, str], places: Places, progress: Progress | None) -> Aggregate:
    col = {role: index for index, role in mapping.items() if role != "ignore"}
    name = {role: sheet.column_name(index) for role, index in col.items()}
    agg = Aggregate(fmt="tidy")
    problems = _Problems()
    seen_rows: dict[tuple, int] = {}
    bases: dict[tuple, tuple[int, int]] = {}
    total = len(sheet.rows)

    def get(cells, role):
        index = col.get(role)
        return cells[index] if index is not None and index < len(cells) else ""

    for i, (number, cells) in enumerate(zip(sheet.row_numbers, sheet.rows), start=1):
        _tick(progress, i, total)
        if problems.full:
            problems.truncated = True
            break
        ok = True
        if len(cells) > len(sheet.headers):
            _extra_cells(sheet, cells, number, problems)
            ok = False
        question = question_wording(re.sub(r"\s+", " ", str(get(cells, "question"))).strip())[0]
        if not question:
            problems.add(N_("the question is blank"), number, name["question"])
            ok = False
        option = re.sub(r"\s+", " ", str(get(cells, "option"))).strip()
        if not option:
            problems.add(N_("the answer option is blank"), number, name["option"])
            ok = False
        elif len(option) > 300:
            problems.add(N_("the answer option must be 300 characters or fewer"), number, name["option"])
            ok = False
        numbers = {}
        for role in ("count", "base"):
            raw = get(cells, role)
            value = _whole(raw)
            if raw == "":
                problems.add(N_("the count is blank") if role == "count" else N_("the base is blank"), number, name[role])
                ok = False
            elif value is None:
                problems.add(N_("'%(value)s' is not a whole number"), number, name[role], value=_shown(raw))
                ok = False
            elif value < 0:
                problems.add(N_("the count cannot be less than 0") if role == "count" else N_("the base cannot be less than 0"),
                             number, name[role])
                ok = False
            elif role == "base" and value == 0:
                problems.add(N_("the base must be at least 1 (it is the number of people in the group who answered)"), number, name[role])
                ok = False
            numbers[role] = value
        if ok and numbers["count"] > numbers["base"]:
            problems.add(N_("the count (%(count)s) is more than the base (%(base)s)"), number, name["count"],
                         count=f"{numbers['count']:,}", base=f"{numbers['base']:,}")
            ok = False
        resolved, blame, message = _resolve_segment(places, get(cells, "dimension"), get(cells, "segment"))
        if resolved is None:
            column = name.get(blame) or name.get("dimension") or "segment"
            problems.add(message, number, column, group=("segment", message))
            ok = False
        if not ok:
            continue
        dimension, label, area_id, priority = resolved
        seg = agg.segments.get(dimension, label, area_id, priority)
        qkey = _question_key(question)
        row_key = (qkey, option.casefold(), seg)
        if row_key in seen_rows:
            problems.add(N_("this row repeats row %(first)s (the same question, answer and segment)"), number, first=seen_rows[row_key])
            continue
        seen_rows[row_key] = number
        base_key = (qkey, seg)
        if base_key in bases and bases[base_key][0] != numbers["base"]:
            first_base, first_row = bases[base_key]
            problems.add(N_("the base for this question and segment is %(base)s on row %(first)s; it must be the same on every row of "
                            "the question and segment (it is the number of people in the group who answered)"), number, name["base"],
                         base=f"{first_base:,}", first=first_row)
            continue
        bases.setdefault(base_key, (numbers["base"], number))
        data = agg.question(question)
        if not data.code and "code" in col:
            data.code = str(get(cells, "code"))[:40]
        opt = data.option(option)
        data.figures[(opt, seg)] = numbers["count"]
        data.bases[seg] = numbers["base"]
        agg.rows += 1
    problems.raise_if_any()
    for data in agg.questions.values():
        totals: dict[SegKey, int] = defaultdict(int)
        for (opt, seg), count in data.figures.items():
            totals[seg] += count
        if any(totals[seg] > base for seg, base in data.bases.items()):
            data.qtype = "multiple"
        _add_area_groups(agg, data)
    return agg


def _add_area_groups(agg: Aggregate, data: QuestionData) -> None:
    """A tidy file with figures by ward but none for priority wards and the rest of the
    borough: add those groups up from the wards (wards do not overlap, so the sums hold)."""
    if any(seg[0] == "area-group" for seg in data.bases):
        return
    wards = [seg for seg in data.bases if seg[0] == "ward"]
    if not wards:
        return
    groups = {True: [], False: []}
    for seg in wards:
        groups[agg.segments.items[seg].priority].append(seg)
    if not groups[True]:
        return
    for priority, members in groups.items():
        if not members:
            continue
        seg = agg.segments.get("area-group", PRIORITY_LABEL if priority else REST_LABEL, None, priority)
        data.bases[seg] = sum(data.bases[m] for m in members)
        for opt in data.options:
            data.figures[(opt, seg)] = sum(data.figures.get((opt, m), 0) for m in members)


# ---- raw (respondent) files --------------------------------------------------------------

_SCALES = [
    ["very satisfied", "fairly satisfied", "satisfied", "neither satisfied nor dissatisfied", "neither", "dissatisfied", "fairly dissatisfied", "very dissatisfied", "don't know", "dont know"],
    ["strongly agree", "agree", "tend to agree", "neither agree nor disagree", "neither", "tend to disagree", "disagree", "strongly disagree", "don't know", "dont know"],
    ["very good", "good", "fairly good", "neither good nor poor", "neither", "fairly poor", "poor", "very poor", "don't know", "dont know"],
    ["very likely", "fairly likely", "likely", "neither", "unlikely", "fairly unlikely", "very unlikely", "don't know", "dont know"],
    ["a great deal", "a fair amount", "a little", "not very much", "not at all", "don't know", "dont know"],
    ["yes", "no", "not sure", "don't know", "dont know"],
    ["got better", "better", "stayed the same", "the same", "got worse", "worse", "don't know", "dont know"],
]
_CODE = re.compile(r"^(Q\s?\d+[a-z]?)[.:)\s-]+\s*(.+)$", re.I)


def _order_options(data: QuestionData, all_seg: SegKey) -> None:
    keys = [o.casefold().replace("’", "'") for o in data.options]
    for scale in _SCALES:
        if all(k in scale for k in keys):
            data.options.sort(key=lambda o: scale.index(o.casefold().replace("’", "'")))
            if scale[0] != "yes":
                data.qtype = "scale"
            return
    if all(re.fullmatch(r"-?\d+(\.\d+)?", k) for k in keys):
        data.options.sort(key=float)
        data.qtype = "scale" if data.qtype == "single" else data.qtype
        return
    data.options.sort(key=lambda o: (-data.figures.get((o, all_seg), 0), o.casefold()))


def _aggregate_raw(sheet: Sheet, mapping: dict[int, str], places: Places, progress: Progress | None) -> Aggregate:
    agg = Aggregate(fmt="raw")
    problems = _Problems()
    question_cols: list[tuple[int, QuestionData, bool]] = []
    segment_cols: list[tuple[int, str]] = []
    id_col = None
    for index in sorted(mapping):
        role = mapping[index]
        if role in ("question", "question-multi"):
            heading = sheet.headers[index]
            match = _CODE.match(heading)
            code, text = (match.group(1).replace(" ", "").upper(), match.group(2)) if match else ("", heading)
            text, _ = question_wording(text)
            data = agg.question(text)
            data.code = code
            data.qtype = "multiple" if role == "question-multi" else "single"
            question_cols.append((index, data, role == "question-multi"))
        elif role.startswith("segment:"):
            dimension = role.split(":", 1)[1]
            if dimension == "other":
                dimension = _slug(sheet.headers[index])
            segment_cols.append((index, dimension))
        elif role == "id":
            id_col = index
    all_seg = agg.segments.get("all", ALL_LABEL)
    # Per-question tallies keyed by segment index (ints are cheaper than tuples in the loop).
    seg_keys: list[SegKey] = [all_seg]
    seg_index: dict[SegKey, int] = {all_seg: 0}
    seg_label_keys: dict[tuple[str, str], SegKey] = {}
    counts = [defaultdict(int) for _ in question_cols]  # (seg, option) -> count
    bases = [defaultdict(int) for _ in question_cols]   # seg -> base
    option_labels: list[dict[str, str]] = [{} for _ in question_cols]
    seen_ids: dict[str, int] = {}
    respondents = 0
    total = len(sheet.rows)
    priority_seg = rest_seg = None
    if places.has_priority and any(dim == "ward" for _, dim in segment_cols):
        priority_seg = agg.segments.get("area-group", PRIORITY_LABEL, None, True)
        rest_seg = agg.segments.get("area-group", REST_LABEL, None, False)
        for key in (priority_seg, rest_seg):
            seg_index[key] = len(seg_keys)
            seg_keys.append(key)

    def segment_of(dimension: str, value: str, number: int, column: str) -> int | None:
        key = (dimension, value.casefold())
        seg = seg_label_keys.get(key)
        if seg is None:
            if dimension == "ward":
                place = place_segment(places, value)
                if place is None:
                    problems.add(places.unknown_ward(value), number, column, group=("ward", value.casefold()))
                    return None
                if place[0] == "all":
                    return EVERYONE  # the whole borough: everyone is in it already
                seg = agg.segments.get(*place)
            elif dimension == "age" and age_problem(value):
                problems.add(age_problem(value), number, column, group=("age", value.casefold()))
                return None
            else:
                if len(value) > 120:
                    problems.add(N_("the value must be 120 characters or fewer"), number, column)
                    return None
                seg = agg.segments.get(dimension, value)
            seg_label_keys[key] = seg
            if seg not in seg_index:
                seg_index[seg] = len(seg_keys)
                seg_keys.append(seg)
                if sum(1 for k in seg_keys if k[0] == dimension) > MAX_SEGMENT_VALUES:
                    problems.add(N_("this column has more than %(most)s different values, so it does not look like a way to group "
                                    "people. Choose 'Ignore this column' or 'A question' for it"), None, column, group=("many", column),
                                 most=MAX_SEGMENT_VALUES)
        return seg_index[seg]

    for i, (number, cells) in enumerate(zip(sheet.row_numbers, sheet.rows), start=1):
        _tick(progress, i, total)
        if problems.full:
            problems.truncated = True
            break
        width = len(cells)
        shifted = width > len(sheet.headers)
        if shifted:  # reported, and the rest of the row is still checked so every problem shows at once
            _extra_cells(sheet, cells, number, problems)
        if id_col is not None:
            rid = str(cells[id_col]) if id_col < width else ""
            if rid:
                if rid in seen_ids:
                    problems.add(N_("this row has the same respondent number (%(number)s) as row %(first)s"), number,
                                 sheet.column_name(id_col), number=_shown(rid), first=seen_ids[rid])
                    continue
                seen_ids[rid] = number
        segs = [0]
        bad = shifted
        for index, dimension in segment_cols:
            value = cells[index] if index < width else ""
            if value == "":
                continue
            value = re.sub(r"\s+", " ", str(value)).strip()
            s = segment_of(dimension, value, number, sheet.column_name(index))
            if s is None:
                bad = True
                continue
            if s is EVERYONE:
                continue
            if s not in segs:
                segs.append(s)
            if dimension == "ward" and priority_seg is not None:
                info = agg.segments.items[seg_keys[s]]
                if info.priority is not None:  # a town holds both kinds of ward: neither group
                    group = seg_index[priority_seg] if info.priority else seg_index[rest_seg]
                    if group not in segs:
                        segs.append(group)
        if bad:
            continue
        answered = False
        for qi, (index, data, multi) in enumerate(question_cols):
            value = cells[index] if index < width else ""
            if value == "":
                continue
            text = str(value)
            answers = [a.strip() for a in text.split(";")] if multi else [text]
            labels = option_labels[qi]
            chosen = []
            for answer in answers:
                if not answer:
                    continue
                key = answer.casefold()
                label = labels.get(key)
                if label is None:
                    if len(answer) > 300:
                        problems.add(N_("the answer is longer than 300 characters, so this looks like an open comment. Choose 'Ignore "
                                        "this column' for it"),
                                     number, sheet.column_name(index), group=("long", index))
                        continue
                    if len(labels) >= MAX_OPTIONS_PER_QUESTION:
                        problems.add(N_("this question has more than %(most)s different answers, so it looks like open comments. "
                                        "Choose 'Ignore this column' for it"), number, sheet.column_name(index), group=("many", index),
                                     most=MAX_OPTIONS_PER_QUESTION)
                        continue
                    labels[key] = label = answer
                if label not in chosen:
                    chosen.append(label)
            if not chosen:
                continue
            answered = True
            base, count = bases[qi], counts[qi]
            for s in segs:
                base[s] += 1
                for label in chosen:
                    count[(s, label)] += 1
        if answered:
            respondents += 1
    problems.raise_if_any()
    for qi, (index, data, multi) in enumerate(question_cols):
        if not bases[qi]:
            problems.add(N_("nobody answered this question. Choose 'Ignore this column' for it, or check the column"), None,
                         sheet.column_name(index))
            continue
        data.options = list(option_labels[qi].values())
        for s, base in bases[qi].items():
            seg = seg_keys[s]
            data.bases[seg] = base
        for (s, label), count in counts[qi].items():
            data.figures[(label, seg_keys[s])] = count
        # Every option gets a figure in every segment that answered (0 when nobody chose it).
        for seg in data.bases:
            for label in data.options:
                data.figures.setdefault((label, seg), 0)
        _order_options(data, all_seg)
    problems.raise_if_any()
    agg.rows = len(sheet.rows)
    agg.respondents = respondents
    return agg


def aggregate(sheet: Sheet, fmt: str, mapping: dict[int, str], progress: Progress | None = None) -> Aggregate:
    problems = check_mapping(sheet, fmt, mapping)
    if problems:
        raise ImportProblems(problems)
    places = Places()
    if fmt == "tidy":
        return _aggregate_tidy(sheet, mapping, places, progress)
    return _aggregate_raw(sheet, mapping, places, progress)


# ---- saving ------------------------------------------------------------------------------

@dataclass
class Summary:
    filename: str
    fmt: str
    questions_added: int = 0
    questions_replaced: int = 0
    options: int = 0
    figures: int = 0
    segments_added: int = 0
    rows: int = 0
    respondents: int | None = None
    responses_set: bool = False
    seconds: float = 0.0
    question_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def sentence(self) -> str:
        count = self.questions_added + self.questions_replaced
        text = f"Imported {count:,} question{'s' if count != 1 else ''}"
        if self.questions_replaced:
            text += f" ({self.questions_replaced:,} replacing earlier results)"
        text += f" with {self.figures:,} figures"
        if self.respondents is not None:
            text += f" from {self.respondents:,} respondents"
        return text + f" in {self.filename}"


def existing_conflicts(consultation: Consultation, agg: Aggregate) -> list[Question]:
    existing = {_question_key(q.text): q for q in consultation.questions}
    return [existing[key] for key in agg.questions if key in existing]


def already_has_results(conflicts: list, tick: bool = False) -> Text:
    """"This consultation already has results for 2 of the questions in the file: 'A'; 'B'. ..."
    with what to do: choose (the command line) or tick (the page) "Replace earlier results"."""
    names = "; ".join(f"'{_shown(q.text)}'" for q in conflicts[:5])
    more = len(conflicts) - 5
    if tick and more > 0:
        message = N_("This consultation already has results for %(count)s of the questions in the file: %(names)s and %(more)s "
                     "more. Tick 'Replace earlier results of the same questions' to overwrite them, or take those questions out "
                     "of the file")
    elif tick:
        message = N_("This consultation already has results for %(count)s of the questions in the file: %(names)s. Tick "
                     "'Replace earlier results of the same questions' to overwrite them, or take those questions out of the file")
    elif more > 0:
        message = N_("This consultation already has results for %(count)s of the questions in the file: %(names)s and %(more)s "
                     "more. Choose 'Replace earlier results of the same questions' to overwrite them, or take those questions "
                     "out of the file")
    else:
        message = N_("This consultation already has results for %(count)s of the questions in the file: %(names)s. Choose "
                     "'Replace earlier results of the same questions' to overwrite them, or take those questions out of the file")
    return says(message, count=len(conflicts), names=names, more=max(more, 0))


def save(actor, consultation: Consultation, agg: Aggregate, *, filename: str, replace: bool = False) -> Summary:
    """Write the aggregate to the consultation (flush, no commit). Questions it already has
    results for are replaced only when ``replace`` is true; otherwise nothing is written."""
    from .services import can_edit

    # The command line (no actor) is the server's own administrator; a person must be an editor.
    if actor is not None and not can_edit(actor, consultation):
        _fail(N_("You cannot add results to this consultation: only its organisation and partnership officers can."))
    summary = Summary(filename=filename, fmt=agg.fmt, rows=agg.rows, respondents=agg.respondents)
    existing = {_question_key(q.text): q for q in consultation.questions}
    conflicts = [existing[key] for key in agg.questions if key in existing]
    if conflicts and not replace:
        _fail(already_has_results(conflicts))

    # Segments: reuse the consultation's own, add the new ones.
    segments = {(s.dimension, s.label): s for s in consultation.segments}
    used = {seg for data in agg.questions.values() for seg in data.bases}
    for key, info in agg.segments.items.items():
        if key in used and key not in segments:
            seg = Segment(consultation_id=consultation.id, dimension=info.dimension, label=info.label, area_id=info.area_id)
            db.session.add(seg)
            segments[key] = seg
            summary.segments_added += 1
    # Questions: new ones go after the last; replaced ones keep their place (and findings).
    position = max((q.position for q in consultation.questions), default=0)
    replaced_ids = [q.id for q in conflicts]
    if replaced_ids:
        db.session.execute(delete(ResultFigure).where(ResultFigure.question_id.in_(replaced_ids)))
        db.session.execute(delete(AnswerOption).where(AnswerOption.question_id.in_(replaced_ids)))
        for q in conflicts:
            db.session.expire(q, ["options", "figures"])
    questions: list[tuple[Question, QuestionData]] = []
    for key, data in agg.questions.items():
        q = existing.get(key)
        if q is None:
            position += 1
            q = Question(consultation_id=consultation.id, position=position, code=data.code, text=data.text, qtype=data.qtype, themes="")
            db.session.add(q)
            summary.questions_added += 1
        else:
            q.qtype = data.qtype
            if data.code:
                q.code = data.code
            summary.questions_replaced += 1
        questions.append((q, data))
    db.session.flush()

    option_rows = [{"question_id": q.id, "position": pos, "label": label}
                   for q, data in questions for pos, label in enumerate(data.options, start=1)]
    option_ids: dict[tuple[int, str], int] = {}
    if option_rows:
        ids = db.session.scalars(insert(AnswerOption).returning(AnswerOption.id, sort_by_parameter_order=True), option_rows).all()
        for row, option_id in zip(option_rows, ids):
            option_ids[(row["question_id"], row["label"])] = option_id
    figure_rows = []
    for q, data in questions:
        for (label, seg), count in data.figures.items():
            figure_rows.append({"question_id": q.id, "option_id": option_ids[(q.id, label)], "segment_id": segments[seg].id,
                                "count": count, "base": data.bases[seg], "disclosure": data.disclosed.get((label, seg))})
    for start in range(0, len(figure_rows), 5000):
        db.session.execute(insert(ResultFigure), figure_rows[start:start + 5000])
    summary.options = len(option_rows)
    summary.figures = len(figure_rows)
    summary.question_ids = [q.id for q, _ in questions]

    if agg.respondents and consultation.responses is None:
        consultation.responses = agg.respondents
        summary.responses_set = True
    # Touch the consultation so that search re-indexes it (with its new questions) after commit.
    consultation.updated_at = utcnow()
    audit.record(actor, "import", consultation, summary.sentence(), changes={
        "file": filename, "format": agg.fmt, "questions_added": summary.questions_added,
        "questions_replaced": summary.questions_replaced, "figures": summary.figures,
        "respondents": agg.respondents, "question_ids": summary.question_ids,
    })
    db.session.flush()
    db.session.expire(consultation, ["questions", "segments"])
    return summary


def import_results(actor, consultation: Consultation, filename: str, data: bytes | None = None, *, sheet: Sheet | None = None,
                   fmt: str | None = None, mapping: dict[int, str] | None = None, replace: bool = False,
                   progress: Progress | None = None) -> Summary:
    """Read, check, aggregate and save a results file: all or nothing (the caller commits).
    Give the file's bytes, or a ``sheet`` already read with ``read_file``."""
    started = time.perf_counter()
    if sheet is None:
        sheet = read_file(filename, data or b"", progress=progress)
    fmt = fmt or guess_format(sheet.headers)
    if fmt not in FORMATS:
        _fail(N_("Choose whether the file is tidy or raw"))
    if mapping is None:
        mapping = guess_mapping(sheet.headers, fmt, sheet.rows)
    agg = aggregate(sheet, fmt, mapping, progress=progress)
    if progress:
        progress("saving", len(sheet.rows), len(sheet.rows))
    summary = save(actor, consultation, agg, filename=filename, replace=replace)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


# ---- templates to download ---------------------------------------------------------------

def _example_wards() -> tuple[str, str]:
    places = Places()
    priority = next((name for _, name, p in places.wards.values() if p), "Castlefields")
    other = next((name for _, name, p in places.wards.values() if not p), "Grange")
    return priority, other


def template_rows(fmt: str) -> list[list]:
    priority, other = _example_wards()
    if fmt == "tidy":
        q1 = "How satisfied are you with your local area as a place to live?"
        q2 = "Which of these would most improve your area?"
        rows = [["question_number", "question", "option", "dimension", "segment", "count", "base"]]
        for option, counts in (("Very or fairly satisfied", (1620, 410, 1210, 70)),
                               ("Neither satisfied nor dissatisfied", (380, 110, 270, 18)),
                               ("Very or fairly dissatisfied", (500, 180, 320, 12))):
            rows.append(["Q1", q1, option, "all", ALL_LABEL, counts[0], 2500])
            rows.append(["Q1", q1, option, "area-group", PRIORITY_LABEL, counts[1], 700])
            rows.append(["Q1", q1, option, "area-group", REST_LABEL, counts[2], 1800])
            rows.append(["Q1", q1, option, "ward", priority, counts[3], 100])
        rows.append(["Q2", q2, "Cleaner streets", "all", ALL_LABEL, 1025, 2500])
        rows.append(["Q2", q2, "Less crime and anti-social behaviour", "all", ALL_LABEL, 900, 2500])
        rows.append(["Q2", q2, "Cleaner streets", "age", "16-24", 90, 300])
        rows.append(["Q2", q2, "Less crime and anti-social behaviour", "age", "16-24", 120, 300])
        return rows
    return [
        ["respondent_id", "ward", "age_band", "sex", "ethnicity", "disability",
         "Q1 How satisfied are you with your local area as a place to live?",
         "Q2 Which of these would most improve your area?"],
        [1, priority, "16-24", "Female", "White British", "No", "Fairly satisfied", "Cleaner streets;Better parks"],
        [2, other, "65+", "Male", "White British", "Yes", "Very dissatisfied", "Less crime and anti-social behaviour"],
        [3, other, "35-44", "Female", "Mixed", "No", "Neither satisfied nor dissatisfied", "Cleaner streets"],
    ]


TEMPLATE_NOTES = {
    "tidy": [
        "One row per figure: how many people in a group (the segment) gave an answer (count), out of how many in that group answered the question (base).",
        "The base must be the same on every row of a question and segment, and the count can never be more than the base.",
        "dimension says what kind of group the segment is: all, ward, area-group (Priority wards or Rest of the borough), age, sex, ethnicity, disability, or any other word.",
        "Ward names must match Engage's places. Give figures by ward and Engage adds up priority wards and the rest of the borough for you.",
        "question_number and dimension are optional. Delete the example rows before you fill in your own.",
    ],
    "raw": [
        "One row per person who answered, one column per question (the heading is the question; start it with Q1, Q2 … to keep the numbers).",
        "Equality columns (ward, age band, sex, ethnicity, disability) become groups the results are broken down by; leave a cell blank if the person did not say.",
        "Ward names must match Engage's places; Engage also works out priority wards and the rest of the borough.",
        "For a question where people could choose several answers, separate the answers with ; and choose 'several answers' when you import.",
        "Leave out open comments, or choose 'Ignore this column' for them. Delete the example rows before you fill in your own.",
    ],
}


def template_file(fmt: str, kind: str) -> bytes:
    rows = template_rows(fmt)
    if kind == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        return buffer.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Results" if fmt == "tidy" else "Responses"
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGH", (16, 50, 30, 14, 22, 10, 10, 50)):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("How to fill this in")
    notes.column_dimensions["A"].width = 120
    notes.append(["How to fill in this template"])
    notes["A1"].font = Font(bold=True)
    for line in TEMPLATE_NOTES[fmt]:
        notes.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- the command line --------------------------------------------------------------------

def _register_command():
    import click

    from ..cli import engage_cli

    @engage_cli.command("import-results")
    @click.argument("consultation_id", type=int)
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--format", "fmt", type=click.Choice(["tidy", "raw", "auto"]), default="auto", show_default=True,
                  help="tidy: one row per figure; raw: one row per respondent. auto guesses from the headings.")
    @click.option("--mapping", "pairs", multiple=True, metavar="COLUMN=ROLE",
                  help="Say what a column holds, e.g. --mapping \"Ward=segment:ward\" or --mapping \"N=count\". Repeatable; "
                       "columns not named are guessed from their headings.")
    @click.option("--replace", is_flag=True, help="Replace earlier results of questions the consultation already has.")
    @click.option("--user", "email", default=None, help="Email of the account the import is recorded against (default: none).")
    def import_results_command(consultation_id, file, fmt, pairs, replace, email):
        """Import results from a CSV or XLSX FILE into consultation CONSULTATION_ID (all or nothing)."""
        from pathlib import Path

        from ..accounts.models import User

        consultation = db.session.get(Consultation, consultation_id)
        if consultation is None:
            raise click.ClickException(f"There is no consultation number {consultation_id}")
        actor = None
        if email:
            actor = db.session.scalar(select(User).where(User.email == email.strip().lower()))
            if actor is None:
                raise click.ClickException(f"There is no account with the email {email}")
        path = Path(file)
        data = path.read_bytes()
        bar = None

        def progress(phase, done, total):
            nonlocal bar
            if phase == "checking":
                if bar is None:
                    bar = click.progressbar(length=max(total, 1), label="Checking rows", show_pos=True)
                    bar.__enter__()
                bar.update(done - bar.pos)
            elif phase == "saving" and bar is not None:
                bar.update(bar.length - bar.pos)
                bar.__exit__(None, None, None)
                bar = None
                click.echo("Saving results…")

        try:
            sheet = read_file(path.name, data)
            chosen = guess_format(sheet.headers) if fmt == "auto" else fmt
            mapping = mapping_from_names(sheet.headers, chosen, pairs, sheet.rows)
            summary = import_results(actor, consultation, path.name, sheet=sheet, fmt=chosen, mapping=mapping, replace=replace, progress=progress)
            db.session.commit()
        except ImportProblems as error:
            db.session.rollback()
            if bar is not None:
                bar.__exit__(None, None, None)
            for message in error.messages:
                click.echo(message, err=True)
            raise click.ClickException("Nothing was imported. Fix the problems above and try again.")
        click.echo(f"{summary.sentence()} into '{consultation.title}' in {summary.seconds:.1f} seconds.")
        if summary.responses_set:
            click.echo(f"The consultation's number of responses was blank, so it is now {summary.respondents:,}.")


_register_command()
