"""The survey pages no sweep of links can reach, because they come after posting a form: a
resident answers the demo walkabout survey (one question of every type, each needing an
answer, all on one page) on a 320 px screen, and every page passes axe-core, has one h1 and
does not scroll sideways: the start page, the questions, the questions again with every
template's error, saved answers, the resume page's error, check your answers and its error,
and the confirmation. One journey in one browser page, so it stays quick."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.browser_support import NARROW, page_problems

pytestmark = pytest.mark.browser


def _walkabout(app):
    from engage.extensions import db
    from engage.surveys import demo, questions
    from engage.surveys.models import Survey

    with app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.title == demo.WALK_TITLE))
        qs = [(q.id, q.qtype, [o.id for o in q.choices()], [r.id for r in q.rows()]) for q in survey.questions]
        assert {qtype for _, qtype, _, _ in qs} == set(questions.REGISTRY), "the demo survey must ask every type of question"
        out = survey.id, survey.consultation.title, qs
        db.session.remove()
    return out


def _answer(page, qs) -> None:
    """An answer to every question, found by the names the answering view reads."""
    for qid, qtype, options, rows in qs:
        name = f"q{qid}"
        if qtype == "area":
            page.locator(f"select[name={name}]").select_option(index=1)
        elif qtype in ("single", "multiple", "agreement", "yesno"):
            page.locator(f"input[name={name}]").first.check()
        elif qtype == "rating":
            page.locator(f"input[name={name}][value='7']").check()
        elif qtype == "grid":
            for row in rows:
                page.locator(f"input[name={name}-r{row}]").first.check()
        elif qtype == "ranking":
            for n, option in enumerate(options, start=1):
                page.locator(f"select[name={name}-rank-{option}]").select_option(str(n))
        elif qtype == "number":
            page.locator(f"[name={name}]").fill("3")
        elif qtype == "date":
            for part, value in (("day", "14"), ("month", "11"), ("year", "2026")):
                page.locator(f"[name={name}-{part}]").fill(value)
        else:
            page.locator(f"[name={name}]").fill("Lapwing Grove, by the shops")


def test_a_resident_answers_every_question_template_and_meets_each_error(_browser, live_server, live_app):
    survey_id, consultation, qs = _walkabout(live_app)
    context = _browser.new_context(viewport=NARROW)
    problems = {}

    def check(step):
        found = page_problems(page)
        if found:
            problems[step] = found

    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        # The consultation's "Take part" link leads to the survey on this site.
        page.goto(f"{live_server}/have-your-say")
        page.get_by_role("link", name=re.compile(rf"^Take part online\W+{re.escape(consultation)}")).click()
        assert page.url == f"{live_server}/surveys/{survey_id}"
        check("start")
        page.get_by_role("button", name="Start now").click()
        assert re.search(rf"/surveys/{survey_id}/page/\d+$", page.url)
        for qid, _, _, _ in qs:   # every question on this one page, each drawn by its template
            assert page.locator(f"[name^=q{qid}]").count() >= 1, f"question {qid} is not on the page"
        check("questions")

        # Sent with nothing answered: every question shows its error, each linked from the summary.
        page.get_by_role("button", name="Continue").click()
        assert page.title().startswith("Error:")
        links = page.locator(".govuk-error-summary a")
        assert links.count() == len(qs)
        for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
            assert page.locator(href).count() == 1, f"the error summary's link {href} leads nowhere"
        check("questions with every error")

        _answer(page, qs)
        page.get_by_role("button", name="Save and come back later").click()
        assert page.url.endswith(f"/surveys/{survey_id}/saved")
        check("saved")
        link = page.locator(".engage-code").inner_text().strip()

        page.goto(f"{live_server}/surveys/{survey_id}/resume")
        page.locator("input[name=code]").fill("WRONG-CODE")
        page.get_by_role("button", name="Carry on").click()
        assert page.title().startswith("Error:")
        check("resume with a wrong code")

        page.goto("about:blank")   # the link opens the same page with its code after "#": load it afresh
        page.goto(link)
        page.wait_for_url(re.compile(rf"/surveys/{survey_id}/page/\d+$"))
        page.get_by_role("button", name="Continue").click()
        assert page.url.endswith(f"/surveys/{survey_id}/check"), page.url
        assert "Lapwing Grove, by the shops" in page.locator("main").inner_text()
        check("check your answers")

        page.locator("input[name=email]").fill("not an email address")
        page.get_by_role("button", name="Send my answers").click()
        assert page.title().startswith("Error:")
        check("check your answers with an error")
        page.locator("input[name=email]").fill("")
        page.get_by_role("button", name="Send my answers").click()
        assert page.url.endswith(f"/surveys/{survey_id}/done")
        check("done")
    finally:
        context.close()
    assert problems == {}, problems
