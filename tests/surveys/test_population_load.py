"""Population figures: a preview before they are loaded (nothing stored until the editor
confirms, a confirm sent twice stores once), and their source and date recorded and shown
beside weighted results (the staff results page and the API)."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.surveys import population
from engage.surveys.models import PopulationFigure, PopulationLoad
from tests.surveys.survey_support import choice, consultation, places, store, survey  # noqa: F401
from tests.surveys.test_weighting import weighted_survey  # noqa: F401

GOOD = ("area,kind,age_band,sex,ethnicity,count\n"
        "Castle,age-sex,25 to 34,Female,,300\n"
        "Castle,age-sex,25 to 34,Male,,100\n"
        "Mill,age-sex,25 to 34,Female,,400\n"
        "Mill,age-sex,25-34,Male,,200\n").encode()
BAD = ("area,kind,age_band,sex,ethnicity,count\n"
       "Castle,age-sex,25 to 34,Female,,300\n"
       "Nowhere,age-sex,25 to 34,Male,,100\n"
       "Mill,age-sex,25 to 34,Female,,lots\n").encode()
SOURCE = "ONS mid-2024 population estimates"


def _stored():
    return (db.session.scalar(select(func.count(PopulationFigure.id))), db.session.scalar(select(func.count(PopulationLoad.id))))


def test_preview_shows_what_was_read_and_stores_nothing(app, places):
    before = _stored()
    checked = population.preview(GOOD, SOURCE, date(2024, 6, 30))
    db.session.commit()
    assert _stored() == before
    assert checked.can_confirm and checked.total == 1000 and len(checked.rows) == 4
    variables = {v.title: v for v in checked.variables}
    wards = {c.label: (c.count, c.share) for c in variables["Area (age and sex figures)"].categories}
    assert wards == {"Castle": (400, pytest.approx(0.4)), "Mill": (600, pytest.approx(0.6))}
    sexes = {c.label: c.count for c in variables["Sex"].categories}
    assert sexes == {"Female": 700, "Male": 300} and variables["Sex"].total == 1000
    # "25-34" is not the survey's answer option "25 to 34": said, so nobody is missed quietly.
    assert checked.mismatched == ["Age band: ‘25-34’ does not match any answer option in the survey questions"]


def test_bad_rows_are_reported_with_their_line_numbers(app, places):
    checked = population.preview(BAD, SOURCE, date(2024, 6, 30))
    assert checked.problems == ["Row 3: ‘Nowhere’ is not an area Engage knows",
                                "Row 4: the count must be a whole number from 0 to 10,000,000"]
    assert not checked.can_confirm and checked.signed == ""


def test_confirm_stores_once_with_source_and_date(app, places, users):
    figures_before, loads_before = _stored()
    checked = population.preview(GOOD, SOURCE, date(2024, 6, 30))
    load, stored = population.confirm(users["officer"], checked.signed)
    db.session.commit()
    assert stored and load.source == SOURCE and load.figures_date == date(2024, 6, 30)
    assert load.loaded_by_id == users["officer"].id and load.loaded_at is not None and load.rows == 4
    assert _stored() == (figures_before + 4, loads_before + 1)
    again, stored_again = population.confirm(users["officer"], checked.signed)   # a double click
    db.session.commit()
    assert not stored_again and again.id == load.id and _stored() == (figures_before + 4, loads_before + 1)
    with pytest.raises(population.PopulationProblem):
        population.confirm(users["officer"], checked.signed[:-3] + "xyz")   # tampered with


def _upload(client, data=GOOD, source=SOURCE, when=("30", "6", "2024")):
    return client.post("/admin/population", data={"file": (io.BytesIO(data), "figures.csv"), "source": source,
                                                  "figures_date": list(when)}, content_type="multipart/form-data")


def test_upload_preview_confirm_pages(client, login, places):
    login("officer")
    before = _stored()
    missing = _upload(client, source="  ")
    page = missing.get_data(as_text=True)
    assert missing.status_code == 400 and 'id="source-error"' in page and "Enter where these figures come from" in page
    no_date = _upload(client, when=("", "", ""))
    assert no_date.status_code == 400 and "Enter the date of the figures" in no_date.get_data(as_text=True)
    bad = _upload(client, data=BAD)
    assert bad.status_code == 400 and "Row 3: ‘Nowhere’ is not an area Engage knows" in bad.get_data(as_text=True)
    assert "Load these figures" not in bad.get_data(as_text=True)
    shown = _upload(client)
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Nothing has been stored yet" in page and "Cancel and keep the figures you have" in page
    assert "25-34" in page and "No match" in page and "1,000" in page
    assert _stored() == before
    signed = page.split('name="figures" value="')[1].split('"')[0]
    first = client.post("/admin/population/confirm", data={"figures": signed})
    second = client.post("/admin/population/confirm", data={"figures": signed})
    assert first.status_code == 302 and second.status_code == 302
    assert _stored() == (before[0] + 4, before[1] + 1)
    listed = client.get("/admin/population").get_data(as_text=True)
    assert SOURCE in listed and "30 June 2024" in listed and "Test Officer" in listed
    broken = client.post("/admin/population/confirm", data={"figures": "nonsense"})
    assert broken.status_code == 400 and _stored() == (before[0] + 4, before[1] + 1)


def test_results_page_and_api_show_where_the_figures_come_from(client, login, weighted_survey, users, places):
    survey = weighted_survey
    checked = population.preview(GOOD, SOURCE, date(2024, 6, 30))
    population.confirm(users["officer"], checked.signed)
    db.session.commit()
    expected = "Weighted to ONS mid-2024 population estimates (June 2024), loaded by Test Officer on "
    login("officer")
    page = client.get(f"/surveys/{survey.id}/results?weighted=1").get_data(as_text=True)
    assert expected in page
    api = client.get(f"/api/v1/surveys/{survey.id}/results").get_json()
    facts = api["weighting"]["population_figures"]
    assert facts["source"] == SOURCE and facts["date"] == "2024-06-30" and facts["loaded_by"] == "Test Officer"
    assert facts["description"].startswith(expected)


def test_results_export_notes_name_the_population_source(client, login, weighted_survey, users):
    from openpyxl import load_workbook

    survey = weighted_survey
    checked = population.preview(GOOD, SOURCE, date(2024, 6, 30))
    population.confirm(users["officer"], checked.signed)
    db.session.commit()
    login("officer")
    sent = client.get(f"/surveys/{survey.id}/export/results.xlsx")
    book = load_workbook(io.BytesIO(sent.data), read_only=True)
    notes = [row[0] for row in book["Notes"].iter_rows(values_only=True)]
    assert any(n.startswith("Weighted results on the results page are weighted to ONS mid-2024 population estimates "
                            "(June 2024), loaded by Test Officer on ") for n in notes)


def test_demo_population_figures_have_a_source_and_date(seeded):
    from engage.surveys.demo import DEMO_SOURCE
    from engage.surveys.models import Survey

    load = db.session.scalar(select(PopulationLoad).where(PopulationLoad.is_demo.is_(True)))
    assert load.source == DEMO_SOURCE and load.figures_date == date(2024, 6, 30) and load.rows > 0
    weighted = next(s for s in db.session.scalars(select(Survey)) if population.load_for(s) is not None)
    assert population.describe_load(population.load_for(weighted)).startswith(
        "Weighted to made-up demo figures based on each ward's population in the Halton papers (June 2024), loaded by Engage on ")
