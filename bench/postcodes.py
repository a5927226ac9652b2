"""Postcode lookup speed: an ONS-postcode-directory-shaped CSV for a whole postcode area
(60,000 rows, about one in eight of them in the Halton demo wards, the rest in wards Engage does
not have, some no longer in use), checked and loaded; then postcode look-ups and the
"have your say" page filtered by postcode.

Real SQLite in a temporary folder, the Halton demo places. Prints one JSON object per line.
Aims: check and load under 10 seconds; a look-up under 5 ms at p95; the filtered page under
200 ms at p95.
"""
from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROWS = 60_000


def make_file(ward_codes: list[str]) -> tuple[bytes, list[str]]:
    rng = random.Random(2026)
    lines = ["pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m"]
    live = []
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    every = [(f"WA{d}", f"{n}{a}{b}") for d in range(1, 17) for n in range(10) for a in letters for b in letters]
    rng.shuffle(every)
    for district, inward in every[:ROWS]:
        pcds = f"{district} {inward}"
        ours = district in ("WA7", "WA8")
        ward = rng.choice(ward_codes) if ours else f"E0501{rng.randint(1000, 9999)}"
        doterm = "200512" if rng.random() < 0.1 else ""
        if ours and not doterm:
            live.append(pcds)
        lines.append(f'"{pcds.replace(" ", ""):<7}","{pcds:<8}","{pcds}","198001","{doterm}","E99999999","E99999999",'
                     f'"E06000006","{ward}","E43000001","0","351000","382000"')
    return ("\n".join(lines) + "\n").encode(), live


def main() -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from engage import create_app
    from engage.demo import run_seeders
    from engage.extensions import db
    from engage.partnership.models import Area
    from engage.partnership.postcodes import check_postcode_file, load_postcodes
    from engage.partnership.services import area_for_postcode

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        app = create_app({
            "TESTING": False, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "ENGAGE_INDEX_DIR": str(folder / "index"), "ENGAGE_UPLOAD_DIR": str(folder / "uploads"),
            "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
        })
        with app.app_context():
            upgrade()
            run_seeders()
            codes = []
            for i, ward in enumerate(db.session.scalars(select(Area).where(Area.level == "ward").order_by(Area.id))):
                ward.code = f"E0500{1200 + i}"
                codes.append(ward.code)
            db.session.commit()
            data, live = make_file(codes)
            started = time.perf_counter()
            check = check_postcode_file("ONSPD_WA.csv", data)
            checked = time.perf_counter()
            count = load_postcodes(None, check, replace=True)
            db.session.commit()
            loaded = time.perf_counter()
            rng = random.Random(1)
            lookups = []
            for pcds in rng.sample(live, 1000):
                t = time.perf_counter()
                assert area_for_postcode(pcds) is not None
                lookups.append((time.perf_counter() - t) * 1000)
            client = app.test_client()
            pages = []
            for pcds in rng.sample(live, 100):
                t = time.perf_counter()
                assert client.get("/have-your-say", query_string={"postcode": pcds}).status_code == 200
                pages.append((time.perf_counter() - t) * 1000)
            db.session.remove()

    def p95(values):
        return round(statistics.quantiles(values, n=20)[-1], 2)

    print(json.dumps({"bench": "postcodes", "path": "check-and-load", "rows": ROWS, "loaded": count,
                      "left_out": check.skipped, "check_s": round(checked - started, 3), "load_s": round(loaded - checked, 3),
                      "aim_s": 10.0, "ok": loaded - started < 10.0}))
    print(json.dumps({"bench": "postcodes", "path": "lookup", "postcodes": count, "n": len(lookups),
                      "p50_ms": round(statistics.median(lookups), 2), "p95_ms": p95(lookups), "aim_ms": 5.0, "ok": p95(lookups) < 5.0}))
    print(json.dumps({"bench": "postcodes", "path": "have-your-say-by-postcode", "n": len(pages),
                      "p50_ms": round(statistics.median(pages), 1), "p95_ms": p95(pages), "aim_ms": 200.0, "ok": p95(pages) < 200.0}))


if __name__ == "__main__":
    main()
