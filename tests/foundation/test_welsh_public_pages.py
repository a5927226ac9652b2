"""The public pages residents reach most, read in Welsh (issue 23): each page's own words come
from the Welsh catalogue, so none of the English phrases it shows in English is left.

One pass over the pages with the Welsh cookie, each with the English phrases it is known to
show and one Welsh phrase that must replace them (a page rendered in English, or a template
that slipped back to bare English, fails here and in tests/foundation/test_translations.py).
"""
from __future__ import annotations

from flask import g
from flask_babel import refresh

from engage.core.errors import busy_response, error_response

# path: (Welsh that must be there, English that must not)
PAGES = {
    "/consultations": ("Geiriau yn y teitl neu’r crynodeb", [
        "What the partners in the area are asking people", "Words in the title or summary", "Any topic",
        "Apply filters", "Download the open data", "Search what people were asked", "consultations match",
        "A priority includes work tagged", ">Status<", ">Topic<", ">Filter<"]),
    "/consultations?status=open&q=zzzz-nothing": ("Does dim ymgynghoriadau’n cyfateb", [
        "No consultations match", "search every question asked", "Clear filters", "match your filters"]),
    "/consultations/search": ("Beth ydych chi’n chwilio amdano?", [
        "What are you looking for?", "For example, clean streets", "Find what people in the area", ">Search<"]),
    "/consultations/search?q=parks": ("Culhau eich chwiliad", [
        "Narrow your search", "Type of result", "results for", "Apply filters", ">Consultation<", ">Question<",
        "In: ", "Nothing matched"]),
    "/you-said-we-did": ("Beth ddywedodd pobl wrth y partneriaid", [
        "What people told the partners", "For example, litter", "Year published", "Apply filters",
        "Get emails when there is news", "a news feed", "reports published", ">You said<", ">We did<",
        "Other published results", "Results published", "What each partnership said", "recommendations answered",
        ">Responded<", ">Response due<", ">Response late<", "Demo data"]),
    "/privacy": ("Eich hawliau", [
        "Privacy notice", "If you answer a survey", "essential cookie", "Your rights", "secure hash",
        "If you ask for emails about news"]),
    "/follow?what=you-said-we-did": ("Cael negeseuon e-bost am", [
        "Get emails", "Your email address", "How often do you want emails?", "Each time there is news",
        "Send me a link to confirm", "privacy notice", "You do not need an account"]),
    "/follow?area=1": ("Eich ward neu’ch ardal", [
        "Your ward or area", "Choose a place", "Or your postcode", "We find your ward", "Work in the places inside"]),
    "/follow/check-your-email": ("Gwiriwch eich e-bost", [
        "Check your email", "We have sent you an email", "spam or junk", "nothing changes"]),
    "/no-such-page": ("Heb ddod o hyd i’r dudalen", [
        "Page not found", "If you typed the web address", "You can:", "home page", "contact us", "Error code",
        "quote this reference"]),
}


def test_the_public_pages_residents_reach_most_are_in_welsh(seeded, client):
    client.get("/language/cy")
    for path, (welsh, english) in PAGES.items():
        page = client.get(path)
        assert '<html lang="cy"' in page.text, path
        assert welsh in page.text, (path, welsh)
        left = [phrase for phrase in english if phrase in page.text]
        assert not left, (path, left)
        # Nothing of the page's own words is noted as shown in English (staff-written data,
        # such as consultation titles, may be; it is not the page's wording).
        own = {m for m in (g.get("engage_untranslated") or ()) if any(m.startswith(e.strip("<>")) for e in english)}
        assert not own, (path, own)


def test_every_error_page_speaks_welsh_to_a_welsh_reader(app):
    english = {400: "could not understand", 403: "permission", 404: "Page not found", 409: "Someone else changed",
               429: "Too many attempts", 500: "problem with the service", 503: "unavailable"}
    welsh = {400: "nid oeddem yn gallu deall", 403: "Nid oes gennych chi ganiatâd", 404: "Heb ddod o hyd",
             409: "Newidiodd rhywun arall", 429: "Gormod o ymdrechion", 500: "mae problem gyda’r gwasanaeth",
             503: "nid yw’r gwasanaeth ar gael"}
    for code in english:
        with app.test_request_context("/somewhere", headers={"Cookie": "engage_lang=cy"}):
            refresh()   # as each request does (the tests' app context outlives a request)
            body, status = error_response(code)
        assert status == code
        assert welsh[code] in body and english[code] not in body, code
        assert "Cod gwall: %s" % code in body and "Error code" not in body and "quote this reference" not in body
        with app.test_request_context("/somewhere"):
            refresh()
            assert english[code] in error_response(code)[0], code     # English readers keep English
    with app.test_request_context("/somewhere", method="POST", data={"a": "1"}, headers={"Cookie": "engage_lang=cy"}):
        refresh()
        busy = busy_response()
    text = busy.get_data(as_text=True)
    assert busy.status_code == 503 and "mae’r gwasanaeth yn brysur" in text and "Rhowch gynnig arall arni" in text
    assert "Try again" not in text and "very busy" not in text
