"""The layout's GOV.UK components are drawn once per distinct input (engage/core/templating.py
``pure``, issue 21): the same skip link, phase banner and navigation on every page cost a
look-up. What each page shows still follows from its own input: the section it is in is the
one marked current, and a reader of Welsh gets the Welsh words after a reader of English."""
from __future__ import annotations

import re


def _current(page: str) -> list[str]:
    return re.findall(r'<a class="govuk-service-navigation__link" href="([^"]+)"\s+aria-current="page"', page)


def test_each_page_marks_its_own_section_and_reads_in_its_own_language(app, client):
    consultations = client.get("/consultations").get_data(as_text=True)
    strategy = client.get("/strategy").get_data(as_text=True)
    again = client.get("/consultations").get_data(as_text=True)
    assert _current(consultations) == ["/consultations"] == _current(again)
    assert _current(strategy) == ["/strategy"]

    english = client.get("/").get_data(as_text=True)
    assert "Skip to main content" in english
    client.set_cookie("engage_lang", "cy")
    welsh = client.get("/").get_data(as_text=True)
    assert 'lang="cy"' in welsh and "Skip to main content" not in welsh
    client.set_cookie("engage_lang", "en")
    assert "Skip to main content" in client.get("/").get_data(as_text=True)
