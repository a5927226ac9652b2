"""The demo's accessibility statement (``seed-demo``), complete as the regulations ask."""
from __future__ import annotations

from datetime import date

from ..demo import register_seeder
from . import services

NON_COMPLIANT = """\
- Charts of results are pictures. Each one has the same figures in a table beside it, but the \
picture itself has no text description of its shape (WCAG 2.2 success criterion 1.1.1, non-text \
content). We plan to describe each chart's main point in words by 31 March 2027.
- Some Word and PDF reports that partners uploaded before 2026 have no headings a screen reader \
can use (success criterion 1.3.1, info and relationships). We replace each one with a web page \
when it is next updated.
- Many pages are not yet translated into Welsh: they say so at the top. We plan to translate every \
page residents use by 30 June 2027."""

DISPROPORTIONATE = """\
We have not made maps of wards accessible as maps, because drawing them again would cost more \
than the partnership can spend this year. Every map has a list of the same places beside it."""

OUTSIDE_SCOPE = """\
PDF files of the partnership's papers published before 23 September 2018, such as the 2005 \
Community Strategy, are not covered unless people need them to use a service we provide."""

CONTACT = """\
- email [engage@example.org](mailto:engage@example.org)
- call 0151 496 0123 (Monday to Friday, 9am to 5pm)
- write to the Partnership Officer, Halton Strategic Partnership, Widnes"""

IMPROVEMENTS = """\
We test every change in a real browser with the axe-core checker, at a width of 320 pixels and \
without JavaScript. We will describe every chart in words and translate the pages residents \
use most into Welsh and Urdu during 2027."""


def seed(echo=lambda message: None) -> bool:
    if services.statement() is not None:
        return False
    services.save(None, {
        "organisation": "Halton Strategic Partnership", "compliance": "partial", "non_compliant": NON_COMPLIANT,
        "disproportionate_burden": DISPROPORTIONATE, "outside_scope": OUTSIDE_SCOPE, "format_contact": CONTACT,
        "format_days": 5, "problem_contact": CONTACT, "improvements": IMPROVEMENTS, "tested_on": date(2026, 11, 20),
        "tested_by": "the partnership's web team, with the axe-core checker, a screen reader (NVDA) and keyboard only",
        "prepared_on": date(2026, 11, 23), "reviewed_on": date(2026, 12, 1),
    })
    echo("Accessibility statement loaded.")
    return True


register_seeder(12, seed)
