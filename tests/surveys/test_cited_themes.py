"""A survey's comment themes cited as evidence in a findings report (issue 20), offered
through engage.core.registry.evidence (sharing imports nothing of surveys): the report shows
the theme's count of comments as it is now, so it follows later coding, and example quotes
with personal details removed, and small numbers hidden as in every published table: a theme on
1 to 4 comments is "fewer than 5" with no quotes, all but 1 to 4 is "more than", and fewer
than 5 comments in all shows no figures."""
from __future__ import annotations

from datetime import datetime, timedelta

from engage.extensions import db
from tests.consultations.records_support import log, ref  # noqa: F401
from tests.sharing.support import make_report, world  # noqa: F401


BINS = ["Bins overflow on Saturdays, my name is Jo Bloggs", "Bins are never emptied", "More bins near the shops",
        "Bins in the park are full", "Bins smell in summer", "Bins blow over in the wind", "Bins are too small",
        "Bins get set on fire", "Bins need lids"]
OTHER = ["Dog mess on the path", "Speeding on the main road", "Street lights are out"]


def _survey_with_comments(consultation, texts=tuple(BINS[:3]) + ("Dog mess on the path",)):
    from engage.surveys import answering, builder

    survey = builder.create_survey(None, consultation, {"title": "Litter survey", "opens_at": datetime.now() - timedelta(days=1)})
    question = builder.add_question(None, survey, survey.sections[0], "long_text", {"text": "Anything else?"})
    db.session.flush()
    for text in texts:
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
    # Four comments in all: under the threshold (5), so no figures and no quotes at all.
    assert "“Bins (Litter survey)”: not shown, because fewer than 5 comments were made in all." in shown
    assert "1 of 4" not in shown and "Saturdays" not in shown
    with client.application.test_request_context():
        assert comments.theme_evidence(bins.id)["quotes"] == [] and comments.theme_evidence(bins.id)["count"] is None
    # At a threshold of 1 nothing is small: the count, and quotes with personal details removed.
    client.application.config["ENGAGE_SUPPRESSION_THRESHOLD"] = 1
    try:
        shown = client.get(f"/findings/{report.id}").get_data(as_text=True)
        assert "Comments with the theme “Bins (Litter survey)”: 1 of 4 (25%)" in shown
        assert "my name is [name removed]" in shown and "Bloggs" not in shown
        # Later coding: the report's figure follows without editing the report.
        comments.bulk_code(practitioner, survey, ids, bins.id)
        db.session.commit()
        assert "“Bins (Litter survey)”: 3 of 4 (75%)" in client.get(f"/findings/{report.id}").get_data(as_text=True)
    finally:
        client.application.config["ENGAGE_SUPPRESSION_THRESHOLD"] = 5


def test_a_cited_theme_hides_small_counts_and_their_quotes(client, login, world):
    """Twelve comments, nine about bins. Coded on 1, 5, 8 and all 12 of them, the report
    says "fewer than 5" (no quotes), "5 of 12", "more than 7" (the four without the theme
    are not counted either) and "12 of 12"."""
    from engage.sharing import contents
    from engage.surveys import comments

    survey = _survey_with_comments(world["consultation"], BINS + OTHER)
    practitioner = world["users"]["practitioner"]
    bins = comments.add_theme(practitioner, survey, "Bins")
    ids = sorted(a.id for a in db.session.scalars(comments.comments_query(survey, text="bins")))
    assert len(ids) == 9
    report = make_report(world)
    contents.save_finding(practitioner, report, None, {"statement": "Bins overflow", "cited": f"comment-theme:{bins.id}"})
    db.session.commit()
    login("practitioner")

    def coded(n):
        comments.bulk_code(practitioner, survey, ids[:n], bins.id)
        db.session.commit()
        return client.get(f"/findings/{report.id}").get_data(as_text=True)

    shown = coded(1)
    assert "“Bins (Litter survey)”: fewer than 5 of 12. So that nobody can be picked out" in shown
    assert "1 of 12" not in shown and "Bins overflow on Saturdays" not in shown and "engage-quote" not in shown
    shown = coded(5)
    assert "“Bins (Litter survey)”: 5 of 12 (41.7%)" in shown or "“Bins (Litter survey)”: 5 of 12 (42%)" in shown
    assert shown.count('class="govuk-body-s engage-quote"') == 3 and "Bloggs" not in shown
    shown = coded(8)
    assert "“Bins (Litter survey)”: more than 7 of 12." in shown and "8 of 12" not in shown
    assert "Saturdays" in shown  # quotes again: 8 is not small
    everything = [a.id for a in db.session.scalars(comments.comments_query(survey))]
    comments.bulk_code(practitioner, survey, everything, bins.id)
    db.session.commit()
    assert "“Bins (Litter survey)”: 12 of 12 (100%)" in client.get(f"/findings/{report.id}").get_data(as_text=True)
