"""Officers add accounts by invitation: the person gets a single-use emailed link and chooses
their own password. Mail goes to a real local SMTP server (aiosmtpd). Also: every problem with
the account form shows at once, values survive an error, roles say what they may do, and
accounts can be searched."""
import re
from datetime import timedelta

from engage.accounts import services
from engage.accounts.models import PasswordResetToken, User
from engage.core.models import utcnow
from engage.extensions import db
from tests.conftest import sign_in

NEW = {"name": "Nia Jones", "email": "Nia.Jones@Test.Example", "role": "practitioner", "active": "y"}


def _link(message) -> str:
    return re.search(r"http://localhost(/set-up-account/\S+)", message.get_content()).group(1)


def test_adding_an_account_emails_a_single_use_link_to_set_it_up(login, client, users, org, smtp_server):
    login("officer")
    response = client.post("/admin/accounts/new", data={**NEW, "organisation_id": str(org.id)})
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "nia.jones@test.example"))
    assert user.setup_pending is True
    # The officer never chose or saw a password: nobody can sign in until the link is used.
    assert len(smtp_server) == 1
    mail = smtp_server[0]
    assert mail["To"] == "nia.jones@test.example" and mail["X-Envelope-To"] == "nia.jones@test.example"
    assert "Set up your" in mail["Subject"] and "Practitioner" in mail.get_content()
    link = _link(mail)
    listing = client.get("/admin/accounts").get_data(as_text=True)
    assert "Invited" in listing

    login(None)
    page = client.get(link)
    assert page.status_code == 200 and "Set up your account" in page.get_data(as_text=True)
    short = client.post(link, data={"password": "short", "confirm": "short"})
    assert short.status_code == 400 and "between 10 and 200" in short.get_data(as_text=True)
    done = client.post(link, data={"password": "my-own-password-1", "confirm": "my-own-password-1"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/sign-in")
    db.session.refresh(user)
    assert user.setup_pending is False
    assert sign_in(client, "nia.jones@test.example", "my-own-password-1").status_code == 302
    client.post("/sign-out")
    # Single use.
    assert client.get(link).status_code == 400
    assert client.post(link, data={"password": "another-password-2", "confirm": "another-password-2"}).status_code == 400


def test_an_invitation_link_is_not_a_reset_link_and_expires(app, client, users, smtp_server):
    user, token = services.invite_user(users["officer"], email="x@test.example", name="X", role="vcs")
    db.session.commit()
    # The reset page does not take an invitation token, nor the reverse.
    assert client.get(f"/reset-password/{token}").status_code == 400
    reset = services.start_password_reset("x@test.example")
    db.session.commit()
    assert client.get(f"/set-up-account/{reset}").status_code == 400
    row = db.session.scalar(db.select(PasswordResetToken).where(PasswordResetToken.purpose == "invite"))
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(f"/set-up-account/{token}").status_code == 400


def test_sending_the_invitation_again_retires_the_old_link(login, client, users, smtp_server):
    login("officer")
    client.post("/admin/accounts/new", data=NEW)
    user = db.session.scalar(db.select(User).where(User.email == "nia.jones@test.example"))
    first = _link(smtp_server[-1])
    edit = client.get(f"/admin/accounts/{user.id}").get_data(as_text=True)
    assert "Send the invitation again" in edit
    response = client.post(f"/admin/accounts/{user.id}/invite")
    assert response.status_code == 302
    assert len(smtp_server) == 2
    second = _link(smtp_server[-1])
    assert first != second
    login(None)
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 200
    # Once set up, there is nothing to send again.
    client.post(second, data={"password": "my-own-password-1", "confirm": "my-own-password-1"})
    login("officer")
    response = client.post(f"/admin/accounts/{user.id}/invite", follow_redirects=True)
    assert "already set up their account" in response.get_data(as_text=True)
    assert len(smtp_server) == 2


def test_a_mail_server_that_refuses_is_shown_to_officers_not_a_500(login, client, users, app):
    from engage.core import mail

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9, MAIL_USE_TLS=False)  # nothing listens on port 9
    login("officer")
    response = client.post("/admin/accounts/new", data=NEW, follow_redirects=True)
    assert response.status_code == 200
    assert db.session.scalar(db.select(User).where(User.email == "nia.jones@test.example")) is not None
    mail.wait_idle(app)
    assert mail.summary()["failing"] == 1     # kept in the outbox, tried again later
    page = client.get("/account").get_data(as_text=True)
    assert "1 waiting to be sent, of which 1 the mail server has not taken yet" in page


def test_every_problem_shows_at_once_and_values_are_kept(login, client, users, org):
    login("officer")
    before = User.query.count()
    # A duplicate email AND a missing name AND a bad organisation, in one go.
    response = client.post("/admin/accounts/new", data={
        "name": "", "email": "OFFICER@test.example", "role": "coordinator", "organisation_id": "99999"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    summary = html[html.index("govuk-error-summary"):html.index("</ul>", html.index("govuk-error-summary"))]
    assert "Enter the person" in summary and "already exists" in summary and "Select an option from the list" in summary
    # The values entered come back.
    assert 'value="OFFICER@test.example"' in html
    assert re.search(r'value="coordinator"\s+checked', html)
    assert User.query.count() == before

    response = client.post("/admin/accounts/new", data={"name": "Kept Name", "email": "not-an-email", "role": "vcs",
                                                       "organisation_id": str(org.id)})
    html = response.get_data(as_text=True)
    assert 'value="Kept Name"' in html and 'value="not-an-email"' in html
    assert re.search(rf'value="{org.id}"\s+selected', html)
    assert re.search(r'value="vcs"\s+checked', html)


def test_editing_shows_every_problem_at_once(login, client, users):
    login("officer")
    me = users["officer"]
    response = client.post(f"/admin/accounts/{me.id}", data={"name": "", "email": "vcs@test.example", "role": "vcs"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Enter the person", "already exists", "cannot deactivate your own account or change your own role"):
        assert message in html, message
    db.session.refresh(me)
    assert me.role == "officer" and me.email == "officer@test.example"


def test_each_role_says_what_it_may_do_beside_the_choice(login, client, users):
    login("officer")
    html = client.get("/admin/accounts/new").get_data(as_text=True)
    for value, hint in (("vcs", "logs their own group"), ("practitioner", "enters and imports results"),
                        ("officer", "manages the toolkit")):
        item = html[html.index(f'value="{value}"'):]
        item = item[:item.index("govuk-radios__item") if "govuk-radios__item" in item else len(item)]
        assert hint in item and "govuk-radios__hint" in item, value


def test_accounts_are_searched_by_name_email_or_organisation(login, client, users, org):
    from engage.partnership.models import Organisation

    other = db.session.scalar(db.select(Organisation).where(Organisation.name == "Other Trust"))
    db.session.add(User(email="pat@elsewhere.example", name="Pat Quill", role="vcs", organisation_id=other.id,
                        password_hash="x", active=True))
    db.session.add(User(email="sam_100%@test.example", name="Sam Underscore", role="vcs", password_hash="x", active=True))
    db.session.commit()
    login("officer")

    def names(q):
        html = client.get("/admin/accounts", query_string={"q": q}).get_data(as_text=True)
        return set(re.findall(r'/admin/accounts/\d+">([^<]+)</a>', html))

    assert names("quill") == {"Pat Quill"}
    assert names("ELSEWHERE.example") == {"Pat Quill"}
    assert names("other trust") == {"Pat Quill"}
    assert names("test borough") == {"Test Officer", "Test Coordinator", "Test Practitioner", "Test Vcs"}
    # LIKE wildcards are searched as themselves.
    assert names("_100%") == {"Sam Underscore"}
    assert names("%") == {"Sam Underscore"}
    html = client.get("/admin/accounts", query_string={"q": "nobody-at-all"}).get_data(as_text=True)
    assert "0 accounts" in html and "No account matches" in html
    assert client.get("/admin/accounts", query_string={"q": "x" * 500}).status_code == 400


def test_email_boxes_use_the_email_type_and_autocomplete(client, login, users):
    for path in ("/sign-in", "/forgot-password"):
        html = client.get(path).get_data(as_text=True)
        box = re.search(r'<input[^>]+name="email"[^>]*>', html).group(0)
        assert 'type="email"' in box and 'autocomplete="email"' in box and 'spellcheck="false"' in box, path
    login("officer")
    html = client.get("/admin/accounts/new").get_data(as_text=True)
    box = re.search(r'<input[^>]+name="email"[^>]*>', html).group(0)
    # Someone else's address: the email keyboard, but not the officer's own address offered.
    assert 'type="email"' in box and 'autocomplete="off"' in box


def test_every_email_field_in_every_form_renders_an_email_box(app):
    """The shared form base gives every EmailField the email box, whichever form it is in."""
    from wtforms import EmailField

    from engage.core.forms import EngageForm, GovEmailInput

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    checked = 0
    with app.test_request_context():
        for form_class in subclasses(EngageForm):
            try:
                form = form_class(meta={"csrf": False})
            except TypeError:
                continue
            for field in form:
                if isinstance(field, EmailField):
                    assert isinstance(field.widget, GovEmailInput), (form_class.__name__, field.name)
                    assert 'type="email"' in str(field()), (form_class.__name__, field.name)
                    checked += 1
    assert checked >= 3


def test_a_single_checkbox_hint_sits_under_its_own_label(login, client, users):
    """GOV.UK puts a checkbox's hint under its label; the shared form base does that for every
    single checkbox, such as the one on the search index page."""
    login("officer")
    html = client.get("/admin/search").get_data(as_text=True)
    box = html.index('name="auto_refresh"')
    hint = html.index("Leave this unticked")
    assert box < hint
    item = html[html.rindex('<div class="govuk-checkboxes__item"', 0, box):hint]
    assert "govuk-checkboxes__hint" in html[hint - 200:hint]
    assert "</div>" not in item.split("govuk-checkboxes__input")[0]
