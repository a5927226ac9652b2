"""Conditions on questions and sections: which are shown for which earlier answers. A rule is
one condition or several combined by "all" or "any" (``structure.make_rule``); each change is
checked (no condition looks forward), recorded in the audit trail and flushed against the
version the rule form was loaded from. The view commits once.
"""
from __future__ import annotations

from ..core import audit, concurrency
from ..core.i18n import gettext as _
from ..core.params import to_id
from . import questions as qtypes
from . import structure
from .builder import BuildError, _check_manage, touch
from .models import Survey


def _parse_condition(survey: Survey, data: dict) -> dict:
    """One condition from the form: ``question_id``, ``op`` and ``value`` (a list)."""
    source_id = to_id(data.get("question_id"))
    source = next((q for q in survey.questions if q.id == source_id), None)
    if source is None:
        raise BuildError(_("Choose a question of this survey"), "question_id")
    op = data.get("op") or ""
    if op not in qtypes.OPS:
        raise BuildError(_("Choose a condition"), "op")
    try:
        operand = qtypes.type_of(source).parse_operand(source, op, list(data.get("value") or []))
    except qtypes.Invalid as error:
        raise BuildError(str(error), "value")
    return {"question_id": source.id, "op": op, "value": operand}


def _mode(data: dict, field: str = "mode") -> str:
    mode = data.get("mode") or "all"
    if mode not in structure.MODES:
        raise BuildError(_("Choose whether all of the conditions or any one of them must be met"), field)
    return mode


def _save_rule(actor, survey: Survey, target, rule: dict | None, version, field: str = "question_id") -> None:
    _check_manage(actor, survey)
    concurrency.check(target, version)
    try:
        structure.check_rule(survey, target, rule)
    except structure.RuleProblem as error:
        raise BuildError(str(error), field)
    before = target.rule
    target.rule = rule
    audit.record(actor, "update", target, f"Condition {'set' if rule else 'removed'} in {survey.title}",
                 changes={"rule": [describe_rule_text(survey, before), describe_rule_text(survey, rule)]})
    touch(survey)
    concurrency.flush(target)


def set_rule(actor, survey: Survey, target, data: dict, version=concurrency.UNCHECKED) -> None:
    """Set the whole condition on a question or section, or clear it when ``question_id`` is
    empty. ``data`` is one condition (``question_id``, ``op``, ``value``) or ``{"mode": "all" |
    "any", "conditions": [...]}``. ``version`` is the question's or section's version the rule
    form was loaded from."""
    _check_manage(actor, survey)
    if "conditions" in data:
        rule = structure.make_rule([_parse_condition(survey, c) for c in data["conditions"]], _mode(data))
    elif not data.get("question_id"):
        rule = None
    else:
        rule = structure.make_rule([_parse_condition(survey, data)])
    _save_rule(actor, survey, target, rule, version)


def add_condition(actor, survey: Survey, target, data: dict, version=concurrency.UNCHECKED) -> None:
    """Add one condition (``question_id``, ``op``, ``value``) to those already on ``target``;
    ``mode`` ("all" or "any") says how they combine."""
    _check_manage(actor, survey)
    existing = structure.conditions(target.rule)
    if len(existing) >= structure.MAX_CONDITIONS:
        raise BuildError(_("It already has %(max)s conditions, the most it can have. Remove one first", max=structure.MAX_CONDITIONS),
                         "source")
    mode = _mode(data, "mode-new") if existing else "all"
    rule = structure.make_rule(existing + [_parse_condition(survey, data)], mode)
    _save_rule(actor, survey, target, rule, version)


def set_rule_mode(actor, survey: Survey, target, mode: str, version=concurrency.UNCHECKED) -> None:
    """Change whether all of the conditions or any one of them must be met."""
    _check_manage(actor, survey)
    rule = structure.make_rule(structure.conditions(target.rule), _mode({"mode": mode}))
    _save_rule(actor, survey, target, rule, version, "mode")


def remove_condition(actor, survey: Survey, target, index: int, version=concurrency.UNCHECKED) -> None:
    """Remove the condition at ``index`` (from 0); the others keep how they combine."""
    _check_manage(actor, survey)
    existing = structure.conditions(target.rule)
    if not 0 <= index < len(existing):
        raise BuildError(_("That condition is not there any more"), "source")
    rule = structure.make_rule(existing[:index] + existing[index + 1:], structure.rule_mode(target.rule))
    _save_rule(actor, survey, target, rule, version)


def describe_rule_text(survey: Survey, rule: dict | None) -> str:
    from ..core.i18n import writing_in

    with writing_in(None):   # kept in the record's history in the site's own language
        return structure.describe_rule(survey, rule) if rule else "Always shown"
