"""The shape of a survey: question numbers, pages, and conditional rules.

A condition is ``{"question_id": id, "op": "equals" | "one_of" | "contains" | "gt", "value": ...}``:
met when that earlier question's answer meets it. A rule is one condition (the first form,
still the stored form of a rule with one condition) or ``{"all": [condition, ...]}`` /
``{"any": [condition, ...]}``: show the question (or section) only when all (any) of them are
met. Only this module looks inside a rule: ``conditions``/``rule_mode`` read it, ``rule_met``
evaluates it, ``rule_sources`` lists the questions it depends on, ``make_rule`` builds one.
Rules may only look back: at a question earlier in the survey (for a section: in an earlier
section). So no rule can point forward or make a loop.

Pages: each section is a page, except that a question whose rule looks at a question on the
same page starts a new page, so the rule can be applied without JavaScript.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..core.i18n import gettext as _
from ..core.params import to_id
from ..extensions import db
from . import questions as qtypes
from .questions import OPS


def preload(survey, sections_loaded: bool = False) -> None:
    """Load a survey's sections, questions and options and hand them to the relationships
    (``survey.sections``, ``survey.questions``, ``section.questions``, ``question.options``)
    as if each had been loaded, so walking the structure issues no more queries. Questions
    come with their options in one query; sections in one more, unless the caller loaded
    them with the survey (``sections_loaded``). Does nothing when already loaded."""
    from .models import SurveyQuestion, SurveySection

    if "questions" in survey.__dict__ and "sections" in survey.__dict__:
        return
    if sections_loaded and "sections" in survey.__dict__:
        sections = list(survey.sections)
    else:
        sections = list(db.session.scalars(select(SurveySection).where(SurveySection.survey_id == survey.id)
                                           .order_by(SurveySection.position, SurveySection.id)))
    questions = list(db.session.scalars(select(SurveyQuestion).where(SurveyQuestion.survey_id == survey.id)
                                        .options(joinedload(SurveyQuestion.options))
                                        .order_by(SurveyQuestion.position, SurveyQuestion.id)).unique())
    by_section: dict[int, list] = {s.id: [] for s in sections}
    for q in questions:
        by_section.setdefault(q.section_id, []).append(q)
    sections.sort(key=lambda s: (s.position, s.id))
    for section in sections:
        set_committed_value(section, "questions", by_section[section.id])
        set_committed_value(section, "survey", survey)
    set_committed_value(survey, "sections", sections)
    set_committed_value(survey, "questions", questions)


def _snapshot(survey):
    """The survey's structure snapshot when it is one read from it (engage/surveys/snapshot.py)."""
    return survey.__dict__.get("snapshot")


def ordered_questions(survey) -> list:
    snap = _snapshot(survey)
    if snap is not None:
        return list(snap.questions)
    out = []
    for section in sorted(survey.sections, key=lambda s: (s.position, s.id)):
        out.extend(sorted(section.questions, key=lambda q: (q.position, q.id)))
    return out


def numbers(survey) -> dict[int, str]:
    """{question id: "Q1"...} in survey order (the paper version uses the same numbers)."""
    snap = _snapshot(survey)
    if snap is not None:
        return dict(snap.numbers)
    return {q.id: f"Q{n}" for n, q in enumerate(ordered_questions(survey), start=1)}


@dataclass
class Page:
    index: int
    section: object
    questions: list = field(default_factory=list)


def pages(survey) -> list[Page]:
    snap = _snapshot(survey)
    if snap is not None:
        return list(snap.pages)
    out: list[Page] = []
    for section in sorted(survey.sections, key=lambda s: (s.position, s.id)):
        current = Page(len(out), section)
        on_page: set[int] = set()
        for q in sorted(section.questions, key=lambda q: (q.position, q.id)):
            if on_page.intersection(rule_sources(q.rule)) and current.questions:
                out.append(current)
                current = Page(len(out), section)
                on_page = set()
            current.questions.append(q)
            on_page.add(q.id)
        if current.questions:
            out.append(current)
    return out


MAX_CONDITIONS = 5
MODES = ("all", "any")


def conditions(rule: dict | None) -> list[dict]:
    """The conditions of a rule, in order (a rule in the single-condition form gives one)."""
    if not rule:
        return []
    for mode in MODES:
        if mode in rule:
            return [c for c in (rule.get(mode) or []) if isinstance(c, dict)]
    return [rule]


def rule_mode(rule: dict | None) -> str:
    """"all" or "any": how the conditions combine (one condition reads as "all")."""
    return "any" if rule and "any" in rule else "all"


def make_rule(conds: list[dict], mode: str = "all") -> dict | None:
    """The stored form: None for no condition, the condition itself for one, else
    ``{mode: [...]}``."""
    conds = [c for c in conds if c]
    if not conds:
        return None
    if len(conds) == 1:
        return dict(conds[0])
    return {("any" if mode == "any" else "all"): [dict(c) for c in conds]}


def rule_sources(rule: dict | None) -> list:
    """THE list of question ids a rule depends on (for dependants, pages and copies)."""
    return [c.get("question_id") for c in conditions(rule)]


def _condition_met(cond: dict, answers: dict, by_id: dict) -> bool:
    source = by_id.get(cond.get("question_id"))
    if source is None:
        return False
    value = answers.get(str(source.id))
    if value is None:
        return False
    return qtypes.type_of(source).matches(source, value, cond.get("op"), cond.get("value"))


def rule_met(rule: dict | None, answers: dict, by_id: dict) -> bool:
    """THE evaluation of a rule: no rule is always met; "all" needs every condition met,
    "any" at least one."""
    conds = conditions(rule)
    if not conds:
        return True
    results = (_condition_met(c, answers, by_id) for c in conds)
    return any(results) if rule_mode(rule) == "any" else all(results)


def visible_questions(page: Page, answers: dict, by_id: dict) -> list:
    if not rule_met(page.section.rule, answers, by_id):
        return []
    return [q for q in page.questions if rule_met(q.rule, answers, by_id)]


def visible_ids(survey, answers: dict) -> set[int]:
    """Questions shown for these answers, working forward so a hidden question's answer
    never opens a later one."""
    by_id = {q.id: q for q in survey.questions}
    kept: dict = {}
    shown: set[int] = set()
    for page in pages(survey):
        for q in visible_questions(page, kept, by_id):
            shown.add(q.id)
            if str(q.id) in answers:
                kept[str(q.id)] = answers[str(q.id)]
    return shown


def prune(survey, answers: dict) -> dict:
    """Only the answers to questions that are shown for these answers."""
    shown = visible_ids(survey, answers)
    return {k: v for k, v in answers.items() if to_id(k) in shown}


def ordered_options(q, seed: int | None) -> list:
    """The options in the order a person sees them: shuffled (with a seed kept for that
    person) when the question asks for it; "prefer not to say" and "other" stay last."""
    choices = q.choices()
    if not q.randomise or seed is None:
        return choices
    fixed = [o for o in choices if o.is_exclusive or o.invites_text]
    moving = [o for o in choices if o not in fixed]
    random.Random(seed * 7919 + q.id).shuffle(moving)
    return moving + fixed


# ---- rules in the builder ----------------------------------------------------------------

class RuleProblem(Exception):
    pass


def earlier_questions(survey, target) -> list:
    """Questions a rule on ``target`` (a question or a section) may look at."""
    order = ordered_questions(survey)
    if target is None:
        return order
    if hasattr(target, "qtype"):
        out = []
        for q in order:
            if q.id == target.id:
                break
            out.append(q)
        return out
    return [q for q in order if (q.section.position, q.section.id) < (target.position, target.id)]


def check_rule(survey, target, rule: dict | None) -> None:
    """Refuse a rule that points forward, at itself, or at a question that cannot be tested."""
    conds = conditions(rule)
    if len(conds) > MAX_CONDITIONS:
        raise RuleProblem(_("A condition can have at most %(max)s parts", max=MAX_CONDITIONS))
    for cond in conds:
        _check_condition(survey, target, cond)


def _check_condition(survey, target, rule: dict) -> None:
    by_id = {q.id: q for q in survey.questions}
    source = by_id.get(rule.get("question_id"))
    if source is None:
        raise RuleProblem(_("Choose a question of this survey for the condition"))
    if hasattr(target, "qtype") and source.id == target.id:
        raise RuleProblem(_("A question cannot depend on its own answer"))
    allowed = {q.id for q in earlier_questions(survey, target)}
    if source.id not in allowed:
        if hasattr(target, "qtype"):
            raise RuleProblem(_("The condition must look at a question that comes before this question. "
                                "A rule that looks forward would make a loop"))
        raise RuleProblem(_("The condition must look at a question that comes before this section. "
                            "A rule that looks forward would make a loop"))
    kind = qtypes.type_of(source)
    if rule.get("op") not in kind.ops:
        raise RuleProblem(_("That question cannot be used with this condition"))


def check_all_rules(survey) -> list[str]:
    """Every rule of the survey that no longer looks back (after a move), in words."""
    nums = numbers(survey)
    problems = []
    for section in survey.sections:
        try:
            check_rule(survey, section, section.rule)
        except RuleProblem as error:
            problems.append(_("Section ‘%(title)s’: %(problem)s", title=section.title, problem=error))
    for q in survey.questions:
        try:
            check_rule(survey, q, q.rule)
        except RuleProblem as error:
            problems.append(f"{nums.get(q.id, 'Question')}: {error}")
    return problems


def describe_condition(survey, cond: dict, nums: dict | None = None) -> str:
    """One condition in words, in the reader's language: "the answer to Q3 is Yes"; empty if
    its question is gone."""
    by_id = {q.id: q for q in survey.questions}
    source = by_id.get(cond.get("question_id"))
    if source is None:
        return ""
    kind = qtypes.type_of(source)
    number = (nums if nums is not None else numbers(survey)).get(source.id, "")
    value = kind.operand_label(source, cond.get("op"), cond.get("value"))
    sentence = {
        "equals": _("the answer to %(number)s is %(value)s", number=number, value=value),
        "one_of": _("the answer to %(number)s is one of %(value)s", number=number, value=value),
        "contains": _("the answer to %(number)s includes %(value)s", number=number, value=value),
        "gt": _("the answer to %(number)s is greater than %(value)s", number=number, value=value),
    }
    return sentence.get(cond.get("op")) or _("the answer to %(number)s is %(value)s", number=number, value=value)


def describe_rule(survey, rule: dict | None, lead: str = "shown") -> str:
    """The whole rule in words, in the reader's language: "Shown only if the answer to Q3 is Yes
    and the answer to Q5 is No" ("or" when any one is enough). ``lead``: ``shown`` (the
    builder), ``answer`` (a question on paper: "Answer only if ...") or ``answer-section``."""
    nums = numbers(survey)
    parts = [text for c in conditions(rule) if (text := describe_condition(survey, c, nums))]
    if not parts:
        return ""
    joined = (_(" or ") if rule_mode(rule) == "any" else _(" and ")).join(parts)
    if lead == "answer":
        return _("Answer only if %(conditions)s", conditions=joined)
    if lead == "answer-section":
        return _("Answer this section only if %(conditions)s", conditions=joined)
    return _("Shown only if %(conditions)s", conditions=joined)
