"""Survey results speed: the honest-numbers work (disclosure across every published table,
trimmed raking, Wilson intervals and Holm-controlled significance) on the Halton demo survey.

A temporary SQLite database is migrated and seeded with the Halton demo data (the demo survey:
320 answers), and its results are made public. Measured, through the real services and the
real app (Flask test client):
- ``publication-cold``: every public table of the survey worked out from nothing (the
  disclosure audit's per-process cache emptied first), then ``publication-warm``;
- ``weighting``: the trimmed raking of the survey to its population profile;
- ``staff-results`` by priority wards, weighted, with ranges and significance marks;
- the public survey API and the consultation page, first request and then p95 of 10.
Prints one JSON object per line. Aim: a warm public page under 1 second; a cold one under 10.
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 10


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main() -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from engage import create_app
    from engage.accounts.models import User
    from engage.core import disclosure
    from engage.demo import run_seeders
    from engage.extensions import db
    from engage.surveys import analysis, lifecycle, publishing
    from engage.surveys.models import Survey
    from engage.surveys.population import weighting_for

    folder = Path(tempfile.mkdtemp(prefix="engage-bench-survey-results-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}", "ENGAGE_INDEX_DIR": str(folder / "index"),
                      "ENGAGE_UPLOAD_DIR": str(folder / "uploads"), "TESTING": True, "MAIL_SERVER": "",
                      "ENGAGE_MAIL_BACKGROUND": False})
    with app.app_context():
        upgrade()
        run_seeders()
        survey = db.session.scalar(select(Survey).where(Survey.is_demo.is_(True)).order_by(Survey.id))
        officer = db.session.scalar(select(User).where(User.role == "officer").order_by(User.id))
        if publishing.open_refusal(survey):  # results are published once the survey has closed
            lifecycle.close_now(officer, survey, "Closed to publish the results for the benchmark")
        publishing.publish(officer, survey, results_public=True)
        db.session.commit()
        survey_id, consultation_id = survey.id, survey.consultation_id

        disclosure._AUDITS.clear()
        rows, cold = timed(lambda: analysis.aggregated(survey, public=True))
        _, warm = timed(lambda: analysis.aggregated(survey, public=True))
        print(json.dumps({"bench": "survey-publication", "answers": len(analysis.load_people(survey)),
                          "questions": len(rows), "cold_s": round(cold, 3), "warm_s": round(warm, 3)}))
        people = analysis.load_people(survey)
        weighting, seconds = timed(lambda: weighting_for(survey, people))
        print(json.dumps({"bench": "survey-weighting", "seconds": round(seconds, 3), "usable": bool(weighting.usable)}))
        _, seconds = timed(lambda: analysis.results(survey, by="area-group", weighted=True, show_moe=True))
        print(json.dumps({"bench": "survey-staff-results", "by": "area-group", "weighted": True, "seconds": round(seconds, 3)}))

    client = app.test_client()
    for name, path in (("survey-api", f"/api/v1/surveys/{survey_id}/results"), ("consultation-page", f"/consultations/{consultation_id}")):
        with app.app_context():
            disclosure._AUDITS.clear()
        response, first = timed(lambda: client.get(path))
        assert response.status_code == 200, (path, response.status_code)
        times = []
        for _ in range(RUNS):
            _, seconds = timed(lambda: client.get(path))
            times.append(seconds)
        times.sort()
        print(json.dumps({"bench": name, "first_s": round(first, 3), "median_ms": round(statistics.median(times) * 1000, 1),
                          "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 1)}))


if __name__ == "__main__":
    main()
