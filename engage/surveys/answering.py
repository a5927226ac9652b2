"""Answering a survey, with no account: drafts saved page by page, resuming with a link or
code, checking answers, and submitting exactly once.

A draft is a ``SurveyResponse`` with status "draft" whose answers sit in ``draft`` (JSON).
Submitting turns it into a complete response in one statement that only succeeds once
(``status = 'draft'`` in its WHERE clause), writes the answer rows and commits: the person
is told their answers are saved only after that commit, so an acknowledged answer is never
lost, and sending the same page twice stores one answer.
"""
from __future__ import annotations

from ..core.i18n import N_, gettext as _

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import insert, select, update

from ..core.params import to_id
from ..core.models import utcnow
from ..extensions import db
from . import structure
from . import questions as qtypes
from .models import SurveyAccessCode, SurveyAnswer, SurveyContact, SurveyResponse
from ..core import clock

SECRET_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
DRAFT_DAYS = 30  # unless ENGAGE_SURVEY_DRAFT_DAYS says otherwise


class AnswerError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class MissingAnswers(AnswerError):
    """A required question shown for these answers has none; ``page`` is where it is."""

    def __init__(self, page: int):
        super().__init__("Some questions still need an answer")
        self.page = page


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.strip().lower().replace("-", "").replace(" ", "").encode()).hexdigest()


def new_secret() -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(12))


def show_secret(secret: str) -> str:
    """The resume code as people read it: three groups of four."""
    return "-".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def show_reference(reference: str) -> str:
    return f"{reference[:4]}-{reference[4:]}" if len(reference) == 8 else reference


# ---- access codes ------------------------------------------------------------------------

def find_code(survey, text: str) -> SurveyAccessCode | None:
    code = (text or "").strip().upper().replace("-", "").replace(" ", "")[:12]
    if not code.isalnum():
        return None
    return db.session.scalar(select(SurveyAccessCode).where(SurveyAccessCode.survey_id == survey.id, SurveyAccessCode.code == code))


def check_code(survey, text: str) -> SurveyAccessCode:
    found = find_code(survey, text)
    if found is None:
        raise AnswerError(_("That access code is not right. Check it against your letter and try again"))
    if found.used:
        raise AnswerError(_("That access code has already been used to answer this survey"))
    return found


# ---- drafts ------------------------------------------------------------------------------

def _site_language() -> str:
    from ..core import i18n

    return i18n.default_language()


def answering_language(survey) -> str:
    """The version a resident is answering in: the language (or easy read) they read the
    survey in when it is offered in it, else the site's own language. Kept with a complete
    response so results can say how many answered in each (answers are stored against the
    question, so everyone is counted together)."""
    from ..core import content, i18n

    reading = content.reading_language()
    if reading != i18n.default_language() and reading in content.offered_languages("survey", survey.id):
        return reading
    return i18n.default_language()


def start(survey, *, preview: bool = False, access_code: SurveyAccessCode | None = None, channel: str = "online") -> tuple[SurveyResponse, str]:
    """A new draft and the secret that resumes it (kept by the person, stored only hashed)."""
    if not preview and survey.state != "open":
        raise AnswerError(_("This survey is not open"))
    secret = new_secret()
    response = SurveyResponse(survey_id=survey.id, status="preview" if preview else "draft", channel=channel,
                              reference=new_reference(), resume_hash=_hash(secret), draft={}, last_page=0,
                              access_code_id=access_code.id if access_code else None,
                              language=answering_language(survey))
    db.session.add(response)
    db.session.flush()
    return response, secret


def secret_hash(secret: str | None) -> str | None:
    """What a response stores of its secret (``resume_hash``); None for no usable secret."""
    if not secret or len(secret) > 40:
        return None
    return _hash(secret)


def load(survey, secret: str | None) -> SurveyResponse | None:
    hashed = secret_hash(secret)
    if hashed is None:
        return None
    response = db.session.scalar(select(SurveyResponse).where(SurveyResponse.resume_hash == hashed))
    if response is None or response.survey_id != survey.id:
        return None
    return response


def answers_of(response: SurveyResponse) -> dict:
    return dict(response.draft or {})


@dataclass
class PageResult:
    answers: dict
    errors: dict[int, str] = field(default_factory=dict)   # question id -> message
    values: dict[int, object] = field(default_factory=dict)  # what to show again


def page_of(survey, index: int) -> structure.Page | None:
    all_pages = structure.pages(survey)
    return all_pages[index] if 0 <= index < len(all_pages) else None


def visible_on(survey, page: structure.Page, answers: dict) -> list:
    by_id = {q.id: q for q in survey.questions}
    return structure.visible_questions(page, answers, by_id)


def read_page(survey, response, page: structure.Page, form, *, skip: bool = False, require: bool = True) -> PageResult:
    """Check the answers sent for one page. Nothing is saved when there is any error.
    ``require=False`` (saving to come back later): a required question left blank is no error."""
    answers = answers_of(response)
    result = PageResult(answers=answers)
    shown = visible_on(survey, page, answers)
    for q in page.questions:
        answers.pop(str(q.id), None)
    if skip:
        return result
    for q in shown:
        kind = qtypes.type_of(q)
        try:
            value = kind.parse(q, form)
        except qtypes.Invalid as error:
            result.errors[q.id] = str(error)
            continue
        if kind.empty(value):
            if q.required and require:
                result.errors[q.id] = required_message(q)
            continue
        result.values[q.id] = value
        answers[str(q.id)] = value
    return result


# What to do when a required question is left blank, naming the question (translated).
WORDED = {
    "single": N_("Select an answer to ‘%(question)s’"),
    "multiple": N_("Select at least one answer to ‘%(question)s’"),
    "short_text": N_("Enter your answer to ‘%(question)s’"),
    "long_text": N_("Enter your answer to ‘%(question)s’"),
    "number": N_("Enter your answer to ‘%(question)s’"),
    "date": N_("Enter your answer to ‘%(question)s’"),
    "grid": N_("Answer each statement of ‘%(question)s’"),
    "ranking": N_("Number the options in order for ‘%(question)s’"),
}


def required_message(q) -> str:
    """What to do, said with the question's own words: "Select how often you use your local
    park", not "Select an answer" (GOV.UK error messages)."""
    from ..core import content, i18n

    if content.reading_language() != i18n.default_language():
        # The English rule below turns the question's own words into the instruction; other
        # languages (and easy read) name the question instead.
        return _(WORDED.get(q.qtype, WORDED["single"]), question=_shorten(content.text_for(q, "text")))
    verb = {"multiple": "Select", "short_text": "Enter", "long_text": "Enter", "number": "Enter", "date": "Enter",
            "grid": "Answer each statement about", "ranking": "Number, in order,"}.get(q.qtype, "Select")
    about = what_is_asked(q.text)
    if q.qtype == "multiple":
        return f"Select at least one answer about {about}" if about else "Select at least one answer"
    if q.qtype == "ranking":
        return f"Number the options in order for {about}" if about else "Number the options in order"
    if q.qtype == "grid":
        return f"{verb} {about}" if about else "Answer each statement"
    if about:
        return f"{verb} {about}"
    what = {"Select": "an answer", "Enter": "your answer"}.get(verb, "an answer")
    return f"{verb} {what} to ‘{_shorten(q.text)}’"


_WH = r"how often|how much|how many|how long|how far|how|which \w+|what \w+|when|where|why|who"
_AUX = r"do|did|does|are|were|is|have|has|would|will|can|could|should"


def what_is_asked(text: str) -> str:
    """A question turned into the words an instruction ends with: "How often do you use your
    local park?" -> "how often you use your local park"; "Do you use the park?" -> "whether
    you use the park"; "What is your age?" -> "your age". Empty when no rule fits."""
    text = " ".join((text or "").split()).rstrip(" ?.")
    match = re.fullmatch(rf"({_WH}) ({_AUX}) you (.+)", text, re.IGNORECASE)
    if match:
        return f"{match.group(1).lower()} you {match.group(3)}"
    match = re.fullmatch(rf"({_AUX}) you (.+)", text, re.IGNORECASE)
    if match:
        aux = match.group(1).lower()
        return f"whether you {match.group(2)}" if aux in ("do", "does", "did") else f"whether you {aux} {match.group(2)}"
    match = re.fullmatch(r"what (?:is|are) (your .+)", text, re.IGNORECASE)
    if match:
        return match.group(1)
    return ""


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def save_page(response, page_index: int, answers: dict) -> None:
    response.draft = answers
    response.last_page = page_index
    response.updated_at = utcnow()
    db.session.flush()


def next_page(survey, answers: dict, index: int) -> int | None:
    """The next page with anything to show after ``index`` (None: go to check answers)."""
    all_pages = structure.pages(survey)
    for page in all_pages[index + 1:]:
        if visible_on(survey, page, answers):
            return page.index
    return None


def previous_page(survey, answers: dict, index: int) -> int | None:
    all_pages = structure.pages(survey)
    for page in reversed(all_pages[:max(index, 0)]):
        if visible_on(survey, page, answers):
            return page.index
    return None


def first_page(survey, answers: dict) -> int | None:
    return next_page(survey, answers, -1)


def progress(survey, answers: dict, index: int) -> tuple[int, int]:
    """(this page's number, pages shown for these answers so far)."""
    shown = [p.index for p in structure.pages(survey) if visible_on(survey, p, answers) or p.index == index]
    return (shown.index(index) + 1 if index in shown else 1), len(shown)


def missing_required(survey, answers: dict) -> tuple[int, object] | None:
    """The first visible required question left unanswered: (page index, question)."""
    return _missing_in_pruned(survey, structure.prune(survey, answers))


def _missing_in_pruned(survey, kept: dict) -> tuple[int, object] | None:
    for page in structure.pages(survey):
        for q in visible_on(survey, page, kept):
            if q.required and qtypes.type_of(q).empty(kept.get(str(q.id))):
                return page.index, q
    return None


def summary(survey, answers: dict) -> list[tuple[structure.Page, list[tuple[object, str]]]]:
    """For "check your answers": each page shown, with its questions and answers in words."""
    kept = structure.prune(survey, answers)
    out = []
    for page in structure.pages(survey):
        shown = visible_on(survey, page, kept)
        if shown:
            out.append((page, [(q, qtypes.type_of(q).display(q, kept.get(str(q.id)))) for q in shown]))
    return out


def clean_email(text: str) -> str | None:
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > 254:
        raise AnswerError(_("Enter an email address of 254 characters or fewer"))
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise AnswerError(_("Enter an email address in the correct format, like name@example.com"))


# ---- submitting --------------------------------------------------------------------------

def answer_rows(survey, response_id: int, answers: dict) -> list[dict]:
    by_id = {q.id: q for q in survey.questions}
    rows = []
    for key, value in answers.items():
        q = by_id.get(to_id(key))
        if q is None:
            continue
        kind = qtypes.type_of(q)
        value = kind.check(q, value)
        if kind.empty(value):
            continue
        for row in kind.rows(q, value):
            rows.append({"response_id": response_id, "question_id": q.id, "option_id": row.get("option_id"),
                         "row_id": row.get("row_id"), "number": row.get("number"), "text": row.get("text"),
                         "day": row.get("day"), "area_id": row.get("area_id")})
    return rows


def ward_of(survey, answers: dict) -> int | None:
    for q in structure.ordered_questions(survey):
        if q.qtype == "area" and answers.get(str(q.id)):
            return int(answers[str(q.id)])
    return None


def submit(survey, response: SurveyResponse) -> bool:
    """Complete a draft. True when this call completed it; False when it was already
    complete (the same page sent twice), in which case nothing more is stored.

    The complete response keeps no link to the access code it was started with: the code is
    only marked used. A "tell me what happens next" address is not written here but by
    ``add_contact`` in a transaction of its own, after this one commits."""
    answers = structure.prune(survey, answers_of(response))
    missing = _missing_in_pruned(survey, answers)
    if missing:
        raise MissingAnswers(missing[0])
    if response.status == "preview":
        return True
    # Everything read and worked out before the first write, so the write lock (SQLite) or
    # the row lock (PostgreSQL) is held only for the three writes and the commit.
    rows = answer_rows(survey, response.id, answers)
    ward_id = ward_of(survey, answers)
    now = utcnow()
    code_id = response.access_code_id
    done = db.session.execute(
        update(SurveyResponse).where(SurveyResponse.id == response.id, SurveyResponse.status == "draft")
        .values(status="complete", submitted_at=now, updated_at=now, draft=None, resume_hash=None,
                ward_id=ward_id, access_code_id=None, language=answering_language(survey))
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        return False
    if code_id:
        mark_code_used(code_id, "That access code has already been used to answer this survey")
    insert_answers(rows)
    db.session.expire(response)
    return True


def store_complete(survey, answers: dict, *, channel: str, entered_by=None, submission_key: str | None = None,
                   access_code: SurveyAccessCode | None = None, submitted_at=None, is_demo: bool = False) -> SurveyResponse:
    """A complete response in one go (paper and phone entry, imports, demo data). An access
    code is marked used; the response keeps no link to it."""
    answers = structure.prune(survey, answers)
    now = submitted_at or utcnow()
    response = SurveyResponse(survey_id=survey.id, status="complete", channel=channel, reference=new_reference(),
                              submission_key=submission_key, entered_by_id=getattr(entered_by, "id", None),
                              created_at=now, updated_at=now,
                              submitted_at=now, ward_id=ward_of(survey, answers), is_demo=is_demo,
                              language=_site_language())
    db.session.add(response)
    db.session.flush()
    if access_code is not None:
        mark_code_used(access_code.id, "That access code has already been used")
    insert_answers(answer_rows(survey, response.id, answers))
    return response


def mark_code_used(code_id: int, message: str) -> None:
    """Mark a code used, once (a compare-and-set on ``used``): only that it was used is kept,
    never when, since a time of use would match the response's time."""
    used = db.session.execute(
        update(SurveyAccessCode).where(SurveyAccessCode.id == code_id, SurveyAccessCode.used.is_(False))
        .values(used=True).execution_options(synchronize_session=False)).rowcount
    if used != 1:
        raise AnswerError(message)


def insert_answers(rows: list[dict]) -> None:
    """All of a response's answer rows in one statement (an executemany on the table: every
    row has every column, so the database gets one batch, not one INSERT per kind of row)."""
    if rows:
        db.session.execute(insert(SurveyAnswer.__table__), rows)


# ---- contacts: kept apart from answers ---------------------------------------------------

def add_contact(survey, email: str) -> SurveyContact:
    """Keep an address to tell about the results. Call it in its own transaction, after the
    answers are committed (``views_public.check`` does): written with the response, it would
    share the response's transaction (PostgreSQL's ``xmin``) and its moment. It carries a
    random key and the day only (see ``SurveyContact``)."""
    contact = SurveyContact(survey_id=survey.id, consultation_id=survey.consultation_id, key=secrets.token_hex(16),
                            email=email, created_on=clock.today())
    db.session.add(contact)
    db.session.flush()
    return contact


def contact_addresses(consultation_id: int) -> list[tuple[str, str]]:
    rows = db.session.execute(select(SurveyContact.key, SurveyContact.email)
                              .where(SurveyContact.consultation_id == consultation_id).order_by(SurveyContact.key)).all()
    return [(key, email) for key, email in rows]


def contact_languages(consultation_id: int) -> dict[str, list[str]]:
    """For each address, the languages other than the site's own that the survey it was given
    on is offered in (Welsh...), so the "what happened" emails can be written in them too. Not
    the language the person answered in: that stays with the response, and an address must
    never be matched to a response."""
    from ..core import content, i18n

    others = [code for code in i18n.languages() if code != i18n.default_language()]
    rows = db.session.execute(select(SurveyContact.key, SurveyContact.survey_id)
                              .where(SurveyContact.consultation_id == consultation_id)).all()
    offered: dict[int, list[str]] = {}
    out = {}
    for key, survey_id in rows:
        if survey_id not in offered:
            languages = content.offered_languages("survey", survey_id)
            offered[survey_id] = [code for code in others if code in languages]
        if offered[survey_id]:
            out[key] = offered[survey_id]
    return out


def forget_contacts(consultation_id: int, keys) -> int:
    from sqlalchemy import delete

    keys = [str(k) for k in keys]
    if not keys:
        return 0
    total = 0
    for start_at in range(0, len(keys), 500):
        total += db.session.execute(delete(SurveyContact).where(
            SurveyContact.consultation_id == consultation_id, SurveyContact.key.in_(keys[start_at:start_at + 500]))).rowcount
    return total


def draft_days() -> int:
    """How long saved, unfinished answers can be carried on (ENGAGE_SURVEY_DRAFT_DAYS)."""
    from flask import current_app, has_app_context

    days = current_app.config.get("ENGAGE_SURVEY_DRAFT_DAYS", DRAFT_DAYS) if has_app_context() else DRAFT_DAYS
    return max(1, int(days))


def drafts_cutoff():
    """Drafts last saved before this can no longer be carried on, and are purged."""
    return utcnow() - timedelta(days=draft_days())


def is_expired(response: SurveyResponse) -> bool:
    return response.status == "draft" and response.updated_at is not None and response.updated_at < drafts_cutoff()
