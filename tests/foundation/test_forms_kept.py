"""Forms never lose an answer (issue 13): the account forms shown again after an error keep
what was typed (never a password: GOV.UK asks for it again)."""
from __future__ import annotations

import re

from tests.conftest import PASSWORD
from tests.forms_support import values_kept


def test_sign_in_keeps_the_email_and_says_the_problem_once(client, users):
    posted = {"email": "officer@test.example", "password": "wrong password"}
    response = client.post("/sign-in", data=posted)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert values_kept(html, posted, skip={"password"}) == []
    summary = html[html.index("govuk-error-summary__list"):html.index("</ul>", html.index("govuk-error-summary__list"))]
    assert summary.count("Enter a correct email address and password") == 1  # once, not twice
    assert 'href="#email"' in summary and "#main-content" not in summary  # linked to the first box
    # Both boxes are marked, the message is shown once beside the first, and the password box points to it.
    assert html.count("Enter a correct email address and password") == 2  # the summary and beside the email box
    assert re.search(r'class="govuk-input govuk-!-width-two-thirds govuk-input--error" id="email"', html)
    password = re.search(r'<input[^>]*id="password"[^>]*>', html).group(0)
    assert "govuk-input--error" in password and 'aria-describedby="email-error"' in password


def test_sign_in_still_works(client, users):
    assert client.post("/sign-in", data={"email": "officer@test.example", "password": PASSWORD}).status_code == 302


def test_forgot_password_keeps_the_email(client, users):
    posted = {"email": "not an email"}
    response = client.post("/forgot-password", data=posted)
    assert "Enter an email address in the correct format" in response.get_data(as_text=True)
    assert values_kept(response.get_data(as_text=True), posted) == []


def test_sign_in_after_too_many_attempts_keeps_the_email(tmp_path, _schema, app, users):
    from engage.extensions import db
    from tests.conftest import make_app

    limited = make_app(_schema, tmp_path, RATELIMIT_ENABLED=True, ENGAGE_LOGIN_LIMIT="2 per minute")
    with limited.app_context():
        client = limited.test_client()
        for _ in range(2):
            client.post("/sign-in", data={"email": "officer@test.example", "password": "bad"})
        response = client.post("/sign-in", data={"email": "officer@test.example", "password": PASSWORD})
        html = response.get_data(as_text=True)
        db.session.remove()
    assert response.status_code == 429
    assert "You have tried to sign in too many times in a short time. What you wrote is still here: try again in" in html
    assert response.headers["Retry-After"].isdigit()
    assert values_kept(html, {"email": "officer@test.example"}) == []
