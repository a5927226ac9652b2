"""Plain words (issue 13): every public page's own words read at grade 8 or below on the
Flesch–Kincaid scale (textstat), with the demo data loaded; and words that cannot be avoided
are explained in the glossary and linked there the first time a page uses them."""
from __future__ import annotations

import re

import pytest

from engage.extensions import db
from tests.readability_support import grade, own_words, page_words, stored_names

MAX_GRADE = 8.0


@pytest.fixture
def demo(app):
    runner = app.test_cli_runner()
    for args in (["engage", "seed-demo"], ["engage", "toolkit-load"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    return app


def _public_pages(app) -> list[str]:
    """Every public HTML page: each GET route without parameters, and each public
    consultation, indicator and toolkit entry."""
    from engage.consultations.models import Consultation
    from engage.partnership.models import Indicator
    from engage.toolkit.models import ToolkitEntry

    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith(("/api", "/static", "/admin")):
            paths.append(rule.rule)
    paths += [f"/consultations/{c.id}" for c in db.session.scalars(db.select(Consultation).where(Consultation.visibility == "public"))]
    paths += [f"/strategy/indicators/{i.id}" for i in db.session.scalars(db.select(Indicator))]
    paths += [f"/toolkit/{e.slug}" for e in db.session.scalars(db.select(ToolkitEntry))]
    paths += ["/consultations/search?q=parks", "/toolkit?q=young+people", "/toolkit/choose?purpose=consult&audiences=young-people"
              "&group_size=medium&time=weeks&budget=low"]
    return sorted(set(paths))


def _linked_pages(app, html: str, seen: set[str], per_endpoint: dict) -> list[str]:
    """Public pages a page links to that the list above does not name (an action of the plan,
    a board report, a report or priority page...): at most three of each kind, so every kind
    of page a resident can reach in one click is scored, not only pages without a number."""
    from urllib.parse import urlsplit

    adapter = app.url_map.bind("localhost")
    found = []
    for href in re.findall(r'href="(/[^"#]*)"', html):
        href = href.replace("&amp;", "&")
        path = urlsplit(href).path
        # /language/... switches the reader to another language (a cookie): not a page, and the
        # pages after it would be scored in Welsh or Urdu by a formula made for English.
        if href in seen or path.startswith(("/api", "/static", "/admin", "/language/")):
            continue
        seen.add(href)
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except Exception:  # noqa: BLE001 - a link to a file or another site
            continue
        key = (endpoint, bool(urlsplit(href).query))
        if per_endpoint.get(key, 0) < 3:
            per_endpoint[key] = per_endpoint.get(key, 0) + 1
            found.append(href)
    return found


def test_every_public_page_reads_at_grade_8_or_below(demo, client):
    names = stored_names()
    scored, too_hard = 0, []
    first = _public_pages(demo)
    seen, per_endpoint, linked = set(first), {}, []
    listed = set(first)
    queue = list(first)
    for path in queue:  # grows as pages are read
        response = client.get(path)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        if path in listed:  # one click on from the pages listed
            more = _linked_pages(demo, response.get_data(as_text=True), seen, per_endpoint)
            linked += more
            queue += more
        text = own_words(response.get_data(as_text=True), names)
        if len(text.split()) < 20:
            continue
        scored += 1
        score = grade(text)
        if score > MAX_GRADE:
            too_hard.append(f"{path}: grade {score:.1f}")
    assert scored >= 60, scored
    assert any(p.startswith("/plan/actions/") for p in linked) and any(p.startswith("/plan/reports/") for p in linked)
    assert too_hard == []


def test_the_scorer_tells_plain_from_hard_words():
    plain = "<main><h1>Have your say</h1><p>Tell us what you think. It takes five minutes. You do not need an account.</p></main>"
    hard = ("<main><p>Partnership organisations collaboratively operationalise multidimensional engagement methodologies "
            "notwithstanding considerable organisational heterogeneity across constituent jurisdictions.</p></main>")
    assert grade(page_words(plain)) <= 4 < MAX_GRADE < grade(page_words(hard))
    # Menus, tables of figures and drop-down options are not prose.
    page = "<nav><p>Unrelated words</p></nav><main><table><tr><td>Ignored cell</td></tr></table><p>Kept words</p></main>"
    assert page_words(page) == "Kept words."


def test_glossary_explains_each_term_in_plain_words(client):
    html = client.get("/glossary").get_data(as_text=True)
    for slug, name in (("laa", "LAA"), ("base", "Base"), ("cross-cutting-theme", "Cross-cutting theme"),
                       ("equality-monitoring", "Equality monitoring"), ("priority-ward", "Priority ward")):
        assert re.search(rf'<dt[^>]* id="{slug}"[^>]*>{name}', html), slug
    assert html.count("<h1") == 1
    assert grade(page_words(html)) <= MAX_GRADE


def test_pages_link_each_term_to_the_glossary_at_first_use(demo, client):
    from engage.consultations.models import Consultation

    def links(html):
        return re.findall(r'href="/glossary#([\w-]+)"', html)

    strategy = client.get("/strategy/priorities").get_data(as_text=True)  # /strategy is the engagement strategy
    assert "laa" in links(strategy) and "cross-cutting-theme" in links(strategy)
    # Only the first use is linked.
    assert links(strategy).count("laa") == 1

    themed = db.session.scalars(db.select(Consultation).where(Consultation.visibility == "public", Consultation.themes.any())).first()
    page = client.get(f"/consultations/{themed.id}").get_data(as_text=True)
    assert "cross-cutting-theme" in links(page) and "equality-monitoring" in links(page)

    from engage.partnership.models import Indicator

    first = db.session.scalar(db.select(db.func.min(Indicator.id)))
    indicator = client.get(f"/strategy/indicators/{first}").get_data(as_text=True)
    assert "monitoring-level" in links(indicator) and "baseline" in links(indicator)


def test_results_tables_link_base_to_the_glossary(app, client, org, users):
    from tests.consultations.results_support import TIDY_HEADER, csv_bytes, make_consultation
    from engage.consultations import importing

    c = make_consultation(org)
    rows = [TIDY_HEADER, ["Do you feel safe?", "Yes", "All", 60, 100], ["Do you feel safe?", "No", "All", 40, 100]]
    importing.import_results(users["practitioner"], c, "r.csv", csv_bytes(rows), fmt="tidy")
    db.session.commit()
    html = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert re.search(r'href="/glossary#base">Base<span class="govuk-visually-hidden"> \(what this means\)</span></a> \(people who answered\)', html)
