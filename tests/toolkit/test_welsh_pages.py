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


CHOOSER = {
    "/toolkit/choose": ("Dod o hyd i ddull mewn 5 cwestiwn", [
        "Find a method in 5 questions", "Answer these questions", "What do you want to achieve?",
        "Who do you need to reach?", "How many people do you want to hear from?", "from planning to results",
        "What is your budget?", "Include rooms, refreshments", "Find out what people think", "A few weeks",
        "Show methods", "browse all methods", "Back to the toolkit"]),
    "/toolkit/choose?purpose=consult&audiences=young-people&group_size=medium&time=weeks&budget=low": (
        "Pam mae’n addas", [
            "Methods that fit your answers", "You want to", "You need to reach", "Time you have", "Change your answers",
            "1 method that fits all your answers", "Why it fits", "Good for finding out what people think",
            "Works well with young people", "Suits 15 to 100 people", "well within your time", "Costs under £500",
            "More methods if you change one answer", "With more than 100 people", "more methods",
            "Guides that match your answers", "Written for working with young people", "Most engagement works best"]),
    "/toolkit/choose?purpose=consult&audiences=businesses&group_size=small&time=days&budget=low": (
        "Does dim dull yn cyd-fynd â’ch holl atebion", [
            "No method fits all your answers", "We only suggest methods", "Methods you could use if you change one answer",
            "With no particular group of people", "1 more method"]),
}


def test_the_method_chooser_is_in_welsh(client, toolkit):
    assert_pages_in_welsh(client, CHOOSER, strip="<>, ", all_found=True)
    wrong = client.get("/toolkit/choose?purpose=&group_size=medium")
    assert wrong.status_code == 400
    assert "Dewiswch beth rydych am ei gyflawni" in wrong.text and "Select what you want to achieve" not in wrong.text


def test_the_choosers_reasons_are_whole_welsh_sentences(app, toolkit):
    """Each reason a method fits is one whole sentence from the catalogue, never English pieces
    joined together: in Welsh every line, the guide's reason and the change-one-answer links."""
    from flask_babel import refresh

    from engage.toolkit import services

    answers = ("involve", ["older-people", "disabled-people"], "small", "days", "low")
    with app.test_request_context("/toolkit/choose", headers={"Cookie": "engage_lang=cy"}):
        refresh()
        picks = services.choose(*answers, limit=1000)
        guides = services.matching_guides(answers[1], picks, "consult")
        widenings = services.widen(*answers)
    assert picks and guides and widenings
    walkabout = next(p for p in picks if p.entry.slug == "walkabout")
    assert walkabout.fits == [
        "Da ar gyfer gweithio gyda phobl i lunio syniadau.", "Mae’n gweithio’n dda gyda phobl hŷn.",
        "Mae’n gweithio’n dda gyda phobl anabl.", "Mae’n addas ar gyfer hyd at 15 o bobl.",
        "Gellir ei wneud mewn ychydig ddyddiau.", "Mae’n costio llai na £500."]
    english = ("Good for", "Works well", "Suits", "Can be done", "Costs", "within your time", "budget", "people", " and ")
    for pick in picks:
        assert pick.reason == " ".join(pick.fits)
        for line in pick.fits:
            assert line[:1].isupper() and line.endswith(".") and not any(e in line for e in english), line
    assert guides[0].reason == "Wedi’i ysgrifennu ar gyfer gweithio gyda’r grwpiau a ddewisoch: pobl hŷn, pobl anabl."
    assert guides[-1].reason == "Mae un o’r dulliau uchod yn ei argymell."
    for w in widenings:
        assert w.text.startswith(("Gyda", "Heb")) and not any(e in w.text for e in english), w.text


def test_the_toolkit_admin_pages_are_in_welsh_around_english_entries(client, toolkit, login):
    """The officer's pages (list, history, a revision, a comparison, feedback, suggestions, the
    edit form's furniture) in Welsh; the entries' own words stay as written."""
    login("officer")
    pages = {
        "/admin/toolkit": ("Rheoli’r pecyn cymorth", [
            "Manage the toolkit", "Edit methods and guides", "Suggestions waiting for a decision", "Feedback from readers",
            "How the files in toolkit/ and edits in the site meet", "Add an entry", "Useful: yes / no", "From the file"]),
        "/admin/toolkit/focus-group/history": ("Mae pob newid yn cael ei gadw", [
            "History of", "Every change is kept", "What and why", "Loaded from the file", "Current", "newest first"]),
        "/admin/toolkit/focus-group/revisions/1": ("Teitl a chrynodeb", [
            "Title and summary", "At a glance", "Back to the history", "(current)"]),
        "/admin/toolkit/feedback": ("Adborth ar y pecyn cymorth", [
            "Feedback on the toolkit", "Readers do not sign in", "Latest answers", "Show only answers with a comment",
            "There is no feedback yet"]),
        "/admin/toolkit/suggestions": ("Newidiadau a awgrymwyd", [
            "Suggested changes", "Waiting for a decision", "There are no suggestions waiting"]),
        "/admin/toolkit/focus-group": ("Mae cadw newid yma yn golygu", [
            "Saving a change here means", "View the page", "History (1 revision)", "Back to the toolkit list"]),
    }
    assert_pages_in_welsh(client, pages, strip="<>, ", all_found=True)
