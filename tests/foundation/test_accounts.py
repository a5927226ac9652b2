"""Signing in and out, password resets by emailed single-use token, and login rate limits."""
import re
from datetime import timedelta

from engage.accounts import services
from engage.accounts.models import PasswordResetToken, User
from engage.core.models import AuditEvent, utcnow
from engage.extensions import db
from tests.conftest import PASSWORD, make_app, sign_in


def test_passwords_are_hashed_with_a_modern_algorithm(users):
    user = users["officer"]
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:sha256"))
    assert user.check_password(PASSWORD) and not user.check_password("wrong")


def test_sign_in_and_out(client, users):
    response = sign_in(client, "officer@test.example")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    assert "Hello, Test Officer" in client.get("/account").get_data(as_text=True)
    client.post("/sign-out")
    assert client.get("/account").status_code == 302


def test_email_is_not_case_sensitive(client, users):
    assert sign_in(client, "  OFFICER@Test.Example ").status_code == 302


def test_same_message_for_wrong_email_and_wrong_password(client, users):
    wrong_password = sign_in(client, "officer@test.example", "not-the-password")
    wrong_email = sign_in(client, "nobody@test.example", PASSWORD)
    assert wrong_password.status_code == wrong_email.status_code == 400

    def message(response):
        return re.findall(r"Enter a correct email address and password[^<]*", response.get_data(as_text=True))

    assert message(wrong_password) and message(wrong_password) == message(wrong_email)


def test_deactivated_account_cannot_sign_in(client, users):
    users["vcs"].active = False
    db.session.commit()
    assert sign_in(client, "vcs@test.example").status_code == 400


def test_next_only_redirects_within_the_site(client, users):
    response = client.post("/sign-in?next=https://evil.example/", data={"email": "officer@test.example", "password": PASSWORD})
    assert response.headers["Location"].endswith("/account")
    client.post("/sign-out")
    response = client.post("/sign-in?next=/strategy", data={"email": "officer@test.example", "password": PASSWORD})
    assert response.headers["Location"].endswith("/strategy")


def test_login_is_rate_limited(tmp_path, _schema):
    app = make_app(_schema, tmp_path, RATELIMIT_ENABLED=True, ENGAGE_LOGIN_LIMIT="3 per minute")
    with app.app_context():
        client = app.test_client()
        codes = [client.post("/sign-in", data={"email": "x@test.example", "password": "bad"}).status_code for _ in range(5)]
        db.session.remove()
    assert codes[:3] == [400, 400, 400]
    assert codes[3:] == [429, 429]


def _outbox(app):
    return app.extensions.get("engage_outbox", [])


def test_forgot_password_sends_single_use_link(app, client, users):
    response = client.post("/forgot-password", data={"email": "practitioner@test.example"})
    assert "Check your email" in response.get_data(as_text=True)
    body = _outbox(app)[-1].get_content()
    link = re.search(r"http://localhost(/reset-password/\S+)", body).group(1)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "a-brand-new-password", "confirm": "a-brand-new-password"})
    assert response.status_code == 302
    assert sign_in(client, "practitioner@test.example", "a-brand-new-password").status_code == 302
    client.post("/sign-out")
    # The link works once.
    assert client.get(link).status_code == 400
    assert client.post(link, data={"password": "another-password-1", "confirm": "another-password-1"}).status_code == 400
    assert sign_in(client, "practitioner@test.example", "another-password-1").status_code == 400


def test_forgot_password_gives_no_hint_for_unknown_email(app, client, users):
    before = len(_outbox(app))
    known = client.post("/forgot-password", data={"email": "officer@test.example"}).get_data(as_text=True)
    unknown = client.post("/forgot-password", data={"email": "ghost@test.example"}).get_data(as_text=True)
    assert len(_outbox(app)) == before + 1
    assert known.replace("officer@test.example", "X") == unknown.replace("ghost@test.example", "X")


def test_expired_token_is_refused(app, users):
    token = services.start_password_reset("officer@test.example")
    row = db.session.scalar(db.select(PasswordResetToken))
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert services.valid_reset_token(token) is None
    assert PasswordResetToken.query.count() == 1
    assert row.token_hash != token  # only the hash is stored


def test_reset_password_rules(client, app, users):
    token = services.start_password_reset("officer@test.example")
    db.session.commit()
    response = client.post(f"/reset-password/{token}", data={"password": "short", "confirm": "short"})
    assert response.status_code == 200
    assert "Password must be between 10 and 200 characters" in response.get_data(as_text=True)
    response = client.post(f"/reset-password/{token}", data={"password": "long-enough-one", "confirm": "different-one-1"})
    assert "The two passwords must match" in response.get_data(as_text=True)
    assert client.get("/reset-password/" + "x" * 500).status_code == 400


def test_officer_creates_edits_and_deactivates_accounts(login, client, users, org):
    login("officer")
    response = client.post("/admin/accounts/new", data={
        "name": "New Person", "email": "New.Person@Test.Example", "role": "practitioner",
        "organisation_id": str(org.id), "active": "y"})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "new.person@test.example"))
    assert user is not None and user.role == "practitioner" and user.organisation_id == org.id
    response = client.post(f"/admin/accounts/{user.id}", data={
        "name": "New Person", "email": "new.person@test.example", "role": "practitioner", "organisation_id": "", "version": str(user.version)})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.active is False and user.organisation_id is None
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "User", AuditEvent.object_id == user.id)) == 2


def test_account_form_errors_save_nothing(login, client, users):
    login("officer")
    before = User.query.count()
    cases = [
        ({"name": "", "email": "a@test.example", "role": "vcs", "password": "temporary-pass-1"}, "Enter the person&#39;s name"),
        ({"name": "A", "email": "not-an-email", "role": "vcs", "password": "temporary-pass-1"}, "Enter an email address in the correct format"),
        ({"name": "A", "email": "b@test.example", "role": "emperor", "password": "temporary-pass-1"}, "Not a valid choice"),
        ({"name": "A", "email": "officer@test.example", "role": "vcs", "password": "temporary-pass-1"}, "already exists"),
        ({"name": "A" * 500, "email": "c@test.example", "role": "vcs", "password": "temporary-pass-1"}, "120 characters or fewer"),
        ({"name": "A", "email": "d@test.example", "role": "vcs", "password": "temporary-pass-1", "organisation_id": "99999"}, "Select an option from the list"),
        ({"name": "A", "email": "e@test.example", "role": "vcs", "password": "temporary-pass-1", "organisation_id": "abc"}, "Select an option from the list"),
        ({"name": "<script>alert(1)</script>", "email": "officer@test.example", "role": "vcs"}, "already exists"),
    ]
    for data, message in cases:
        response = client.post("/admin/accounts/new", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, data
        assert message in html, (message, data)
        assert "There is a problem" in html
        assert "<script>alert(1)</script>" not in html
    assert User.query.count() == before


def test_officer_cannot_lock_themselves_out(login, client, users):
    login("officer")
    me = users["officer"]
    response = client.post(f"/admin/accounts/{me.id}", data={"name": me.name, "email": me.email, "role": "officer", "version": str(me.version)})
    assert response.status_code == 400
    db.session.refresh(me)
    assert me.active is True


def test_unknown_account_is_404(login, client):
    login("officer")
    assert client.get("/admin/accounts/987654").status_code == 404


def test_next_with_control_characters_or_backslashes_goes_to_the_dashboard(client, users):
    # A line break in ``next`` used to reach the Location header: a correct sign-in became a 500.
    for target in ("/%0d%0aSet-Cookie:%20x=1", "/strategy%0aX:1", "/%09/evil.example", "/%5Cevil.example",
                   "/%E2%80%AEevil", "/%7F"):
        response = client.post(f"/sign-in?next={target}", data={"email": "officer@test.example", "password": PASSWORD})
        assert response.status_code == 302, target
        assert response.headers["Location"].endswith("/account"), target
        client.post("/sign-out")
