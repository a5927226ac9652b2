"""A survey's comment themes cited as evidence in a findings report (issue 20), offered
through engage.core.registry.evidence (sharing imports nothing of surveys): the report shows
the theme's count of comments as it is now, so it follows later coding, and example quotes
with personal details removed."""
from __future__ import annotations

from datetime import datetime, timedelta

from engage.extensions import db
from tests.consultations.records_support import log, ref  # noqa: F401
from tests.sharing.support import make_report, world  # noqa: F401


def _survey_with_comments(consultation):
    from engage.surveys import answering, builder

    survey = builder.create_survey(None, consultation, {"title": "Litter survey", "opens_at": datetime.now() - timedelta(days=1)})
    question = builder.add_question(None, survey, survey.sections[0], "long_text", {"text": "Anything else?"})
    db.session.flush()
    for text in ["Bins overflow on Saturdays, my name is Jo Bloggs", "Bins are never emptied", "More bins near the shops",
                 "Dog mess on the path"]:
        answering.store_complete(survey, {str(question.id): text}, channel="online")
    db.session.commit()
    return survey


def test_a_cited_theme_follows_later_coding_and_hides_personal_details(client, login, world):
    from engage.surveys import comments

    survey = _survey_with_comments(world["consultation"])
    practitioner = world["users"]["practitioner"]
    bins = comments.add_theme(practitioner, survey, "Bins")
    ids = [a.id for a in db.session.scalars(comments.comments_query(survey, text="bins"))]
    comments.bulk_code(practitioner, survey, ids[:1], bins.id)
    db.session.commit()
    report = make_report(world)
    login("practitioner")
    page = client.get(f"/findings/{report.id}/key-findings").get_data(as_text=True)
    assert f'value="comment-theme:{bins.id}"' in page and "Survey comment theme: Litter survey: Bins" in page
    bad = client.post(f"/findings/{report.id}/key-findings", data={"statement": "Bins overflow", "cited": "comment-theme:999999"})
    assert bad.status_code == 400 and b"Select a theme from the report" in bad.data
    saved = client.post(f"/findings/{report.id}/key-findings", data={"statement": "Bins overflow", "cited": f"comment-theme:{bins.id}"})
    assert saved.status_code == 302
    shown = client.get(f"/findings/{report.id}").get_data(as_text=True)
    assert "Comments with the theme “Bins (Litter survey)”: 1 of 4 (25%)" in shown
    assert "my name is [name removed]" in shown and "Bloggs" not in shown
    # Later coding: the report's figure follows without editing the report.
    comments.bulk_code(practitioner, survey, ids, bins.id)
    db.session.commit()
    assert "“Bins (Litter survey)”: 3 of 4 (75%)" in client.get(f"/findings/{report.id}").get_data(as_text=True)
