"""The postcode lookup (issue 13): officers load a CSV in the shape of the ONS postcode
directory's postcode and ward columns, checked in full before anything is saved and loaded
once; ``area_for_postcode`` is the service other capabilities call."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from engage.extensions import db
from engage.partnership.models import Area, Postcode
from engage.partnership.services import PostcodeError, area_for_postcode, lookup_postcode

# The columns of the ONS postcode directory (ONSPD) up to the ward code, as the CSV has them.
ONSPD_HEADER = "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m"


def onspd_row(pcds: str, ward_code: str, doterm: str = "") -> str:
    pcd = pcds.replace(" ", "").rjust(7)
    return f'"{pcd[:4]}{pcd[4:]}","{pcds.split()[0]:<4} {pcds.split()[1]}","{pcds}","198001","{doterm}","E99999999","E99999999","E06000006","{ward_code}","E43000001","0","351000","382000"'


@pytest.fixture
def wards(app):
    borough = Area(name="Halton", level="borough")
    db.session.add(borough)
    db.session.flush()
    town = Area(name="Runcorn", level="town", parent_id=borough.id)
    db.session.add(town)
    db.session.flush()
    castle = Area(name="Castlefields", level="ward", parent_id=town.id, code="E05001234")
    grange = Area(name="Grange", level="ward", parent_id=town.id, code="E05001235")
    db.session.add_all([castle, grange])
    db.session.commit()
    return {"castle": castle, "grange": grange, "town": town}


def _file(*rows: str, header: str = ONSPD_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def _upload(client, data: bytes, mode: str = "replace", name: str = "ONSPD_NOV_2026_UK_WA.csv"):
    return client.post("/admin/reference/postcodes", data={"mode": mode, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_check_page_speaks_welsh_to_an_officer_who_chose_it(login, client, users, wards):
    """Issue 23: each finding is one whole sentence with its plural form, in Welsh."""
    from tests.i18n_support import assert_pages_in_welsh

    data = _file(onspd_row("WA7 2HA", "E05001234"), onspd_row("WA7 2ZZ", "E05001234", doterm="200512"),
                 onspd_row("WA1 1AA", "E05012345"), onspd_row("WA7 2HA", "E05001234"))
    login("officer")
    check_url = _upload(client, data).headers["Location"]
    assert_pages_in_welsh(client, {check_url: ("Gwirio’r ffeil codau post", [
        "Check the postcode file", "What it does", "Rows read", "Postcodes to load",
        " in 1 place", "Rows left out", "is no longer in use", "in wards that are not in Engage", "repeating a postcode",
        "Postcodes in each place"])}, all_found=True)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Postcode))


def test_officer_checks_then_loads_an_onspd_file_once(login, client, users, wards):
    data = _file(onspd_row("WA7 2HA", "E05001234"), onspd_row("WA7 4EB", "E05001235"),
                 onspd_row("WA7 2ZZ", "E05001234", doterm="200512"),  # no longer in use
                 onspd_row("WA1 1AA", "E05012345"),                   # Warrington: not Engage's
                 '"bad","bad","not a postcode","198001","","","","","E05001234","","0","",""',
                 onspd_row("WA7 2HA", "E05001234"))                   # repeated
    login("officer")
    upload = _upload(client, data)
    assert upload.status_code == 302 and "/admin/reference/postcodes/check/" in upload.headers["Location"]
    check_url = upload.headers["Location"]
    page = client.get(check_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and _count() == 0  # nothing saved by the check
    assert "2 in 2 places" in html
    assert "1 postcode is no longer in use" in html
    assert "1 row in wards that are not in Engage: E05012345 (1)" in html
    assert "1 row without a full postcode (row 6)" in html and "1 row repeating a postcode" in html
    loaded = client.post(check_url)
    assert loaded.status_code == 302
    assert {p.display: p.area.name for p in db.session.scalars(select(Postcode))} == {"WA7 2HA": "Castlefields", "WA7 4EB": "Grange"}
    assert db.session.scalar(select(Postcode.ward_code).where(Postcode.postcode == "WA72HA")) == "E05001234"
    # A second click (or a second tab) is told it ran, and nothing is loaded twice.
    again = client.post(check_url, follow_redirects=True)
    assert "has already been loaded" in again.get_data(as_text=True) and _count() == 2
    listing = client.get("/admin/reference/postcodes?postcode=wa7+4eb").get_data(as_text=True)
    assert "2 postcodes in 2 places" in listing and "WA7 4EB is in Grange ward (Runcorn, Halton)." in listing


def test_replace_and_add(login, client, users, wards):
    login("officer")
    client.post(_upload(client, _file(onspd_row("WA7 2HA", "E05001234"), onspd_row("WA7 4EB", "E05001234"))).headers["Location"])
    client.post(_upload(client, _file(onspd_row("WA7 4EB", "E05001235"), onspd_row("WA7 5AB", "E05001235")), mode="add").headers["Location"])
    assert {p.display: p.area.name for p in db.session.scalars(select(Postcode))} == {
        "WA7 2HA": "Castlefields", "WA7 4EB": "Grange", "WA7 5AB": "Grange"}  # added; the moved one follows the file
    client.post(_upload(client, _file(onspd_row("WA7 9AA", "E05001234"))).headers["Location"])
    assert [p.display for p in db.session.scalars(select(Postcode))] == ["WA7 9AA"]  # replaced


def test_a_ward_name_column_works_when_wards_have_no_codes(login, client, users, wards):
    login("officer")
    data = _file("WA7 2HA,Castlefields", "WA7 4EB,grange", header="postcode,ward name")
    client.post(_upload(client, data).headers["Location"])
    assert _count() == 2 and area_for_postcode("WA7 4EB").name == "Grange"


@pytest.mark.parametrize("data,message", [
    (b"postcode,ward\n", "The file has a heading row but no postcodes under it"),
    (b"ward,name\nE05001234,Castlefields\n", "The file has no postcode column"),
    (b"pcds,usertype\nWA7 2HA,0\n", "The file has no ward column"),
    (b"pcds,osward\nWA7 2HA,E05009999\n", "None of the wards in the file is one of Engage's places"),
])
def test_a_file_that_cannot_be_loaded_says_why_and_loads_nothing(login, client, users, wards, data, message):
    login("officer")
    check_url = _upload(client, data).headers["Location"]
    page = client.get(check_url)
    assert message.replace("'", "&#39;") in page.get_data(as_text=True)
    assert "Load these postcodes" not in page.get_data(as_text=True)
    assert client.post(check_url).status_code == 400 and _count() == 0


def test_only_csv_files_are_taken(login, client, users, wards):
    login("officer")
    response = _upload(client, b"PK\x03\x04", name="postcodes.xlsx")
    assert response.status_code == 400 and "The file must be a CSV file (.csv)" in response.get_data(as_text=True)


def test_another_officers_upload_is_not_found(login, client, users, wards):
    from engage.accounts.models import User
    from tests.conftest import password_hash

    other = User(email="officer2@test.example", name="Other Officer", role="officer", active=True, password_hash=password_hash())
    db.session.add(other)
    db.session.commit()
    login("officer")
    check_url = _upload(client, _file(onspd_row("WA7 2HA", "E05001234"))).headers["Location"]
    client._cookies.clear()
    with client.session_transaction() as session:
        session["_user_id"] = other.get_id()
        session["_fresh"] = True
    assert client.post(check_url).status_code == 404 and _count() == 0


def test_area_for_postcode_is_the_service_other_capabilities_call(app, wards):
    db.session.add(Postcode(postcode="WA72HA", area_id=wards["castle"].id, is_demo=False))
    db.session.commit()
    assert area_for_postcode(" wa7 2ha ").name == "Castlefields"
    assert area_for_postcode("WA72HA").id == wards["castle"].id
    assert area_for_postcode("WA7 9ZZ") is None  # a real shape, but not in the lookup
    for bad in ("", "WA7", "hello", "WA7 2HAX", "12345"):
        with pytest.raises(PostcodeError):
            area_for_postcode(bad)
    assert not lookup_postcode("WA7").found and "Enter the full postcode" in lookup_postcode("WA7").message


def test_an_empty_lookup_says_so(app, wards):
    assert "Engage cannot look up postcodes yet" in lookup_postcode("WA7 2HA").message


def test_deleting_an_area_takes_its_postcodes(login, client, users, wards):
    db.session.add(Postcode(postcode="WA74EB", area_id=wards["grange"].id))
    db.session.commit()
    login("officer")
    assert client.post(f"/admin/reference/areas/{wards['grange'].id}/delete").status_code == 302
    assert _count() == 0


def test_the_command_line_loads_with_progress(runner, wards, tmp_path):
    path = tmp_path / "ONSPD.csv"
    path.write_bytes(_file(onspd_row("WA7 2HA", "E05001234"), onspd_row("WA1 1AA", "E05012345")))
    result = runner.invoke(args=["engage", "load-postcodes", str(path)])
    assert result.exit_code == 0, result.output
    assert "Checking postcodes" in result.output and "Loaded 1 postcode in 1 place." in result.output
    assert "1 in wards not in Engage" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"ward\nE05001234\n")
    result = runner.invoke(args=["engage", "load-postcodes", str(bad)])
    assert result.exit_code != 0 and "no postcode column" in result.output


def test_demo_postcodes_are_marked_and_seeding_twice_changes_nothing(seeded, client):
    from engage.demo import run_seeders

    first = _count()
    run_seeders()
    assert _count() == first >= 10
    assert all(p.is_demo for p in db.session.scalars(select(Postcode)))
    html = client.get("/have-your-say", query_string={"postcode": "WA8 7TH"}).get_data(as_text=True)
    assert "WA8 7TH is in Kingsway ward (Widnes, Halton)." in html and "Demo data" in html
