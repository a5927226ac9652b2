"""The public toolkit pages read in Welsh (issue 23): the pages' own words (headings, filters,
labels, the feedback form and its errors) come from the Welsh catalogue; the entries themselves
stay as written (English) until someone translates them."""
from __future__ import annotations

from sqlalchemy import select

from engage.extensions import db
from engage.toolkit.models import ToolkitFeedback
from tests.i18n_support import assert_pages_in_welsh

# path: (Welsh that must be there, English that must not)
PAGES = {
    "/toolkit": ("Pecyn cymorth i ymarferwyr", [
        "Practitioner toolkit", "Plain guides to", "Search the toolkit", "For example, focus group", ">Filter<",
        ">Kind<", ">Good for<", ">Group size<", ">Time needed<", "Apply filters", "45 entries", "Up to 15 people",
        "Put this search on your own website", "Copy this code"]),
    "/toolkit?q=focsu+group": ("Oeddech chi’n golygu", ["Did you mean", "Search the toolkit"]),
    "/toolkit?q=young+people&kind=method&purpose=involve": ("Eich hidlyddion", [
        "Your filters", "Remove filter", "Clear all filters", ">Method<"]),
    "/toolkit?q=zzqqxx&kind=guide": ("Heb ddod o hyd i gofnodion", [
        "No entries found", "Nothing in the toolkit matches", "check the spelling", "remove the filters",
        "answer 5 questions to find a method"]),
    "/toolkit/focus-group": ("Oedd y dudalen hon yn ddefnyddiol?", [
        "Was this page useful?", "At a glance", ">Purpose<", ">Group size<", "from planning to results",
        "Skills needed", "Consultations that used this method",
        "Related methods and guides", "Help improve this page", "sign in to suggest a change", "Last updated",
        "Print this page", ">Home<", "How could we make this page better", "Send feedback", ">Contents<"]),
    "/embed/toolkit": ("Dod o hyd i ffyrdd o gynnwys pobl", [
        "Find ways to involve people", "Search the Engage practitioner toolkit", "Browse the toolkit",
        "Results open on"]),
}


def test_the_public_toolkit_pages_are_in_welsh_around_english_entries(client, toolkit):
    assert_pages_in_welsh(client, PAGES, strip="<>, ", all_found=True)
    entry = client.get("/toolkit/focus-group").text
    assert "<h1 class=\"govuk-heading-xl\">Focus group</h1>" in entry  # the entry itself stays as written

    # The feedback form's errors, and its thanks, in Welsh; nothing saved when it is wrong.
    wrong = client.post("/toolkit/focus-group/feedback", data={"useful": "", "comment": "x" * 1201})
    assert wrong.status_code == 400
    assert "Dewiswch ie os oedd y dudalen hon yn ddefnyddiol" in wrong.text
    assert "Rhaid i’ch sylw fod yn 1,200 o nodau neu lai" in wrong.text
    assert "Select yes if this page was useful" not in wrong.text and "must be 1,200 characters" not in wrong.text
    assert db.session.scalar(select(ToolkitFeedback)) is None
    sent = client.post("/toolkit/focus-group/feedback", data={"useful": "yes"}, follow_redirects=True)
    assert "Diolch am eich adborth" in sent.text and "Thank you for your feedback" not in sent.text
