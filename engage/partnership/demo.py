"""Demo postcodes for the Halton demo (marked as demo data wherever they show)."""
from __future__ import annotations

from sqlalchemy import select

from ..demo import register_seeder
from ..extensions import db
from .models import Area, Postcode
from .places import normalise_postcode


def seed_postcodes(echo=lambda m: None) -> None:
    from ..demo.halton import DEMO_POSTCODES

    wards = {a.name: a for a in db.session.scalars(select(Area).where(Area.level == "ward"))}
    have = set(db.session.scalars(select(Postcode.postcode)))
    added = 0
    for text, ward in DEMO_POSTCODES.items():
        code = normalise_postcode(text)
        if code in have or ward not in wards:
            continue
        db.session.add(Postcode(postcode=code, area_id=wards[ward].id, ward_code=wards[ward].code or "", is_demo=True))
        added += 1
    db.session.flush()
    echo(f"Demo postcodes loaded ({added} new).")


register_seeder(15, seed_postcodes)
