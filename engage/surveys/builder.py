"""Building surveys: settings, sections, questions, options, the equality monitoring
section, locking once there are answers, new versions and deletes. Conditions (which
questions and sections are shown for which answers) are in ``conditions.py``.

Services check who may act, check every rule before changing anything, record the change
in the audit trail and flush; the view commits once.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from flask import abort
from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import joinedload, undefer

from ..consultations import services as consultations
from ..core import audit, concurrency
from ..core.errors import not_found
from ..core.i18n import gettext as _, ngettext
from ..core.models import utcnow
from ..core.params import to_id
from ..core.sanitise import clean_text
from ..extensions import db
from . import equality, structure
from . import questions as qtypes
from .errors import BuildError
from .models import PAPER_COPIES, PAPER_RETURN, Survey, SurveyAnswer, SurveyOption, SurveyQuestion, SurveyResponse, SurveySection
from .question_values import (FREE_TEXT_CHOICES, OTHER_LABEL, OUT_OF_BASE_TYPES, apply_list, mark_exclusive,  # noqa: F401
                              mark_out_of_base, values_of)

CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
MAX_QUESTIONS = 200


# ---- who may do what ---------------------------------------------------------------------

def can_manage(user, survey_or_consultation) -> bool:
    consultation = getattr(survey_or_consultation, "consultation", survey_or_consultation)
    return consultations.can_edit(user, consultation)


def get_survey(survey_id) -> Survey:
    number = to_id(survey_id)
    survey = db.session.get(Survey, number) if number else None
    if survey is None:
        not_found(_("There is no survey with that number."))
    return survey


def get_for_manage(user, survey_id) -> Survey:
    """404 if this person may not see the consultation, 403 if they may not change it."""
    survey = get_survey(survey_id)
    if not consultations.can_view(user, survey.consultation):
        not_found(_("There is no survey with that number."))
    if not can_manage(user, survey):
        abort(403)
    return survey


def get_for_public(user, survey_id) -> Survey:
    survey = get_survey(survey_id)
    if not consultations.can_view(user, survey.consultation):
        not_found(_("There is no survey with that number."))
    return survey


def get_for_handout(user, survey_id) -> Survey:
    """The survey for its paper version and poster: public while it is open or about to
    open; a draft or a closed survey only for its editors (a draft may still change, and a
    closed one takes no more answers)."""
    survey = get_for_public(user, survey_id)
    if survey.state not in ("open", "scheduled") and not can_manage(user, survey):
        not_found(_("This survey is not open, so there is no paper copy or poster for it."))
    return survey


# Loader options are immutable: built once (on first use, once every model is mapped), not on
# every page of the journey.
_LOADS: dict[str, tuple] = {}


def _with_consultation() -> tuple:
    found = _LOADS.get("consultation")
    if found is None:
        found = _LOADS["consultation"] = (joinedload(Survey.consultation), undefer(Survey.database_generation))
    return found


def get_for_answering(user, survey_id, *, with_structure: bool = True) -> Survey:
    """``get_for_public`` for the answering journey: the survey with its consultation (one
    query) and its structure (sections, questions, options, conditions) from the snapshot
    kept per process for the row's ``structure_version``. ``with_structure=False`` (the
    start page as it is shown) loads the survey and its consultation only: loading 18
    questions and their options was most of that page's work, for nothing it shows."""
    from . import snapshot

    number = to_id(survey_id)
    survey = db.session.get(Survey, number, options=_with_consultation()) if number else None
    if survey is None or not consultations.can_view(user, survey.consultation):
        not_found(_("There is no survey with that number."))
    if with_structure:
        # The structure from this process's snapshot while the row's structure_version says
        # it is current (engage/surveys/snapshot.py): no ORM objects built per request.
        return snapshot.for_answering(survey)
    return survey


def _survey_with_draft():
    """The survey (with its consultation) and the response to it with a given secret's hash:
    one statement, built once (SQLAlchemy then keeps its compiled form and cache key)."""
    found = _LOADS.get("with draft")
    if found is None:
        found = _LOADS["with draft"] = (
            select(Survey, SurveyResponse)
            .outerjoin(SurveyResponse, and_(SurveyResponse.survey_id == Survey.id,
                                            SurveyResponse.resume_hash == bindparam("draft_hash")))
            .where(Survey.id == bindparam("survey_id")).options(*_with_consultation()))
    return found


def get_with_draft(user, survey_id, secret: str | None, *, with_structure: bool = True) -> tuple[Survey, SurveyResponse | None]:
    """``get_for_answering`` and the browser's response to this survey (the one whose secret
    is ``secret``; None when there is none, or it belongs to another survey) in one statement
    (two before, on every page of the journey). Whether that response may go on (complete,
    expired) is the caller's to decide, as with ``answering.load``."""
    from . import answering, snapshot

    number = to_id(survey_id)
    hashed = answering.secret_hash(secret)
    if not number or hashed is None:
        return get_for_answering(user, survey_id, with_structure=with_structure), None
    row = db.session.execute(_survey_with_draft(), {"survey_id": number, "draft_hash": hashed}).first()
    survey, response = row if row is not None else (None, None)
    if survey is None or not consultations.can_view(user, survey.consultation):
        not_found("There is no survey with that number.")
    return (snapshot.for_answering(survey) if with_structure else survey), response


def get_by_code(code: str) -> Survey:
    code = (code or "").strip().lower()[:12]
    survey = db.session.scalar(select(Survey).where(Survey.code == code)) if code.isalnum() else None
    if survey is None:
        not_found(_("There is no survey at that short link. Check you typed it as it is on the poster."))
    return survey


def _check_manage(actor, survey_or_consultation) -> None:
    """``actor`` None is the system itself (the command line and the demo seeder)."""
    if actor is not None and not can_manage(actor, survey_or_consultation):
        raise BuildError(_("You cannot change this survey. Only its consultation's organisation and partnership officers can."))


# ---- answers lock the structure ----------------------------------------------------------

def answer_count(survey: Survey) -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.status == "complete")) or 0


def option_answer_counts(question: SurveyQuestion) -> dict[int, int]:
    rows = db.session.execute(
        select(SurveyAnswer.option_id, func.count()).join(SurveyResponse)
        .where(SurveyAnswer.question_id == question.id, SurveyResponse.status == "complete", SurveyAnswer.option_id.is_not(None))
        .group_by(SurveyAnswer.option_id)).all()
    counts = dict(rows)
    rows = db.session.execute(
        select(SurveyAnswer.row_id, func.count()).join(SurveyResponse)
        .where(SurveyAnswer.question_id == question.id, SurveyResponse.status == "complete", SurveyAnswer.row_id.is_not(None))
        .group_by(SurveyAnswer.row_id)).all()
    for key, count in rows:
        counts[key] = counts.get(key, 0) + count
    return counts


def question_answer_count(question: SurveyQuestion) -> int:
    return db.session.scalar(select(func.count(func.distinct(SurveyAnswer.response_id))).join(SurveyResponse).where(
        SurveyAnswer.question_id == question.id, SurveyResponse.status == "complete")) or 0


# ---- surveys -----------------------------------------------------------------------------

def new_code() -> str:
    for _attempt in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(6))
        if db.session.scalar(select(Survey.id).where(Survey.code == code)) is None:
            return code
    raise RuntimeError("could not find a free short code")


def _clean_settings(data: dict) -> dict:
    out = {}
    limits = {"title": 200, "introduction": 5000, "privacy_notice": 5000, "results_note": 2000}
    for name, limit in limits.items():
        value = clean_text(data.get(name) or "")
        if len(value) > limit:
            raise BuildError(_("This must be %(limit)s characters or fewer", limit=f"{limit:,}"), name)
        out[name] = value
    if not out["title"]:
        raise BuildError(_("Enter a title"), "title")
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if opens is not None and not isinstance(opens, datetime) or closes is not None and not isinstance(closes, datetime):
        raise BuildError(_("Enter a real date"), "opens_at")
    if closes and not opens:
        raise BuildError(_("Enter the date the survey opens as well as the date it closes"), "opens_at")
    if opens and closes and closes <= opens:
        raise BuildError(_("The closing date must be after the opening date"), "closes_at")
    out["opens_at"], out["closes_at"] = opens, closes
    retention = data.get("retention_days")
    if retention is None or isinstance(retention, bool) or not isinstance(retention, int) or not 1 <= retention <= 3650:
        raise BuildError(_("Enter how many days to keep personal data, from 1 to 3,650"), "retention_days")
    out["retention_days"] = retention
    for flag in ("one_per_browser", "codes_required", "ask_contact"):
        out[flag] = bool(data.get(flag))
    for name, default in (("paper_return", PAPER_RETURN), ("paper_copies", PAPER_COPIES)):
        if name in data:   # callers that do not offer these (the API, the demo) keep what is stored
            value = clean_text(data.get(name) or "")
            if len(value) > 300:
                raise BuildError(_("This must be 300 characters or fewer"), name)
            out[name] = value or default
    area_id = data.get("population_area_id")
    if area_id is not None:
        from ..partnership.models import Area

        area = db.session.get(Area, area_id) if to_id(area_id) else None
        if area is None:
            raise BuildError(_("Choose an area from the list"), "population_area_id")
    out["population_area_id"] = area_id
    if "min_age" in data:
        from .equality import ELIGIBLE_AGES

        if data["min_age"] not in ELIGIBLE_AGES or isinstance(data["min_age"], bool):
            raise BuildError(_("Choose who the survey is for"), "min_age")
        out["min_age"] = data["min_age"]
    return out


def default_privacy_notice(consultation) -> str:
    organisation = consultation.lead_organisation.name if consultation.lead_organisation else "The partnership"
    return (f"{organisation} runs this survey. We use your answers only to understand what people think, and we "
            "publish them only as totals, so nobody can be picked out. We do not ask for your name. "
            "If you give an email address to hear what happens next, we keep it apart from your answers and delete it "
            "after the second of our two emails: one when the findings are published, one when the partnerships say what they will do.")


def create_survey(actor, consultation, data: dict) -> Survey:
    _check_manage(actor, consultation)
    values = _clean_settings({"retention_days": 365, "one_per_browser": True, "ask_contact": True, **data})
    survey = Survey(consultation_id=consultation.id, code=new_code(), created_by_id=getattr(actor, "id", None), **values)
    if not survey.privacy_notice:
        survey.privacy_notice = default_privacy_notice(consultation)
    if survey.population_area_id is None and consultation.areas:
        survey.population_area_id = consultation.areas[0].id
    db.session.add(survey)
    db.session.flush()
    survey.sections.append(SurveySection(position=1, title="Your views"))
    audit.record(actor, "create", survey, f"Survey created: {survey.title}", changes={"title": [None, survey.title]})
    db.session.flush()
    return survey


def update_settings(actor, survey: Survey, data: dict, version) -> Survey:
    _check_manage(actor, survey)
    concurrency.check(survey, version)
    values = _clean_settings(data)
    for name, value in values.items():
        setattr(survey, name, value)
    changes = audit.changes_of(survey)
    if changes:
        survey.updated_at = utcnow()
    audit.record(actor, "update", survey, f"Survey settings changed: {survey.title}", changes=changes)
    concurrency.flush(survey)
    return survey


def touch(survey: Survey) -> None:
    survey.updated_at = utcnow()


# ---- sections ----------------------------------------------------------------------------

def get_section(survey: Survey, section_id) -> SurveySection:
    number = to_id(section_id)
    section = next((s for s in survey.sections if s.id == number), None)
    if section is None:
        not_found(_("There is no section with that number in this survey."))
    return section


def save_section(actor, survey: Survey, section: SurveySection | None, data: dict, version=None) -> SurveySection:
    _check_manage(actor, survey)
    title = clean_text(data.get("title") or "")
    intro = clean_text(data.get("intro") or "")
    if not title:
        raise BuildError(_("Enter a title for the section"), "title")
    if len(title) > 200:
        raise BuildError(_("The title must be 200 characters or fewer"), "title")
    if len(intro) > 3000:
        raise BuildError(_("The introduction must be 3,000 characters or fewer"), "intro")
    if section is None:
        position = max((s.position for s in survey.sections), default=0) + 1
        section = SurveySection(survey=survey, position=position, title=title, intro=intro)
        db.session.add(section)
        db.session.flush()
        audit.record(actor, "create", section, f"Section added to {survey.title}: {title}", changes={"title": [None, title]})
    else:
        concurrency.check(section, version)
        section.title, section.intro = title, intro
        audit.record(actor, "update", section, f"Section changed in {survey.title}: {title}")
    touch(survey)
    concurrency.flush(section)
    return section


def delete_section_plan(survey: Survey, section: SurveySection) -> list[str]:
    """What stops a section being deleted, in words (empty when nothing does)."""
    problems = []
    answered = [q for q in section.questions if question_answer_count(q)]
    if answered:
        problems.append(ngettext("%(count)s of its questions has answers. Close the survey and make a new version instead",
                                 "%(count)s of its questions have answers. Close the survey and make a new version instead",
                                 len(answered), count=len(answered)))
    ids = {q.id for q in section.questions}
    nums = structure.numbers(survey)
    dependants = [q for q in survey.questions if q.section_id != section.id and ids.intersection(structure.rule_sources(q.rule))]
    dependants += [s for s in survey.sections if s.id != section.id and ids.intersection(structure.rule_sources(s.rule))]
    if dependants:
        names = ", ".join(nums.get(d.id, "") if hasattr(d, "qtype") else _("section ‘%(title)s’", title=d.title) for d in dependants)
        problems.append(_("These depend on its answers: %(names)s. Change their conditions first", names=names))
    if len(survey.sections) == 1:
        problems.append(_("A survey needs at least one section"))
    return problems


def delete_section(actor, survey: Survey, section: SurveySection) -> None:
    _check_manage(actor, survey)
    problems = delete_section_plan(survey, section)
    if problems:
        raise BuildError(". ".join(problems))
    from ..core import deletion

    deletion.delete(actor, section, f"Section deleted from {survey.title}: {section.title}",
                    changes={"title": [section.title, None], "questions": len(section.questions)})
    db.session.expire(survey, ["sections", "questions"])
    touch(survey)
    db.session.flush()


def move_section(actor, survey: Survey, section: SurveySection, direction: int) -> None:
    _check_manage(actor, survey)
    ordered = sorted(survey.sections, key=lambda s: (s.position, s.id))
    index = ordered.index(section)
    other = index + direction
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    problems = structure.check_all_rules(survey)
    if problems:
        raise BuildError(_("That move would make a condition look forward: %(problems)s", problems="; ".join(problems)))
    audit.record(actor, "move", section, f"Section moved in {survey.title}: {section.title}")
    touch(survey)
    db.session.flush()


# ---- questions ---------------------------------------------------------------------------

def get_question(survey: Survey, question_id) -> SurveyQuestion:
    number = to_id(question_id)
    question = next((q for q in survey.questions if q.id == number), None)
    if question is None:
        not_found(_("There is no question with that number in this survey."))
    return question


# Words the builder once put in the answers box as placeholders: what was typed got joined to
# them ("Empty homesFirst answer") and "Second answer" reached residents. Refused on save.
def add_question(actor, survey: Survey, section: SurveySection, qtype: str, data: dict) -> SurveyQuestion:
    _check_manage(actor, survey)
    if qtype not in qtypes.REGISTRY:
        raise BuildError(_("Choose a kind of question from the list"), "qtype")
    if len(survey.questions) >= MAX_QUESTIONS:
        raise BuildError(_("A survey can have up to %(max)s questions", max=MAX_QUESTIONS))
    kind = qtypes.get(qtype)
    values = values_of(kind, data)
    position = max((q.position for q in section.questions), default=0) + 1
    question = SurveyQuestion(survey=survey, section=section, position=position, qtype=qtype, text=values["text"],
                              hint=values["hint"], required=values["required"], personal=values["personal"],
                              randomise=values["randomise"], settings=values["settings"])
    for n, label in enumerate(values["options"], start=1):
        question.options.append(SurveyOption(kind="option", position=n, label=label))
    if values["allow_other"]:
        question.options.append(SurveyOption(kind="option", position=len(values["options"]) + 1, label=OTHER_LABEL, invites_text=True))
    for n, label in enumerate(values["rows"], start=1):
        question.options.append(SurveyOption(kind="row", position=n, label=label))
    mark_out_of_base(question, values["out_of_base"])
    mark_exclusive(question, values["exclusive"])
    db.session.add(question)
    db.session.flush()
    audit.record(actor, "create", question, f"Question added to {survey.title}: {question.text}",
                 changes={"text": [None, question.text], "type": [None, qtype]})
    touch(survey)
    db.session.flush()
    return question


def update_question(actor, survey: Survey, question: SurveyQuestion, data: dict, version) -> SurveyQuestion:
    _check_manage(actor, survey)
    kind = qtypes.type_of(question)
    values = values_of(kind, data)
    concurrency.check(question, version)
    lists_before = lists_of(question)
    counts = option_answer_counts(question) if answer_count(survey) else {}
    answered = question_answer_count(question) if counts is not None and answer_count(survey) else 0
    if answered and kind.key == "number":
        old = question.settings or {}
        new = values["settings"]
        narrower = ((new.get("min") is not None and (old.get("min") is None or new["min"] > old["min"]))
                    or (new.get("max") is not None and (old.get("max") is None or new["max"] < old["max"])))
        if narrower:
            raise BuildError(_("This question has answers, so its range can only be widened. Make a new version of the survey to narrow it"), "min")
    question.text, question.hint, question.required = values["text"], values["hint"], values["required"]
    # Equality questions' "please say" words are always personal (SurveyQuestion.text_is_personal).
    question.personal = values["personal"] or bool(question.equality_key)
    question.randomise, question.settings = values["randomise"], values["settings"]
    changes = audit.changes_of(question)
    if kind.has_options:
        apply_list(question, "option", values["options"], counts, "answer", "options")
        other = next((o for o in question.options if o.invites_text and o.label == OTHER_LABEL), None)
        if values["allow_other"] and other is None:
            question.options.append(SurveyOption(kind="option", position=len(values["options"]) + 1, label=OTHER_LABEL, invites_text=True))
        elif not values["allow_other"] and other is not None and kind.key in ("single", "multiple"):
            if counts.get(other.id):
                raise BuildError(_("‘Other’ has answers, so it cannot be removed"), "allow_other")
            question.options.remove(other)
        elif other is not None:
            other.position = len(values["options"]) + 1
    if kind.has_rows:
        apply_list(question, "row", values["rows"], counts, "statement", "rows")
    if kind.key in OUT_OF_BASE_TYPES:
        mark_out_of_base(question, values["out_of_base"])
    mark_exclusive(question, values["exclusive"], counts)
    lists_after = lists_of(question)
    for name in ("options", "rows", "out_of_base", "exclusive"):
        if lists_before[name] != lists_after[name]:
            changes[name] = [lists_before[name], lists_after[name]]
    audit.record(actor, "update", question, f"Question changed in {survey.title}: {question.text}", changes=changes)
    touch(survey)
    concurrency.flush(question)
    return question


def lists_of(question: SurveyQuestion) -> dict[str, str]:
    """A question's answers and statements as the form shows them (one on each line), so an
    edit conflict can say what someone else changed in them."""
    return {"options": "\n".join(o.label for o in question.options if o.kind == "option" and not (o.invites_text and o.label == OTHER_LABEL)),
            "rows": "\n".join(o.label for o in question.options if o.kind == "row"),
            "out_of_base": "\n".join(o.label for o in question.options if o.kind == "option" and o.out_of_base),
            "exclusive": "\n".join(o.label for o in question.options if o.kind == "option" and o.is_exclusive)}


def delete_question_plan(survey: Survey, question: SurveyQuestion) -> list[str]:
    problems = []
    count = question_answer_count(question)
    if count:
        problems.append(ngettext("It has %(count)s answer. Close the survey and make a new version instead",
                                 "It has %(count)s answers. Close the survey and make a new version instead", count, count=f"{count:,}"))
    nums = structure.numbers(survey)
    dependants = [nums[q.id] for q in survey.questions if question.id in structure.rule_sources(q.rule)]
    dependants += [_("section ‘%(title)s’", title=s.title) for s in survey.sections if question.id in structure.rule_sources(s.rule)]
    if dependants:
        problems.append(_("These are shown only for some of its answers: %(names)s. Change their conditions first", names=", ".join(dependants)))
    return problems


def delete_question(actor, survey: Survey, question: SurveyQuestion) -> None:
    _check_manage(actor, survey)
    problems = delete_question_plan(survey, question)
    if problems:
        raise BuildError(". ".join(problems))
    from ..core import deletion

    section = question.section
    deletion.delete(actor, question, f"Question deleted from {survey.title}: {question.text}",
                    changes={"text": [question.text, None]})
    db.session.expire(survey, ["questions"])
    db.session.expire(section, ["questions"])
    touch(survey)
    db.session.flush()


def move_question(actor, survey: Survey, question: SurveyQuestion, direction: int) -> None:
    _check_manage(actor, survey)
    if answer_count(survey):
        raise BuildError(_("The survey has answers, so its questions cannot be moved: the numbers on paper copies would change"))
    ordered = structure.ordered_questions(survey)
    index = ordered.index(question)
    other = index + direction
    if not 0 <= other < len(ordered):
        return
    neighbour = ordered[other]
    if neighbour.section_id == question.section_id:
        question.position, neighbour.position = neighbour.position, question.position
        if question.position == neighbour.position:
            question.position += direction
    else:
        # Into the next (or previous) section: last (or first) there.
        target = neighbour.section
        question.section = target
        if direction > 0:
            question.position = min((q.position for q in target.questions if q is not question), default=1) - 1
        else:
            question.position = max((q.position for q in target.questions if q is not question), default=0) + 1
    db.session.flush()
    db.session.expire(survey, ["sections", "questions"])
    problems = structure.check_all_rules(survey)
    if problems:
        raise BuildError(_("That move would make a condition look forward: %(problems)s", problems="; ".join(problems)))
    audit.record(actor, "move", question, f"Question moved in {survey.title}: {question.text}")
    touch(survey)
    db.session.flush()


# ---- the equality monitoring section -----------------------------------------------------

def add_equality_section(actor, survey: Survey) -> SurveySection:
    _check_manage(actor, survey)
    if any(s.is_equality for s in survey.sections):
        raise BuildError(_("This survey already has the equality monitoring section"))
    position = max((s.position for s in survey.sections), default=0) + 1
    section = SurveySection(survey=survey, position=position, title=equality.SECTION_TITLE, intro=equality.SECTION_INTRO,
                            is_equality=True)
    db.session.add(section)
    for n, spec in enumerate(equality.QUESTIONS, start=1):
        question = SurveyQuestion(survey=survey, section=section, position=n, qtype="single", text=spec["text"],
                                  hint=spec.get("hint", ""), required=False, equality_key=spec["key"], settings={},
                                  personal=True)
        for m, (label, invites) in enumerate(spec["options"], start=1):
            question.options.append(SurveyOption(kind="option", position=m, label=label, invites_text=invites))
        question.options.append(SurveyOption(kind="option", position=len(spec["options"]) + 1, label=equality.PREFER_NOT,
                                             is_exclusive=True))
        db.session.add(question)
    db.session.flush()
    audit.record(actor, "create", section, f"Equality monitoring section added to {survey.title}",
                 changes={"questions": len(equality.QUESTIONS)})
    touch(survey)
    db.session.flush()
    return section
