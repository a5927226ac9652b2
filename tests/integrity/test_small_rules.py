"""The smaller defects of the same review: partnership cycles, area levels against the areas
inside, and XLSX files that misstate their size."""
from __future__ import annotations

import io
import re
import zipfile

from engage.extensions import db
from engage.partnership import services
from engage.partnership.models import Area, Partnership
from tests.consultations.results_support import consultation, places, raw_rows, xlsx_bytes  # noqa: F401 (fixtures)


def test_a_partnership_cannot_become_part_of_its_own_child(login, client, users):
    top = Partnership(name="Strategic", kind="strategic")
    db.session.add(top)
    db.session.flush()
    middle = Partnership(name="Safer", kind="priority", parent_id=top.id)
    db.session.add(middle)
    db.session.flush()
    bottom = Partnership(name="Safer Streets", kind="priority", parent_id=middle.id)
    db.session.add(bottom)
    db.session.commit()
    login("officer")
    # A→B→A (two steps) and A→B→C→A (three) are refused, with the message by the field.
    for child in (middle, bottom):
        response = client.post(f"/admin/reference/partnerships/{top.id}",
                               data={"name": "Strategic", "kind": "strategic", "parent_id": str(child.id), "version": str(top.version)})
        assert response.status_code == 400
        assert "cannot be part of a partnership that is part of it" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Partnership, top.id).parent_id is None
    # Moving a partnership under a sibling branch is still fine.
    assert client.post(f"/admin/reference/partnerships/{bottom.id}",
                       data={"name": "Safer Streets", "kind": "priority", "parent_id": str(top.id),
                             "version": str(bottom.version)}).status_code == 302


def test_an_areas_level_cannot_change_past_the_areas_inside_it(app, users):
    borough = Area(name="Borough", level="borough")
    db.session.add(borough)
    db.session.flush()
    town = Area(name="Runcorn", level="town", parent_id=borough.id)
    db.session.add(town)
    db.session.flush()
    ward = Area(name="Castlefields", level="ward", parent_id=town.id)
    db.session.add(ward)
    db.session.commit()
    data = {"name": "Runcorn", "level": "ward", "parent_id": borough.id, "code": "", "population": None, "priority_ward": False}
    try:
        services.save(users["officer"], town, data, "Area")
    except services.RuleError as error:
        assert error.field == "level" and "Castlefields sits inside this area and is a ward" in str(error)
    else:
        raise AssertionError("a town holding wards became a ward")
    db.session.rollback()
    assert db.session.get(Area, town.id).level == "town"
    # Up is fine: a town may become a larger level as long as its parent allows it.
    services.save(users["officer"], town, {**data, "level": "town"}, "Area")


def _claiming(data: bytes, claimed_rows: int) -> bytes:
    """The same workbook, but its sheet says it has ``claimed_rows`` rows (its "dimension")."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                content = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="A1:F{claimed_rows}"'.encode(), content)
            target.writestr(item, content)
    return out.getvalue()


def test_an_xlsx_import_counts_its_rows_instead_of_trusting_the_workbook(app, login, consultation):
    app.config["ENGAGE_IMPORT_BACKGROUND_ROWS"] = 1000
    from flask import g

    client = login("practitioner")
    g.pop("_login_user", None)
    small_but_claims_large = _claiming(xlsx_bytes(raw_rows(12)), 50_000)
    response = client.post(f"/consultations/{consultation.id}/results/import",
                           data={"file": (io.BytesIO(small_but_claims_large), "responses.xlsx"), "format": "raw"},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    from engage.consultations import import_jobs

    record = import_jobs.load(response.headers["Location"].rsplit("/", 1)[-1])
    assert record["rows"] == 12
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "imports it in the background" not in html
