"""Results-sharing speed: the public pages, feed, API and board dashboard with many reports.

A temporary SQLite database is migrated and seeded with the Halton demo data, then 600
published findings reports are added (two partnerships each, three recommendations, half the
responses recorded, a third of them late). Each page is requested 30 times through the real
app (Flask test client, the same code path as a browser); the first request is a warm-up.
``send-reminders`` runs twice: the first sends one reminder per late partnership, the second
none. Prints one JSON object per line. Aim: public pages p95 under 150 ms.
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPORTS = 600
RUNS = 30


def main() -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from engage import create_app
    from engage.accounts.models import User
    from engage.consultations.models import Consultation
    from engage.core.models import utcnow
    from engage.demo import run_seeders
    from engage.extensions import db
    from engage.partnership.models import Area, Outcome, Partnership, Priority
    from engage.sharing.models import FindingsReport, Recommendation, Response

    folder = Path(tempfile.mkdtemp(prefix="engage-bench-sharing-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}", "ENGAGE_INDEX_DIR": str(folder / "index"),
                      "ENGAGE_UPLOAD_DIR": str(folder / "uploads"), "TESTING": True, "MAIL_SERVER": ""})
    with app.app_context():
        upgrade()
        run_seeders()
        officer = db.session.scalar(select(User).where(User.role == "officer"))
        partnerships = db.session.scalars(select(Partnership).where(Partnership.kind == "priority")).all()
        priorities = db.session.scalars(select(Priority)).all()
        outcomes = db.session.scalars(select(Outcome)).all()
        wards = db.session.scalars(select(Area).where(Area.level == "ward")).all()
        consultations = db.session.scalars(select(Consultation)).all()
        now = utcnow()
        start = time.perf_counter()
        for i in range(REPORTS):
            at = now - timedelta(days=3 + i % 200)
            report = FindingsReport(title=f"Bench report {i}", summary=f"What people said in place {i % 23}.", state="published",
                                    visibility="public", published_at=at, released_at=at, created_by_id=officer.id,
                                    organisation_id=officer.organisation_id)
            report.consultations = [consultations[i % len(consultations)]]
            report.priorities = [priorities[i % len(priorities)]]
            report.outcomes = [outcomes[i % len(outcomes)]]
            report.areas = [wards[i % len(wards)]]
            pair = [partnerships[i % len(partnerships)], partnerships[(i + 1) % len(partnerships)]]
            report.partnerships = pair
            recs = [Recommendation(position=n, text=f"Recommendation {n} of report {i}") for n in range(1, 4)]
            report.recommendations = recs
            db.session.add(report)
            if i % 2 == 0:
                for rec in recs:
                    db.session.add(Response(report=report, recommendation=rec, partnership=pair[0], status="planned",
                                            action="An action", owner="A team"))
        db.session.commit()
        print(json.dumps({"bench": "sharing-load", "reports": REPORTS, "seconds": round(time.perf_counter() - start, 2)}))
        officer_id, first_partnership = officer.get_id(), partnerships[0].id  # get_id: the id with its session token

    client = app.test_client()
    pages = [("you-said-we-did", "/you-said-we-did", None), ("you-said-we-did-filtered", f"/you-said-we-did?partnership={first_partnership}", None),
             ("feed", "/you-said-we-did/feed.atom", None), ("embed", "/embed/you-said-we-did", None),
             ("api-list", "/api/v1/findings", None), ("report-page", "/findings/1", None),
             ("dashboard", "/findings/dashboard", officer_id)]
    if True:  # no app context held across requests: each request gets its own, as on a server
        for name, path, user_id in pages:
            with client.session_transaction() as session:
                session.clear()
                if user_id:
                    session["_user_id"] = user_id
            client.get(path)
            times = []
            for _ in range(RUNS):
                t = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            times.sort()
            print(json.dumps({"bench": f"sharing-{name}", "reports": REPORTS, "runs": RUNS,
                              "p50_ms": round(statistics.median(times), 1),
                              "p95_ms": round(times[int(len(times) * 0.95) - 1], 1)}))
    with app.app_context():
        runner = app.test_cli_runner()
        for attempt in (1, 2):
            t = time.perf_counter()
            result = runner.invoke(args=["engage", "send-reminders"])
            sent = result.output.strip().splitlines()[-1]
            print(json.dumps({"bench": f"sharing-send-reminders-run-{attempt}", "reports": REPORTS, "result": sent,
                              "seconds": round(time.perf_counter() - t, 2)}))


if __name__ == "__main__":
    main()
