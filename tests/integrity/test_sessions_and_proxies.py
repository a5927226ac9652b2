"""Sessions end when they should (password change or reset, deactivation, role change, "sign
out everywhere"), and Engage behind a proxy: the visitor's own address, HSTS over HTTPS and
https links, checked with a client that sets the proxy's headers on every request."""
from __future__ import annotations

import re

from flask.testing import FlaskClient

from engage.accounts import services as account_services
from engage.accounts.models import SignInAttempt, User
from engage.extensions import db
from tests.conftest import PASSWORD, sign_in
from tests.mail_support import smtp_server  # noqa: F401 (fixture)


def _client(app, email=None):
    client = app.test_client()
    if email:
        assert sign_in(client, email).status_code == 302
    return client


def _signed_in(client) -> bool:
    from flask import g

    g.pop("_login_user", None)
    return client.get("/account").status_code == 200


def test_a_password_reset_ends_every_other_session(app, users):
    """The review's defect: an old sign-in kept working after a password reset."""
    email = users["practitioner"].email
    laptop, phone = _client(app, email), _client(app, email)
    assert _signed_in(laptop) and _signed_in(phone)
    token = account_services.start_password_reset(email)
    db.session.commit()
    response = _client(app).post(f"/reset-password/{token}", data={"password": "a-brand-new-password", "confirm": "a-brand-new-password"})
    assert response.status_code == 302
    assert not _signed_in(laptop) and not _signed_in(phone)


def test_changing_your_password_keeps_this_session_and_ends_the_others(app, users):
    email = users["coordinator"].email
    here, elsewhere = _client(app, email), _client(app, email)
    page = here.get("/account").get_data(as_text=True)
    assert "/account/password" in page and "Sign out everywhere" in page
    response = here.post("/account/password", data={"current_password": "wrong", "password": "a-brand-new-password",
                                                     "confirm": "a-brand-new-password"})
    assert response.status_code == 400 and "Your current password is not right" in response.get_data(as_text=True)
    assert _signed_in(elsewhere)
    response = here.post("/account/password", data={"current_password": PASSWORD, "password": "a-brand-new-password",
                                                     "confirm": "a-brand-new-password"})
    assert response.status_code == 302
    db.session.expire_all()
    assert account_services.authenticate(email, "a-brand-new-password") is not None  # the new password is the one saved
    assert account_services.authenticate(email, PASSWORD) is None
    assert _signed_in(here) and not _signed_in(elsewhere)
    assert sign_in(_client(app), email, "a-brand-new-password").status_code == 302


def test_deactivating_an_account_or_changing_its_role_ends_its_sessions(app, login, users):
    person = users["vcs"]
    theirs = _client(app, person.email)
    assert _signed_in(theirs)
    officer = _client(app, users["officer"].email)
    form = {"name": person.name, "email": person.email, "role": "practitioner", "organisation_id": str(person.organisation_id),
            "active": "y", "version": str(person.version)}
    assert officer.post(f"/admin/accounts/{person.id}", data=form).status_code == 302
    db.session.expire_all()
    saved = db.session.get(User, person.id)
    assert (saved.role, saved.active) == ("practitioner", True)  # the change itself was saved
    assert not _signed_in(theirs)  # a new role: sign in again to get it
    theirs = _client(app, person.email)
    assert _signed_in(theirs)
    db.session.expire_all()
    form.update(active="", version=str(db.session.get(User, person.id).version))
    del form["active"]
    assert officer.post(f"/admin/accounts/{person.id}", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).active is False
    assert not _signed_in(theirs)
    assert sign_in(_client(app), person.email).status_code == 400  # and a deactivated account cannot sign in


def test_sign_out_everywhere(app, users):
    email = users["officer"].email
    one, two = _client(app, email), _client(app, email)
    response = one.post("/account/sign-out-everywhere")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert not _signed_in(one) and not _signed_in(two)
    assert _signed_in(_client(app, email))  # signing in again works


def test_a_session_from_before_session_tokens_no_longer_works(app, users):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(users["officer"].id)  # the old form: the id alone
    assert not _signed_in(client)


# ---- behind a proxy --------------------------------------------------------------------------

class ProxiedClient(FlaskClient):
    """A test client that sends what a reverse proxy adds to every request it passes on."""

    forwarded = {"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "engage.example.org"}

    def open(self, *args, **kwargs):
        headers = dict(self.forwarded)
        headers.update(kwargs.pop("headers", None) or {})
        return super().open(*args, headers=headers, **kwargs)


def _proxied(app, **forwarded) -> ProxiedClient:
    client = ProxiedClient(app, app.response_class, use_cookies=True)
    client.forwarded = {**ProxiedClient.forwarded, **forwarded}
    return client


def test_hsts_is_sent_over_https_behind_a_trusted_proxy(app):
    app.config["ENGAGE_TRUSTED_PROXIES"] = 1
    assert _proxied(app).get("/").headers.get("Strict-Transport-Security") == "max-age=31536000"
    # Over plain HTTP (the proxy says so), none.
    assert "Strict-Transport-Security" not in _proxied(app, **{"X-Forwarded-Proto": "http"}).get("/").headers
    # Not trusted (the default): the headers a visitor sends are ignored.
    app.config["ENGAGE_TRUSTED_PROXIES"] = 0
    assert "Strict-Transport-Security" not in _proxied(app).get("/").headers


def test_sign_in_attempts_are_counted_per_visitor_not_per_proxy(app, users):
    """The review's defect: every visitor shared the proxy's address, so ten wrong sign-ins
    from anyone locked everyone out."""
    app.config.update(ENGAGE_TRUSTED_PROXIES=1, ENGAGE_SIGN_IN_ADDRESS_LIMIT=5)
    guesser = _proxied(app, **{"X-Forwarded-For": "203.0.113.66"})
    for n in range(5):
        assert guesser.post("/sign-in", data={"email": f"nobody{n}@test.example", "password": "guess"}).status_code == 400
    refused = guesser.post("/sign-in", data={"email": users["vcs"].email, "password": PASSWORD})
    assert refused.status_code == 429 and "too many wrong sign-ins from your connection" in refused.get_data(as_text=True)
    # Someone else, behind the same proxy, signs in as usual.
    other = _proxied(app, **{"X-Forwarded-For": "198.51.100.7"})
    assert other.post("/sign-in", data={"email": users["vcs"].email, "password": PASSWORD}).status_code == 302
    addresses = set(db.session.scalars(db.select(SignInAttempt.address)))
    assert addresses == {"203.0.113.66"}  # the visitor's address, never the proxy's


def test_sign_in_attempts_are_counted_per_account(app, users):
    app.config.update(ENGAGE_TRUSTED_PROXIES=1, ENGAGE_SIGN_IN_ACCOUNT_LIMIT=3)
    target = users["practitioner"].email
    for n in range(3):
        client = _proxied(app, **{"X-Forwarded-For": f"192.0.2.{n + 1}"})
        assert client.post("/sign-in", data={"email": target, "password": "guess"}).status_code == 400
    # Even the right password waits now, from anywhere; other accounts are not affected.
    fresh = _proxied(app, **{"X-Forwarded-For": "192.0.2.99"})
    response = fresh.post("/sign-in", data={"email": target, "password": PASSWORD})
    assert response.status_code == 429 and "too many wrong passwords for this account" in response.get_data(as_text=True)
    assert fresh.post("/sign-in", data={"email": users["vcs"].email, "password": PASSWORD}).status_code == 302
    # No email address is kept for a failed sign-in, only a hash of it.
    assert all(target not in a for a in db.session.scalars(db.select(SignInAttempt.account)))
