from flask import render_template

from . import bp


@bp.route("/consultations")
def finder():
    return render_template("main/contact.html")


@bp.route("/have-your-say")
def have_your_say():
    return render_template("main/contact.html")


@bp.route("/you-said-we-did")
def you_said_we_did():
    return render_template("main/contact.html")


@bp.route("/consultations/search")
def search():
    return render_template("main/contact.html")


@bp.route("/consultations/forward-plan")
def forward_plan():
    return render_template("main/contact.html")


@bp.route("/consultations/manage")
def manage():
    return render_template("main/contact.html")
