"""A question's headline figure: its top answer as one sentence ("Removing rubbish came
first: 41%, base 2,500, 2005"), by the disclosure rules its figures were published under."""
from __future__ import annotations

from dataclasses import dataclass

from flask import has_app_context

from ..core import numbers
from ..core.i18n import current_language, default_language, gettext as _, writing_in
from .models import Consultation

@dataclass
class Headline:
    option: str
    percent: float
    count: int
    base: int
    year: int | None

    @property
    def sentence(self) -> str:
        """"Yes came first: 92.5%, base 40, 2005" in the reader's language (pages, findings
        reports), its figures written by Babel's rules for that language."""
        places = 0 if float(self.percent).is_integer() else 1
        return headline_text(self.option, numbers.percent_text(self.percent, places), numbers.whole_text(self.base), self.year)

    @property
    def text(self) -> str:
        """The same sentence in the site's own language, whoever is reading: what the search
        index stores (built after commit, or in the request's transaction) and the API gives."""
        if not has_app_context() or current_language() == default_language():
            return self.sentence   # already the site's own language (or no site at all: English)
        with writing_in(None):
            return self.sentence


def headline_text(answer: str, percent: str, base: str, year: int | None) -> str:
    """A question's headline as one sentence in the language in force, from its figures
    already written out: "Removing rubbish came first: 41%, base 2,500, 2005"."""
    if year:
        return _("%(answer)s came first: %(percent)s, base %(base)s, %(year)s", answer=answer, percent=percent, base=base,
                 year=str(year))
    return _("%(answer)s came first: %(percent)s, base %(base)s", answer=answer, percent=percent, base=base)


def consultation_year(consultation: Consultation) -> int | None:
    when = consultation.actual_start or consultation.planned_start or consultation.actual_close or consultation.planned_close
    if when:
        return when.year
    return consultation.created_at.year if consultation.created_at else None


def top_answer(figures, threshold: int, year: int | None) -> Headline | None:
    """The headline rule on plain rows, one per figure of the "all" segment: (count, base,
    option position, option label), label None for a figure without its option. The top
    answer wins, the earlier option on a tie; None when there are no figures, the base is
    under the threshold, the top answer was given by fewer people than the threshold, or the
    top figure has no option."""
    top = max(figures, key=lambda f: (f[0], -f[2]), default=None)
    if top is None:
        return None
    count, base, _position, label = top[:4]
    if not base or base < threshold or count < threshold or label is None:
        return None
    # Figures whose source decided what the public sees (a fifth item, ResultFigure.disclosure:
    # a survey's own publication) are headlined only as that source shows them: never a hidden
    # count or base, and only when no hidden answer might have come first (the page's rule).
    decided = [f for f in figures if len(f) > 4 and f[4] is not None]
    if decided:
        if len(top) < 5 or top[4] != "shown":
            return None
        hidden = [f for f in figures if len(f) < 5 or f[4] not in ("shown", "count-only")]
        if hidden:
            shown = sum(f[0] for f in figures if f not in hidden)
            if shown > base or count <= base - shown:
                return None
    return Headline(option=label, percent=numbers.percent(count, base, 1), count=count, base=base, year=year)
