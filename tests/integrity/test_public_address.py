"""One public address (ENGAGE_PUBLIC_URL) is the only source of full links: a visitor's Host or
X-Forwarded-Host never reaches an email, the API, a feed or an embed code; other hosts are
refused; production will not start without the address."""
from __future__ import annotations

import re

import pytest

from engage import create_app
from engage.core.urls import PublicAddressMissing
from tests.mail_support import smtp_server  # noqa: F401 (fixture)

PUBLIC = "https://engage.example.org"


def _reset_link(messages) -> str:
    assert len(messages) == 1
    return re.search(r"\S+/reset-password/\S+", messages[0].get_content()).group(0)


def test_a_visitors_host_is_refused_and_never_reaches_a_reset_email(app, users, smtp_server):
    app.config["ENGAGE_PUBLIC_URL"] = PUBLIC
    client = app.test_client()
    refused = client.post("/forgot-password", data={"email": users["vcs"].email}, headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert len(smtp_server) == 0
    # Behind a trusted proxy, a forwarded host the proxy does not set is not believed either.
    app.config["ENGAGE_TRUSTED_PROXIES"] = 1
    answer = client.post("/forgot-password", data={"email": users["vcs"].email},
                         headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https",
                                  "X-Forwarded-For": "203.0.113.5"})
    assert answer.status_code == 200
    link = _reset_link(smtp_server)
    assert link.startswith(f"{PUBLIC}/reset-password/"), link
    assert "evil" not in smtp_server[0].as_string()


def test_every_full_link_is_on_the_public_address(app, users):
    from tests.consultations.results_support import make_consultation

    app.config["ENGAGE_PUBLIC_URL"] = PUBLIC
    consultation = make_consultation(users["vcs"].organisation)
    client = app.test_client()
    headers = {"Host": "127.0.0.1:8000"}          # a trusted host, but not the public one
    api = client.get(f"/api/v1/consultations/{consultation.id}", headers=headers).get_json()
    assert api["url"] == f"{PUBLIC}/consultations/{consultation.id}"
    feed = client.get("/you-said-we-did/feed.atom", headers=headers).get_data(as_text=True)
    assert f'href="{PUBLIC}/you-said-we-did' in feed and "127.0.0.1" not in feed
    embed = client.get("/embed/you-said-we-did", headers=headers).get_data(as_text=True)
    assert f'href="{PUBLIC}/you-said-we-did' in embed
    toolkit = client.get("/embed/toolkit", headers=headers).get_data(as_text=True)
    assert f'action="{PUBLIC}/toolkit"' in toolkit and "127.0.0.1" not in toolkit
    # Outside a request (the command line, background work) the same.
    from engage.core.urls import external_url

    with app.app_context():
        assert external_url("sharing.you_said_we_did") == f"{PUBLIC}/you-said-we-did"


def test_production_will_not_start_without_a_public_address(tmp_path, monkeypatch):
    monkeypatch.delenv("ENGAGE_PUBLIC_URL", raising=False)
    monkeypatch.delenv("ENGAGE_BASE_URL", raising=False)
    base = {"ENGAGE_ENV": "production", "SECRET_KEY": "x" * 32, "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"}
    with pytest.raises(PublicAddressMissing, match="ENGAGE_PUBLIC_URL"):
        create_app(base)
    with pytest.raises(PublicAddressMissing, match="public address"):
        create_app({**base, "ENGAGE_PUBLIC_URL": "engage.example.org"})
    app = create_app({**base, "ENGAGE_PUBLIC_URL": "https://engage.example.org/"})
    assert app.config["ENGAGE_PUBLIC_URL"] == PUBLIC
    assert app.config["TRUSTED_HOSTS"] == ["engage.example.org"]
    assert app.test_client().get("/", headers={"Host": "localhost"}).status_code == 400
    # The old name still works.
    monkeypatch.setenv("ENGAGE_BASE_URL", "https://old.example.org")
    assert create_app(base).config["ENGAGE_PUBLIC_URL"] == "https://old.example.org"
