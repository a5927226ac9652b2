"""The layout's header, footer and links to its styles and script are drawn once per distinct
input and then looked up (engage/core/templating.py ``kept``, issue 21): the header was a
fifth of a small page's work. What each page shows still follows from its own input: the
reader's language, the page it is on (the section marked, the language links back to it),
and never another person's header (a signed-in person's name and sign-out button are drawn
for them alone); texts the reader's language lacks are still counted on every page."""
from __future__ import annotations

import re


def _language_links(page: str) -> list[str]:
    return re.findall(r'<a class="govuk-link govuk-link--inverse" href="(/language/[^"]+)"', page)


def _current(page: str) -> list[str]:
    return re.findall(r'<a class="govuk-service-navigation__link" href="([^"]+)"\s+aria-current="page"', page)


def test_the_header_follows_the_language_and_the_page(app, client):
    first = client.get("/consultations?q=park").get_data(as_text=True)
    again = client.get("/consultations?q=park").get_data(as_text=True)
    assert first == again
    assert _language_links(first) and all("next=/consultations?q%3Dpark" in link or "next=/consultations?q=park" in link
                                          for link in _language_links(first)), _language_links(first)
    other = client.get("/consultations?q=school").get_data(as_text=True)
    assert all("school" in link for link in _language_links(other)), _language_links(other)
    assert _current(client.get("/strategy").get_data(as_text=True)) == ["/strategy"]
    assert _current(client.get("/consultations").get_data(as_text=True)) == ["/consultations"]

    client.set_cookie("engage_lang", "cy")
    welsh = client.get("/consultations?q=park").get_data(as_text=True)
    assert ">Mewngofnodi</a>" in welsh and ">Sign in</a>" not in welsh
    assert "Datganiad hygyrchedd" in welsh and "Accessibility statement" not in welsh   # the footer
    client.set_cookie("engage_lang", "en")
    english = client.get("/consultations?q=park").get_data(as_text=True)
    assert ">Sign in</a>" in english and "Accessibility statement" in english and "Mewngofnodi" not in english


def test_a_signed_in_persons_header_is_theirs_alone(app, client, users, login):
    anonymous = app.test_client()
    assert ">Sign in</a>" in anonymous.get("/consultations").get_data(as_text=True)
    login("officer")
    mine = client.get("/consultations").get_data(as_text=True)
    assert "Test Officer" in mine and "Sign out" in mine and ">Sign in</a>" not in mine
    token = re.search(r'name="csrf_token" value="([^"]+)"', mine)
    assert token, "the sign-out form carries its own token"
    # The next visitor, not signed in, gets the plain header: not the officer's name or token.
    theirs = anonymous.get("/consultations").get_data(as_text=True)
    assert ">Sign in</a>" in theirs and "Test Officer" not in theirs and token.group(1) not in theirs
    login("coordinator")
    other = client.get("/consultations").get_data(as_text=True)
    assert "Test Coordinator" in other and "Test Officer" not in other


def test_texts_a_language_lacks_are_counted_whenever_a_kept_part_is_shown(app):
    """A kept part notes again, on every page showing it, the texts it shows in English (the
    notice at the top of the page counts them), and keeps its own notes out of the page's."""
    from flask import g, render_template_string
    from flask_babel import refresh

    def fresh():   # as each request starts (the tests' app context outlives one)
        refresh()
        g.pop("engage_untranslated", None)

    app.extensions.pop("engage_kept_parts", None)
    page = ('{{ _("A sentence no catalogue has") }}{% call kept("test part") %}<p>{{ _("Another sentence no catalogue has") }}</p>'
            '{% endcall %}|{{ untranslated() | join(";") }}')
    seen = []
    for _round in range(2):
        with app.test_request_context("/", headers={"Cookie": "engage_lang=cy"}):
            fresh()
            seen.append(render_template_string(page))
    assert seen[0] == seen[1]
    assert seen[1].endswith("|A sentence no catalogue has;Another sentence no catalogue has"), seen[1]
    with app.test_request_context("/"):   # in English nothing is missing
        fresh()
        assert render_template_string(page).endswith("|")


def test_the_layouts_components_are_given_to_every_template_and_draw_as_imported(app):
    """The five GOV.UK components the layout draws on every page are given to every template
    once (engage/core/templating.py LAYOUT_COMPONENTS: five imports a page before, each
    comparing the page's globals with its own); each draws exactly as the imported one."""
    from flask import render_template_string

    from engage.core.templating import LAYOUT_COMPONENTS

    calls = {"govukSkipLink": {"href": "#main", "text": "Skip"}, "govukBackLink": {"href": "/x", "text": "Back"},
             "govukPhaseBanner": {"tag": {"text": "Beta"}, "html": "New"},
             "govukNotificationBanner": {"text": "Saved", "type": "success"},
             "govukServiceNavigation": {"navigation": [{"text": "Home", "href": "/", "current": True}]}}
    assert set(calls) == set(LAYOUT_COMPONENTS)
    base = open(app.root_path + "/../templates/base.html", encoding="utf-8").read()
    assert "{% from" not in base, "the layout imports a component again"
    with app.test_request_context("/"):
        for name, folder in LAYOUT_COMPONENTS.items():
            given = render_template_string("{{ %s(params) }}" % name, params=calls[name])
            imported = render_template_string('{%% from "govuk_frontend_jinja/components/%s/macro.html" import %s %%}'
                                              "{{ %s(params) }}" % (folder, name, name), params=calls[name])
            assert given == imported and len(given) > 20, name
