"""Words some public pages cannot avoid (LAA, base, cross-cutting theme...), explained in plain
English on one glossary page, and linked there the first time a page uses them.

Templates mark a term with ``{{ term('base') }}`` (or ``term('base', 'Base')`` for other
words), or run stored text through ``{{ text | glossary }}``, which links the first use of
any term it finds. Either way only the first use on a page gets the link.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import has_request_context, request, url_for
from markupsafe import Markup, escape

from .i18n import N_, gettext as _


@dataclass(frozen=True)
class Term:
    slug: str
    name: str
    meaning: str
    finds: tuple[str, ...] = ()  # the forms of the word to link in stored text (whole words)


TERMS: list[Term] = [
    Term("base", N_("Base"),
         N_("The number of people who answered a question. Each percentage is worked out from it. "
         "When the base is small, the figure is less sure.")),
    Term("baseline", N_("Baseline"),
         N_("Where a figure stood at the start. Later readings are set beside it to show if things got better or worse.")),
    Term("borough-wide", N_("Borough-wide"),
         N_("Covers the whole borough. A borough-wide survey covers every ward and every place inside them.")),
    Term("cross-cutting-theme", N_("Cross-cutting theme"),
         N_("A subject that matters to all the priorities, not just one, such as skills or harm from alcohol. "
         "All the partnerships work on it together."),
         ("cross-cutting themes", "cross-cutting theme", "Cross-cutting themes", "Cross-cutting theme")),
    Term("effective-base", N_("Effective base"),
         N_("When results are weighted, some people count for more than one and some for less. That makes a figure less "
         "sure. The effective base is the number of people a plain survey would need to be just as sure."),
         ("effective base",)),
    Term("equality-monitoring", N_("Equality monitoring"),
         N_("Asking the people who take part about themselves, such as their age, sex, ethnic group or any disability. "
         "It shows if every part of the community had a say. Answering is up to each person, "
         "and the answers are kept apart from what they said."),
         ("Equality monitoring", "equality monitoring")),
    Term("indicator", N_("Indicator"),
         N_("A figure that shows how well an outcome is going, such as the number of people out of work. "
         "It is checked every six months.")),
    Term("key-finding", N_("Key finding"),
         N_("A short statement of what people said, with the figures or quotes that back it up.")),
    Term("laa", N_("LAA (Local Area Agreement)"),
         N_("A three-year deal between the council, its partners and the government. It sets out the priorities for the "
         "area and the targets partners agree to meet. Its priorities are grouped in blocks."),
         ("Local Area Agreement", "LAA")),
    Term("lsp", N_("LSP (Local Strategic Partnership)"),
         N_("The council, police, health services, fire service, colleges, businesses and local groups, working together "
         "for the whole area. It has a board and a small team."),
         ("Local Strategic Partnership", "LSP")),
    Term("margin-of-error", N_("Margin of error"),
         N_("How far a figure from a survey could move just by chance of who answered. We show it as a range, such as "
         "35% to 45%. It takes it that the people who answered were picked at random. When people chose to answer, "
         "as in most open surveys, the figure could be further off than the range shows.")),
    Term("exception-report", N_("Exception report"),
         N_("A short paper for the board that lists only what has gone wrong: targets that are off track or late, "
         "and what is being done about them."), ("exception report", "Exception report")),
    Term("ladder-of-intervention", N_("Ladder of intervention"),
         N_("Three steps the partners take when a target stays worse than its monitoring level. At each step someone "
         "higher up takes charge of the plan to put it right."), ("ladder of intervention", "Ladder of intervention")),
    Term("monitoring-level", N_("Monitoring level"),
         N_("A point agreed in advance. If a figure gets worse than this, the partners meet to decide what to do."),
         ("monitoring level", "Monitoring level")),
    Term("outcome", N_("Outcome"),
         N_("A change the partners promise to bring about, such as fewer people out of work. Each outcome has indicators and targets.")),
    Term("per-1000-residents", N_("Per 1,000 residents"),
         N_("A count shared out by how many people live in a place, so that big and small wards can be compared fairly.")),
    Term("psg", N_("PSG (Performance and Standards Group)"),
         N_("The partners' group that checks how well targets are being met, every six months."), ("PSG",)),
    Term("priority-ward", N_("Priority ward"),
         N_("A ward where the partnership works hardest to close the gap with the rest of the borough, for example in health, "
         "jobs or crime. Results there are set beside the rest of the borough."),
         ("priority wards", "priority ward", "Priority wards", "Priority ward")),
    Term("significant", N_("Significant difference"),
         N_("A gap between two groups that is too big to be down to chance alone. We check it with a standard test. "
         "We treat all the tests in a table as one set, so the risk of even one wrong result in a table is 1 in 20.")),
    Term("ssp", N_("SSP (Specialist Strategic Partnership)"),
         N_("A partnership that leads one priority, such as health or crime. It has its own budget and must act on what people say."),
         ("Specialist Strategic Partnership", "SSP")),
    Term("vcs", N_("VCS (voluntary and community sector)"),
         N_("Local charities, voluntary groups and community groups."),
         ("voluntary and community sector", "VCS")),
    Term("ward", N_("Ward"),
         N_("A part of the borough that elects its own councillors. Wards are split into smaller neighbourhoods.")),
]
BY_SLUG = {t.slug: t for t in TERMS}


def _seen() -> set[str]:
    # Kept on the request, not on ``g``: an app context can outlive one request (as in tests).
    if not has_request_context():
        return set()
    return request.environ.setdefault("engage.glossary_seen", set())


def _link(term: Term, text: str) -> str:
    meaning = _("(what this means)")
    return (f'<a class="govuk-link engage-term" href="{url_for("main.glossary")}#{term.slug}">{escape(text)}'
            f'<span class="govuk-visually-hidden"> {escape(meaning)}</span></a>')


def term(slug: str, text: str | None = None) -> Markup:
    """``text`` (the term's name by default), linked to its meaning if this is its first use
    on the page."""
    found = BY_SLUG[slug]
    shown = text if text is not None else found.name
    if slug in _seen():
        return Markup(escape(shown))
    _seen().add(slug)
    return Markup(_link(found, shown))


_FINDS = sorted(((form, t) for t in TERMS for form in t.finds), key=lambda pair: -len(pair[0]))
_PATTERN = re.compile("|".join(rf"(?<![\w-]){re.escape(form)}(?![\w-])" for form, _ in _FINDS))
_BY_FORM = {form: t for form, t in _FINDS}


def link_terms(text) -> Markup:
    """Stored text, escaped, with the first use on the page of each glossary term linked."""
    if text is None:
        return Markup("")
    plain = str(text)
    out, last = [], 0
    for match in _PATTERN.finditer(plain):
        found = _BY_FORM[match.group(0)]
        if found.slug in _seen():
            continue
        _seen().add(found.slug)
        out.append(str(escape(plain[last:match.start()])))
        out.append(_link(found, match.group(0)))
        last = match.end()
    out.append(str(escape(plain[last:])))
    return Markup("".join(out))
