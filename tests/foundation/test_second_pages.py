"""Every list that has pages opens its second page, in English and in Welsh.

A list's pager is only drawn when there is more than one page, and neither the demo nor most
tests have that many records: a fault in the pager (it once made ``_`` None, so every list's
page 2 was a 500) went unseen until a benchmark made 600 reports. Here each list gets one
page and a bit of records; the test follows the "Next" link from page 1, and checks that page 2
says where it is, links back, and shows exactly the records page 1 did not (together the two
pages show every record once). Then page 2 again in Welsh.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape

from engage.extensions import db
from tests.conftest import password_hash
from tests.consultations.records_support import log, ref  # noqa: F401  (fixture)
from tests.sharing.support import make_report, publish, world  # noqa: F401  (fixture)


def _next_link(page: str) -> str:
    found = re.search(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next">', page)
    assert found, "page 1 has no link to the next page"
    return unescape(found.group(1))


def _walk(client, url: str, item: str, pages: int = 2) -> tuple[set, set]:
    """Open ``url`` (page 1), follow "Next", check both pages say where they are (and page 2
    in Welsh too); ``item`` is a regex whose first group names a record on a page. Returns the
    records on page 1 and on page 2."""
    first = client.get(url)
    assert first.status_code == 200, (url, first.status_code)
    first_page = first.get_data(as_text=True)
    assert f"Page 1 of {pages}" in first_page and 'rel="prev"' not in first_page
    second_url = _next_link(first_page)
    assert "page=2" in second_url
    second = client.get(second_url)
    assert second.status_code == 200, (second_url, second.status_code)
    second_page = second.get_data(as_text=True)
    assert f"Page 2 of {pages}" in second_page and 'rel="prev"' in second_page
    on_first, on_second = set(re.findall(item, first_page)), set(re.findall(item, second_page))
    client.set_cookie("engage_lang", "cy")
    try:
        welsh = client.get(second_url)
        assert welsh.status_code == 200, (second_url, "in Welsh", welsh.status_code)
        welsh_page = welsh.get_data(as_text=True)
        assert 'lang="cy"' in welsh_page and f"Tudalen 2 o {pages}" in welsh_page and "Page 2 of" not in welsh_page
    finally:
        client.delete_cookie("engage_lang")
    return on_first, on_second


def _split(shown: tuple[set, set], expected: set) -> bool:
    """The two pages show every record once: each some, none on both, together all."""
    first, second = shown
    return bool(first) and bool(second) and not first & second and first | second == expected


def test_the_consultation_lists_second_pages(client, login, users, ref):  # noqa: F811
    # 26 consultations: /consultations shows 20 a page, "Your consultations" 25.
    titles = {f"Consultation {n:02d}" for n in range(1, 27)}
    for title in sorted(titles):
        log(users["practitioner"], title=title)
    assert _split(_walk(client, "/consultations", r"(Consultation \d\d)"), titles)
    login("practitioner")
    assert _split(_walk(client, "/consultations/manage", r"(Consultation \d\d)"), titles)


def test_the_findings_lists_second_pages(client, login, world):  # noqa: F811
    # 11 published reports: "You said, we did" shows 10 a page; 21 reports in all for the
    # authors' list (20 a page), the other ten drafts.
    published = {f"Findings {n:02d}" for n in range(1, 12)}
    drafts = {f"Findings {n:02d}" for n in range(12, 22)}
    for title in sorted(published):
        publish(world, make_report(world, title=title))
    for title in sorted(drafts):
        make_report(world, title=title, recommendations=())
    assert _split(_walk(client, "/you-said-we-did", r"(Findings \d\d)"), published)
    login("practitioner")
    assert _split(_walk(client, "/findings/manage", r"(Findings \d\d)"), published | drafts)


def test_the_accounts_list_second_page(client, login, users):
    from engage.accounts.models import User

    db.session.add_all(User(email=f"person{n}@test.example", name=f"Person {n:02d}", role="practitioner", active=True,
                            password_hash=password_hash()) for n in range(1, 51))
    db.session.commit()
    ids = {str(i) for i in db.session.scalars(db.select(User.id))}
    assert len(ids) > 50
    login("officer")
    assert _split(_walk(client, "/admin/accounts", r'href="/admin/accounts/(\d+)">'), ids)


def test_the_toolkit_feedback_second_page(client, login, app):
    from engage.toolkit.models import ToolkitFeedback
    from tests.toolkit.conftest import entry_data, method_body, method_meta
    from engage.toolkit import services

    data, errors = services.check_entry(entry_data(method_meta(title="Test method"), method_body()), "method")
    assert errors == []
    entry = services.create_entry(None, "test-method", "method", data, "Loaded for the test", source="file",
                                  file_path="methods/test-method.md", file_hash="0" * 64)
    comments = {f"Feedback {n:02d}" for n in range(1, 52)}
    db.session.add_all(ToolkitFeedback(entry_id=entry.id, useful=False, comment=c) for c in sorted(comments))
    db.session.commit()
    login("officer")
    assert _split(_walk(client, "/admin/toolkit/feedback", r"(Feedback \d\d)"), comments)


def test_a_surveys_responses_second_page(client, login, users, ref):  # noqa: F811
    from engage.surveys import answering, builder

    consultation = log(users["practitioner"], title="Parks survey")
    survey = builder.create_survey(None, consultation, {"title": "Parks survey", "opens_at": datetime.now() - timedelta(days=1)})
    question = builder.add_question(None, survey, survey.sections[0], "short_text", {"text": "Which park?"})
    db.session.flush()
    ids = {str(answering.store_complete(survey, {str(question.id): f"Park {n}"}, channel="online").id) for n in range(26)}
    db.session.commit()
    login("officer")
    assert _split(_walk(client, f"/surveys/{survey.id}/responses", rf"/surveys/{survey.id}/responses/(\d+)\""), ids)


def test_the_consultation_searchs_second_page(client, users, ref):  # noqa: F811
    # 26 consultations found by one word: the search shows 20 a page (its own pager).
    titles = {f"Consultation {n:02d}" for n in range(1, 27)}
    for title in sorted(titles):
        log(users["practitioner"], title=title, summary="Where the new allotments should go.")
    assert _split(_walk(client, "/consultations/search?q=allotments", r"(Consultation \d\d)"), titles)
