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
