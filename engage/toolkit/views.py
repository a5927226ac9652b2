from flask import render_template

from . import bp


@bp.route("/toolkit")
def index():
    return render_template("main/contact.html")


@bp.route("/toolkit/choose")
def choose():
    return render_template("main/contact.html")


@bp.route("/admin/toolkit")
def admin_index():
    return render_template("main/contact.html")
