"""Several Engage web nodes on this machine, for the two-node test (tests/nodes/) and
bench/scale.py. Not a bench itself (``make bench`` runs it and it does nothing).

- ``start_redis(folder)``: a private Redis server (Debian's ``redis-server``) on a free
  loopback port, nothing saved to disk; ``Missing`` when there is none.
- ``fresh_postgres(url)``: the database ``url`` names, dropped and made again (a scratch one).
- ``prepare(url, folder)``: Engage's schema by its migrations, and the demo data.
- ``Node``: ``gunicorn wsgi:app`` on a free loopback port with the environment every node
  shares (one DATABASE_URL, one SECRET_KEY, one upload folder, one Redis for rate limits,
  the postgres search backend); ``kill()`` is kill -9 of the whole node, ``start()`` again.
- ``Visitor``: one browser (one cookie jar) that may send each request to any node, as a load
  balancer would; cookies belong to the host, not the port, so both nodes see them.
"""
from __future__ import annotations

import html
from html.parser import HTMLParser
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


class Missing(RuntimeError):
    """A service the nodes need (PostgreSQL, Redis) is not there."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sqlalchemy_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def fresh_postgres(url: str) -> str:
    """Drop and make again the database ``url`` names; Missing when PostgreSQL does not answer."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    parsed = make_url(sqlalchemy_url(url))
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    except OperationalError as error:
        raise Missing(f"PostgreSQL did not answer at {parsed.host}:{parsed.port}: {str(error).splitlines()[0]}") from error
    finally:
        admin.dispose()
    return parsed.render_as_string(hide_password=False)


class Redis:
    def __init__(self, process: subprocess.Popen | None, url: str):
        self.process, self.url = process, url

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_redis(folder: Path) -> Redis:
    """A Redis server of our own on a free port (nothing written to disk), or Missing."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise Missing("redis-server is not installed (Debian's package redis-server)")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(folder)], stdout=open(folder / f"redis-{port}.log", "w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Missing(f"redis-server stopped at once: see {folder / f'redis-{port}.log'}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return Redis(process, f"redis://127.0.0.1:{port}/0")
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise Missing("redis-server did not answer within 30 s")


def prepare(url: str, folder: Path) -> None:
    """Engage's schema by its migrations, and the demo data (as ``make demo`` loads it)."""
    from flask_migrate import upgrade

    from engage import create_app
    from engage.demo import run_seeders
    from engage.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "prepare", "ENGAGE_SEARCH_BACKEND": "postgres",
                      "ENGAGE_INDEX_DIR": str(folder / "index"), "ENGAGE_UPLOAD_DIR": str(folder / "uploads"),
                      "ENGAGE_MAIL_BACKGROUND": False})
    with app.app_context():
        upgrade()
        run_seeders()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def node_environment(url: str, folder: Path, redis_url: str, **extra: str) -> dict:
    """What every node shares: the database, the secret, the uploads, the rate-limit counts."""
    return {"DATABASE_URL": url, "SECRET_KEY": "several-nodes-share-this-secret", "ENGAGE_SEARCH_BACKEND": "postgres",
            "ENGAGE_UPLOAD_DIR": str(folder / "uploads"), "ENGAGE_INDEX_DIR": str(folder / "index"),
            "ENGAGE_RATELIMIT_STORAGE": redis_url, "ENGAGE_ENV": "development", "MAIL_SERVER": "",
            "ENGAGE_PUBLIC_URL": "http://127.0.0.1", **extra}


class Node:
    """One web node: ``gunicorn wsgi:app`` with its own workers, on a loopback port."""

    def __init__(self, name: str, env: dict, folder: Path, workers: int = 1, port: int | None = None):
        self.name, self.env, self.folder, self.workers = name, env, folder, workers
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120.0) -> "Node":
        return self.launch().ready(timeout)

    def launch(self) -> "Node":
        """Start the node without waiting for it (``ready`` waits): nodes start side by side."""
        log = open(self.folder / f"node-{self.name}.log", "a")
        self.process = subprocess.Popen(
            [GUNICORN, "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}", "--timeout", "120",
             "--graceful-timeout", "5", "--log-level", "warning", "wsgi:app"],
            cwd=str(ROOT), env={**os.environ, **self.env}, stdout=subprocess.DEVNULL, stderr=log,
            start_new_session=True)  # its own process group: kill() reaches the master and every worker
        return self

    def ready(self, timeout: float = 120.0) -> "Node":
        """Wait until the node answers its home page."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"node {self.name} stopped: see {self.folder / f'node-{self.name}.log'}")
            try:
                with urllib.request.urlopen(self.base + "/", timeout=5) as response:
                    if response.status == 200:
                        return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError(f"node {self.name} did not answer within {timeout:.0f} s")

    def kill(self) -> None:
        """kill -9 the node: its master and every worker, with no warning and no clean-up."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class _Forms(HTMLParser):
    """Every form on a page: its action and its fields (tag, type, name, value, checked,
    options), in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._option: list | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(), "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            self._form["fields"].append({"tag": "input", "type": a.get("type", "text").lower(), "name": a["name"],
                                         "value": a.get("value", ""), "checked": "checked" in a})
        elif tag == "select" and a.get("name"):
            self._select = {"tag": "select", "type": "select", "name": a["name"], "options": [], "multiple": "multiple" in a}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
            self._select["options"].append(self._option)
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"tag": "textarea", "type": "textarea", "name": a["name"], "value": ""}
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data
        elif self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None:
            if self._option[0] is None:
                self._option[0] = self._option[2].strip()
            self._option = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea["value"].startswith("\n"):
                self._textarea["value"] = self._textarea["value"][1:]
            self._textarea = None


def forms(text: str) -> list[dict]:
    parser = _Forms()
    parser.feed(text)
    return parser.forms


def as_sent(fields: list[dict]) -> list[tuple[str, str]]:
    """What a browser sends for these fields left as they are (ticked boxes only, chosen options)."""
    out = []
    for field in fields:
        kind = field["type"]
        if kind in ("checkbox", "radio"):
            if field["checked"]:
                out.append((field["name"], field["value"]))
        elif kind == "select":
            chosen = [o for o in field["options"] if o[1]] or field["options"][:1]
            out.extend((field["name"], o[0]) for o in (chosen if field["multiple"] else chosen[:1]))
        elif kind not in ("submit", "button", "file", "image", "reset"):
            out.append((field["name"], field["value"]))
    return out


class Page:
    def __init__(self, status: int, location: str, body: bytes):
        self.status, self.location, self.body = status, location, body
        self.text = body.decode("utf-8", "replace")

    @property
    def path(self) -> str:
        """Where a redirect goes, as a path (any node can be asked for it)."""
        parts = urllib.parse.urlsplit(self.location)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def form(self, action: str | None = None) -> list[tuple[str, str]]:
        """The post form (the one sent to ``action``, else the first post form that is not
        sign-out) as a browser would send it unchanged, without its form token."""
        for found in forms(self.text):
            if found["method"] != "post":
                continue
            if action is not None and urllib.parse.urlsplit(found["action"]).path != action:
                continue
            if action is None and "sign-out" in found["action"]:
                continue
            return [(k, v) for k, v in as_sent(found["fields"]) if k != "csrf_token"]
        raise LookupError(f"no post form{f' to {action}' if action else ''} on the page")

    def token(self) -> str:
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.text)
        return html.unescape(match.group(1)) if match else ""


class Visitor:
    """One browser: a cookie jar shared by every node it talks to, and the last form token."""

    def __init__(self, timeout: float = 30.0):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.timeout = timeout
        self.csrf = ""

    def get(self, node: Node, path: str) -> Page:
        page = self._open(urllib.request.Request(node.base + path))
        self.csrf = page.token() or self.csrf
        return page

    def post(self, node: Node, path: str, data: dict | list | None = None, files: dict | None = None) -> Page:
        fields = list(data.items()) if isinstance(data, dict) else list(data or [])
        fields.append(("csrf_token", self.csrf))
        if files:
            boundary = uuid.uuid4().hex
            body = b""
            for name, value in fields:
                for one in value if isinstance(value, list) else [value]:
                    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{one}\r\n').encode()
            for name, (filename, content) in files.items():
                body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + b"\r\n"
            body += f"--{boundary}--\r\n".encode()
            request = urllib.request.Request(node.base + path, data=body,
                                             headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        else:
            request = urllib.request.Request(node.base + path, data=urllib.parse.urlencode(fields, doseq=True).encode())
        page = self._open(request)
        self.csrf = page.token() or self.csrf
        return page

    def _open(self, request) -> Page:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Page(response.status, response.headers.get("Location", ""), response.read())
        except urllib.error.HTTPError as error:
            return Page(error.code, error.headers.get("Location", ""), error.read())


if __name__ == "__main__":  # make bench runs every script in bench/: this one is a helper
    pass
