"""Implementation plan speed: a big partnership's plan (1,000 actions under 20 themes, with
5 progress notes each) and budget (60 lines with 4 quarters of figures), on real SQLite.

Measured: the plan page, the CSV export, the timeline, the quarterly board report page and
its Word document, and the actions API. Prints one JSON object per line.
Aim: each under 2 seconds.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

THEMES, ACTIONS, NOTES, LINES = 20, 1000, 5, 60
AIM_SECONDS = 2.0


def main() -> None:
    from flask_migrate import upgrade

    from engage import create_app
    from engage.extensions import db
    from engage.strategy.models import ActionProgress, BudgetFigures, BudgetLine, PlanAction, PlanTheme

    folder = Path(tempfile.mkdtemp(prefix="engage-bench-plan-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}", "ENGAGE_INDEX_DIR": str(folder / "index"),
                      "TESTING": True, "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        statuses = ["not_started", "on_track", "at_risk", "complete"]
        start = date(2005, 4, 1)
        themes = [PlanTheme(name=f"Theme {t}", purpose=f"Purpose of theme {t}.", position=t) for t in range(THEMES)]
        db.session.add_all(themes)
        db.session.flush()
        for a in range(ACTIONS):
            action = PlanAction(theme_id=themes[a % THEMES].id, position=a, activity=f"Activity number {a} with a few words",
                                timescale="Spring", due_on=start + timedelta(days=(a * 3) % 720))
            db.session.add(action)
            db.session.flush()
            db.session.add_all([ActionProgress(action_id=action.id, noted_on=start + timedelta(days=30 * n), status=statuses[(a + n) % 4],
                                               note=f"Progress note {n} on action {a}.") for n in range(NOTES)])
        for i in range(LINES):
            line = BudgetLine(year=2005, item=f"Budget line {i}", position=i, annual_budget=(i + 1) * 1_000_00)
            db.session.add(line)
            db.session.flush()
            db.session.add_all([BudgetFigures(line_id=line.id, quarter=q, spend_to_date=q * (i + 1) * 200_00, budget_to_date=q * (i + 1) * 250_00,
                                              year_end_estimate=(i + 1) * 1_050_00) for q in range(1, 5)])
        db.session.commit()
        client = app.test_client()
        for name, path in (("plan page", "/plan"), ("plan csv", "/plan.csv"), ("timeline", "/plan/timeline"),
                           ("board report page", "/plan/reports/2005/q2"), ("board report docx", "/plan/reports/2005/q2.docx"),
                           ("actions api", "/api/v1/actions?status=late")):
            client.get(path)  # warm
            began = time.perf_counter()
            response = client.get(path)
            seconds = time.perf_counter() - began
            assert response.status_code == 200, (path, response.status_code)
            print(json.dumps({"bench": "strategy_plan", "what": name, "actions": ACTIONS, "notes": ACTIONS * NOTES, "budget_lines": LINES,
                              "seconds": round(seconds, 3), "bytes": len(response.data), "aim_seconds": AIM_SECONDS,
                              "within_aim": seconds < AIM_SECONDS}))


if __name__ == "__main__":
    main()
