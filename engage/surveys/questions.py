"""Question types: a registry of small classes with one interface.

Each type says how its answer is read from a form (and from a CSV cell), checked, shown,
stored as answer rows and rebuilt from them, counted for results, and written to exports.
Adding a type is adding a class and registering it; nothing else branches on the type.

Answer values (kept in drafts as JSON) by type:
- choice types (single, multiple, agreement, yes/no): ``{"o": [option ids], "t": {option id: text}}``
  (``t`` holds what people wrote beside an "other, please say" option);
- rating and number: a number; date: "YYYY-MM-DD"; short and long text: a string;
- grid: ``{"g": {statement id: option id}}``; area: a ward's area id; ranking: option ids in order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..core.sanitise import clean_text

TEXT_LIMIT = 5000
SHORT_LIMIT = 200
OTHER_LIMIT = 200
NUMBER_LIMIT = 1e12
OPS = {
    "equals": "is",
    "one_of": "is one of",
    "contains": "includes",
    "gt": "is greater than",
}


class Invalid(Exception):
    """An answer that cannot be accepted; the message is shown next to the question."""


@dataclass
class Part:
    """One table of results: most questions have one; a grid has one per statement."""

    key: str
    label: str
    categories: list[tuple[str, str]] = field(default_factory=list)  # (key, label)
    exclusive: set[str] = field(default_factory=set)                  # "prefer not to say" keys
    multi: bool = False                                               # several answers per person
    numeric: bool = False                                             # summarised by mean/median


def _ids(values) -> list[int]:
    out = []
    for value in values:
        text = str(value).strip()
        if not re.fullmatch(r"[0-9]{1,10}", text):
            raise Invalid("Choose from the options shown")
        number = int(text)
        if number not in out:
            out.append(number)
    return out


def _number(text: str, label: str = "Enter a number, like 12 or 3.5") -> float | None:
    text = str(text or "").replace(",", "").strip()
    if not text:
        return None
    if len(text) > 20 or not re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
        raise Invalid(label)
    value = float(text)
    if abs(value) > NUMBER_LIMIT:
        raise Invalid(label)
    return value


class QuestionType:
    key = ""
    label = ""
    description = ""
    template = ""
    has_options = False
    has_rows = False
    default_options: list[str] = []
    default_rows: list[str] = []
    ops: tuple[str, ...] = ()
    text_answer = False

    # ---- reading answers -------------------------------------------------------------
    def parse(self, q, form) -> object:
        """The answer from a submitted form (a MultiDict), or None when left blank.
        Raises Invalid with a message for the person."""
        raise NotImplementedError

    def from_text(self, q, text: str) -> object:
        """The answer from a CSV cell (import), or None when blank."""
        raise NotImplementedError

    def empty(self, value) -> bool:
        return value is None or value == "" or value == [] or value == {} or value == {"o": [], "t": {}}

    def check(self, q, value) -> object:
        """Check a stored value (from a draft) still fits the question; returns it or None."""
        try:
            return self.from_value(q, value)
        except (Invalid, TypeError, ValueError, KeyError, AttributeError):
            return None

    def from_value(self, q, value):
        return value

    # ---- showing ---------------------------------------------------------------------
    def display(self, q, value) -> str:
        return "" if value is None else str(value)

    def form_value(self, q, value) -> dict:
        """What the form macro needs to show the answer again."""
        return {"value": value}

    # ---- storing ---------------------------------------------------------------------
    def rows(self, q, value) -> list[dict]:
        raise NotImplementedError

    def from_rows(self, q, rows) -> object:
        raise NotImplementedError

    # ---- results ---------------------------------------------------------------------
    def parts(self, q) -> list[Part]:
        return []

    def keys(self, q, value, part: Part) -> list[str]:
        return []

    def numeric_value(self, q, value) -> float | None:
        return None

    # ---- exports and imports ---------------------------------------------------------
    def columns(self, q, number: str) -> list[str]:
        return [number]

    def export(self, q, value) -> list:
        return ["" if value is None else self.display(q, value)]

    def import_cells(self, q, number: str, row: dict) -> object:
        return self.from_text(q, row.get(number, ""))

    # ---- conditional rules -----------------------------------------------------------
    def matches(self, q, value, op: str, operand) -> bool:
        return False

    def operand_label(self, q, op: str, operand) -> str:
        return str(operand)

    def parse_operand(self, q, op: str, raw: list[str]):
        raise Invalid("This kind of question cannot be used in a rule")


# ---- choices -----------------------------------------------------------------------------

class ChoiceType(QuestionType):
    key = "single"
    label = "Single choice"
    description = "People choose one answer from a list."
    template = "radios"
    has_options = True
    multiple = False
    default_options = ["First answer", "Second answer"]
    ops = ("equals", "one_of")

    def _options(self, q):
        return {o.id: o for o in q.choices()}

    def parse(self, q, form):
        name = f"q{q.id}"
        raw = form.getlist(name)
        if not raw or raw == [""]:
            return None
        if not self.multiple and len(raw) > 1:
            raise Invalid("Choose one answer")
        ids = _ids([r for r in raw if r != ""])
        options = self._options(q)
        if any(i not in options for i in ids):
            raise Invalid("Choose from the options shown")
        exclusive = [i for i in ids if options[i].is_exclusive]
        if exclusive and len(ids) > 1:
            raise Invalid(f"You cannot choose ‘{options[exclusive[0]].label}’ and another answer")
        texts = {}
        for i in ids:
            if options[i].invites_text:
                text = clean_text(form.get(f"{name}-text-{i}", ""))
                if len(text) > OTHER_LIMIT:
                    raise Invalid(f"What you wrote must be {OTHER_LIMIT} characters or fewer")
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
                head, _, tail = piece.partition(":")
                option = by_label.get(head.strip().casefold())
                if option is not None and option.invites_text:
                    texts[str(option.id)] = tail.strip()[:OTHER_LIMIT]
            if option is None and other is not None and not by_label.get(piece.casefold()):
                option = other
                texts[str(other.id)] = piece[:OTHER_LIMIT]
            if option is None:
                raise Invalid(f"‘{piece[:40]}’ is not one of the answers")
            if option.id not in ids:
                ids.append(option.id)
        if not self.multiple and len(ids) > 1:
            raise Invalid("Only one answer is allowed")
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
            out.append(f"{option.label}: {text}" if text else option.label)
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
                     {str(o.id) for o in choices if o.is_exclusive}, multi=self.multiple)]

    def keys(self, q, value, part):
        return [str(i) for i in value["o"]] if value else []

    def export(self, q, value):
        return [self.display(q, value) if value else ""]

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
        return " or ".join(f"‘{options[int(i)].label}’" for i in ids if int(i) in options)

    def parse_operand(self, q, op, raw):
        if op not in self.ops:
            raise Invalid("Choose a condition this question can meet")
        ids = _ids([r for r in raw if r])
        options = self._options(q)
        if not ids:
            raise Invalid("Choose the answer the condition looks for")
        if any(i not in options for i in ids):
            raise Invalid("Choose answers of that question")
        if op == "equals" and len(ids) != 1 and not self.multiple:
            raise Invalid("Choose one answer for ‘is’, or use ‘is one of’")
        return ids if (op in ("one_of", "contains") or self.multiple) else ids[0]


class MultipleType(ChoiceType):
    key = "multiple"
    label = "Multiple choice"
    description = "People tick any answers that apply; you can add “Other, please say”."
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
    label = "Agreement scale"
    description = "From strongly agree to strongly disagree."
    template = "radios"
    default_options = ["Strongly agree", "Tend to agree", "Neither agree nor disagree", "Tend to disagree",
                       "Strongly disagree"]


class YesNoType(ChoiceType):
    key = "yesno"
    label = "Yes or no"
    description = "A simple yes or no."
    template = "radios-inline"
    default_options = ["Yes", "No"]


# ---- numbers -----------------------------------------------------------------------------

class RatingType(QuestionType):
    key = "rating"
    label = "Rating 0 to 10"
    description = "People choose a number from 0 to 10."
    template = "rating"
    ops = ("equals", "gt")

    def parse(self, q, form):
        raw = form.get(f"q{q.id}", "").strip()
        if raw == "":
            return None
        if not re.fullmatch(r"(10|[0-9])", raw):
            raise Invalid("Choose a number from 0 to 10")
        return int(raw)

    def from_value(self, q, value):
        value = int(value)
        if not 0 <= value <= 10:
            raise Invalid("stale")
        return value

    def from_text(self, q, text):
        text = str(text or "").strip()
        if not text:
            return None
        if not re.fullmatch(r"(10|[0-9])(\.0+)?", text):
            raise Invalid("Give a whole number from 0 to 10")
        return int(float(text))

    def rows(self, q, value):
        return [{"number": float(value)}]

    def from_rows(self, q, rows):
        return int(rows[0].number) if rows and rows[0].number is not None else None

    def parts(self, q):
        return [Part("all", q.text, [(str(i), str(i)) for i in range(11)])]

    def keys(self, q, value, part):
        return [str(value)] if value is not None else []

    def numeric_value(self, q, value):
        return float(value) if value is not None else None

    def matches(self, q, value, op, operand):
        if value is None:
            return False
        return value == float(operand) if op == "equals" else (value > float(operand) if op == "gt" else False)

    def parse_operand(self, q, op, raw):
        if op not in self.ops:
            raise Invalid("Choose a condition this question can meet")
        value = _number(raw[0] if raw else "")
        if value is None:
            raise Invalid("Enter the number the condition looks for")
        return value


class NumberType(RatingType):
    key = "number"
    label = "Number"
    description = "A number, with the smallest and largest allowed."
    template = "number"

    def _range(self, q):
        s = q.settings or {}
        return s.get("min"), s.get("max")

    def _check(self, q, value):
        low, high = self._range(q)
        if low is not None and value < low or high is not None and value > high:
            if low is not None and high is not None:
                raise Invalid(f"Enter a number from {_fmt(low)} to {_fmt(high)}")
            if low is not None:
                raise Invalid(f"Enter a number of {_fmt(low)} or more")
            raise Invalid(f"Enter a number of {_fmt(high)} or less")
        if (q.settings or {}).get("whole") and not float(value).is_integer():
            raise Invalid("Enter a whole number")
        return value

    def parse(self, q, form):
        value = _number(form.get(f"q{q.id}", ""))
        return None if value is None else self._check(q, value)

    def from_value(self, q, value):
        return self._check(q, float(value))

    def from_text(self, q, text):
        value = _number(text)
        return None if value is None else self._check(q, value)

    def display(self, q, value):
        return "" if value is None else _fmt(value)

    def rows(self, q, value):
        return [{"number": float(value)}]

    def from_rows(self, q, rows):
        return rows[0].number if rows and rows[0].number is not None else None

    def parts(self, q):
        return [Part("all", q.text, numeric=True)]

    def keys(self, q, value, part):
        return []


def _fmt(value) -> str:
    value = float(value)
    return f"{int(value):,}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


# ---- grid --------------------------------------------------------------------------------

class GridType(QuestionType):
    key = "grid"
    label = "Grid of statements"
    description = "Several statements, each answered on the same scale."
    template = "grid"
    has_options = True
    has_rows = True
    default_options = AgreementType.default_options
    default_rows = ["First statement", "Second statement"]

    def parse(self, q, form):
        cols = {o.id for o in q.choices()}
        out = {}
        for row in q.rows():
            raw = form.get(f"q{q.id}-r{row.id}", "").strip()
            if not raw:
                continue
            ids = _ids([raw])
            if ids[0] not in cols:
                raise Invalid("Choose from the options shown")
            out[str(row.id)] = ids[0]
        if q.required and out and len(out) < len(q.rows()):
            raise Invalid("Answer each statement")
        return {"g": out} if out else None

    def from_value(self, q, value):
        cols = {o.id for o in q.choices()}
        rows = {r.id for r in q.rows()}
        out = {str(int(k)): int(v) for k, v in (value.get("g") or {}).items()}
        if any(int(k) not in rows or v not in cols for k, v in out.items()):
            raise Invalid("stale")
        return {"g": out}

    def from_text(self, q, text):  # a grid is imported one column per statement
        raise Invalid("unused")

    def import_cells(self, q, number, row):
        by_label = {o.label.casefold(): o.id for o in q.choices()}
        out = {}
        for i, statement in enumerate(q.rows(), start=1):
            text = clean_text(row.get(f"{number}.{i}", ""))
            if not text:
                continue
            if text.casefold() not in by_label:
                raise Invalid(f"‘{text[:40]}’ is not on the scale of statement {i}")
            out[str(statement.id)] = by_label[text.casefold()]
        return {"g": out} if out else None

    def empty(self, value):
        return not value or not value.get("g")

    def display(self, q, value):
        if self.empty(value):
            return ""
        cols = {o.id: o.label for o in q.choices()}
        return "; ".join(f"{r.label}: {cols.get(value['g'].get(str(r.id)), '')}" for r in q.rows() if str(r.id) in value["g"])

    def form_value(self, q, value):
        return {"grid": {k: str(v) for k, v in ((value or {}).get("g") or {}).items()}}

    def rows(self, q, value):
        return [{"row_id": int(k), "option_id": v} for k, v in value["g"].items()]

    def from_rows(self, q, rows):
        out = {str(r.row_id): r.option_id for r in rows if r.row_id and r.option_id}
        return {"g": out} if out else None

    def parts(self, q):
        cats = [(str(o.id), o.label) for o in q.choices()]
        excl = {str(o.id) for o in q.choices() if o.is_exclusive}
        return [Part(str(r.id), r.label, cats, excl) for r in q.rows()]

    def keys(self, q, value, part):
        chosen = (value or {}).get("g", {}).get(part.key)
        return [str(chosen)] if chosen else []

    def columns(self, q, number):
        return [f"{number}.{i}" for i, _ in enumerate(q.rows(), start=1)]

    def export(self, q, value):
        cols = {o.id: o.label for o in q.choices()}
        grid = (value or {}).get("g", {})
        return [cols.get(grid.get(str(r.id)), "") for r in q.rows()]


# ---- text --------------------------------------------------------------------------------

class ShortTextType(QuestionType):
    key = "short_text"
    label = "Short text"
    description = "A few words, up to 200 characters."
    template = "text"
    limit = SHORT_LIMIT
    ops = ("contains",)
    text_answer = True

    def parse(self, q, form):
        raw = form.get(f"q{q.id}", "")
        text = clean_text(raw)
        if len(text) > self.limit:
            raise Invalid(f"Your answer must be {self.limit:,} characters or fewer (it has {len(text):,})")
        return text or None

    def from_value(self, q, value):
        return str(value)[: self.limit]

    def from_text(self, q, text):
        text = clean_text(text)
        if len(text) > self.limit:
            raise Invalid(f"The answer must be {self.limit:,} characters or fewer")
        return text or None

    def rows(self, q, value):
        return [{"text": value}]

    def from_rows(self, q, rows):
        return rows[0].text if rows and rows[0].text is not None else None

    def matches(self, q, value, op, operand):
        return bool(value) and op == "contains" and str(operand).casefold() in value.casefold()

    def parse_operand(self, q, op, raw):
        text = clean_text(raw[0] if raw else "")[:100]
        if op != "contains" or not text:
            raise Invalid("Enter the words the answer should include")
        return text


class LongTextType(ShortTextType):
    key = "long_text"
    label = "Long text"
    description = "A comment of up to 5,000 characters. Comments can be coded with themes."
    template = "textarea"
    limit = TEXT_LIMIT


# ---- dates -------------------------------------------------------------------------------

class DateType(QuestionType):
    key = "date"
    label = "Date"
    description = "Day, month and year boxes."
    template = "date"

    def parse(self, q, form):
        parts = [form.get(f"q{q.id}-{p}", "").strip()[:6] for p in ("day", "month", "year")]
        if not any(parts):
            return None
        if not all(re.fullmatch(r"\d{1,4}", p) for p in parts):
            raise Invalid("Enter a real date, like 27 3 2007")
        try:
            day = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise Invalid("Enter a real date, like 27 3 2007")
        if not 1900 <= day.year <= 2100:
            raise Invalid("Enter a year between 1900 and 2100")
        return day.isoformat()

    def from_value(self, q, value):
        return date.fromisoformat(str(value)).isoformat()

    def from_text(self, q, text):
        text = str(text or "").strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or None
        try:
            if match:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
            match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
            if match:
                return date(int(match.group(3)), int(match.group(2)), int(match.group(1))).isoformat()
        except ValueError:
            pass
        raise Invalid("Give the date as 2007-03-27 or 27/03/2007")

    def display(self, q, value):
        if not value:
            return ""
        d = date.fromisoformat(value)
        return f"{d.day} {d:%B %Y}"

    def form_value(self, q, value):
        if not value:
            return {"day": "", "month": "", "year": ""}
        d = date.fromisoformat(value)
        return {"day": str(d.day), "month": str(d.month), "year": str(d.year)}

    def rows(self, q, value):
        return [{"day": date.fromisoformat(value)}]

    def from_rows(self, q, rows):
        return rows[0].day.isoformat() if rows and rows[0].day else None

    def parts(self, q):
        return [Part("all", q.text, [])]  # categories (months) are found from the answers

    def keys(self, q, value, part):
        return [value[:7]] if value else []

    def export(self, q, value):
        return [value or ""]


# ---- area --------------------------------------------------------------------------------

class AreaType(QuestionType):
    """Which ward people live in: chosen from the area tree, or found from a postcode."""

    key = "area"
    label = "Area (ward)"
    description = "People choose their ward, or type a postcode to find it."
    template = "area"
    ops = ("equals", "one_of")

    def wards(self, q) -> dict[int, object]:
        from .areas import ward_choices

        return dict(ward_choices(q.survey))

    def parse(self, q, form):
        from .areas import lookup_postcode

        wards = self.wards(q)
        raw = form.get(f"q{q.id}", "").strip()
        postcode = clean_text(form.get(f"q{q.id}-postcode", ""))[:12]
        if raw:
            ids = _ids([raw])
            if ids[0] not in wards:
                raise Invalid("Choose a ward from the list")
            return ids[0]
        if postcode:
            found = lookup_postcode(postcode)
            if found is None:
                raise Invalid("We could not find that postcode. Check it, or choose your ward from the list")
            if found not in wards:
                raise Invalid("That postcode is outside the area of this survey. Choose a ward from the list if you live in it")
            return found
        return None

    def from_value(self, q, value):
        value = int(value)
        if value not in self.wards(q):
            raise Invalid("stale")
        return value

    def from_text(self, q, text):
        text = clean_text(text)
        if not text:
            return None
        for area_id, name in self.wards(q).items():
            if name.casefold() == text.casefold():
                return area_id
        raise Invalid(f"‘{text[:40]}’ is not a ward of this survey's area")

    def display(self, q, value):
        return self.wards(q).get(value, "") if value else ""

    def rows(self, q, value):
        return [{"area_id": int(value)}]

    def from_rows(self, q, rows):
        return rows[0].area_id if rows and rows[0].area_id else None

    def parts(self, q):
        return [Part("all", q.text, [(str(i), name) for i, name in self.wards(q).items()])]

    def keys(self, q, value, part):
        return [str(value)] if value else []

    def matches(self, q, value, op, operand):
        if not value:
            return False
        wanted = {int(x) for x in (operand if isinstance(operand, list) else [operand])}
        return value in wanted

    def operand_label(self, q, op, operand):
        wards = self.wards(q)
        ids = operand if isinstance(operand, list) else [operand]
        return " or ".join(wards.get(int(i), "?") for i in ids)

    def parse_operand(self, q, op, raw):
        if op not in self.ops:
            raise Invalid("Choose a condition this question can meet")
        ids = _ids([r for r in raw if r])
        if not ids or any(i not in self.wards(q) for i in ids):
            raise Invalid("Choose wards of this survey's area")
        return ids if op == "one_of" else ids[0]


# ---- ranking -----------------------------------------------------------------------------

class RankingType(QuestionType):
    key = "ranking"
    label = "Ranking"
    description = "People put the options in order: 1 for the most important."
    template = "ranking"
    has_options = True
    default_options = ["First option", "Second option", "Third option"]

    def parse(self, q, form):
        choices = q.choices()
        ranks = {}
        for option in choices:
            raw = form.get(f"q{q.id}-rank-{option.id}", "").strip()
            if not raw:
                continue
            if not re.fullmatch(r"[0-9]{1,3}", raw) or not 1 <= int(raw) <= len(choices):
                raise Invalid(f"Give each option a number from 1 to {len(choices)}")
            ranks[option.id] = int(raw)
        if not ranks:
            return None
        if len(set(ranks.values())) != len(ranks):
            raise Invalid("Give each option a different number")
        if sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
            raise Invalid("Number the options from 1 without gaps")
        return [i for i, _ in sorted(ranks.items(), key=lambda item: item[1])]

    def from_value(self, q, value):
        ids = [int(i) for i in value]
        valid = {o.id for o in q.choices()}
        if any(i not in valid for i in ids) or len(set(ids)) != len(ids):
            raise Invalid("stale")
        return ids

    def from_text(self, q, text):
        text = clean_text(text)
        if not text:
            return None
        by_label = {o.label.casefold(): o.id for o in q.choices()}
        out = []
        for piece in [p.strip() for p in text.split(";") if p.strip()]:
            if piece.casefold() not in by_label:
                raise Invalid(f"‘{piece[:40]}’ is not one of the options")
            if by_label[piece.casefold()] in out:
                raise Invalid(f"‘{piece[:40]}’ is ranked twice")
            out.append(by_label[piece.casefold()])
        return out or None

    def display(self, q, value):
        labels = {o.id: o.label for o in q.choices()}
        return "; ".join(f"{n}. {labels.get(i, '')}" for n, i in enumerate(value or [], start=1))

    def form_value(self, q, value):
        return {"ranks": {str(i): str(n) for n, i in enumerate(value or [], start=1)}}

    def export(self, q, value):
        labels = {o.id: o.label for o in q.choices()}
        return ["; ".join(labels.get(i, "") for i in value or [])]

    def rows(self, q, value):
        return [{"option_id": i, "number": float(n)} for n, i in enumerate(value, start=1)]

    def from_rows(self, q, rows):
        ordered = sorted((r for r in rows if r.option_id and r.number is not None), key=lambda r: r.number)
        return [r.option_id for r in ordered] or None

    def parts(self, q):
        return [Part("first", f"{q.text} (ranked first)", [(str(o.id), o.label) for o in q.choices()])]

    def keys(self, q, value, part):
        return [str(value[0])] if value else []


REGISTRY: dict[str, QuestionType] = {}


def register(kind: QuestionType) -> None:
    REGISTRY[kind.key] = kind


for _kind in (ChoiceType(), MultipleType(), AgreementType(), RatingType(), GridType(), ShortTextType(), LongTextType(),
              NumberType(), DateType(), AreaType(), RankingType(), YesNoType()):
    register(_kind)


def get(key: str) -> QuestionType:
    return REGISTRY[key]


def type_of(q) -> QuestionType:
    return REGISTRY[q.qtype]


def choices() -> list[tuple[str, str, str]]:
    return [(k.key, k.label, k.description) for k in REGISTRY.values()]
