"""Comments at scale (issue 20): code many comments at once and undo it, filter by theme and
words, counts and example quotes per theme; personal details flagged for the coder,
recorded when coded and removed from quotes shown elsewhere."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys import comments, personal
from engage.surveys.models import CodingBatch, CommentRedaction, SurveyAnswer
from tests.surveys.survey_support import choice, consultation, places, store, survey  # noqa: F401

TEXTS = ["Overflowing bins on the high street every weekend", "More bins in the park please",
         "Dog mess on the path by the school", "Call me on 07911 123456 about the bins",
         "My name is Jo Bloggs and the bins are never emptied", "email jo@example.com if you want to talk about dogs"]


@pytest.fixture
def commented(survey, places):
    q = survey.q
    for text in TEXTS:
        store(survey, {"ward": places["mill"].id, "use": choice(q["use"], "Often"), "comment": text})
    return survey


def _ids(survey, **filters):
    return [a.id for a in db.session.scalars(comments.comments_query(survey, **filters))]


def test_personal_details_are_found_and_redacted():
    assert personal.kinds_in("Call me on 07911 123456") == ["phone"]
    assert personal.kinds_in("write to jo.bloggs@example.com") == ["email"]
    assert personal.kinds_in("Hello, my name is Jo Bloggs.") == ["name"]
    # Not personal: years, counts, references, and "my name is" without a name.
    assert personal.kinds_in("Bins emptied 3 times in 2024, ref 12345, 20 bins; my name is not important") == []
    quote = personal.redact("My name is Jo Bloggs, ring 07911 123456 or jo@example.com. Thanks")
    assert quote == "My name is [name removed], ring [phone number removed] or [email address removed]. Thanks"


def test_bulk_coding_adds_once_and_undo_puts_back_exactly_what_changed(commented, users):
    officer = users["officer"]
    litter = comments.add_theme(officer, commented, "Litter")
    bins = _ids(commented, text="bins")
    assert len(bins) == 4
    # One comment had the theme already: it is not part of the batch, so undo leaves it coded.
    first = db.session.get(SurveyAnswer, bins[0])
    comments.code_comment(officer, commented, first, [str(litter.id)])
    batch = comments.bulk_code(officer, commented, [str(i) for i in bins], litter.id)
    db.session.commit()
    assert sorted(batch.answer_ids) == sorted(bins[1:])
    assert dict((t.name, n) for t, n in comments.theme_counts(commented)) == {"Litter": 4}
    assert _ids(commented, theme_id=litter.id) == bins and _ids(commented, uncoded=True) == [i for i in _ids(commented) if i not in bins]
    comments.undo(officer, commented, batch.id)
    db.session.commit()
    assert _ids(commented, theme_id=litter.id) == [bins[0]]
    # An undo happens once: the second is "someone else has just undone that".
    from engage.core.transitions import AlreadyMoved

    with pytest.raises(AlreadyMoved):
        comments.undo(officer, commented, batch.id)
    db.session.rollback()
    assert comments.last_batch(commented) is None


def test_bulk_coding_refuses_other_surveys_comments_and_an_empty_choice(commented, users):
    litter = comments.add_theme(users["officer"], commented, "Litter")
    with pytest.raises(comments.BuildError, match="Tick at least one comment"):
        comments.bulk_code(users["officer"], commented, [], litter.id)
    not_a_comment = db.session.scalar(select(SurveyAnswer.id).where(SurveyAnswer.question_id == commented.q["use"].id))
    with pytest.raises(comments.BuildError, match="not comments of this survey"):
        comments.bulk_code(users["officer"], commented, [not_a_comment], litter.id)
    with pytest.raises(comments.BuildError, match="Choose a theme"):
        comments.bulk_code(users["officer"], commented, _ids(commented), 999999)


def test_coding_records_personal_details_and_example_quotes_are_redacted(commented, users):
    officer = users["officer"]
    bins = comments.add_theme(officer, commented, "Bins")
    comments.bulk_code(officer, commented, _ids(commented, text="bins"), bins.id)
    db.session.commit()
    recorded = {r.answer_id: r.kinds for r in db.session.scalars(select(CommentRedaction))}
    by_text = {a.id: a.text for a in db.session.scalars(select(SurveyAnswer).where(SurveyAnswer.id.in_(recorded)))}
    assert sorted((by_text[i], k) for i, k in recorded.items()) == [
        ("Call me on 07911 123456 about the bins", "phone"), ("My name is Jo Bloggs and the bins are never emptied", "name")]
    public = comments.theme_examples(commented, per_theme=10, redacted=True)[bins.id]
    assert "My name is [name removed] and the bins are never emptied" in public
    assert not any("07911" in q or "Bloggs" in q for q in public)
    # The coder sees the comment as written, flagged.
    assert any("Bloggs" in q for q in comments.theme_examples(commented, per_theme=10)[bins.id])


def test_bulk_coding_pages(client, login, commented, users):
    login("practitioner")
    client.post(f"/surveys/{commented.id}/comments", data={"action": "add-theme", "name": "Dogs"})
    theme = commented.themes[0]
    page = client.get(f"/surveys/{commented.id}/comments?q=dog").get_data(as_text=True)
    assert 'form="bulk"' in page and "Personal details: email address" in page
    dogs = _ids(commented, text="dog")
    back = f"/surveys/{commented.id}/comments?q=dog"
    # Nothing ticked: an error next to the choice, nothing saved.
    empty = client.post(f"/surveys/{commented.id}/comments/bulk", data={"theme": theme.id, "action": "add", "scope": "selected", "back": back})
    assert empty.status_code == 400 and "Tick at least one comment" in empty.get_data(as_text=True)
    no_theme = client.post(f"/surveys/{commented.id}/comments/bulk", data={"theme": "", "scope": "all", "back": back})
    assert no_theme.status_code == 400 and 'href="#bulk-theme"' in no_theme.get_data(as_text=True)
    # "All comments this search found" codes the two dog comments and nothing else.
    done = client.post(f"/surveys/{commented.id}/comments/bulk", data={"theme": theme.id, "action": "add", "scope": "all", "back": back})
    assert done.status_code == 302 and done.headers["Location"].endswith(back)
    assert _ids(commented, theme_id=theme.id) == dogs and len(dogs) == 2
    shown = client.get(back).get_data(as_text=True)
    assert "‘Dogs’ added to 2 comments" in shown and "Undo this change" in shown and "Example quotes" in shown
    batch = db.session.scalar(select(CodingBatch))
    assert client.post(f"/surveys/{commented.id}/comments/undo/{batch.id}", data={"back": back}).status_code == 302
    assert _ids(commented, theme_id=theme.id) == []
    assert client.post(f"/surveys/{commented.id}/comments/undo/{batch.id}", data={"back": back}).status_code == 409
    assert client.post(f"/surveys/{commented.id}/comments/undo/99999", data={"back": back}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(CodingBatch)) == 1


def test_theme_suggestions_on_the_demo_comments_are_mostly_accepted():
    """The figure bench/theme_suggestions.py reports: a simulated coder accepts a suggestion
    when 70% of its comments share one of the demo's own themes."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("bench_suggest", Path(__file__).parents[2] / "bench" / "theme_suggestions.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    figure = bench.measure(runs=2)
    assert figure["suggested"] >= 6 and figure["accepted_share"] >= 0.6, figure


def test_suggestions_page_accepts_renamed_and_rejects(client, login, commented, places):
    from engage.surveys import suggest

    q = commented.q
    for text in ["Fly tipping behind the garages again", "Fly tipping on the lane for weeks", "Fly tipping by the river",
                 "Street lights broken near the school", "Street lights out on the estate", "Street lights flicker all night"]:
        store(commented, {"ward": places["mill"].id, "use": choice(q["use"], "Often"), "comment": text})
    found = suggest.suggest(commented)
    tipping = next(s for s in found if "tipping" in " ".join(s.words))
    assert all("tipping" in db.session.get(SurveyAnswer, i).text.lower() for i in tipping.answer_ids)
    login("practitioner")
    page = client.get(f"/surveys/{commented.id}/comments/suggestions").get_data(as_text=True)
    assert tipping.name in page and "Accept" in page
    form = {"key": tipping.key, "selected": [str(i) for i in tipping.answer_ids], "decision": "accept"}
    blank = client.post(f"/surveys/{commented.id}/comments/suggestions", data={**form, "name": " "})
    assert blank.status_code == 400 and b"Enter the theme" in blank.data and not commented.themes
    done = client.post(f"/surveys/{commented.id}/comments/suggestions", data={**form, "name": "Fly-tipping"})
    assert done.status_code == 302
    theme = next(t for t in commented.themes if t.name == "Fly-tipping")
    assert _ids(commented, theme_id=theme.id) == sorted(tipping.answer_ids)
    # Accepted comments are coded, so they leave the suggestions; a rejected one is hidden.
    after = suggest.suggest(commented)
    assert not any(set(s.answer_ids) & set(tipping.answer_ids) for s in after)
    assert after
    client.post(f"/surveys/{commented.id}/comments/suggestions", data={"key": after[0].key, "name": after[0].name, "decision": "reject"})
    assert f'value="{after[0].key}"' not in client.get(f"/surveys/{commented.id}/comments/suggestions").get_data(as_text=True)
