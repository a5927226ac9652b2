"""With the real configuration, a POST without a CSRF token is refused with a plain 400."""
from engage.accounts.models import User
from engage.extensions import db
from tests.conftest import PASSWORD, make_app


def test_post_without_csrf_token_is_refused(users, _schema, tmp_path):
    app = make_app(_schema, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        response = client.post("/sign-in", data={"email": "officer@test.example", "password": PASSWORD})
        assert response.status_code == 400
        assert "The form you sent had expired or was not sent from this site" in response.get_data(as_text=True)
        # With the token from the form, the same sign-in works.
        import re

        page = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/sign-in", data={"email": "officer@test.example", "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302
        # Officer forms are protected too.
        before = User.query.count()
        response = client.post("/admin/accounts/new", data={"name": "X", "email": "x@test.example", "role": "vcs", "password": "temporary-pass-1"})
        assert response.status_code == 400 and User.query.count() == before
        db.session.remove()


def test_sign_out_needs_a_post_with_token(users, _schema, tmp_path):
    app = make_app(_schema, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        assert client.get("/sign-out").status_code == 405
        assert client.post("/sign-out").status_code == 400
        db.session.remove()
