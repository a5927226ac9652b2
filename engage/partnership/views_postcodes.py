"""The officers' pages for the postcode lookup: what it holds, a box to try a postcode, and
loading a file (checked in full first, then loaded once)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core.params import Query
from ..accounts.roles import OFFICER
from ..core.errors import not_found
from ..core.jobs import NOT_YOURS
from ..core.security import role_required
from ..extensions import db
from . import bp, forms, postcodes
from .places import PostcodeError, lookup_postcode
from .postcodes import postcode_counts

MAX_BYTES = 100 * 1024 * 1024  # a postcode area's part of the ONS directory is a few tens of MB


@bp.route("/admin/reference/postcodes", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_postcodes():
    form = forms.PostcodeUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_BYTES + 1) if upload is not None and getattr(upload, "filename", "") else b""
        if not data:
            form.file.errors = list(form.file.errors or []) + ["Choose a CSV file of postcodes to upload"]
        elif len(data) > MAX_BYTES:
            form.file.errors = list(form.file.errors or []) + ["The file is over 100 MB. Use the part of the postcode directory for your postcode area"]
        elif not (upload.filename or "").lower().endswith(".csv"):
            form.file.errors = list(form.file.errors or []) + ["The file must be a CSV file (.csv)"]
        else:
            token = postcodes.store_upload(current_user.id, upload.filename, data, form.mode.data == "replace")
            return redirect(url_for("partnership.admin_postcodes_check", token=token))
    typed = Query().text("postcode", 20)
    found = lookup_postcode(typed) if typed.strip() else None
    status = 400 if form.errors else 200
    return render_template("partnership/postcodes.html", form=form, counts=postcode_counts(), found=found, typed=typed), status


def _upload(token: str):
    stored = postcodes.stored_upload(token)
    if stored is None or stored[0].get("user_id") != current_user.id:
        not_found(NOT_YOURS)
    return stored


@bp.route("/admin/reference/postcodes/check/<token>", methods=["GET", "POST"])
@role_required(OFFICER)
def admin_postcodes_check(token):
    record, data = _upload(token)
    if record["loaded"] and not data:
        flash(f"{record['filename']} has already been loaded. Nothing was loaded twice.", "success")
        return redirect(url_for("partnership.admin_postcodes"))
    check = postcodes.check_postcode_file(record["filename"], data)
    form = forms.PostcodeLoadForm()
    if form.validate_on_submit() and check.can_load:
        if not postcodes.claim_upload(token):
            flash("This file has already been loaded. Nothing was loaded twice.", "success")
            return redirect(url_for("partnership.admin_postcodes"))
        try:
            count = postcodes.load_postcodes(current_user, check, replace=record["replace"])
        except PostcodeError as error:
            db.session.rollback()
            postcodes.release_upload(token)
            form.form_errors.append(str(error))
        except Exception:
            db.session.rollback()
            postcodes.release_upload(token)
            raise
        else:
            db.session.commit()
            postcodes.discard_upload(token)
            places = len(check.matched)
            flash(f"{count:,} postcode{'' if count == 1 else 's'} loaded in {places:,} place{'' if places == 1 else 's'}.", "success")
            return redirect(url_for("partnership.admin_postcodes"))
    status = 400 if (request.method == "POST" and not check.can_load) or form.form_errors else 200
    return render_template("partnership/postcodes_check.html", form=form, check=check, record=record, token=token), status
