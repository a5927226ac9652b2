from flask import render_template

from . import bp


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/accessibility")
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/privacy")
def privacy():
    return render_template("main/privacy.html")


@bp.route("/contact")
def contact():
    return render_template("main/contact.html")


@bp.route("/glossary")
def glossary():
    from ..core.glossary import TERMS

    return render_template("main/glossary.html", terms=TERMS)


@bp.route("/how-we-work-out-the-numbers")
def numbers():
    """How results are worked out, for officers and residents: linked from every results page."""
    from ..core import disclosure, numbers as rules
    from ..surveys import stats

    return render_template("main/numbers.html", min_base=rules.min_base(), threshold=disclosure.threshold(),
                           correction=stats.CORRECTION_NAME)


@bp.route("/language/<code>")
def language(code):
    """Read the site in another language: kept in a cookie (no account), then back to the page."""
    from flask import current_app, redirect, request

    from ..core import i18n
    from ..core.errors import not_found
    from ..core.params import Query

    if code not in i18n.languages():
        not_found(i18n.gettext("This site is not available in that language."))
    target = i18n.safe_next(Query(request.args).text("next"))
    response = redirect(target)
    response.set_cookie(i18n.COOKIE, code, max_age=i18n.COOKIE_DAYS * 24 * 60 * 60, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")), httponly=True)
    return response
