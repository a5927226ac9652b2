"""The public pages residents reach most, read in Welsh (issue 23): each page's own words come
from the Welsh catalogue, so none of the English phrases it shows in English is left.

One pass over the pages with the Welsh cookie, each with the English phrases it is known to
show and one Welsh phrase that must replace them (a page rendered in English, or a template
that slipped back to bare English, fails here and in tests/foundation/test_translations.py).
"""
from __future__ import annotations

from flask_babel import refresh

from engage.core.errors import busy_response, error_response
from tests.i18n_support import assert_pages_in_welsh

# path: (Welsh that must be there, English that must not)
PAGES = {
    "/consultations": ("Geiriau yn y teitl neu’r crynodeb", [
        "What the partners in the area are asking people", "Words in the title or summary", "Any topic",
        "Apply filters", "Download the open data", "Search what people were asked",
        "A priority includes work tagged", ">Status<", ">Topic<", ">Filter<"]),
    "/consultations?status=open&q=zzzz-nothing": ("Does dim ymgynghoriadau’n cyfateb", [
        "No consultations match", "search every question asked", "Clear filters", "match your filters"]),
    "/consultations/search?q=zzzqqq": ("Does dim byd yn cyfateb", ["Nothing matched", "Check the spelling",
        "What are you looking for?", "For example, clean streets", "Find what people in the area", ">Search<"]),
    "/consultations/search?q=parks": ("Culhau eich chwiliad", [
        "Narrow your search", "Type of result", "results for", "Apply filters", ">Consultation<", ">Question<",
        "In: "]),
    "/you-said-we-did": ("Beth ddywedodd pobl wrth y partneriaid", [
        "What people told the partners", "For example, litter", "Year published", "Apply filters",
        "Get emails when there is news", "a news feed", "reports published", ">You said<", ">We did<",
        "Other published results", "Results published", "What each partnership said", "recommendations answered",
        ">Responded<", ">Response due<", ">Response late<", "Demo data"]),
    "/embed/you-said-we-did": ("Gweld popeth ar", ["See everything on", ">You said<", ">We did<", "Published "]),
    "/strategy": ("Rhagor am y strategaeth", [
        "Engagement strategy, version", "Adopted on", "More about the strategy", "The implementation plan and its",
        "Every version of the strategy", "To print the strategy", ">Contents<", ">Network Group<"]),
    "/network/events": ("Digwyddiadau’r Grŵp Rhwydwaith", [
        "Network Group events", "Meetings and training for practitioners", "Add these events to your calendar",
        "Coming up", "open to the public"]),
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
    "/plan": ("Beth mae’r partneriaid yn ei wneud", [
        "What the partners are doing", "Show actions", "All themes", "Any status", "Lead organisation", ">Activity<",
        ">Timescale<", "Download all actions", "Latest board report", "Actions under", ">On track<"]),
    "/plan?status=nonsense": ("Mae problem gyda’r hidlyddion", [
        "There is a problem with the filters", "is not a status", "Use one of"]),
    "/plan/timeline": ("Llinell amser y cynllun gweithredu", [
        "Timeline of the implementation plan", "by the quarter of the financial year", "Quarter 1 2005/06", ", due ",
        "Ongoing or no date set"]),
    "/plan/budget": ("Gwariant hyd yma", [
        "Spend to date", "Budget to date", "Year-end estimate", "Budget for the year", "Spend against budget", ">Total<",
        "April to June", "(overspend)", "Expected to overspend", "See the board report"]),
    "/strategy/priorities": ("Blaenoriaethau cynharach", [
        "What the partnership has agreed", "Led by", "Earlier priorities now part", "and how we are doing",
        "Cross-cutting themes", "Earlier frameworks", "now part of", "The partnerships", "Coordinator:",
        "See the places", "Back to the engagement strategy"]),
    "/strategy/outcomes": ("Dangosyddion ar gyfer", [
        "What we promised in", "Indicators for", ">Indicator<", ">Latest<", ">Target<", "Demo data", " by March",
        ">At risk<", ">Off track<"]),
    "/contact": ("Rydym yn ateb o fewn 5 diwrnod gwaith", [
        "We reply within 5 working days", "The partnership team looks after", "Email us with questions"]),
    "/glossary": ("Dyma beth mae pob un yn ei olygu", [
        "Some pages use words from local government", "The number of people who answered a question",
        "Margin of error", "Cross-cutting theme", ">Tell us<"]),
    "/have-your-say?postcode=WA7": ("Rhowch y cod post llawn", ["Enter the full postcode", "alone covers more than one ward"]),
    "/how-we-work-out-the-numbers": ("Sut rydym yn cyfrifo’r ffigurau hyn", [
        "How we work out these numbers", "how sure each figure is", "Who the figures are about", "Percentages and the base",
        "out of the", "Rounding", "A half always goes up", "Ranges", "Wilson method", "Weighting", "effective base",
        "Differences between groups", "significant difference", "Small groups", "Tell us", "what words mean"]),
    "/consultations/open-data": ("Data agored ymgynghoriadau", [
        "Consultation open data", "download and use for free", "Download public consultations as CSV",
        "one row per consultation", "Download public consultations as JSON", "For people who write software",
        "The same data is in the", "Key findings are added"]),
    "/consultations/forward-plan": ("Blaengynllun ymgynghoriadau", [
        "Forward plan of consultations", "so partners can join up", "See consultation activity by ward", "Who is asked",
        "The audience of the consultation", "Previous month", "Next month", "Opening and closing in",
        "Consultations opening and closing in", 'title="Monday"', ">Mon<", "All planned and open consultations",
        "soonest first", ">Consultation<", "Apply filters"]),
    "/consultations/activity": ("Gweithgarwch ymgynghori fesul ward", [
        "Consultation activity by ward", "How often people in each ward", "See the forward plan of consultations",
        "By town and ward name", "Most responses per 1,000 residents first", "How these figures are worked out",
        "consultations counted", "Consultations reaching each ward", "Responses per 1,000 residents", "The figures",
        ">Town<", ">Residents<", "Bar chart of", "(priority ward)", "Priority ward"]),
    "/no-such-page": ("Heb ddod o hyd i’r dudalen", [
        "Page not found", "If you typed the web address", "You can:", "home page", "contact us", "Error code",
        "quote this reference"]),
}


def _public_report_page() -> dict:
    """The demo's public findings report with the most partnership responses."""
    from sqlalchemy import func, select

    from engage.extensions import db
    from engage.sharing.models import FindingsReport, Response

    report_id = db.session.scalar(
        select(FindingsReport.id).join(Response, Response.report_id == FindingsReport.id)
        .where(FindingsReport.visibility == "public", FindingsReport.state == "published")
        .group_by(FindingsReport.id).order_by(func.count(Response.id).desc()))
    return {f"/findings/{report_id}": ("Argymhellion a’r hyn a wnaed", [
        "Findings report", ">You said<", ">Key findings<", "Recommendations and what was done", "Recommendation 1",
        "About this report", "How good the evidence is", "Sample size",
        "Responses from each partnership", "Published ", "This is demo data", "Each partnership named below",
        "Overdue actions", ">Answered<", "Owner: ", "Last changed", "No response yet", "See all the results",
        "Evidence from the question", "Partnerships that must respond", ">Action planned.<"])}


def _results_pages() -> dict:
    """A public consultation page whose published results have figures (tables, charts and the
    notes around them), and the printable poster of the demo's open survey."""
    from sqlalchemy import select

    from engage.consultations.models import Consultation, Question, ResultFigure
    from engage.extensions import db
    from engage.surveys.models import Survey

    with_figures = db.session.scalars(select(Consultation).join(Question, Question.consultation_id == Consultation.id)
                                      .join(ResultFigure, ResultFigure.question_id == Question.id)
                                      .order_by(Consultation.id)).unique().all()
    consultation_id = next(c.id for c in with_figures if c.visibility == "public" and c.status == "results-published")
    survey_id = db.session.scalar(select(Survey.id).join(Consultation, Consultation.id == Survey.consultation_id)
                                  .where(Consultation.is_demo.is_(True), Survey.closes_at.isnot(None)).order_by(Survey.id))
    return {
        f"/consultations/{consultation_id}": ("Sut rydym yn cyfrifo’r ffigurau hyn", [
            "How we work out these numbers", "the base, rounding and hidden figures",
            "the percentage giving each answer, with the number of people in brackets", "(people who answered)",
            ">Answer<", "Figures for: ", "came first: ", ", base ", "Bar chart of the percentage", "Chart: ",
            "Percentage of people who answered"]),
        f"/surveys/{survey_id}/poster": ("Dywedwch wrthym beth rydych yn ei feddwl", [
            "Tell us what you think", "Scan the code with your phone", "Print this page to put it up",
            "Back to the survey", "QR code that opens", "Open until", ">Have your say<"]),
    }


def _strategy_versions() -> dict:
    """The demo's adopted strategy (with its comments answered) and the one out for comment."""
    from sqlalchemy import select

    from engage.extensions import db
    from engage.strategy.models import StrategyVersion

    ids = dict(db.session.execute(select(StrategyVersion.state, StrategyVersion.id)).all())
    return {
        f"/strategy/versions/{ids['adopted']}": ("Beth ddywedodd partneriaid a beth wnaethom ni", [
            "What partners said and what we did", "All versions", ">Contents<", "Version 1"]),
        f"/strategy/versions/{ids['consultation']}": ("Gallwch roi sylwadau ar y fersiwn hon tan", [
            "This version is out for comment", "Comment on this section", "You can quote the words"]),
    }


def _place_page() -> dict:
    """"Have your say" filtered by a town of the demo (places inside it, a borough around it)."""
    from sqlalchemy import select

    from engage.extensions import db
    from engage.partnership.models import Area

    town = db.session.scalar(select(Area.id).where(Area.level == "town").order_by(Area.id))
    return {f"/have-your-say?area={town}": ("Yn dangos gwaith yn", [
        "Showing work in", "the places inside it", "and work that covers all of"])}


def test_the_public_pages_residents_reach_most_are_in_welsh(seeded, client):
    pages = {**PAGES, **_public_report_page(), **_strategy_versions(), **_place_page(), **_results_pages()}
    assert_pages_in_welsh(client, pages)


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
