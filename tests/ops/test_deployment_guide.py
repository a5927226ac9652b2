"""docs/deployment.md stays true to the code: its settings tables are what
deploy/settings_table.py makes from the code, it names every ENGAGE_ setting the code
mentions, the commands it schedules exist, and the README links to it."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deployment.md"
FIX = "run `python deploy/settings_table.py --write` and describe the setting in docs/deployment.md"


def _generator():
    spec = importlib.util.spec_from_file_location("settings_table", ROOT / "deploy" / "settings_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_settings_table_is_the_one_the_code_makes():
    generator = _generator()
    text = GUIDE.read_text()
    inside = text.split(generator.START, 1)[1].split(generator.END, 1)[0].strip()
    assert inside == generator.table().strip(), f"The guide's settings table is out of date: {FIX}"


def test_every_engage_setting_in_the_code_is_in_the_guide():
    text = GUIDE.read_text()
    named = set()
    for path in list((ROOT / "engage").rglob("*.py")) + [ROOT / "wsgi.py", ROOT / "deploy" / "gunicorn.conf.py"]:
        named |= set(re.findall(r"\bENGAGE_[A-Z0-9_]*[A-Z0-9]\b", path.read_text()))
    environment, _ = _generator().collect()
    named |= set(environment)
    missing = sorted(name for name in named if f"`{name}`" not in text)
    assert not missing, f"Not in docs/deployment.md: {missing}; {FIX}"
    assert len(named) > 40


def test_scheduled_commands_exist_and_the_readme_links_the_guide(app):
    from engage.cli import engage_cli

    text = GUIDE.read_text()
    section = text.split("## Scheduled work", 1)[1].split("\n## ", 1)[0]
    scheduled = set(re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.M))
    timers = set(re.findall(r"Unit=engage@([a-z-]+)\.service", text))
    for loop in re.findall(r"for c in ([a-z \\\n-]+); do", text):
        timers |= set(loop.replace("\\", " ").split())
    assert {"send-mail", "purge-expired", "publish-due"} <= scheduled
    known = set(engage_cli.list_commands(None))
    assert scheduled | timers <= known, f"The guide schedules commands that do not exist: {sorted((scheduled | timers) - known)}"
    # Every command whose help says to run it regularly is in the table.
    regular = {name for name in known if name.endswith("-reminders") or re.search(
        r"run (often|every|it daily)|every hour|from cron|systemd timer", " ".join((engage_cli.get_command(None, name).help or "").split()))}
    assert regular <= scheduled, f"Commands meant to run regularly that the guide does not schedule: {sorted(regular - scheduled)}"
    assert (ROOT / "deploy" / "gunicorn.conf.py").exists()
    assert "docs/deployment.md" in (ROOT / "README.md").read_text()
