from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import false as sa_false
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.models import utcnow
from ..core.concurrency import Versioned
from ..extensions import db
from .roles import OFFICER, ROLES


class User(UserMixin, Versioned, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Part of every session's id (``get_id``): changing it ends every session signed in
    # before (password change or reset, deactivation, role change, "sign out everywhere").
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_urlsafe(24), server_default="")
    # Invited by an officer and not yet set up through the emailed link.
    setup_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    organisation = relationship("Organisation")

    def get_id(self) -> str:
        """Flask-Login keeps this in the session (and the remember-me cookie); the account's
        ``session_token`` is checked against it on every request (accounts/__init__.py)."""
        if not self.session_token:
            self.new_session_token()
        return f"{self.id}:{self.session_token}"

    def new_session_token(self) -> None:
        self.session_token = secrets.token_urlsafe(24)

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt, a memory-hard modern algorithm.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return bool(self.active)

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    def has_role(self, *roles: str) -> bool:
        return self.role == OFFICER or self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.email}>"


TOKEN_PURPOSES = ("reset", "invite")


class PasswordResetToken(db.Model):
    """A single-use emailed link to choose a password: "reset" for "forgot password",
    "invite" for a new account an officer added. Only the token's hash is stored."""

    __tablename__ = "password_reset_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    purpose: Mapped[str] = mapped_column(String(10), default="reset", server_default="reset")

    user = relationship("User")


class SignInAttempt(db.Model):
    """A failed sign-in, counted per account and per address to slow down guessing.

    ``account`` is a hash of the email address typed (so no address is kept for a mistyped
    or unknown account); ``address`` is the visitor's address as the trusted proxies give it
    (``ENGAGE_TRUSTED_PROXIES``). Rows older than a day are removed as new ones arrive."""

    __tablename__ = "sign_in_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    account: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)


def _describe_for_deletes() -> None:
    from ..core import deletion

    deletion.describe("user", "account", "accounts", "name")
    deletion.refuse("user", "organisation_id", "accounts that belong to it",
                    advice="Move the accounts to another organisation first.")
    deletion.quiet("password_reset_token")
    deletion.quiet("sign_in_attempt")


_describe_for_deletes()
