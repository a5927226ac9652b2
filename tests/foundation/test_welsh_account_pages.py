"""Accounts in Welsh (issue 23): the pages anyone can open without signing in (sign in, forgot
your password, the email sent, choosing a new password, a link that no longer works, setting up
an invited account) and the signed-in ones (your account, changing your password, the officers'
list of accounts and an account's form). Each page is read in English first (so each English
phrase listed is known to be on it), then with the Welsh cookie: lang="cy", the Welsh phrase
there and none of the English left; the messages of a refused form come back in Welsh too."""
from __future__ import annotations

from engage.accounts import services
from engage.extensions import db
from tests.i18n_support import assert_pages_in_welsh


def test_signing_in_and_resetting_a_password_are_in_welsh(client, users):
    reset = services.start_password_reset("practitioner@test.example")
    invited, invite = services.invite_user(users["officer"], email="new@test.example", name="New Person", role="vcs")
    db.session.commit()
    assert_pages_in_welsh(client, {
        "/sign-in": ("Wedi anghofio eich cyfrinair?", [
            "<title>Sign in", "Accounts are for people who work for the partners", "Email address", "Password\n",
            "Forgot your password?", "To get an account, ask a partnership officer"]),
        "/forgot-password": ("Ailosod eich cyfrinair", [
            "Reset your password", "Enter the email address you sign in with", "Send me a link"]),
        f"/reset-password/{reset}": ("Dewis cyfrinair newydd", [
            "Choose a new password", "New password", "Use 10 characters or more", "Confirm new password",
            "Change password"]),
        f"/set-up-account/{invite}": ("Dewiswch gyfrinair i orffen ei sefydlu", [
            "Set up your account", "Your account is for", "Choose a password to finish setting it up", "New password",
            "Set up my account", 'aria-label="Show password"']),
        "/reset-password/not-a-real-token": ("Nid yw’r ddolen hon yn gweithio", [   # a 400, in words
            "This link does not work", "The link has expired or has already been used", "Ask for a new link"]),
    })
    # The password box's button says "Show" in Welsh, and what it tells a screen reader too.
    set_up = client.get(f"/set-up-account/{invite}").text
    assert 'data-i18n.show-password-aria-label="Dangos y cyfrinair"' in set_up
    assert 'data-i18n.hide-password="Cuddio"' in set_up
    sent = client.post("/forgot-password", data={"email": "someone@test.example"})
    assert '<html lang="cy"' in sent.text and "Gwiriwch eich e-bost" in sent.text
    assert "belongs to an account, we have sent it a link" not in sent.text and "No email after 10 minutes" not in sent.text
    # The reset email goes in the language of the page it was asked from.
    from engage.core.models import OutboxMessage

    client.post("/forgot-password", data={"email": "practitioner@test.example"})
    subjects = db.session.scalars(db.select(OutboxMessage.subject).order_by(OutboxMessage.id)).all()
    assert subjects[-1] == "Ailosod eich cyfrinair Engage" and not any(s.startswith("Reset your") for s in subjects)
    # A refused sign-in: the form's own messages and the one about both boxes, in Welsh.
    empty = client.post("/sign-in", data={})
    assert empty.status_code == 400 and "Rhowch eich cyfeiriad e-bost" in empty.text and "Rhowch eich cyfrinair" in empty.text
    assert "Enter your email address" not in empty.text and "Enter your password" not in empty.text
    assert '<span class="govuk-visually-hidden">Gwall:</span> Rhowch eich cyfrinair' in empty.text  # read out before the message
    assert '<span class="govuk-visually-hidden">Error:</span>' not in empty.text
    wrong = client.post("/sign-in", data={"email": "officer@test.example", "password": "not the password"})
    assert "Rhowch gyfeiriad e-bost a chyfrinair cywir" in wrong.text and "Both are case-sensitive" not in wrong.text
    short = client.post(f"/set-up-account/{invite}", data={"password": "short", "confirm": "other"})
    assert "Rhaid i’r cyfrinair fod rhwng 10 a 200 nod" in short.text and "Rhaid i’r ddau gyfrinair fod yr un fath" in short.text
    assert "The two passwords must match" not in short.text
    assert invited.setup_pending


def test_your_account_and_the_officers_account_pages_are_in_welsh(client, login, users):
    login("officer")
    other = users["vcs"]
    assert_pages_in_welsh(client, {
        "/account": ("Cadw eich cyfrif yn ddiogel", [
            "<title>Your account", "Hello, Test Officer", "You are signed in as a", "Partnership officer", "What you can do",
            "Find a method in the toolkit", "Manage accounts",
            "Manage the partnership's reference data", "Check and rebuild the search index", "Keep your account safe",
            "Change your password", "sign out everywhere", "Sign out everywhere",
            # the other capabilities' links in "What you can do"
            "See funding programmes, their bid rounds", "See targets, the ladder of intervention",
            "Manage monitoring periods and the PSG", "Write, review and respond to findings reports",
            "See the board dashboard: reports", "Strategic risk register", "Keep the accessibility statement up to date",
            "Background work", "failed for good"]),
        "/account/password": ("Newid eich cyfrinair", [
            "Change your password", "Back to your account", "you are signed out on every other computer",
            "Current password", "New password", "Confirm new password", "Change password"]),
        "/admin/accounts": ("Ychwanegu cyfrif", [
            "<title>Accounts", "Add an account", "Search accounts", "Part of a name", ">Search<", " accounts<",
            ">Name<", ">Email<", ">Role<", ">Organisation<", ">Status<", ">Active<", "VCS group member", "Partnership coordinator"]),
        "/admin/accounts?q=zzzz-nobody": ("Does dim cyfrif yn cyfateb", [
            "0 accounts matching", "Show all accounts", "No account matches"]),
        "/admin/accounts/new": ("Ychwanegu’r cyfrif ac anfon y gwahoddiad", [
            "Add an account", "Back to accounts", "We will email the person a link", "Full name", "Email address",
            "What the person may do in", "Browses the toolkit", "Plans and logs consultations", "Reviews findings",
            "Approves and publishes", "No organisation", "Account is active", "Add the account and send the invitation"]),
        f"/admin/accounts/{other.id}": ("Cadw’r cyfrif", [
            "Edit Test Vcs", "Back to accounts", "Save account"]),
    }, all_found=True)
    # Flash messages: saved, in Welsh.
    saved = client.post(f"/admin/accounts/{other.id}", data={
        "version": str(other.version), "name": "Test Vcs", "email": other.email, "role": "vcs",
        "organisation_id": str(other.organisation_id), "active": "y"}, follow_redirects=True)
    assert "Mae’r cyfrif ar gyfer Test Vcs wedi’i gadw." in saved.text and "Account for Test Vcs saved." not in saved.text
