"""The duplicate check sees the same people at the same time (issue 13): the same audience, in
overlapping places (the place rule), on overlapping dates, whatever the topic; and every match
says why it was shown."""
from __future__ import annotations

from datetime import date

from engage.consultations import similar
from tests.consultations.records_support import data, form_data, log, ref  # noqa: F401  (fixture)

HEALTH = dict(title="Young people's health survey", summary="Health and wellbeing in schools.", audiences=["young-people"],
              planned_start=date(2027, 1, 13), planned_close=date(2027, 2, 27))
NEW = dict(title="Youth services consultation", summary="What youth clubs should offer.", audiences=["young-people"],
           planned_start=date(2027, 1, 11), planned_close=date(2027, 2, 28))


def test_same_audience_same_time_same_place_is_shown_with_why(app, users, ref):
    log(users["practitioner"], **HEALTH, area_ids=[ref["borough"].id], priority_ids=[ref["other_new"].id])
    found = similar.similar_consultations(users["practitioner"], data(**NEW, area_ids=[ref["castle"].id], priority_ids=[ref["new"].id]))
    assert [s.consultation.title for s in found] == ["Young people's health survey"]
    match = found[0]
    assert match.same_people
    assert "asks the same people: young people" in match.reasons
    assert "in the same places: it covers all of Testborough, which takes in Castle" in match.reasons
    assert ("at the same time: it runs 13 January 2027 to 27 February 2027, and yours runs 11 January 2027 to 28 February 2027"
            in match.reasons)


def test_not_shown_when_the_people_the_time_or_the_place_differ(app, users, ref):
    log(users["practitioner"], **HEALTH, area_ids=[ref["bridge"].id])
    log(users["practitioner"], **{**HEALTH, "title": "Older people's survey", "audiences": ["older-people"]}, area_ids=[ref["castle"].id])
    log(users["practitioner"], **{**HEALTH, "title": "Last winter's youth survey", "planned_start": date(2026, 1, 13),
                                  "planned_close": date(2026, 2, 27)}, area_ids=[ref["castle"].id])
    found = similar.similar_consultations(users["practitioner"], data(**NEW, area_ids=[ref["castle"].id]))
    assert found == []  # Bridge is in another town; other people; another winter


def test_places_not_named_yet_may_be_the_same(app, users, ref):
    log(users["practitioner"], **HEALTH, area_ids=[ref["bridge"].id])
    found = similar.similar_consultations(users["practitioner"], data(**NEW, area_ids=[]))
    assert [s.consultation.title for s in found] == ["Young people's health survey"]
    assert "it may be in the same places: you have not chosen any places yet" in found[0].reasons


def test_the_form_warns_and_keeps_every_answer(client, login, users, ref):
    log(users["practitioner"], **HEALTH, area_ids=[ref["borough"].id])
    login("practitioner")
    post = form_data(title=NEW["title"], summary=NEW["summary"], audiences=["young-people"], area_ids=[str(ref["castle"].id)],
                     planned_start=["11", "1", "2027"], planned_close=["28", "2", "2027"])
    post.pop("checked_similar")
    html = client.post("/consultations/new", data=post).get_data(as_text=True)
    assert "Check before you save" in html and "Young people&#39;s health survey" in html
    assert "Same people, same time" in html
    assert "Asks the same people: young people" in html and "At the same time: it runs 13 January 2027" in html
