"""Error pages in the site's layout, and JSON errors under /api/."""
from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from .i18n import N_, gettext

MESSAGES = {
    400: (N_("Sorry, we could not understand that request"), N_("Something in the request was not right. Go back, check what you entered and try again.")),
    403: (N_("You do not have permission to see this page"), N_("Your account does not have the role this page needs. If you think it should, contact a partnership officer.")),
    404: (N_("Page not found"), N_("If you typed the web address, check it is correct. If you pasted it, check you copied all of it.")),
    405: (N_("Sorry, that action is not allowed here"), N_("Go back to the page you came from and try again.")),
    409: (N_("Someone else changed this at the same moment"), N_("Nothing you sent has been saved. Go back, reload the page to see their changes, and make yours again.")),
    413: (N_("That file is too large"), N_("Choose a smaller file and try again.")),
    429: (N_("Too many attempts"), N_("Wait a few minutes before you try again.")),
    500: (N_("Sorry, there is a problem with the service"), N_("Try again later. What you entered has not been saved.")),
    503: (N_("Sorry, the service is unavailable"), N_("Try again later.")),
}


class RuleError(ValueError):
    """A rule was broken; ``field`` names the form field the message belongs to. Services
    raise it, and ``engage.core.forms.attach_error`` puts the message beside that field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(code: int, detail: str | None = None):
    title, advice = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    # In the reader's language; a detail given by the caller is looked up too (shown in
    # English, and noted as not yet translated, when the catalogue lacks it).
    title, advice, detail = gettext(title), gettext(advice), gettext(detail) if detail else detail
    if wants_json():
        return jsonify({"error": {"status": code, "title": title, "message": detail or advice}}), code
    return render_template("errors/error.html", code=code, title=title, advice=advice, detail=detail), code


def init_app(app: Flask) -> None:
    from . import logs
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_response(
            400,
            N_("The form you sent had expired or was not sent from this site. Go back, reload the page and try again."),
        )

    from sqlalchemy.orm.exc import StaleDataError

    @app.errorhandler(StaleDataError)
    def lost_race(error):
        # A save that lost a race with another (engage/core/concurrency.py); views that show
        # the edit form handle it themselves, this is the plain answer everywhere else.
        from ..extensions import db

        db.session.rollback()
        return error_response(409)

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # A Host this site does not answer to (TRUSTED_HOSTS, engage/core/urls.py): no page in
        # the layout, whose links would need a trusted host to be built.
        return Response("This site does not answer to that host name (400).", 400, mimetype="text/plain")

    from .transitions import AlreadyMoved

    @app.errorhandler(AlreadyMoved)
    def moved_meanwhile(error):
        # A workflow move someone else made a moment ago (engage/core/transitions.py), where
        # the view did not say so itself: nothing was changed, and the page says why.
        from ..extensions import db

        db.session.rollback()
        return error_response(409, str(error))

    from sqlalchemy.exc import OperationalError

    @app.errorhandler(OperationalError)
    def database_busy(error):
        # SQLite refused a write after waiting ENGAGE_SQLITE_BUSY_SECONDS for another one
        # (engage/core/database.py). Nothing was saved; the person is asked to try again, and
        # a form they sent comes back with the page so pressing the button sends it again.
        from ..extensions import db

        db.session.rollback()
        if "database is locked" not in str(error) and "database table is locked" not in str(error):
            app.logger.exception("Database error on %s", logs.route())
            return error_response(500)
        app.logger.warning("Database busy on %s: asked to try again", logs.route())
        return busy_response()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 429 and not wants_json():
            from .limits import reshow

            page = reshow(error)
            if page is not None:
                return page
        detail = error.description if getattr(error, "engage_message", False) else None
        return error_response(error.code or 500, detail)

    @app.errorhandler(Exception)
    def unexpected(error):
        from ..extensions import db

        db.session.rollback()
        app.logger.exception("Unhandled error on %s", logs.route())
        return error_response(500)

    app.register_error_handler(InternalServerError, lambda e: error_response(500))


BUSY_MESSAGE = N_("The service is very busy just now, so nothing has been saved yet. Wait a moment and try again.")


def busy_response():
    """A 503 saying to try again. For a form, the page carries what was sent (as hidden fields,
    files apart) and a "Try again" button that sends it to the same address again."""
    if wants_json():
        response = jsonify({"error": {"status": 503, "title": gettext(MESSAGES[503][0]), "message": gettext(BUSY_MESSAGE)}})
    else:
        fields = [] if request.method != "POST" else [(k, v) for k, v in request.form.items(multi=True)]
        response = render_template("errors/busy.html", title=gettext("Sorry, the service is busy"), message=gettext(BUSY_MESSAGE),
                                   fields=fields, action=request.full_path if request.query_string else request.path,
                                   posted=request.method == "POST")
    from flask import make_response

    response = make_response(response, 503)
    response.headers["Retry-After"] = "2"
    return response


def bad_request(message: str):
    """Raise a 400 whose message is shown to the person (it must be in plain words)."""
    from werkzeug.exceptions import BadRequest

    error = BadRequest(message)
    error.engage_message = True
    raise error


def not_found(message: str | None = None):
    from werkzeug.exceptions import NotFound

    error = NotFound(message)
    error.engage_message = bool(message)
    raise error
