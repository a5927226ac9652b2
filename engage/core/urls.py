"""The site's one public address: the only source of every absolute link.

Links written out in full (emails, API ``url`` fields, Atom feeds, QR codes, share and embed
codes) never come from the request: a visitor chooses the ``Host`` header they send, so a
link built from it could point anywhere (a password reset to ``http://evil.example/...``).
``ENGAGE_PUBLIC_URL`` (for example ``https://engage.example.org``) is the address; it is
required when ``ENGAGE_ENV=production`` (the app refuses to start without it) and is
``http://localhost:5000`` (``make run``) otherwise. ``ENGAGE_BASE_URL``, its old name, is
read when it is unset.

How links are made: ``url_for(..., _external=True)`` anywhere (Python or templates) goes
through :class:`EngageFlask.url_for`, which puts the path on the public address; so does
``url_for`` outside a request (the command line, background work). ``external_url`` is the
same for code that prefers a plain function.

Flask's ``TRUSTED_HOSTS`` refuses (400) a request for any other host: the public address's
host, the hosts in ``ENGAGE_TRUSTED_HOSTS`` (comma-separated; ``.example.org`` allows its
subdomains) and, outside production, ``localhost`` and ``127.0.0.1``.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, has_request_context, request
from werkzeug.routing import BuildError
from .jinja_env import EngageEnvironment

LOCAL_DEFAULT = "http://localhost:5000"
LOCAL_HOSTS = ("localhost", "127.0.0.1")


class PublicAddressMissing(RuntimeError):
    """Raised by create_app when production has no (or a wrong) public address."""


def _clean(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise PublicAddressMissing(
            f"ENGAGE_PUBLIC_URL must be the site's public address, like https://engage.example.org "
            f"(http or https, a host name, optionally a path; no query); it is {url!r}.")
    return url.rstrip("/")


def configure(app: Flask) -> None:
    """Settle the public address and the trusted hosts (create_app calls this once)."""
    config = app.config
    production = config.get("ENGAGE_ENV") == "production"
    url = (config.get("ENGAGE_PUBLIC_URL") or config.get("ENGAGE_BASE_URL") or "").strip()
    if not url:
        if production:
            raise PublicAddressMissing(
                "Set ENGAGE_PUBLIC_URL to the site's public address (for example "
                "ENGAGE_PUBLIC_URL=https://engage.example.org) before starting Engage with "
                "ENGAGE_ENV=production: every link in emails, feeds and the API is made from it.")
        url = LOCAL_DEFAULT
    config["ENGAGE_PUBLIC_URL"] = _clean(url)
    config["ENGAGE_BASE_URL"] = config["ENGAGE_PUBLIC_URL"]
    if config.get("TRUSTED_HOSTS") is None:
        hosts = [urlsplit(config["ENGAGE_PUBLIC_URL"]).hostname]
        extra = config.get("ENGAGE_TRUSTED_HOSTS") or ""
        if isinstance(extra, str):
            extra = [h.strip() for h in extra.split(",")]
        hosts.extend(h for h in extra if h)
        if not production:
            hosts.extend(LOCAL_HOSTS)
        config["TRUSTED_HOSTS"] = list(dict.fromkeys(hosts))


def public_url(app: Flask | None = None) -> str:
    app = app or current_app
    return app.config.get("ENGAGE_PUBLIC_URL") or LOCAL_DEFAULT


def public_host(app: Flask | None = None) -> str:
    return urlsplit(public_url(app)).hostname or "localhost"


class EngageFlask(Flask):
    """Flask whose full links always start with the public address (and whose templates
    import each other cheaply: engage/core/jinja_env.py)."""

    jinja_environment = EngageEnvironment

    def url_for(self, endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None, **values) -> str:
        in_request = has_request_context()
        external = _external if _external is not None else not in_request
        if in_request:
            path = super().url_for(endpoint, _anchor=_anchor, _method=_method, **values)
            if not external:
                return path
            root = request.script_root
            if root and path.startswith(root):
                path = path[len(root):]
            return public_url(self) + path
        return self.build_on_public_address(endpoint, values, _anchor, _method, external)

    def build_on_public_address(self, endpoint: str, values: dict, anchor: str | None = None,
                                method: str | None = None, external: bool = True) -> str:
        """A link built outside any request (the command line, background work)."""
        parts = urlsplit(public_url(self))
        adapter = self.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
        self.inject_url_defaults(endpoint, values)
        try:
            url = adapter.build(endpoint, values, method=method, force_external=external)
        except BuildError as error:
            values.update(_anchor=anchor, _method=method, _external=external)
            return self.handle_url_build_error(error, endpoint, values)
        if anchor is not None:
            url += "#" + quote(anchor, safe="%!#$&'()*+,/:;=?@")
        return url


def external_url(endpoint: str, **values) -> str:
    """A full web address on the public address, in a request or not."""
    return current_app.url_for(endpoint, _external=True, **values)


def path_for(endpoint: str, **values) -> str:
    """A site-relative address, in a request or not."""
    return current_app.url_for(endpoint, _external=False, **values)


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site (safe to redirect to), else None. Control and
    format characters (a line break would reach the Location header and fail the response) and
    backslashes (browsers read ``/\\evil.example`` as ``//evil.example``) are refused outright."""
    if target and not any(ch == "\\" or unicodedata.category(ch).startswith("C") for ch in target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return None
