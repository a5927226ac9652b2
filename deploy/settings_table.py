"""The settings tables of docs/deployment.md, made from the code so that they never go stale.

    python deploy/settings_table.py            # print the tables
    python deploy/settings_table.py --write    # put them into docs/deployment.md

Two tables: environment variables (every ``os.environ.get("NAME", default)``,
``os.environ["NAME"]``, ``os.getenv`` and ``_bool("NAME", default)`` in engage/, wsgi.py and
deploy/gunicorn.conf.py), and settings the code reads from the app's configuration only
(``config.get("ENGAGE_...", default)``: fixed unless engage/config.py is changed to read them
from the environment). Each row's meaning is the comment just above the line that reads it
(rows under one comment share it). tests/ops/test_deployment_guide.py checks the guide holds
exactly what this prints, and names every ENGAGE_ setting the code mentions.
"""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "deployment.md"
START, END = "<!-- settings table: made by deploy/settings_table.py -->", "<!-- end of settings table -->"


# Meanings for settings whose line has no comment of its own, or whose nearest comment is about
# a neighbour (a comment above the line that reads a setting wins over nothing, not over these).
MEANINGS = {
    "DATABASE_URL": "The database: `postgresql://user:password@host/name` for PostgreSQL; SQLite file `instance/engage.db` when unset.",
    "SECRET_KEY": "Signs sessions and tokens. Set it (the same on every node) in production; production on PostgreSQL refuses to start without it; unset elsewhere, a random key is kept in `instance/secret_key`.",
    "ENGAGE_ENV": "`production` turns on secure cookies, JSON logs and the checks that refuse to start without `ENGAGE_PUBLIC_URL`.",
    "ENGAGE_BASE_URL": "The old name of `ENGAGE_PUBLIC_URL`.",
    "ENGAGE_PUBLIC_URL": "The site's public address (`https://engage.example.org`): every full link is made from it. Required in production.",
    "ENGAGE_CONTACT_EMAIL": "The address shown on the contact page.",
    "ENGAGE_SITE_NAME": "The site's name in the layout and in emails.",
    "ENGAGE_MAX_UPLOAD_MB": "Largest upload (the whole request), in MB.",
    "ENGAGE_INDEX_DIR": "The Whoosh search index folder (not used by the postgres backend).",
    "ENGAGE_UPLOAD_DIR": "Uploaded files when no bucket is set (`ENGAGE_STORAGE_URL`); each node's own with two nodes, which use a bucket (see \"Two nodes\").",
    "ENGAGE_TOOLKIT_DIR": "Where `engage toolkit-load` reads the toolkit's Markdown files.",
    "ENGAGE_LOG_FORMAT": "`json` (one object a line, with `request_id` and `job_id`) or `text`.",
    "ENGAGE_LOG_LEVEL": "`DEBUG`, `INFO`, `WARNING` or `ERROR`. Personal data is kept out at every level.",
    "ENGAGE_METRICS_TOKEN": "A bearer token that may read `/metrics`.",
    "ENGAGE_METRICS_ALLOW": "Addresses or networks (comma-separated) that may read `/metrics` without the token.",
    "ENGAGE_SQLITE_BUSY_SECONDS": "SQLite only: how long a write waits for another before the person is asked to try again.",
    "ENGAGE_SQLITE_SYNCHRONOUS": "SQLite only: `FULL` (every commit on disk) or `NORMAL` (see engage/core/database.py).",
    "ENGAGE_BIND": "gunicorn: the address and port to listen on (the proxy's upstream).",
    "ENGAGE_WEB_THREADS": "gunicorn: threads per worker.",
    "ENGAGE_WEB_TIMEOUT": "gunicorn: seconds before a stuck worker is restarted.",
    "WEB_CONCURRENCY": "gunicorn: worker processes per node.",
    "PROMETHEUS_MULTIPROC_DIR": "A folder shared by a node's gunicorn workers (and `engage send-mail`) where each writes its counts, so `/metrics` adds them up. Unset: gunicorn (deploy/gunicorn.conf.py) makes a private one for its workers and removes it when it stops; other processes count their own.",
    "SESSION_COOKIE_SECURE": "Send cookies over HTTPS only.",
    "ENGAGE_RATELIMIT_STORAGE": "Where rate limits are counted: `redis://host:6379/0` with several workers or nodes (shared counts); unset, each process counts in its own memory. If Redis stops answering, each node counts in memory until it is back.",
    "RATELIMIT_STORAGE_URI": "The old name of `ENGAGE_RATELIMIT_STORAGE` (used when that is unset).",
    "REDIS_URL": "Used for rate limits when neither `ENGAGE_RATELIMIT_STORAGE` nor `RATELIMIT_STORAGE_URI` is set.",
    "ENGAGE_RATELIMIT_PREFIX": "The prefix of Engage's rate-limit keys in Redis (two sites on one Redis need different ones).",
    "ENGAGE_LOGIN_LIMIT": "Sign-in attempts per address (Flask-Limiter's notation).",
    "MAIL_SERVER": "The SMTP server; with none, messages go to the log (local use; no addresses).",
    "MAIL_PORT": "The SMTP server's port.",
    "MAIL_USERNAME": "SMTP login (none when empty).",
    "MAIL_PASSWORD": "SMTP password.",
    "MAIL_USE_TLS": "STARTTLS to the SMTP server.",
    "MAIL_FROM": "The From address of every email.",
    "ENGAGE_FOLLOW_RATE_LIMIT": "Follow requests (email sign-ups) per address.",
    "ENGAGE_IMPORT_BACKGROUND_ROWS": "Results imports larger than this run in the background with progress.",
    "ENGAGE_IMPORT_MAX_MB": "Largest results import file.",
    "ENGAGE_IMPORT_MAX_ROWS": "Most rows in a results import.",
    "ENGAGE_INDEX_LOCK_WAIT": "Seconds a Whoosh write waits for the index lock before queueing the change.",
    "ENGAGE_INDEX_REBUILD_MB": "Memory for a Whoosh rebuild.",
    "ENGAGE_MAIL_BACKGROUND": "Each web process sends stored mail in a background thread after the commit that stored it.",
    "ENGAGE_MAIL_GIVE_UP_DAYS": "Days a message the server has not accepted is tried again before it is given up.",
    "ENGAGE_MAIL_KEEP_DAYS": "Days a staff member's address is kept on an email once it is sent or given up (a resident's goes at once); deleted by `purge-expired`.",
    "ENGAGE_MAIL_LEASE_SECONDS": "How long a sender's claim on a message lasts (a dead sender's message is tried again after it).",
    "ENGAGE_MAIL_RETRY_SECONDS": "The first wait before a failed message is tried again (then doubled, at most 6 hours).",
    "ENGAGE_MAX_DOCUMENT_MB": "Largest consultation document upload.",
    "ENGAGE_MIN_BASE_FOR_INTERVALS": "Smallest base for which a confidence interval is shown.",
    "ENGAGE_PARTNERSHIP_NAME": "The partnership's name on board reports.",
    "ENGAGE_WEIGHTING_MIN_GROUP": "Smallest group a survey's weighting may use.",
    "ENGAGE_QUEUE_URL": "Where jobs wait (huey's storage): `memory://` (each web process runs its own jobs), `sqlite:////path/queue.sqlite` (a worker process on the same machine), `redis://host:6379/1` (several nodes). The `queue_job` table is what survives a restart (docs/scheduled-work.md).",
    "ENGAGE_QUEUE_RUNNER": "`thread`: each web process runs jobs in a thread; `none`: it only queues them and `engage worker` runs them. Unset: `thread` for `memory://` and `sqlite:///`, `none` for Redis.",
    "ENGAGE_QUEUE_NAME": "The queue's name in its storage (two sites on one Redis need different ones).",
    "ENGAGE_QUEUE_EXTRA_MODULES": "Modules outside `engage.` whose functions may run as jobs (tests).",
    "ENGAGE_QUEUE_RETRY_SECONDS": "The first wait before a failed job is tried again (then doubled, at most an hour; five tries, then the dead-letter list).",
    "ENGAGE_QUEUE_SWEEP_SECONDS": "How often a runner or worker puts back jobs whose worker died and hands out jobs that are due.",
    "ENGAGE_QUEUE_REDISPATCH_SECONDS": "A queued job handed to the queue this long ago and not started is handed out again (a queue that lost it).",
    "ENGAGE_RESET_TOKEN_HOURS": "Hours a password reset link works.",
    "ENGAGE_INVITE_TOKEN_HOURS": "Hours an account invitation link works.",
}
DEFAULTS = {"ENGAGE_QUEUE_RUNNER": "by `ENGAGE_QUEUE_URL`", "ENGAGE_RATELIMIT_STORAGE": "`memory://`", "SESSION_COOKIE_SECURE": "on in production", "ENGAGE_TOOLKIT_DIR": "`toolkit/` in the checkout",
            "ENGAGE_LOG_FORMAT": "`json` in production, else `text`", "DATABASE_URL": "`instance/engage.db` (SQLite)",
            "SECRET_KEY": "random, kept in `instance/secret_key`", "ENGAGE_PUBLIC_URL": "`ENGAGE_BASE_URL`"}


def _sources() -> list[Path]:
    files = sorted((ROOT / "engage").rglob("*.py"))
    return files + [ROOT / "wsgi.py", ROOT / "deploy" / "gunicorn.conf.py"]


def _default(node: ast.AST | None) -> str:
    if node is None:
        return "(none)"
    if isinstance(node, ast.Constant):
        if node.value == "":
            return "(empty)"
        return f"`{node.value}`"
    text = ast.unparse(node)
    match = re.fullmatch(r"str\(instance_path / '([^']+)'\)", text)
    if match:
        return f"`instance/{match.group(1)}`"
    # A default that is another variable, e.g. ENGAGE_BASE_URL for ENGAGE_PUBLIC_URL.
    inner = re.fullmatch(r"os\.environ\.get\('([A-Z0-9_]+)', ''\)", text)
    if inner:
        return f"`{inner.group(1)}`"
    return f"`{text}`"


def _comment_above(lines: list[str], lineno: int) -> str:
    """The comment lines just above line ``lineno`` (1-based); a run of entries under one
    comment shares it."""
    i = lineno - 2
    while i >= 0:
        stripped = lines[i].strip()
        if stripped.startswith("#"):
            break
        if not stripped or not re.match(r'^"[A-Za-z_]+"\s*:', stripped) and not stripped.startswith(("os.environ", ")")):
            return ""
        i -= 1
    comment = []
    while i >= 0 and lines[i].strip().startswith("#"):
        comment.insert(0, lines[i].strip().lstrip("#").strip())
        i -= 1
    return " ".join(comment)


def _name_of(call: ast.Call) -> tuple[str, ast.AST | None] | None:
    func = ast.unparse(call.func)
    if func in ("os.environ.get", "os.getenv", "_bool") and call.args and isinstance(call.args[0], ast.Constant) \
            and isinstance(call.args[0].value, str):
        return call.args[0].value, call.args[1] if len(call.args) > 1 else None
    return None


def collect() -> tuple[dict[str, dict], dict[str, dict]]:
    """({environment variable: {default, meaning, where}}, {config-only setting: {...}})."""
    environment: dict[str, dict] = {}
    config_only: dict[str, dict] = {}
    for path in _sources():
        text = path.read_text()
        lines = text.splitlines()
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ" \
                    and isinstance(node.slice, ast.Constant):
                environment.setdefault(node.slice.value, {"default": "(required)", "meaning": _comment_above(lines, node.lineno),
                                                          "where": where})
            if isinstance(node, ast.For) and isinstance(node.iter, ast.Tuple) and isinstance(node.target, ast.Name):
                # for name in ("A", "B"): os.environ.get(name) -- several names for one setting.
                reads = any(isinstance(n, ast.Call) and ast.unparse(n.func) in ("os.environ.get", "os.getenv")
                            and n.args and isinstance(n.args[0], ast.Name) and n.args[0].id == node.target.id
                            for n in ast.walk(node))
                if reads:
                    for item in node.iter.elts:
                        if isinstance(item, ast.Constant) and isinstance(item.value, str):
                            environment.setdefault(item.value, {"default": "(none)", "meaning": "", "where": where})
            if isinstance(node, ast.Dict):
                # engage/config.py's fixed settings (a value that reads no environment variable).
                for key, value in zip(node.keys, node.values):
                    if isinstance(key, ast.Constant) and str(key.value).startswith("ENGAGE_") \
                            and not any(isinstance(n, ast.Call) and _name_of(n) for n in ast.walk(value)):
                        config_only.setdefault(key.value, {"default": _default(value),
                                                           "meaning": _comment_above(lines, key.lineno), "where": where})
            if not isinstance(node, ast.Call):
                continue
            found = _name_of(node)
            if found:
                name, default = found
                entry = environment.get(name)
                meaning = _comment_above(lines, node.lineno)
                if entry is None or (not entry["meaning"] and meaning):
                    environment[name] = {"default": _default(default), "meaning": meaning, "where": where}
                continue
            func = ast.unparse(node.func)
            named = [i for i, a in enumerate(node.args) if isinstance(a, ast.Constant) and isinstance(a.value, str)
                     and re.fullmatch(r"ENGAGE_[A-Z0-9_]+", a.value)]
            if named and not (func.endswith("config.get") or func == "_config"):
                # A helper that reads the app's configuration, e.g. _seconds(app, "ENGAGE_X", 10.0).
                i = named[0]
                config_only.setdefault(node.args[i].value, {
                    "default": _default(node.args[i + 1]) if len(node.args) > i + 1 else "(none)",
                    "meaning": _comment_above(lines, node.lineno), "where": where})
                continue
            if func.endswith("config.get") or func == "_config":
                if node.args and isinstance(node.args[0], ast.Constant) and str(node.args[0].value).startswith("ENGAGE_"):
                    name = node.args[0].value
                    default = node.args[1] if len(node.args) > 1 else None
                    entry = config_only.setdefault(name, {"default": _default(default), "meaning": "", "where": where})
                    entry["meaning"] = entry["meaning"] or _comment_above(lines, node.lineno)
    for name in environment:
        config_only.pop(name, None)
    for entries in (environment, config_only):
        for name, entry in entries.items():
            entry["meaning"] = MEANINGS.get(name) or entry["meaning"]
            entry["default"] = DEFAULTS.get(name, entry["default"])
    return environment, config_only


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table() -> str:
    environment, config_only = collect()
    out = ["Environment variables (what the code reads; defaults as in the code):", "",
           "| Variable | Default | Meaning | Read in |", "| --- | --- | --- | --- |"]
    for name in sorted(environment):
        e = environment[name]
        out.append(f"| `{name}` | {_cell(e['default'])} | {_cell(e['meaning']) or 'See the file it is read in.'} | `{e['where']}` |")
    out += ["", "Settings read from the app's configuration only (not from the environment; shown so that "
            "nothing is hidden; change them in `engage/config.py` if you must):", "",
            "| Setting | Default | Meaning | Read in |", "| --- | --- | --- | --- |"]
    for name in sorted(config_only):
        e = config_only[name]
        out.append(f"| `{name}` | {_cell(e['default'])} | {_cell(e['meaning']) or 'See the file it is read in.'} | `{e['where']}` |")
    return "\n".join(out)


def write() -> None:
    text = GUIDE.read_text()
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    GUIDE.write_text(f"{before}{START}\n{table()}\n{END}{after}")


if __name__ == "__main__":
    if "--write" in sys.argv:
        write()
    else:
        print(table())
