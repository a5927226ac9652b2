"""What a question form says, read and checked (engage/surveys/builder.py saves it): the
question's words and settings, its answers and statements one on each line, which answers
are left out of the base or ticked alone, and how a changed list of answers is applied to a
question that may already have answers."""
from __future__ import annotations

from ..core.i18n import gettext as _, ngettext
from ..core.sanitise import clean_text
from . import questions as qtypes
from .errors import BuildError
from .models import SurveyOption, SurveyQuestion

MAX_OPTIONS = 60
PLACEHOLDERS = ("First answer", "Second answer", "First option", "Second option", "Third option",
                "First statement", "Second statement")


def lines(text: str, what: str, field: str) -> list[str]:
    out = []
    for line in (text or "").splitlines():
        line = clean_text(line)
        if not line:
            continue
        left = next((p for p in PLACEHOLDERS if p.casefold() in line.casefold()), None)
        if left is not None:
            if what == "statement":
                raise BuildError(_("‘%(line)s’ still has the example words ‘%(example)s’ in it. Write the statement people will see "
                                   "instead", line=line[:80], example=left), field)
            raise BuildError(_("‘%(line)s’ still has the example words ‘%(example)s’ in it. Write the answer people will see instead",
                               line=line[:80], example=left), field)
        if len(line) > 300:
            raise BuildError(_("Each statement must be 300 characters or fewer") if what == "statement"
                             else _("Each answer must be 300 characters or fewer"), field)
        if line.casefold() in {o.casefold() for o in out}:
            raise BuildError(_("‘%(line)s’ is listed twice", line=line), field)
        out.append(line)
    if len(out) > MAX_OPTIONS:
        raise BuildError(_("A question can have up to %(max)s statements", max=MAX_OPTIONS) if what == "statement"
                         else _("A question can have up to %(max)s answers", max=MAX_OPTIONS), field)
    return out


def number_or_none(value, field):
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BuildError(_("Enter a number"), field)
    if abs(number) > qtypes.NUMBER_LIMIT:
        raise BuildError(_("Enter a smaller number"), field)
    return number


def values_of(kind, data: dict) -> dict:
    text = clean_text(data.get("text") or "")
    hint = clean_text(data.get("hint") or "")
    if not text:
        raise BuildError(_("Enter the question"), "text")
    if len(text) > 500:
        raise BuildError(_("The question must be 500 characters or fewer"), "text")
    if len(hint) > 1000:
        raise BuildError(_("The hint must be 1,000 characters or fewer"), "hint")
    settings = {}
    if kind.key == "number":
        low, high = number_or_none(data.get("min"), "min"), number_or_none(data.get("max"), "max")
        if low is not None and high is not None and high < low:
            raise BuildError(_("The largest number must be the same as or more than the smallest"), "max")
        settings = {"min": low, "max": high, "whole": bool(data.get("whole"))}
    if kind.key == "rating":
        settings = {"low_label": clean_text(data.get("low_label") or "")[:60], "high_label": clean_text(data.get("high_label") or "")[:60]}
    options = lines(data.get("options") or "", "answer", "options") if kind.has_options else []
    rows = lines(data.get("rows") or "", "statement", "rows") if kind.has_rows else []
    if kind.has_options and len(options) < 2:
        raise BuildError(_("Give at least two answers, one on each line"), "options")
    if kind.has_rows and not rows:
        raise BuildError(_("Give at least one statement, one on each line"), "rows")
    allow_other = bool(data.get("allow_other")) and kind.key in ("single", "multiple")
    out_of_base = []
    if kind.key in OUT_OF_BASE_TYPES and (data.get("out_of_base") or "").strip():
        by_label = {label.casefold(): label for label in options}
        for line in lines(data.get("out_of_base") or "", "answer", "out_of_base"):
            if line.casefold() not in by_label:
                raise BuildError(_("‘%(line)s’ is not one of the answers above. Copy it from the list of answers", line=line[:60]), "out_of_base")
            out_of_base.append(by_label[line.casefold()])
        if len(set(out_of_base)) >= len(options):
            raise BuildError(_("Leave at least one answer in the base, or no one would be counted in the percentages"), "out_of_base")
    exclusive = None   # not offered by this caller: leave each answer as it is
    if kind.key == "multiple" and "exclusive" in data:
        by_label = {label.casefold(): label for label in options}
        exclusive = set()
        for line in lines(data.get("exclusive") or "", "answer", "exclusive"):
            if line.casefold() not in by_label:
                raise BuildError(_("‘%(line)s’ is not one of the answers above. Copy it from the list of answers", line=line[:60]), "exclusive")
            exclusive.add(by_label[line.casefold()])
        if len(exclusive) >= len(options):
            raise BuildError(_("Leave at least one answer that can be ticked with others, or ask a single choice question instead"),
                             "exclusive")
    return {"exclusive": exclusive, "text": text, "hint": hint, "required": bool(data.get("required")), "personal": bool(data.get("personal")) and (kind.text_answer or kind.key in FREE_TEXT_CHOICES),
            "randomise": bool(data.get("randomise")) and kind.has_options, "settings": settings,
            "options": options, "rows": rows, "allow_other": allow_other, "out_of_base": set(out_of_base)}


# Question types whose answers can be left out of the base ("Don't know", "Not applicable").
OUT_OF_BASE_TYPES = ("single", "multiple", "agreement", "yesno", "grid")


def mark_exclusive(question: SurveyQuestion, labels: set[str] | None, counts: dict[int, int] | None = None) -> None:
    """Answers of a multiple choice question that cannot be ticked with another ("None of
    these", "Don't know"): the answering check refuses combining them (questions.choice).
    An answer people have already ticked cannot become one: some may have ticked it with others."""
    if labels is None:
        return
    for option in question.options:
        if option.kind != "option" or option.invites_text:
            continue
        wanted = option.label in labels
        if wanted and not option.is_exclusive and (counts or {}).get(option.id):
            raise BuildError(_("‘%(label)s’ has answers, so it cannot become an answer that is ticked alone: some people may have "
                               "ticked it with others. Make a new version of the survey to change this", label=option.label), "exclusive")
        option.is_exclusive = wanted


def mark_out_of_base(question: SurveyQuestion, labels: set[str]) -> None:
    for option in question.options:
        if option.kind == "option" and not option.invites_text:
            option.out_of_base = option.label in labels


OTHER_LABEL = "Other, please say"
# Choice types that can carry words beside a choice ("Other, please say"), so "personal" applies.
FREE_TEXT_CHOICES = ("single", "multiple")


def apply_list(question: SurveyQuestion, kind: str, labels: list[str], counts: dict[int, int], what: str, field: str) -> None:
    existing = [o for o in question.options if o.kind == kind and not o.invites_text]
    for n, option in enumerate(existing):
        if n < len(labels):
            if option.label != labels[n]:
                if counts.get(option.id):
                    if what == "statement":
                        message = ngettext("‘%(label)s’ has %(count)s answer, so its wording cannot change: people chose it as it "
                                           "was. Make a new version of the survey to change it, or add a new statement instead",
                                           "‘%(label)s’ has %(count)s answers, so its wording cannot change: people chose it as it "
                                           "was. Make a new version of the survey to change it, or add a new statement instead",
                                           counts[option.id], label=option.label, count=f"{counts[option.id]:,}")
                    else:
                        message = ngettext("‘%(label)s’ has %(count)s answer, so its wording cannot change: people chose it as it "
                                           "was. Make a new version of the survey to change it, or add a new answer instead",
                                           "‘%(label)s’ has %(count)s answers, so its wording cannot change: people chose it as it "
                                           "was. Make a new version of the survey to change it, or add a new answer instead",
                                           counts[option.id], label=option.label, count=f"{counts[option.id]:,}")
                    raise BuildError(message, field)
                option.label = labels[n]
            option.position = n + 1
        else:
            if counts.get(option.id):
                raise BuildError(_("‘%(label)s’ has answers, so it cannot be removed. Make a new version of the survey instead", label=option.label), field)
            question.options.remove(option)
    for n in range(len(existing), len(labels)):
        question.options.append(SurveyOption(kind=kind, position=n + 1, label=labels[n]))
