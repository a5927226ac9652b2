"""Paper and phone answers entered by staff, and answers collected by another tool imported
from CSV. Both record the channel and who entered them; both store a response once even
if the form or the file is sent twice (a submission key, unique in the database).
"""
from __future__ import annotations

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core import audit
from ..core.i18n import gettext as _
from ..extensions import db
from . import answering, structure
from . import questions as qtypes
from .models import CHANNELS, SurveyResponse
from ..core import clock

ENTRY_CHANNELS = {k: v for k, v in CHANNELS.items() if k in ("paper", "phone", "face-to-face")}
EMAIL_ERROR = -2   # the key of the email box's error in ``Entered.errors`` (questions use their ids)
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000


class EntryProblems(Exception):
    """What stops a file (or a form) being stored. ``cells`` are the problems that belong to
    one place in the file, as (row number, column heading, message), for the preview table."""

    def __init__(self, problems: list[str], cells: list[tuple[int, str, str]] | None = None):
        super().__init__("; ".join(problems[:3]))
        self.problems = problems
        self.cells = cells or []


@dataclass
class Entered:
    response: SurveyResponse | None
    errors: dict[int, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    duplicate: bool = False
    form_error: str = ""
    # The address written on the paper form to hear what happens next: the view keeps it
    # apart from the answers, in a transaction of its own after theirs (as online).
    email: str | None = None


class AlreadySaved(Exception):
    """This paper form (its submission key) was stored by another request a moment ago."""

    def __init__(self, key: str):
        super().__init__("These answers were already saved")
        self.key = key


def saved_with(key: str) -> SurveyResponse | None:
    """The response stored from the paper form with this submission key, if any."""
    return db.session.scalar(select(SurveyResponse).where(SurveyResponse.submission_key == key)) if key else None


def new_key() -> str:
    return secrets.token_hex(16)


def read_all(survey, form) -> tuple[dict, dict]:
    """Every question of the survey read from a staff form (the paper entry page, a
    correction): the answers given (by question id, as text) and the errors (by question id).
    A blank answer is no error here: paper forms and corrections may leave questions out."""
    answers, errors = {}, {}
    for q in structure.ordered_questions(survey):
        kind = qtypes.type_of(q)
        try:
            value = kind.parse(q, form)
        except qtypes.Invalid as error:
            errors[q.id] = str(error)
            continue
        if not kind.empty(value):
            answers[str(q.id)] = value
    return answers, errors


def enter(actor, survey, form) -> Entered:
    """One paper or phone response from the staff entry form (flush, no commit)."""
    from .builder import can_manage

    if not can_manage(actor, survey):
        return Entered(None, form_error=_("You cannot enter answers for this survey"))
    key = (form.get("submission_key") or "").strip()[:64]
    if not key or not key.isalnum():
        return Entered(None, form_error=_("This form is missing its key. Reload the page and enter the answers again"))
    existing = db.session.scalar(select(SurveyResponse).where(SurveyResponse.submission_key == key))
    if existing is not None:
        return Entered(existing, duplicate=True)
    channel = form.get("channel", "")
    if channel not in ENTRY_CHANNELS:
        return Entered(None, errors={0: _("Select how these answers were given")})
    answers, errors = read_all(survey, form)
    code = None
    code_text = (form.get("access_code") or "").strip()
    if code_text:
        try:
            code = answering.check_code(survey, code_text)
        except answering.AnswerError as error:
            errors[-1] = error.message
    email = None
    if survey.ask_contact and (form.get("contact_email") or "").strip():
        try:
            email = answering.clean_email(form.get("contact_email"))
        except answering.AnswerError as error:
            errors[EMAIL_ERROR] = error.message
    if errors:
        return Entered(None, errors=errors)
    if not answers:
        return Entered(None, form_error=_("Enter at least one answer"))
    kept = structure.prune(survey, answers)
    numbers = structure.numbers(survey)
    dropped = [numbers[int(k)] for k in answers if k not in kept]
    try:
        response = answering.store_complete(survey, kept, channel=channel, entered_by=actor, submission_key=key,
                                            access_code=code)
    except IntegrityError:
        # The same form sent twice at the same moment (a double click, two tabs): the other
        # request stored it first, and the database's unique key on the form's submission key
        # refused this copy. The view rolls back and says it was already saved.
        raise AlreadySaved(key) from None
    audit.record(actor, "enter", response, f"{ENTRY_CHANNELS[channel]} answers entered for {survey.title}",
                 changes={"channel": channel, "reference": response.reference})
    return Entered(response, dropped=dropped, email=email)


# ---- CSV import --------------------------------------------------------------------------

def columns(survey) -> list[str]:
    numbers = structure.numbers(survey)
    out = ["channel"]
    for q in structure.ordered_questions(survey):
        out.extend(qtypes.type_of(q).columns(q, numbers[q.id]))
    return out


def template_csv(survey) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(columns(survey))
    return buffer.getvalue()


@dataclass
class ImportCheck:
    rows: list[tuple[int, str, dict]]   # (row number, channel, answers)
    digest: str
    filename: str


def check_file(survey, filename: str, data: bytes, progress=None) -> ImportCheck:
    """Read and check every row; problems name the row (the heading is row 1) and column.
    ``progress(phase, done, total)`` hears how far the check has got."""
    if not filename.lower().endswith(".csv"):
        raise EntryProblems([_("Choose a CSV file (.csv)")])
    if len(data) > MAX_IMPORT_BYTES:
        raise EntryProblems([_("The file must be smaller than 10 MB")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EntryProblems([_("The file must be saved as UTF-8 CSV")])
    reader = csv.DictReader(io.StringIO(text))
    headers = [(h or "").strip() for h in (reader.fieldnames or [])]
    numbers = structure.numbers(survey)
    known = set(columns(survey))
    unknown = [h for h in headers if h and h not in known]
    if not headers or not (set(headers) & (known - {"channel"})):
        raise EntryProblems([_("The file's headings must be the question numbers, like Q1, Q2 and Q5.1 for statements. "
                               "Download the template to see them")])
    problems = [_("Column ‘%(column)s’ is not a question of this survey", column=h[:40]) for h in unknown[:10]]
    cells: list[tuple[int, str, str]] = [(1, h[:40], _("This is not a question of this survey")) for h in unknown[:10]]
    total = max(len(text.splitlines()) - 1, 1)   # data rows (a cell split over lines makes this a little high)
    rows = []
    for n, raw in enumerate(reader, start=2):
        if progress is not None and (n - 1) % 200 == 0:
            progress("checking", min(n - 1, total), total)
        if n - 1 > MAX_IMPORT_ROWS:
            problems.append(_("The file has more than %(max)s rows", max=f"{MAX_IMPORT_ROWS:,}"))
            break
        row = {(k or "").strip(): (v if isinstance(v, str) else "") for k, v in raw.items()}
        if not any(v.strip() for v in row.values()):
            continue
        channel = (row.get("channel") or "").strip().lower() or "import"
        if channel not in CHANNELS:
            problems.append(_("Row %(row)s, column ‘channel’: use one of %(channels)s", row=n, channels=", ".join(CHANNELS)))
            cells.append((n, "channel", _("Use one of %(channels)s", channels=", ".join(CHANNELS))))
        answers = {}
        for q in structure.ordered_questions(survey):
            kind = qtypes.type_of(q)
            try:
                value = kind.import_cells(q, numbers[q.id], row)
            except qtypes.Invalid as error:
                problems.append(_("Row %(row)s, column ‘%(column)s’: %(problem)s", row=n, column=numbers[q.id], problem=error))
                cells.append((n, numbers[q.id], str(error)))
                continue
            if not kind.empty(value):
                answers[str(q.id)] = value
        if answers:
            rows.append((n, channel, answers))
        if len(problems) >= 50:
            problems.append(_("Checking stopped after 50 problems"))
            break
    if problems:
        raise EntryProblems(problems, cells)
    if progress is not None:
        progress("checking", total, total)
    if not rows:
        raise EntryProblems([_("The file has no answers in it")])
    digest = hashlib.sha256(data).hexdigest()
    already = db.session.scalar(select(SurveyResponse.id).where(SurveyResponse.submission_key == f"{digest[:48]}-{rows[0][0]}"))
    if already is not None:
        raise EntryProblems([_("This file has already been imported into this survey")])
    return ImportCheck(rows, digest, filename)


def import_rows(actor, survey, check: ImportCheck, progress=None) -> int:
    """Store every checked row (flush, no commit: the caller commits once, so a failure
    part way leaves nothing)."""
    total = len(check.rows)
    for done, (n, channel, answers) in enumerate(check.rows, start=1):
        answering.store_complete(survey, answers, channel=channel, entered_by=actor,
                                 submission_key=f"{check.digest[:48]}-{n}")
        if progress is not None and (done % 100 == 0 or done == total):
            progress("saving", done, total)
    audit.record(actor, "import", survey, f"{len(check.rows):,} responses imported into {survey.title} from {check.filename}",
                 changes={"file": check.filename, "responses": len(check.rows)})
    db.session.flush()
    return len(check.rows)


def stamp() -> str:
    return clock.local_now().strftime("%Y%m%d-%H%M")
