"""The app factory, configuration, security headers, error pages and the health route."""
import os
import stat
from pathlib import Path

import pytest

from engage import create_app
from engage.config import load_config


def test_factory_takes_overrides(app):
    assert app.config["TESTING"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith(("sqlite", "postgresql"))


def test_secret_key_generated_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    second = load_config(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 64
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_production_on_postgresql_will_not_start_without_one_secret_key(tmp_path, monkeypatch):
    """Several nodes share PostgreSQL: a key each made for itself would make one node refuse
    another's form tokens, so production there needs SECRET_KEY set; one machine on SQLite
    keeps the key in its instance folder."""
    from engage.config import SecretKeyMissing

    monkeypatch.delenv("SECRET_KEY", raising=False)
    base = {"ENGAGE_ENV": "production", "INSTANCE_PATH": str(tmp_path), "ENGAGE_PUBLIC_URL": "https://engage.example.org"}
    shared = {**base, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://engage@db.example.org/engage"}
    with pytest.raises(SecretKeyMissing, match="the same on every web node"):
        create_app(shared)
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    assert create_app(shared).config["SECRET_KEY"] == "k" * 64
    monkeypatch.delenv("SECRET_KEY")
    assert create_app({**shared, "SECRET_KEY": "s" * 64}).config["SECRET_KEY"] == "s" * 64
    # One machine on SQLite, and anything outside production, still start with the kept key.
    assert create_app({**base, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"}).config["SECRET_KEY"]
    assert create_app({**shared, "ENGAGE_ENV": "development"}).config["SECRET_KEY"]


def _key_after_barrier(folder, barrier, out):
    barrier.wait()
    out.put(load_config(Path(folder))["SECRET_KEY"])


def test_processes_starting_together_on_a_fresh_install_share_one_whole_key(tmp_path, monkeypatch):
    import multiprocessing

    monkeypatch.delenv("SECRET_KEY", raising=False)
    context = multiprocessing.get_context("spawn")  # no threads of this test process carried into the workers
    barrier, out = context.Barrier(8), context.Queue()
    workers = [context.Process(target=_key_after_barrier, args=(str(tmp_path), barrier, out)) for _ in range(8)]
    for worker in workers:
        worker.start()
    keys = [out.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0] * 8
    assert len(set(keys)) == 1 and len(keys[0]) == 64
    assert (tmp_path / "secret_key").read_text() == keys[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]  # no temporary file left behind


def test_a_process_that_loses_the_race_reads_the_winners_key(tmp_path, monkeypatch):
    """The key appears between this process's look and its write: it uses that key."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    winner = "a" * 64
    (tmp_path / "secret_key").write_text(winner)
    looked = []
    real_exists = Path.exists

    def exists_missing_the_key_once(self):
        if self.name == "secret_key" and not looked:
            looked.append(self)
            return False
        return real_exists(self)

    monkeypatch.setattr(Path, "exists", exists_missing_the_key_once)
    assert load_config(tmp_path)["SECRET_KEY"] == winner
    assert looked and sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


def test_config_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/engage")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("ENGAGE_INDEX_DIR", "/srv/index")
    monkeypatch.setenv("ENGAGE_ENV", "production")
    config = load_config(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/engage"
    assert config["SECRET_KEY"] == "from-env"
    assert config["ENGAGE_INDEX_DIR"] == "/srv/index"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = load_config(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'engage.db'}"
    assert config["ENGAGE_INDEX_DIR"] == str(tmp_path / "index")
    assert config["SESSION_COOKIE_SECURE"] is False


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_inline_script_in_layout(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html and "<script " in html
    for tag in html.split("<script")[1:]:
        assert "src=" in tag.split(">")[0]


@pytest.mark.parametrize("path", ["/", "/sign-in", "/strategy", "/accessibility", "/privacy", "/contact", "/places"])
def test_public_pages_have_layout(client, path):
    html = client.get(path).get_data(as_text=True)
    assert html.count("<h1") == 1
    assert 'href="#main-content"' in html  # skip link
    assert "govuk-phase-banner" in html
    assert "Accessibility statement" in html and "Privacy notice" in html


def test_home_speaks_to_each_kind_of_visitor(client):
    html = client.get("/").get_data(as_text=True)
    for phrase in ("If you live here", "If you run a community group", "If you work for a partner"):
        assert phrase in html


def test_404_page_in_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html and "govuk-footer" in html


def test_api_errors_are_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"]["title"] == "Page not found"


def test_500_page_and_json(app, tmp_path):
    from tests.conftest import make_app

    broken = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, PROPAGATE_EXCEPTIONS=False, TESTING=False)

    @broken.route("/boom")
    def boom():
        raise RuntimeError("kaboom")

    @broken.route("/api/v1/boom")
    def api_boom():
        raise RuntimeError("kaboom")

    with broken.app_context():
        c = broken.test_client()
        response = c.get("/boom")
        assert response.status_code == 500
        assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
        assert "kaboom" not in response.get_data(as_text=True)
        response = c.get("/api/v1/boom")
        assert response.status_code == 500 and response.get_json()["error"]["status"] == 500


def test_health_ok(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "index": "ok"}


def test_health_names_broken_index(app, client, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the index folder should be")
    from engage.search.whoosh_backend import WhooshBackend

    broken = WhooshBackend(str(blocker / "index"))
    for spec in app.extensions["engage_search"].specs.values():
        broken.register(spec)
    app.extensions["engage_search"] = broken
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["database"] == "ok" and body["index"].startswith("error")


def test_health_names_broken_database(tmp_path):
    from tests.conftest import make_app

    broken = make_app("sqlite:////nonexistent-folder/x/engage.db", tmp_path)
    with broken.app_context():
        response = broken.test_client().get("/api/v1/health")
    assert response.status_code == 503
    assert response.get_json()["database"].startswith("error")


def test_openapi_lists_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = {"/api/v1" + path for path in doc["paths"]}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            openapi_path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            assert openapi_path in documented, f"{rule.rule} is missing from the OpenAPI document"
