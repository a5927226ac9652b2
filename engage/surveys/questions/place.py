"""Which ward people live in: from the area tree, or found from a postcode."""
from __future__ import annotations

from ...core.i18n import gettext as _, lazy_gettext as _l

from ...core.sanitise import clean_text
from .base import Invalid, Part, QuestionType, _ids


class AreaType(QuestionType):
    """Which ward people live in: chosen from the area tree, or found from a postcode."""

    key = "area"
    label = _l("Area (ward)")
    description = _l("People choose their ward, or type a postcode to find it.")
    template = "area"
    ops = ("equals", "one_of")

    def wards(self, q) -> dict[int, object]:
        from ..areas import ward_choices

        return dict(ward_choices(q.survey))

    def parse(self, q, form):
        from ..areas import PostcodeProblem, lookup_postcode

        wards = self.wards(q)
        raw = form.get(f"q{q.id}", "").strip()
        postcode = clean_text(form.get(f"q{q.id}-postcode", ""))[:12]
        if raw:
            ids = _ids([raw])
            if ids[0] not in wards:
                raise Invalid(_("Choose a ward from the list"))
            return ids[0]
        if postcode:
            try:
                found = lookup_postcode(postcode)
            except PostcodeProblem as error:
                raise Invalid(str(error))
            if found is None:
                raise Invalid(_("We could not find that postcode. Check it, or choose your ward from the list"))
            if found not in wards:
                raise Invalid(_("That postcode is outside the area of this survey. Choose a ward from the list if you live in it"))
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
        raise Invalid(_("‘%(text)s’ is not a ward of this survey's area", text=text[:40]))

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
        return _(" or ").join(wards.get(int(i), "?") for i in ids)

    def parse_operand(self, q, op, raw):
        if op not in self.ops:
            raise Invalid(_("Choose a condition this question can meet"))
        ids = _ids([r for r in raw if r])
        if not ids or any(i not in self.wards(q) for i in ids):
            raise Invalid(_("Choose wards of this survey's area"))
        return ids if op == "one_of" else ids[0]
