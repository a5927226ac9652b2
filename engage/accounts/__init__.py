"""Accounts: signing in and out, password resets, and officers managing accounts."""
from flask import Blueprint, Flask

bp = Blueprint("accounts", __name__)


def init_app(app: Flask) -> None:
    from ..extensions import db, login_manager
    from . import views  # noqa: F401  (registers the routes)
    from .models import User

    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id):
        try:
            return db.session.get(User, int(user_id))
        except (TypeError, ValueError):
            return None

    app.register_blueprint(bp)
