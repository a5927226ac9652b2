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
