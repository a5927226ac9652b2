"""A grid of statements, each answered on the same scale."""
from __future__ import annotations

from ...core.i18n import gettext as _, lazy_gettext as _l

from ...core.sanitise import clean_text
from ...core.content import text_for
from .base import Invalid, Part, QuestionType, _ids
from .choice import AgreementType


class GridType(QuestionType):
    key = "grid"
    label = _l("Grid of statements")
    description = _l("Several statements, each answered on the same scale.")
    template = "grid"
    has_options = True
    has_rows = True
    default_options = AgreementType.default_options
    default_rows: list[str] = []
    example_rows = [_l("The park is clean"), _l("The park feels safe")]

    def parse(self, q, form):
        cols = {o.id for o in q.choices()}
        out = {}
        for row in q.rows():
            raw = form.get(f"q{q.id}-r{row.id}", "").strip()
            if not raw:
                continue
            ids = _ids([raw])
            if ids[0] not in cols:
                raise Invalid(_("Choose from the options shown"))
            out[str(row.id)] = ids[0]
        if q.required and out and len(out) < len(q.rows()):
            raise Invalid(_("Answer each statement"))
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
                raise Invalid(_("‘%(text)s’ is not on the scale of statement %(number)s", text=text[:40], number=i))
            out[str(statement.id)] = by_label[text.casefold()]
        return {"g": out} if out else None

    def empty(self, value):
        return not value or not value.get("g")

    def display(self, q, value):
        if self.empty(value):
            return ""
        cols = {o.id: text_for(o, "label") for o in q.choices()}   # in the resident's language
        return "; ".join(f"{text_for(r, 'label')}: {cols.get(value['g'].get(str(r.id)), '')}" for r in q.rows() if str(r.id) in value["g"])

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
        left_out = {str(o.id) for o in q.choices() if o.out_of_base}
        return [Part(str(r.id), r.label, cats, excl, out_of_base=left_out) for r in q.rows()]

    def keys(self, q, value, part):
        chosen = (value or {}).get("g", {}).get(part.key)
        return [str(chosen)] if chosen else []

    def columns(self, q, number):
        return [f"{number}.{i}" for i, _ in enumerate(q.rows(), start=1)]

    def export(self, q, value):
        cols = {o.id: o.label for o in q.choices()}
        grid = (value or {}).get("g", {})
        return [cols.get(grid.get(str(r.id)), "") for r in q.rows()]
