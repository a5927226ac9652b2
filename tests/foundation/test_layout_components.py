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


def test_a_pages_before_content_is_drawn_once_and_shown_only_when_there_is_one(app):
    """The layout draws a page's before_content block (a back link: a component call) once,
    and wraps it in its nav only when the page has one (it was drawn once to see whether it
    was empty and again to show it)."""
    from flask import render_template_string

    drawn: list[int] = []
    page = ('{% extends "base.html" %}{% block before_content %}{{ count() }}<a class="govuk-back-link" href="/x">Back</a>'
            '{% endblock %}{% block content %}<h1>A page</h1>{% endblock %}')
    with app.test_request_context("/"):
        html = render_template_string(page, count=lambda: drawn.append(1) or "")
        bare = render_template_string('{% extends "base.html" %}{% block content %}<h1>A page</h1>{% endblock %}')
    assert drawn == [1], f"before_content drawn {len(drawn)} times"
    assert '<nav class="engage-before-content" aria-label="Back"><a class="govuk-back-link" href="/x">Back</a></nav>' in html
    assert "engage-before-content" not in bare
