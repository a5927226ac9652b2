"""One response at a time: the survey's editors find a response (by the reference residents
are told to keep, channel, date and ward), see it as the resident saw it, correct it, set it
aside as a duplicate or spam (and put it back), or erase it at the person's request.

- A correction is a new version of the response (``SurveyResponse`` is ``Versioned``,
  engage/core/concurrency.py): the page carries the version it showed; a correction saved by
  someone else since is an ``EditConflict``. Only the questions whose answers changed are
  rewritten (the comment coding of the others stays). Recorded: who, when, why, and each
  changed question's answer before and after (``SurveyResponseEvent``).
- Setting aside and putting back are moves (engage/core/transitions.py): a compare-and-set on
  ``set_aside``; two clicks make one move.
- Erasing is a move from "complete" to "erased": the answers (and so their comment codes), the
  ward worked out from them, its paper form's key, and every earlier event (which may quote
  the answers) are deleted; so are the "tell me what happens next" addresses the person names
  (they are kept apart from answers, so only the address itself can find them). What stays is
  the reference and one event with no content: who, when, and the reason's category.

Every result follows at once, because every result selects responses through
``models.counted``; results already published to the consultation database are written
again (``publishing.follow``). Every function checks that the person may change the survey.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, select

from ..core import audit, concurrency, transitions
from ..core.i18n import N_, gettext as _
from ..core.models import utcnow
from ..core.params import to_id
from ..core.sanitise import clean_text
from ..extensions import db
from . import answering, entry, structure
from . import questions as qtypes
from .builder import BuildError, can_manage
from .models import CHANNELS, SET_ASIDE, SurveyAnswer, SurveyContact, SurveyResponse, SurveyResponseEvent, counted
from ..core import clock

PER_PAGE = 25
# Why a response was erased: categories only, never the person's words.
ERASE_REASONS = {
    "request": N_("The person asked us to erase their answers"),
    "consent": N_("The person withdrew their consent"),
    "someone-else": N_("Someone answered for them without their agreement"),
    "legal": N_("Another legal reason"),
}
ACTIONS = {"corrected": N_("Corrected"), "duplicate": N_("Set aside as a duplicate"), "spam": N_("Set aside as spam"),
           "restored": N_("Put back into the results"), "erased": N_("Erased")}
SHOWN = ("complete", "erased")


def _check(actor, survey) -> None:
    if actor is None or not can_manage(actor, survey):
        raise BuildError(_("You cannot change this survey's responses. Only its consultation's organisation and "
                           "partnership officers can."))


def counted_total(survey) -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyResponse).where(counted(survey.id))) or 0


def normal_reference(text: str) -> str:
    """What people type for a reference: any case, with or without the dash or spaces."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:20]


# ---- finding responses -------------------------------------------------------------------

@dataclass
class Filters:
    reference: str = ""
    channel: str = ""
    ward_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    show: str = ""                      # "" everything | counted | set-aside | erased
    errors: dict[str, str] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)


def _day(text: str, message: str, errors: dict, name: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isascii():  # strptime reads "٢٠٢٦" as 2026: dates are written in 0-9 only
        errors[name] = message
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        pass
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d %m %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    errors[name] = message
    return None


def read_filters(args) -> Filters:
    """The search form's values from a query string; bad values get a message, never a 500."""
    raw = {k: (args.get(k) or "").strip()[:40] for k in ("reference", "channel", "ward", "from", "to", "show")}
    f = Filters(raw=raw)
    f.reference = normal_reference(raw["reference"])
    if raw["channel"] and raw["channel"] not in CHANNELS:
        f.errors["channel"] = _("Choose a channel from the list")
    else:
        f.channel = raw["channel"]
    if raw["ward"]:
        f.ward_id = to_id(raw["ward"])
        if f.ward_id is None:
            f.errors["ward"] = _("Choose a ward from the list")
    f.date_from = _day(raw["from"], _("Enter the first day as a date, like 25/12/2026"), f.errors, "from")
    f.date_to = _day(raw["to"], _("Enter the last day as a date, like 25/12/2026"), f.errors, "to")
    if f.date_from and f.date_to and f.date_to < f.date_from:
        f.errors["to"] = _("The last day must be the same as or after the first day")
    f.show = raw["show"] if raw["show"] in ("counted", "set-aside", "erased") else ""
    return f


def search(survey, f: Filters):
    """The responses matching the filters, newest first (a select, for ``paginate``)."""
    query = select(SurveyResponse).where(SurveyResponse.survey_id == survey.id, SurveyResponse.status.in_(SHOWN))
    if f.reference:
        query = query.where(SurveyResponse.reference.contains(f.reference, autoescape=True))
    if f.channel:
        query = query.where(SurveyResponse.channel == f.channel)
    if f.ward_id:
        query = query.where(SurveyResponse.ward_id == f.ward_id)
    if f.date_from:
        query = query.where(SurveyResponse.submitted_at >= clock.start_of_day(f.date_from))
    if f.date_to:
        query = query.where(SurveyResponse.submitted_at < clock.end_of_day(f.date_to))
    if f.show == "counted":
        query = query.where(counted(survey.id))
    elif f.show == "set-aside":
        query = query.where(SurveyResponse.status == "complete", SurveyResponse.set_aside.is_not(None))
    elif f.show == "erased":
        query = query.where(SurveyResponse.status == "erased")
    return query.order_by(SurveyResponse.submitted_at.desc(), SurveyResponse.id.desc())


def get_response(actor, survey, response_id) -> SurveyResponse | None:
    """A complete or erased response of this survey (None for anything else: drafts and
    previews are the resident's own)."""
    _check(actor, survey)
    number = to_id(response_id)
    response = db.session.get(SurveyResponse, number) if number else None
    if response is None or response.survey_id != survey.id or response.status not in SHOWN:
        return None
    return response


def stored_answers(survey, response) -> dict[str, object]:
    """The response's answers in the answering journey's form ({question id: value})."""
    by_question: dict[int, list] = {}
    for row in response.answers:
        by_question.setdefault(row.question_id, []).append(row)
    out = {}
    for q in survey.questions:
        rows = by_question.get(q.id)
        if rows:
            value = qtypes.type_of(q).from_rows(q, rows)
            if value is not None:
                out[str(q.id)] = value
    return out


def shown_answers(survey, answers: dict) -> list[tuple[str, str, str]]:
    """(number, question, answer as words) for each answered question, in the survey's order:
    what the resident saw on "Check your answers"."""
    numbers = structure.numbers(survey)
    out = []
    for q in structure.ordered_questions(survey):
        value = answers.get(str(q.id))
        if value is not None:
            out.append((numbers[q.id], q.text, qtypes.type_of(q).display(q, value)))
    return out


def history(response) -> list[SurveyResponseEvent]:
    return db.session.scalars(select(SurveyResponseEvent).where(SurveyResponseEvent.response_id == response.id)
                              .order_by(SurveyResponseEvent.at.desc(), SurveyResponseEvent.id.desc())).all()


def _event(actor, response, action: str, *, reason: str = "", category: str = "", changes=None) -> SurveyResponseEvent:
    event = SurveyResponseEvent(response_id=response.id, action=action, actor_id=actor.id, at=utcnow(), reason=reason,
                                category=category, changes=changes)
    db.session.add(event)
    return event


def _reason(text: str, field_name: str = "reason") -> str:
    reason = clean_text(text or "")
    if not reason:
        raise BuildError(_("Say why, so that others can see why it was done"), field_name)
    if len(reason) > 1000:
        raise BuildError(_("The reason must be 1,000 characters or fewer"), field_name)
    return reason


def _follow(actor, survey, change: int = 0) -> None:
    from . import publishing

    publishing.follow(actor, survey, change)


# ---- correcting --------------------------------------------------------------------------

@dataclass
class Correction:
    changed: list[str] = field(default_factory=list)   # question numbers
    errors: dict[int, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)


def correct(actor, survey, response, form, *, reason: str, version) -> Correction:
    """Correct a complete response from the staff form (the entry form's questions, filled in
    with its answers). ``version`` is the response's version the form showed. Flushes."""
    _check(actor, survey)
    if response.status != "complete":
        raise BuildError(_("This response was erased: there is nothing to correct"))
    concurrency.check(response, version)
    before = stored_answers(survey, response)
    answers, errors = entry.read_all(survey, form)
    if errors:
        return Correction(errors=errors)
    reason = _reason(reason)
    if not answers:
        raise BuildError(_("Enter at least one answer. To take the whole response out, erase it or set it aside"))
    kept = structure.prune(survey, answers)
    numbers = structure.numbers(survey)
    by_id = {q.id: q for q in survey.questions}
    dropped = [numbers[int(k)] for k in answers if k not in kept]
    changed_ids = [q.id for q in structure.ordered_questions(survey)
                   if before.get(str(q.id)) != kept.get(str(q.id))]
    if not changed_ids:
        raise BuildError(_("None of the answers has changed. Change an answer, or go back"))
    changes = {}
    for qid in changed_ids:
        q = by_id[qid]
        kind = qtypes.type_of(q)
        old, new = before.get(str(qid)), kept.get(str(qid))
        changes[numbers[qid]] = [kind.display(q, old) if old is not None else "(no answer)",
                                 kind.display(q, new) if new is not None else "(no answer)"]
    # Only the changed questions' rows are rewritten: the others keep their comment coding.
    db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id == response.id,
                                                  SurveyAnswer.question_id.in_(changed_ids)))
    answering.insert_answers(answering.answer_rows(survey, response.id, {str(q): kept[str(q)] for q in changed_ids
                                                                         if str(q) in kept}))
    db.session.expire(response, ["answers"])
    response.ward_id = answering.ward_of(survey, kept)
    response.updated_at = utcnow()
    _event(actor, response, "corrected", reason=reason, changes=changes)
    # The audit trail names the questions only: answers may be erased later, the trail stays.
    audit.record(actor, "update", response, f"Survey response {response.reference} corrected",
                 changes={"questions": [None, ", ".join(changes)]})
    concurrency.flush(response)
    _follow(actor, survey)
    return Correction(changed=list(changes), dropped=dropped)


# ---- duplicates and spam -----------------------------------------------------------------

def set_aside(actor, survey, response, kind: str, reason: str) -> None:
    """Leave a response out of every result as a duplicate or spam; it is kept, and can be put back."""
    _check(actor, survey)
    if kind not in SET_ASIDE:
        raise BuildError(_("Choose duplicate or spam"), "kind")
    if response.status != "complete":
        raise BuildError(_("This response was erased: there is nothing to set aside"))
    if response.set_aside is not None:
        raise BuildError({"duplicate": _("This response is already set aside as a duplicate"),
                          "spam": _("This response is already set aside as spam")}[response.set_aside])
    reason = _reason(reason)
    transitions.compare_and_set(response, {"status": "complete", "set_aside": None}, {"set_aside": kind},
                                done="changed this response")
    _event(actor, response, kind, reason=reason)
    audit.record(actor, "set-aside", response, f"Survey response {response.reference} set aside as {SET_ASIDE[kind].lower()}",
                 changes={"set_aside": [None, kind]})
    db.session.flush()
    _follow(actor, survey, -1)


def restore(actor, survey, response, reason: str) -> None:
    """Put a response set aside back into the results."""
    _check(actor, survey)
    if response.status != "complete" or response.set_aside is None:
        raise BuildError(_("This response is not set aside"))
    reason = _reason(reason)
    was = response.set_aside
    transitions.compare_and_set(response, {"status": "complete", "set_aside": was}, {"set_aside": None},
                                done="changed this response")
    _event(actor, response, "restored", reason=reason)
    audit.record(actor, "restore", response, f"Survey response {response.reference} put back into the results",
                 changes={"set_aside": [was, None]})
    db.session.flush()
    _follow(actor, survey, 1)


# ---- erasing -----------------------------------------------------------------------------

def erase(actor, survey, response, category: str, email: str = "") -> int:
    """Erase a response at the person's request. Returns how many "tell me what happens next"
    addresses were deleted with it (found by the address the person gives: nothing else can
    find them). Flushes."""
    _check(actor, survey)
    if category not in ERASE_REASONS:
        raise BuildError(_("Choose why the response is being erased"), "category")
    email = (email or "").strip()
    if email and ("@" not in email or len(email) > 254):
        raise BuildError(_("Enter the email address the way the person gave it, like name@example.com"), "email")
    if response.status != "complete":
        raise BuildError(_("This response has already been erased"))
    was_counted = response.set_aside is None
    transitions.compare_and_set(response, {"status": "complete"},
                                {"status": "erased", "set_aside": None, "ward_id": None, "submission_key": None,
                                 "resume_hash": None, "draft": None, "access_code_id": None, "updated_at": utcnow()},
                                done="erased this response")
    # Answers go, and with them their comment codes (the link rows are deleted with the answer).
    db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id == response.id))
    db.session.execute(delete(SurveyResponseEvent).where(SurveyResponseEvent.response_id == response.id))
    contacts = 0
    if email:
        contacts = db.session.execute(delete(SurveyContact).where(
            SurveyContact.survey_id == survey.id, func.lower(SurveyContact.email) == email.lower())).rowcount
    db.session.expire(response, ["answers"])
    _event(actor, response, "erased", category=category)
    audit.record(actor, "erase", response, f"Survey response {response.reference} erased", changes={"category": category})
    db.session.flush()
    _follow(actor, survey, -1 if was_counted else 0)
    return contacts
