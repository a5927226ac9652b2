"""Configuration from environment variables, with safe defaults for local use.

Nothing secret lives in the repository: when ``SECRET_KEY`` is unset a random key is made
once and kept in ``instance/secret_key`` (readable by the owner only).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else the key kept in the instance folder, made once.

    Several processes may start at the same moment on a fresh install (web workers, test
    workers): the key is written whole to a private temporary file and then linked into
    place, which succeeds for exactly one of them; the others read the winner's key. No
    process ever sees a half-written or empty key."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    temporary = instance_path / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return path.read_text().strip()
    finally:
        temporary.unlink(missing_ok=True)
    return key


class SecretKeyMissing(RuntimeError):
    """Raised by create_app when production on a shared database has no SECRET_KEY set."""


def check_secret_key(config, given: bool) -> None:
    """Production on PostgreSQL (the setting for several web nodes) needs SECRET_KEY set, the
    same on every node: a key each node made for itself in its own instance folder would let
    a node refuse the sessions and form tokens another made (a resident's answers lost to
    "the form has expired" when the next page is served by the other node). One machine on
    SQLite keeps using the key in its instance folder. ``given``: the key came from the
    environment or the caller's settings, not from the instance folder."""
    if given or config.get("ENGAGE_ENV") != "production":
        return
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        return
    raise SecretKeyMissing(
        "Set SECRET_KEY (a long random value, the same on every web node and worker: "
        "python3 -c 'import secrets; print(secrets.token_hex(32))') before starting Engage with "
        "ENGAGE_ENV=production on PostgreSQL: each node would otherwise make a key of its own, "
        "and a form opened on one node would be refused by another.")


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance_path / 'engage.db'}"
    # Heroku-style URLs name the old driver; SQLAlchemy wants psycopg 3 spelled out.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _ratelimit_storage() -> str:
    """Where Flask-Limiter counts: ENGAGE_RATELIMIT_STORAGE, else RATELIMIT_STORAGE_URI (its
    old name), else Redis at REDIS_URL, else this process's memory (one machine)."""
    for name in ("ENGAGE_RATELIMIT_STORAGE", "RATELIMIT_STORAGE_URI", "REDIS_URL"):
        value = (os.environ.get(name) or "").strip()
        if value:
            return value
    return "memory://"


def load_config(instance_path: Path) -> dict:
    """Build the configuration mapping for an app whose instance folder is ``instance_path``."""
    env = os.environ.get("ENGAGE_ENV", "development")
    production = env == "production"
    return {
        "ENGAGE_ENV": env,
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        # hide_parameters: what people typed never appears in a database error or log line.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        # whoosh (an index folder on this server) or postgres (documents in the database, for
        # several web servers sharing one PostgreSQL database).
        "ENGAGE_SEARCH_BACKEND": os.environ.get("ENGAGE_SEARCH_BACKEND", "whoosh"),
        "ENGAGE_INDEX_DIR": os.environ.get("ENGAGE_INDEX_DIR", str(instance_path / "index")),
        "ENGAGE_UPLOAD_DIR": os.environ.get("ENGAGE_UPLOAD_DIR", str(instance_path / "uploads")),
        # Where uploaded files are kept (documents, attachments, files waiting for an import):
        # empty for the ENGAGE_UPLOAD_DIR folder, or s3://bucket/prefix for an S3-compatible bucket (keys: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an instance role).
        "ENGAGE_STORAGE_URL": os.environ.get("ENGAGE_STORAGE_URL", ""),
        # The S3-compatible service's address (MinIO, Ceph, another cloud's); empty for AWS itself.
        "ENGAGE_S3_ENDPOINT_URL": os.environ.get("ENGAGE_S3_ENDPOINT_URL", ""),
        # The bucket's region (empty: boto3's own setting, AWS_DEFAULT_REGION).
        "ENGAGE_S3_REGION": os.environ.get("ENGAGE_S3_REGION", ""),
        # Public pages kept for first-time visitors within the second they were drawn in, while
        # the tables they read stay unchanged (engage/core/pagecache.py): 0 turns this off.
        "ENGAGE_PAGE_CACHE": os.environ.get("ENGAGE_PAGE_CACHE", "1"),
        # How many pages each web process keeps at most (each at most 512 KB).
        "ENGAGE_PAGE_CACHE_ENTRIES": int(os.environ.get("ENGAGE_PAGE_CACHE_ENTRIES", "256")),
        "ENGAGE_TOOLKIT_DIR": os.environ.get(
            "ENGAGE_TOOLKIT_DIR", str(Path(__file__).resolve().parent.parent / "toolkit")
        ),
        "ENGAGE_SITE_NAME": os.environ.get("ENGAGE_SITE_NAME", "Engage"),
        # The zone people see times in and type them in (stored times are UTC): engage/core/clock.py.
        "ENGAGE_TIMEZONE": os.environ.get("ENGAGE_TIMEZONE", "Europe/London"),
        # Tests only: a file holding the time a running server should take as now (clock.py).
        "ENGAGE_CLOCK_FILE": os.environ.get("ENGAGE_CLOCK_FILE", ""),
        # The languages residents may choose (comma-separated locale codes, the first is the
        # site's own language, in which every text is written); engage/core/i18n.py.
        "ENGAGE_LANGUAGES": os.environ.get("ENGAGE_LANGUAGES", "en,cy,ur"),
        # The site's public address, the only source of full links (engage/core/urls.py);
        # required in production. ENGAGE_BASE_URL is its old name.
        "ENGAGE_PUBLIC_URL": os.environ.get("ENGAGE_PUBLIC_URL") or os.environ.get("ENGAGE_BASE_URL", ""),
        # More host names to answer to besides the public address's (comma-separated).
        "ENGAGE_TRUSTED_HOSTS": os.environ.get("ENGAGE_TRUSTED_HOSTS", ""),
        # How long each partnership has to respond to a published findings report.
        "ENGAGE_RESPONSE_WEEKS": int(os.environ.get("ENGAGE_RESPONSE_WEEKS", "8")),
        "ENGAGE_CONTACT_EMAIL": os.environ.get("ENGAGE_CONTACT_EMAIL", "engage@example.org"),
        # Figures with a base smaller than this are hidden on public pages and exports.
        "ENGAGE_SUPPRESSION_THRESHOLD": int(os.environ.get("ENGAGE_SUPPRESSION_THRESHOLD", "5")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("ENGAGE_MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        # Word and Excel uploads (ZIP archives): what they may really unpack to, all parts
        # together, and a workbook's cells and shared strings (engage/core/uploads.py).
        "ENGAGE_UNPACKED_MAX_MB": int(os.environ.get("ENGAGE_UNPACKED_MAX_MB", "100")),
        "ENGAGE_XLSX_MAX_CELLS": int(os.environ.get("ENGAGE_XLSX_MAX_CELLS", "2000000")),
        "ENGAGE_XLSX_MAX_STRINGS": int(os.environ.get("ENGAGE_XLSX_MAX_STRINGS", "300000")),
        # Reading a PDF, Word or Excel file's words for search: a child process stopped after
        # this much processor time and memory (engage/core/uploads.read_text).
        "ENGAGE_TEXT_CPU_SECONDS": int(os.environ.get("ENGAGE_TEXT_CPU_SECONDS", "20")),
        "ENGAGE_TEXT_MEMORY_MB": int(os.environ.get("ENGAGE_TEXT_MEMORY_MB", "512")),
        # How long an import's claim lasts unless its worker renews it (it does, every quarter
        # of this, while it lives); after that a dead import may be started again (core/jobs.py).
        "ENGAGE_JOB_LEASE_SECONDS": float(os.environ.get("ENGAGE_JOB_LEASE_SECONDS", "60")),
        # Mail: with no MAIL_SERVER the message is written to the log (local use).
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "engage@example.org"),
        # Sessions and cookies.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 8,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        # Rate limits (Flask-Limiter) are counted in this process's memory on one machine;
        # several web nodes must share one count: ENGAGE_RATELIMIT_STORAGE (or REDIS_URL) names
        # a Redis server (redis://host:6379/0). If Redis stops answering, each node counts in
        # its own memory until it is back (forms keep working; limits are per node meanwhile).
        "RATELIMIT_STORAGE_URI": _ratelimit_storage(),
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": os.environ.get("ENGAGE_RATELIMIT_PREFIX", "engage"),
        "ENGAGE_LOGIN_LIMIT": os.environ.get("ENGAGE_LOGIN_LIMIT", "10 per minute;50 per hour"),
        # Comments from people who are not signed in (the strategy), per address.
        "ENGAGE_COMMENT_LIMIT": os.environ.get("ENGAGE_COMMENT_LIMIT", "5 per minute;20 per day"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "ENGAGE_RESET_TOKEN_HOURS": 2,
        # How many reverse proxies stand in front of Engage (0: none, visitors connect directly).
        # Engage then believes that many X-Forwarded-For / -Proto / -Host / -Port / -Prefix
        # values: the visitor's own address, and https when the proxy took an https request.
        "ENGAGE_TRUSTED_PROXIES": int(os.environ.get("ENGAGE_TRUSTED_PROXIES", "0")),
        # Failed sign-ins allowed in 15 minutes for one account, and from one address.
        "ENGAGE_SIGN_IN_ACCOUNT_LIMIT": int(os.environ.get("ENGAGE_SIGN_IN_ACCOUNT_LIMIT", "10")),
        "ENGAGE_SIGN_IN_ADDRESS_LIMIT": int(os.environ.get("ENGAGE_SIGN_IN_ADDRESS_LIMIT", "50")),
        "ENGAGE_INVITE_TOKEN_HOURS": 24 * 7,
        # Logs (engage/core/logs.py): json (one object a line) or text; json by default in
        # production. The level: DEBUG, INFO, WARNING or ERROR.
        "ENGAGE_LOG_FORMAT": os.environ.get("ENGAGE_LOG_FORMAT", "json" if production else "text"),
        "ENGAGE_LOG_LEVEL": os.environ.get("ENGAGE_LOG_LEVEL", "INFO"),
        # /metrics for operators (engage/core/metrics.py): shown to a request with
        # "Authorization: Bearer <ENGAGE_METRICS_TOKEN>", or from an address in
        # ENGAGE_METRICS_ALLOW (comma-separated addresses or networks, e.g. 127.0.0.1,10.0.0.0/8).
        # With neither set, /metrics is not there (404).
        "ENGAGE_METRICS_TOKEN": os.environ.get("ENGAGE_METRICS_TOKEN", ""),
        "ENGAGE_METRICS_ALLOW": os.environ.get("ENGAGE_METRICS_ALLOW", ""),
    }
