"""Putting options in order of importance."""
from __future__ import annotations

from ...core.i18n import gettext as _, lazy_gettext as _l

import re

from ...core.sanitise import clean_text
from ...core.content import text_for
from .base import Invalid, Part, QuestionType

class RankingType(QuestionType):
    key = "ranking"
    label = _l("Ranking")
    description = _l("People put the options in order: 1 for the most important.")
    template = "ranking"
    has_options = True
    default_options: list[str] = []
    example_options = [_l("Cleaner streets"), _l("Safer parks"), _l("More bins")]

    def parse(self, q, form):
        choices = q.choices()
        ranks = {}
        for option in choices:
            raw = form.get(f"q{q.id}-rank-{option.id}", "").strip()
            if not raw:
                continue
            if not re.fullmatch(r"[0-9]{1,3}", raw) or not 1 <= int(raw) <= len(choices):
                raise Invalid(_("Give each option a number from 1 to %(n)s", n=len(choices)))
            ranks[option.id] = int(raw)
        if not ranks:
            return None
        if len(set(ranks.values())) != len(ranks):
            raise Invalid(_("Give each option a different number"))
        if sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
            raise Invalid(_("Number the options from 1 without gaps"))
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
                raise Invalid(_("‘%(text)s’ is not one of the options", text=piece[:40]))
            if by_label[piece.casefold()] in out:
                raise Invalid(_("‘%(text)s’ is ranked twice", text=piece[:40]))
            out.append(by_label[piece.casefold()])
        return out or None

    def display(self, q, value):
        labels = {o.id: text_for(o, "label") for o in q.choices()}   # in the resident's language
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
