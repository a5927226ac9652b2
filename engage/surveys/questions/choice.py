"""Choices: single, multiple (with "other, please say"), agreement scale, yes or no."""
from __future__ import annotations

from ...core.i18n import gettext as _, lazy_gettext as _l

from ...core.sanitise import clean_text
from ...core.content import text_for
from .base import OTHER_LIMIT, REMOVED, Invalid, Part, QuestionType, _ids


class ChoiceType(QuestionType):
    key = "single"
    label = _l("Single choice")
    description = _l("People choose one answer from a list.")
    template = "radios"
    has_options = True
    multiple = False
    # No answers filled in: a box that starts with words gets typed onto ("Empty homesFirst
    # answer"). What to type is shown as an example in the hint instead.
    default_options: list[str] = []
    example_options = [_l("Every week"), _l("Now and then"), _l("Never")]
    ops = ("equals", "one_of")

    def _options(self, q):
        return {o.id: o for o in q.choices()}

    def parse(self, q, form):
        name = f"q{q.id}"
        raw = form.getlist(name)
        if not raw or raw == [""]:
            return None
        if not self.multiple and len(raw) > 1:
            raise Invalid(_("Choose one answer"))
        ids = _ids([r for r in raw if r != ""])
        options = self._options(q)
        if any(i not in options for i in ids):
            raise Invalid(_("Choose from the options shown"))
        exclusive = [i for i in ids if options[i].is_exclusive]
        if exclusive and len(ids) > 1:
            raise Invalid(_("You cannot choose ‘%(answer)s’ and another answer", answer=text_for(options[exclusive[0]], "label")))
        texts = {}
        for i in ids:
            if options[i].invites_text:
                text = clean_text(form.get(f"{name}-text-{i}", ""))
                if len(text) > OTHER_LIMIT:
                    raise Invalid(_("What you wrote must be %(n)s characters or fewer", n=OTHER_LIMIT))
                if text:
                    texts[str(i)] = text
        return {"o": ids, "t": texts}

    def from_value(self, q, value):
        options = self._options(q)
        ids = [int(i) for i in value.get("o", [])]
        if any(i not in options for i in ids) or (not self.multiple and len(ids) > 1):
            raise Invalid("stale")
        texts = {str(k): str(v)[:OTHER_LIMIT] for k, v in (value.get("t") or {}).items() if int(k) in ids}
        return {"o": ids, "t": texts}

    def from_text(self, q, text):
        text = clean_text(text)
        if not text:
            return None
        pieces = [p.strip() for p in text.split(";")] if self.multiple else [text]
        by_label = {o.label.casefold(): o for o in q.choices()}
        other = next((o for o in q.choices() if o.invites_text), None)
        ids, texts = [], {}
        for piece in pieces:
            if not piece:
                continue
            option = by_label.get(piece.casefold())
            if option is None and ":" in piece:
                head, _sep, tail = piece.partition(":")
                option = by_label.get(head.strip().casefold())
                if option is not None and option.invites_text:
                    texts[str(option.id)] = tail.strip()[:OTHER_LIMIT]
            if option is None and other is not None and not by_label.get(piece.casefold()):
                option = other
                texts[str(other.id)] = piece[:OTHER_LIMIT]
            if option is None:
                raise Invalid(_("‘%(text)s’ is not one of the answers", text=piece[:40]))
            if option.id not in ids:
                ids.append(option.id)
        if not self.multiple and len(ids) > 1:
            raise Invalid(_("Only one answer is allowed"))
        return {"o": ids, "t": texts}

    def empty(self, value):
        return not value or not value.get("o")

    def display(self, q, value):
        if self.empty(value):
            return ""
        options = self._options(q)
        out = []
        for i in value["o"]:
            option = options.get(i)
            if option is None:
                continue
            text = (value.get("t") or {}).get(str(i))
            label = text_for(option, "label")   # in the resident's language
            out.append(f"{label}: {text}" if text else label)
        return "; ".join(out)

    def form_value(self, q, value):
        value = value or {}
        return {"chosen": [str(i) for i in value.get("o", [])], "texts": value.get("t") or {}}

    def rows(self, q, value):
        return [{"option_id": i, "text": (value.get("t") or {}).get(str(i))} for i in value["o"]]

    def from_rows(self, q, rows):
        ids = [r.option_id for r in rows if r.option_id]
        return {"o": ids, "t": {str(r.option_id): r.text for r in rows if r.option_id and r.text}} if ids else None

    def parts(self, q):
        choices = q.choices()
        return [Part("all", q.text, [(str(o.id), o.label) for o in choices],
                     {str(o.id) for o in choices if o.is_exclusive}, multi=self.multiple,
                     out_of_base={str(o.id) for o in choices if o.out_of_base})]

    def keys(self, q, value, part):
        return [str(i) for i in value["o"]] if value else []

    def export(self, q, value):
        return [self.display(q, value) if value else ""]

    def without_text(self, q, value):
        if not value:
            return value
        return {"o": value.get("o", []), "t": {k: REMOVED for k, v in (value.get("t") or {}).items() if v}}

    def matches(self, q, value, op, operand):
        if self.empty(value):
            return False
        chosen = set(value["o"])
        wanted = {int(x) for x in (operand if isinstance(operand, list) else [operand])}
        if op in ("equals", "one_of"):
            return bool(chosen & wanted) if op == "one_of" else chosen == wanted
        if op == "contains":
            return wanted <= chosen
        return False

    def operand_label(self, q, op, operand):
        options = self._options(q)
        ids = operand if isinstance(operand, list) else [operand]
        return _(" or ").join(f"‘{options[int(i)].label}’" for i in ids if int(i) in options)

    def parse_operand(self, q, op, raw):
        if op not in self.ops:
            raise Invalid(_("Choose a condition this question can meet"))
        ids = _ids([r for r in raw if r])
        options = self._options(q)
        if not ids:
            raise Invalid(_("Choose the answer the condition looks for"))
        if any(i not in options for i in ids):
            raise Invalid(_("Choose answers of that question"))
        if op == "equals" and len(ids) != 1 and not self.multiple:
            raise Invalid(_("Choose one answer for ‘is’, or use ‘is one of’"))
        return ids if (op in ("one_of", "contains") or self.multiple) else ids[0]


class MultipleType(ChoiceType):
    key = "multiple"
    label = _l("Multiple choice")
    description = _l("People tick any answers that apply; you can add “Other, please say”.")
    template = "checkboxes"
    multiple = True
    ops = ("contains", "one_of")

    def matches(self, q, value, op, operand):
        if self.empty(value):
            return False
        chosen = set(value["o"])
        wanted = {int(x) for x in (operand if isinstance(operand, list) else [operand])}
        if op == "contains":
            return wanted <= chosen
        if op == "one_of":
            return bool(chosen & wanted)
        return False


class AgreementType(ChoiceType):
    key = "agreement"
    label = _l("Agreement scale")
    description = _l("From strongly agree to strongly disagree.")
    template = "radios"
    default_options = ["Strongly agree", "Tend to agree", "Neither agree nor disagree", "Tend to disagree",
                       "Strongly disagree"]


class YesNoType(ChoiceType):
    key = "yesno"
    label = _l("Yes or no")
    description = _l("A simple yes or no.")
    template = "radios-inline"
    default_options = ["Yes", "No"]


def describe_label(label: str) -> str:
    """The label of the box beside an "other, please say" option, from the option's own
    words: "Asian or Asian British: Any other Asian background" -> "Describe your other Asian
    background"; "No, please say your gender identity" -> "Describe your gender identity";
    "Other, please say" -> "Describe your other answer"."""
    text = " ".join((label or "").split())
    if ": " in text:
        text = text.split(": ", 1)[1]
    head, sep, tail = text.partition(", please say")
    tail = tail.strip()
    if sep and tail:
        return f"Describe {tail}"
    text = head.replace("(please say)", "").strip(" ,")
    if text.lower().startswith("any "):
        text = text[4:]
    if text.lower() == "other":
        return "Describe your other answer"
    if text.lower().startswith("other"):
        return f"Describe your {text[0].lower()}{text[1:]}"
    return f"Tell us more about ‘{text}’"
