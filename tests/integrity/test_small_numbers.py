"""Small numbers stay hidden: secondary suppression (a worked example), and the threshold on
the activity page and in the public exports and API."""
from __future__ import annotations

import csv
import io

import pytest

from engage.consultations import importing, planning, results
from engage.core import disclosure
from engage.extensions import db
from tests.consultations.results_support import TIDY_HEADER, csv_bytes, make_consultation, places  # noqa: F401 (fixture)

Q = "Do you feel safe?"


def _worked_example(org, users, places):
    """everyone 60 = priority wards 20 (Castle 3, Bridge 17) + the rest 40 (Mill 4, Park 14,
    Dale 22). Castle and Bridge are the priority wards; the file gives the wards only, and
    Engage adds the priority wards and the rest of the borough up from them. Every count
    outside the small wards is 5 or more, so only the group rules decide what is hidden."""
    from engage.partnership.models import Area

    db.session.add(Area(name="Dale", level="ward", parent_id=places["south"].id, population=4_000))
    c = make_consultation(org, title="Feeling safe survey", areas=[places["borough"]], responses=60)
    rows = [TIDY_HEADER]
    for segment, yes, base in (("All respondents", 31, 60), ("Castle", 1, 3), ("Bridge", 9, 17), ("Mill", 2, 4),
                               ("Park", 7, 14), ("Dale", 12, 22)):
        rows += [[Q, "Yes", segment, yes, base], [Q, "No", segment, base - yes, base]]
    importing.import_results(users["practitioner"], c, "safe.csv", csv_bytes(rows), fmt="tidy")
    db.session.commit()
    return c


WORKED = [{"key": "everyone", "dimension": "all", "label": "All respondents", "priority": False},
          {"key": "priority", "dimension": "area-group", "label": disclosure.PRIORITY_LABEL, "priority": False},
          {"key": "rest", "dimension": "area-group", "label": disclosure.REST_LABEL, "priority": False},
          {"key": "castle", "dimension": "ward", "label": "Castle", "priority": True},
          {"key": "bridge", "dimension": "ward", "label": "Bridge", "priority": True},
          {"key": "mill", "dimension": "ward", "label": "Mill", "priority": False},
          {"key": "park", "dimension": "ward", "label": "Park", "priority": False},
          {"key": "dale", "dimension": "ward", "label": "Dale", "priority": False}]
BASES = {"everyone": 60, "priority": 20, "rest": 40, "castle": 3, "bridge": 17, "mill": 4, "park": 14, "dale": 22}


def test_the_worked_example_in_the_rule_itself():
    """Each family tells: without "priority wards = their wards" Bridge would stay (and
    Castle = 20 - 17); without "rest of the borough = its wards" Park would stay (and
    Mill = 40 - 14 - 22); without "everyone = the wards" nothing needs hiding here, which the
    second case below tells."""
    families = disclosure.families_for_segments(WORKED)
    assert disclosure.suppress(BASES, families, limit=5) == {"castle", "bridge", "mill", "park"}
    # "everyone = the wards" on its own (no priority wards or rest in the published tables).
    wards_only = [s for s in WORKED if s["dimension"] != "area-group"]
    assert disclosure.suppress({k: v for k, v in BASES.items() if k not in ("priority", "rest")},
                               disclosure.families_for_segments(wards_only), limit=5) == {"castle", "mill"}
    # Hiding one group can expose another family: it goes on until every family is safe.
    families = [disclosure.Family("all", ["a", "b", "c"]), disclosure.Family("ab", ["a", "b"])]
    assert disclosure.suppress({"all": 30, "ab": 20, "a": 3, "b": 17, "c": 10}, families, limit=5) == {"a", "b", "c"}
    # Nobody outside the groups (every one of the 40 is in a ward): a lone hidden ward is
    # always joined by another; with 10 people in no ward, the unknown 10 protect it.
    assert disclosure.suppress({"all": 40, "a": 3, "b": 37}, [disclosure.Family("all", ["a", "b"])], limit=5) == {"a", "b"}
    assert disclosure.suppress({"all": 50, "a": 3, "b": 37}, [disclosure.Family("all", ["a", "b"])], limit=5) == {"a"}


def test_a_hidden_ward_cannot_be_worked_out_by_subtraction(app, org, users, places, client):
    """The review's defect: Castlefields (base 3) was hidden, but priority wards minus the other
    priority ward gave its figures back."""
    c = _worked_example(org, users, places)
    figures = results.suppressed_figures(c, public=True)[0]["results"]
    shown = {(r["segment"], r["option"]): r for r in figures}
    assert {segment for (segment, _o), r in shown.items() if r["suppressed"]} == {"Castle", "Bridge", "Mill", "Park"}
    assert shown[("Bridge", "Yes")]["count"] is None and shown[("Bridge", "No")]["base"] is None
    assert shown[("Priority wards", "Yes")]["count"] == 10 and shown[("Priority wards", "Yes")]["base"] == 20
    assert shown[("Rest of the borough", "No")]["count"] == 19 and shown[("Dale", "Yes")]["count"] == 12
    # Nothing shown lets the hidden figures be worked out: no family has one hidden member.
    for family in (("Priority wards", ["Castle", "Bridge"]), ("Rest of the borough", ["Mill", "Park", "Dale"]),
                   ("All respondents", ["Priority wards", "Rest of the borough"]),
                   ("All respondents", ["Castle", "Bridge", "Mill", "Park", "Dale"])):
        members = [family[0], *family[1]]
        assert sum(shown[(m, "Yes")]["suppressed"] for m in members) != 1, family
    # The public page says why, and shows neither ward; the editors see every figure, marked.
    html = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "the figures of the next smallest group are hidden too" in html
    editor_view = results.for_viewer(c, users["practitioner"])
    columns = {col.label: col for q in editor_view.questions for t in q.tables for col in t.columns}
    assert columns["Bridge"].secondary and not columns["Bridge"].hidden and columns["Bridge"].base == 17
    assert columns["Park"].secondary and not columns["Dale"].secondary and not columns["Dale"].small


def test_public_exports_and_the_api_hide_both_wards(app, org, users, places, client):
    c = _worked_example(org, users, places)
    rows = list(csv.DictReader(io.StringIO(client.get("/consultations/export-results.csv").get_data(as_text=True))))
    bridge = [r for r in rows if r["segment"] == "Bridge"]
    assert bridge and all(r["count"] == "" and r["base"] == "" and r["suppressed"] == "yes" for r in bridge)
    answer = client.get(f"/api/v1/consultations/{c.id}").get_json()
    flat = [r for q in answer["results"] for r in q["results"]]
    assert {r["segment"] for r in flat if r["suppressed"]} == {"Castle", "Bridge", "Mill", "Park"}
    assert all(r["count"] is None for r in flat if r["segment"] in ("Castle", "Bridge", "Mill", "Park"))


def test_the_activity_page_hides_small_ward_counts(app, org, users, places, client):
    """The review's defect: /consultations/activity showed Castlefields' raw response count (3)
    to everyone while the results hid it."""
    _worked_example(org, users, places)
    public = {w.name: w for w in planning.ward_activity(None).wards}
    assert public["Castle"].suppressed and public["Castle"].responses_shown is None
    assert public["Bridge"].suppressed and public["Bridge"].responses_per_1000 is None  # hidden with it
    assert not public["Dale"].suppressed and public["Dale"].responses_shown == 22
    html = client.get("/consultations/activity").get_data(as_text=True)
    table = html.split('id="activity-table"')[1].split("</table>")[0]
    castle_row = table.split(">Castle")[1].split("</tr>")[0]
    assert "Hidden" in castle_row and ">3<" not in castle_row
    assert "hidden: too few people to show" in html
    # The consultation's own editors still see their ward's figures.
    editor = {w.name: w for w in planning.ward_activity(users["practitioner"]).wards}
    assert editor["Castle"].responses_shown == 3


@pytest.mark.parametrize("threshold,hidden", [(5, {"Castle", "Bridge", "Mill", "Park"}), (1, set())])
def test_the_threshold_setting_drives_it(app, org, users, places, threshold, hidden):
    app.config["ENGAGE_SUPPRESSION_THRESHOLD"] = threshold
    c = _worked_example(org, users, places)
    flat = results.suppressed_figures(c, public=True)[0]["results"]
    assert {r["segment"] for r in flat if r["suppressed"]} == hidden
