"""Answering a survey with a screen reader, a keyboard and time (issue 19, WCAG 2.2), over
HTTP: what the rendered pages tie together (error links, hints, reveals, labels, counts),
and that no answers are lost to an expired session or a half-answered page."""
from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from engage.extensions import db
from engage.surveys.models import SurveyResponse, SurveySection
from tests.surveys.survey_support import add, consultation, opt, places, survey  # noqa: F401


@pytest.fixture
def wide(survey):
    """The parks survey with a third section: a date, a short text, a ranking and a single
    choice with "Other, please say", all on one page, and the equality questions after it."""
    from engage.surveys import builder

    third = SurveySection(survey=survey, position=3, title="About your visits")
    db.session.add(third)
    db.session.flush()
    q = survey.q
    q["when"] = add(survey, third, "date", "When did you last visit the park?", required=True)
    q["name"] = add(survey, third, "short_text", "What do you call the park?")
    q["order"] = add(survey, third, "ranking", "What matters most?", options=["Paths", "Toilets", "Trees"])
    q["often"] = add(survey, third, "single", "How often do you use your local park?",
                     options=["Every day", "Every week"], allow_other=True, required=True)
    builder.add_equality_section(None, survey)
    db.session.commit()
    return survey


class Node:
    """A few look-ups on an lxml element, enough for these tests."""

    def __init__(self, element):
        self.e = element

    @property
    def name(self):
        return self.e.tag

    @property
    def title(self):
        return self.find("title")

    def __getitem__(self, key):
        value = self.e.get(key)
        if value is None:
            raise KeyError(key)
        return value.split() if key == "class" else value

    def get(self, key, default=None):
        return self.e.get(key, default)

    def has_attr(self, key):
        return key in self.e.attrib

    def get_text(self, sep="", strip=False):
        text = sep.join(t.strip() if strip else t for t in self.e.itertext())
        return " ".join(text.split()) if strip else text

    @staticmethod
    def _xpath(tag=None, attrs=None, **kw):
        conds = [f'@{k}="{v}"' for k, v in {**(attrs or {}), **kw}.items() if v is not True]
        conds += [f"@{k}" for k, v in (attrs or {}).items() if v is True]
        return (tag or "*") + "".join(f"[{c}]" for c in conds)

    def find(self, tag=None, attrs=None, **kw):
        found = self.e.xpath(".//" + self._xpath(tag, attrs, **kw))
        return Node(found[0]) if found else None

    def find_parent(self, tag=None, attrs=None):
        found = self.e.xpath("ancestor::" + self._xpath(tag, attrs))
        return Node(found[-1]) if found else None

    def select(self, css):
        path = ""
        for part in css.split():
            tag, _, cls = part.partition(".")
            path += "//" + (tag or "*") + (f'[contains(concat(" ", normalize-space(@class), " "), " {cls} ")]' if cls else "")
        return [Node(x) for x in self.e.xpath("." + path)]


def soup(response) -> Node:
    return Node(lxml_html.document_fromstring(response.get_data(as_text=True)))


def to_third_page(client, survey, places) -> str:
    q = survey.q
    assert client.post(f"/surveys/{survey.id}", data={}).status_code == 302
    never = opt(q["use"], "Never").id
    sent = client.post(f"/surveys/{survey.id}/page/0",
                       data={f"q{q['ward'].id}": str(places["mill"].id), f"q{q['use'].id}": str(never)})
    location = sent.headers["Location"]
    assert "/page/" in location
    return location


def test_error_summary_links_each_field_to_something_that_takes_focus(client, wide, places):
    q = wide.q
    location = to_third_page(client, wide, places)
    page = client.post(location, data={})
    assert page.status_code == 400
    html = soup(page)
    links = {a["href"]: a.get_text(" ", strip=True) for a in html.select(".govuk-error-summary a")}
    # A date links to its day box (the box around the three inputs cannot take focus) ...
    assert f"#q{q['when'].id}-day" in links and html.find(id=f"q{q['when'].id}-day").name == "input"
    # ... a choice to its first radio; every link's target exists and is an input.
    assert f"#q{q['often'].id}" in links
    for href in links:
        assert html.find(id=href[1:]).name in ("input", "select", "textarea"), href
    # The messages say what to do, in the question's words.
    assert "Select how often you use your local park" in links[f"#q{q['often'].id}"]
    assert "Select an answer" not in page.get_data(as_text=True)


def test_staff_entry_page_uses_the_same_error_links(client, login, wide, places):
    q = wide.q
    login("officer")
    page = client.post(f"/surveys/{wide.id}/entry", data={"channel": "paper", "submission_key": "k1",
                                                                  f"q{q['when'].id}-day": "40", f"q{q['when'].id}-month": "2",
                                                                  f"q{q['when'].id}-year": "2020"})
    assert page.status_code == 400
    html = soup(page)
    hrefs = [a["href"] for a in html.select(".govuk-error-summary a")]
    assert f"#q{q['when'].id}-day" in hrefs and f"#q{q['when'].id}" not in hrefs


def test_please_say_boxes_are_revealed_with_their_option_and_labelled_from_it(client, wide, places):
    q = wide.q
    location = to_third_page(client, wide, places)
    html = soup(client.get(location))
    other = opt(q["often"], "Other, please say")
    radio = html.find("input", attrs={"name": f"q{q['often'].id}", "value": str(other.id)})
    box_id = radio["data-engage-reveal"]
    box = html.find(id=box_id)
    # GOV.UK conditional reveal: hidden (by script) until its option is chosen.
    assert "govuk-radios__conditional" in box["class"] and "govuk-radios__conditional--hidden" in box["class"]
    assert box.find("label").get_text(strip=True) == "Describe your other answer (optional)"
    # The equality page: the five "Any other ... background" boxes each say which they are for.
    eq_index = max(int(m) for m in re.findall(r"/page/(\d+)", location)) + 1
    answers = {f"q{q['when'].id}-day": "3", f"q{q['when'].id}-month": "4", f"q{q['when'].id}-year": "2024",
               f"q{q['often'].id}": str(other.id), f"q{q['often'].id}-text-{other.id}": "Twice a year"}
    sent = client.post(location, data=answers)
    assert sent.status_code == 302
    labels = []
    while "/page/" in sent.headers["Location"]:
        page = soup(client.get(sent.headers["Location"]))
        labels += [lab.get_text(strip=True) for lab in page.select(".govuk-radios__conditional label")]
        for cond in page.select(".govuk-radios__conditional"):
            controller = page.find("input", attrs={"data-engage-reveal": cond["id"]})
            assert controller is not None, cond["id"]
        sent = client.post(sent.headers["Location"], data={"skip": "1"})
        eq_index += 1
    assert "Describe your other Asian background (optional)" in labels
    assert sum(label.startswith("Describe your other") and "background" in label for label in labels) == 4
    assert "Describe your other ethnic group (optional)" in labels
    assert "Please say (optional)" not in labels
    # The chosen option's box is shown again with what was written (check page reads it back).
    assert "Other, please say: Twice a year" in client.get(f"/surveys/{wide.id}/check").get_data(as_text=True)


def test_instructions_are_hints_tied_to_their_field_and_limits_are_shown(client, wide, places):
    q = wide.q
    location = to_third_page(client, wide, places)
    page = client.get(location)
    html = soup(page)
    # Page titles say where you are.
    assert re.search(r"About your visits \(page \d+ of \d+\)", html.title.get_text())

    def described(element):
        return element.get("aria-describedby", "").split()

    ranking = html.find(id=f"q{q['order'].id}").find_parent("fieldset")
    assert f"q{q['order'].id}-order-hint" in described(ranking)
    assert "Give the most important a 1" in html.find(id=f"q{q['order'].id}-order-hint").get_text()
    date = html.find(id=f"q{q['when'].id}-day").find_parent("fieldset")
    assert f"q{q['when'].id}-example-hint" in described(date)
    assert "For example, 27 3 2007" in html.find(id=f"q{q['when'].id}-example-hint").get_text()
    # GOV.UK character count on the short text and the "please say" box; nothing cuts typing.
    name = html.find(id=f"q{q['name'].id}")
    assert f"q{q['name'].id}-info" in described(name) and not name.has_attr("maxlength")
    assert name.find_parent(attrs={"data-module": "govuk-character-count"})["data-maxlength"] == "200"
    assert "up to 200 characters" in html.find(id=f"q{q['name'].id}-info").get_text()
    other = opt(q["often"], "Other, please say")
    box = html.find(id=f"q{q['often'].id}-text-{other.id}")
    assert not box.has_attr("maxlength") and box.find_parent(attrs={"data-module": "govuk-character-count"})
    # Over the limit: refused with a clear message, the text kept in full, never cut.
    long = "x" * 230
    sent = client.post(location, data={f"q{q['name'].id}": long, f"q{q['when'].id}-day": "1", f"q{q['when'].id}-month": "2",
                                       f"q{q['when'].id}-year": "2024", f"q{q['often'].id}": str(other.id),
                                       f"q{q['often'].id}-text-{other.id}": "y" * 201})
    assert sent.status_code == 400
    text = sent.get_data(as_text=True)
    assert "must be 200 characters or fewer (it has 230)" in text and long in text


def test_rating_scale_is_a_hint_tied_to_the_field(client, survey, places):
    q = survey.q
    client.post(f"/surveys/{survey.id}", data={})
    often = opt(q["use"], "Often").id
    sent = client.post(f"/surveys/{survey.id}/page/0", data={f"q{q['ward'].id}": str(places["mill"].id), f"q{q['use'].id}": str(often)})
    html = soup(client.get(sent.headers["Location"]))
    fieldset = html.find(id=f"q{q['rate'].id}").find_parent("fieldset")
    assert f"q{q['rate'].id}-scale-hint" in fieldset["aria-describedby"].split()
    assert "0 to 10" in html.find(id=f"q{q['rate'].id}-scale-hint").get_text()


def test_change_on_check_answers_opens_the_question_itself(client, wide, places):
    q = wide.q
    location = to_third_page(client, wide, places)
    every_day = opt(q["often"], "Every day").id
    client.post(location, data={f"q{q['when'].id}-day": "3", f"q{q['when'].id}-month": "4", f"q{q['when'].id}-year": "2024",
                                f"q{q['often'].id}": str(every_day)})
    html = soup(client.get(f"/surveys/{wide.id}/check"))
    hrefs = [a["href"] for a in html.select(".govuk-summary-list__actions a")]
    assert any(h.endswith(f"change=1#q{q['when'].id}-day") for h in hrefs), hrefs
    assert any(h.endswith(f"#q{q['often'].id}") for h in hrefs)
    assert any(h.endswith(f"#q{q['ward'].id}") for h in hrefs)


def test_save_and_come_back_keeps_a_half_answered_page_and_reopens_it(client, app, wide, places):
    q = wide.q
    location = to_third_page(client, wide, places)
    index = location.rsplit("/", 1)[1]
    # Required date and choice left blank; only the optional name given.
    saved = client.post(location, data={f"q{q['name'].id}": "Mill Park", "save": "1"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/saved")
    page = client.get(saved.headers["Location"])
    code = re.search(r'engage-reference">([a-z0-9-]+)<', page.get_data(as_text=True)).group(1)
    response = db.session.query(SurveyResponse).filter_by(survey_id=wide.id, status="draft").one()
    db.session.refresh(response)
    assert response.draft[str(q["name"].id)] == "Mill Park" and response.last_page == int(index)
    # An answer that cannot be accepted is still said, and nothing is saved.
    bad = client.post(location, data={f"q{q['when'].id}-day": "31", f"q{q['when'].id}-month": "2",
                                      f"q{q['when'].id}-year": "2024", "save": "1"})
    assert bad.status_code == 400 and "Enter a real date" in bad.get_data(as_text=True)
    # Another device: the code opens the page that was saved, not the next one.
    other = app.test_client()
    resumed = other.post(f"/surveys/{wide.id}/resume", data={"code": code})
    assert resumed.headers["Location"].endswith(f"/page/{index}")
    again = other.get(resumed.headers["Location"]).get_data(as_text=True)
    assert 'value="Mill Park"' in again
    # Sending is still refused until the required answers are given.
    sent = other.post(f"/surveys/{wide.id}/check", data={})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/page/{index}")


def expire_session(client):
    """What eight hours do: the session cookie, and the form token kept in it, are gone.
    (The tests share one app context, so the token Flask-WTF caches on ``g`` goes too.)"""
    from flask import g

    client.delete_cookie("session")
    g.pop("csrf_token", None)


def test_an_expired_session_and_token_show_the_page_again_with_the_answers(client, app, wide, places):
    q = wide.q
    location = to_third_page(client, wide, places)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get(location).get_data(as_text=True)
        assert re.search(r'name="csrf_token" value="([^"]+)"', page)
        # Eight hours on: the session cookie (and the token kept in it) is gone; the draft's
        # own cookie, kept as long as drafts are, still finds the answers.
        expire_session(client)
        every_week = opt(q["often"], "Every week").id
        answers = {"csrf_token": "stale-token", f"q{q['name'].id}": "Mill Park", f"q{q['when'].id}-day": "3",
                   f"q{q['when'].id}-month": "4", f"q{q['when'].id}-year": "2024", f"q{q['often'].id}": str(every_week)}
        again = client.post(location, data=answers)
        assert again.status_code == 200
        text = again.get_data(as_text=True)
        assert "open for a long time" in text and 'value="Mill Park"' in text
        html = soup(again)
        assert html.find(id=f"q{q['when'].id}-day")["value"] == "3"
        assert html.find("input", attrs={"name": f"q{q['often'].id}", "value": str(every_week)}).has_attr("checked")
        # Nothing was saved from the refused post ...
        response = db.session.query(SurveyResponse).filter_by(survey_id=wide.id, status="draft").one()
        db.session.refresh(response)
        assert str(q["name"].id) not in (response.draft or {})
        # ... and the fresh token on the page it sent back saves them.
        token = html.find("input", attrs={"name": "csrf_token"})["value"]
        sent = client.post(location, data={**answers, "csrf_token": token})
        assert sent.status_code == 302, re.findall(r"govuk-error-message.{0,200}|open for a long|govuk-error-summary.{0,300}", sent.get_data(as_text=True))
        db.session.refresh(response)
        assert response.draft[str(q["name"].id)] == "Mill Park"
        # Check answers, too: shown again (with the email typed) rather than a 400 page.
        expire_session(client)
        check = client.post(f"/surveys/{wide.id}/check", data={"csrf_token": "stale", "email": "a@example.org"})
        assert check.status_code == 200 and "open for a long time" in check.get_data(as_text=True)
        db.session.refresh(response)
        assert response.status == "draft"
        # The start and "carry on" pages, too: shown again with a fresh token, no 400 page.
        expire_session(client)
        for path in (f"/surveys/{wide.id}", f"/surveys/{wide.id}/resume"):
            again = client.post(path, data={"csrf_token": "stale", "code": "abcd-efgh-jkmn"})
            assert again.status_code == 200 and "open for a long time" in again.get_data(as_text=True), path
            assert 'name="csrf_token"' in again.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_draft_cookie_lasts_as_long_as_drafts_are_kept(client, app, wide, places):
    to_third_page(client, wide, places)
    cookie = client.get_cookie("engage_survey_drafts")
    assert cookie is not None and cookie.http_only
    assert cookie.max_age == app.config.get("ENGAGE_SURVEY_DRAFT_DAYS", 30) * 86400 or cookie.expires is not None
    # A forged cookie finds nothing.
    other = app.test_client()
    other.set_cookie("engage_survey_drafts", cookie.value[:-3] + "abc")
    assert other.get(f"/surveys/{wide.id}/check").status_code == 302


def test_results_comments_and_dashboard_tables_are_labelled_from_what_they_are(seeded, client, login):
    """With the demo data: a results cell reads "19%, likely range ..., number of people: 60",
    each comment's themes are named after that comment, and no two dashboard tables share a
    caption."""
    from collections import Counter

    from sqlalchemy import select

    from engage.surveys.models import Survey, SurveyAnswer

    login("officer")
    survey = db.session.get(Survey, db.session.scalar(
        select(SurveyResponse.survey_id).where(SurveyResponse.status == "complete").limit(1)))
    html = soup(client.get(f"/surveys/{survey.id}/results"))
    cells = [c for c in html.select("td.govuk-table__cell--numeric") if "%" in c.get_text()]
    assert cells
    for cell in cells[:50]:
        text = cell.get_text(" ", strip=True).replace(" ,", ",")
        assert re.fullmatch(r"\d+%(, likely range \d+% to \d+%)?( ▲ \(significantly (higher|lower) than the others\))?"
                            r"( ▼ \(significantly (higher|lower) than the others\))?, number of people: [\d,]+", text), text

    with_comments = db.session.scalar(select(SurveyResponse.survey_id).join(
        SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id).where(SurveyAnswer.text.is_not(None)).limit(1))
    page = soup(client.get(f"/surveys/{with_comments}/comments"))
    legends = [legend.get_text(" ", strip=True) for legend in page.select("legend")
               if legend.get_text().startswith("Themes of this comment")]
    assert legends and len(set(legends)) == len(legends), Counter(legends).most_common(2)

    dashboard = soup(client.get("/findings/dashboard"))
    captions = [c.get_text(" ", strip=True) for c in dashboard.select("caption")]
    assert len(captions) > 2 and len(set(captions)) == len(captions), Counter(captions).most_common(2)
