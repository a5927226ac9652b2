"""Loading the postcode lookup: a CSV in the shape of the ONS postcode directory (its
postcode and ward columns), checked in full before anything is saved, then loaded in one
transaction. Uploads wait between the check and the load (their bytes in the upload storage,
``postcodes/<token>.upload``, their record in the database: any web node can load what
another checked), and are claimed once (engage/core/jobs.py), so a second click is told the
file was already loaded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ..core.jobs import UploadStore
from ..extensions import db
from .models import Area, Postcode
from .places import PostcodeError, check_postcode

POSTCODE_COLUMNS = ("pcds", "pcd", "pcd2", "pcd7", "pcd8", "postcode", "post code")
WARD_CODE_COLUMNS = ("osward", "ward", "ward code", "wardcode", "ward_code")
WARD_NAME_COLUMNS = ("ward name", "wardname", "ward_name", "osward name")
TERMINATED_COLUMNS = ("doterm",)


def _heading(text) -> str:
    return re.sub(r"\s+", " ", str(text or "").replace("\ufeff", "")).strip().lower()


def _find_column(headings: list[str], names, pattern: str | None = None) -> int | None:
    for name in names:
        if name in headings:
            return headings.index(name)
    if pattern:
        for index, heading in enumerate(headings):
            if re.fullmatch(pattern, heading):
                return index
    return None


@dataclass
class PostcodeFileCheck:
    """What loading a postcode file would do, worked out before anything is saved."""

    filename: str
    rows: int = 0
    matched: dict[str, int] = field(default_factory=dict)   # place name -> postcodes
    postcodes: dict[str, tuple[int, str]] = field(default_factory=dict)  # postcode -> (area id, ward code)
    terminated: int = 0
    other_wards: dict[str, int] = field(default_factory=dict)  # ward code or name Engage does not know -> rows
    malformed: list[int] = field(default_factory=list)       # row numbers
    repeated: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)        # problems that stop the load

    @property
    def can_load(self) -> bool:
        return not self.problems and bool(self.postcodes)

    @property
    def skipped(self) -> int:
        return self.terminated + sum(self.other_wards.values()) + len(self.malformed) + len(self.repeated)


def _rows_numbers(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:5])
    return shown + (f" and {len(numbers) - 5:,} more" if len(numbers) > 5 else "")


def check_postcode_file(filename: str, data: bytes, *, progress=None) -> PostcodeFileCheck:
    """Read a CSV of postcodes and wards (the ONS postcode directory's columns: ``pcds`` or
    ``pcd`` for the postcode, ``osward`` or ``wdNNcd`` for the ward code, ``doterm`` for
    postcodes no longer in use; a ward name column is also understood). Wards are matched to
    Engage's places by code first, then by name; rows for wards Engage does not have (the
    file may cover a whole postcode area) are counted and left out."""
    import csv
    import io

    check = PostcodeFileCheck(filename=filename)
    if not filename.lower().endswith(".csv"):
        check.problems.append("The file must be a CSV file (.csv). Save the postcode directory as CSV first")
        return check
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes any bytes
            check.problems.append("The file cannot be read as text. Save it as CSV UTF-8")
            return check
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error:
        header = None
    if not header:
        check.problems.append("The file is empty: it needs a heading row with the postcode and ward columns")
        return check
    headings = [_heading(h) for h in header]
    pc_col = _find_column(headings, POSTCODE_COLUMNS)
    code_col = _find_column(headings, WARD_CODE_COLUMNS, r"wd\d\dcd")
    name_col = _find_column(headings, WARD_NAME_COLUMNS, r"wd\d\dnm")
    term_col = _find_column(headings, TERMINATED_COLUMNS)
    if pc_col is None:
        check.problems.append("The file has no postcode column. Name it pcds (or pcd, or postcode), as in the ONS postcode directory")
    if code_col is None and name_col is None:
        check.problems.append("The file has no ward column. Name it osward (the ward code, as in the ONS postcode directory), "
                              "or wdNNcd, or ward name")
    if check.problems:
        return check

    areas = db.session.execute(select(Area.id, Area.name, Area.code, Area.level)).all()
    by_code = {str(code).strip().upper(): (aid, name) for aid, name, code, level in areas if code}
    by_name: dict[str, tuple[int, str]] = {}
    for aid, name, code, level in sorted(areas, key=lambda r: r.level != "ward"):  # wards first
        by_name.setdefault(name.strip().casefold(), (aid, name))
    total_estimate = max(text.count("\n"), 1)
    try:
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            check.rows += 1
            if progress and check.rows % 2000 == 0:
                progress(check.rows, total_estimate)
            cell = lambda index: row[index].strip() if index is not None and index < len(row) else ""  # noqa: E731
            if term_col is not None and cell(term_col):
                check.terminated += 1
                continue
            try:
                code = check_postcode(cell(pc_col))
            except PostcodeError:
                check.malformed.append(number)
                continue
            ward_code, ward_name = cell(code_col).upper(), cell(name_col)
            found = by_code.get(ward_code) if ward_code else None
            if found is None and ward_name:
                found = by_name.get(ward_name.casefold())
            if found is None and ward_code and code_col is not None and not re.fullmatch(r"[A-Z]\d{8}", ward_code):
                found = by_name.get(cell(code_col).casefold())  # a ward column holding names
            if found is None:
                key = ward_name or cell(code_col) or "(blank)"
                check.other_wards[key] = check.other_wards.get(key, 0) + 1
                continue
            if code in check.postcodes:
                check.repeated.append(number)
                continue
            check.postcodes[code] = (found[0], ward_code if re.fullmatch(r"[A-Z]\d{8}", ward_code or "") else "")
            check.matched[found[1]] = check.matched.get(found[1], 0) + 1
    except csv.Error as error:
        check.problems.append(f"The file cannot be read as CSV ({error}). Check the quotes near row {check.rows + 2}")
    if not check.rows and not check.problems:
        check.problems.append("The file has a heading row but no postcodes under it")
    elif not check.postcodes and not check.problems:
        check.problems.append("None of the wards in the file is one of Engage's places. Give Engage's wards their ONS codes "
                              "(under Reference data, Areas), or use a file with a ward name column")
    if progress:
        progress(check.rows, check.rows)
    return check


def load_postcodes(actor, check: PostcodeFileCheck, *, replace: bool, is_demo: bool = False) -> int:
    """Save a checked file's postcodes (flush, no commit). ``replace``: the file becomes the
    whole lookup; otherwise its postcodes are added, and ones already there move to the
    file's ward. Returns how many postcodes were saved."""
    from sqlalchemy import delete, insert

    from ..core import audit

    if not check.can_load:
        raise PostcodeError("This file cannot be loaded: " + "; ".join(check.problems or ["it has no postcodes Engage can use"]))
    codes = sorted(check.postcodes)
    if replace:
        db.session.execute(delete(Postcode))
    else:
        for start in range(0, len(codes), 500):
            db.session.execute(delete(Postcode).where(Postcode.postcode.in_(codes[start:start + 500])))
    rows = [{"postcode": code, "area_id": check.postcodes[code][0], "ward_code": check.postcodes[code][1], "is_demo": is_demo}
            for code in codes]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Postcode), rows[start:start + 5000])
    summary = (f"Postcode lookup {'replaced' if replace else 'added to'} from {check.filename}: "
               f"{len(rows):,} postcodes in {len(check.matched):,} places")
    audit.record(actor, "import", PostcodeLookup(), summary, changes={"file": check.filename, "postcodes": len(rows), "replace": replace})
    db.session.flush()
    return len(rows)


class PostcodeLookup:
    """The lookup as a whole, for the audit trail (it has no row of its own)."""

    id = None


def postcode_counts() -> dict:
    """How many postcodes the lookup holds, how many are demo data, and how many per place."""
    from sqlalchemy import func

    total = db.session.scalar(select(func.count()).select_from(Postcode)) or 0
    demo = db.session.scalar(select(func.count()).select_from(Postcode).where(Postcode.is_demo.is_(True))) or 0
    per_place = db.session.execute(
        select(Area.name, func.count(Postcode.id)).join(Postcode, Postcode.area_id == Area.id).group_by(Area.name).order_by(Area.name)
    ).all()
    return {"total": total, "demo": demo, "per_place": per_place}


# ---- uploads waiting between the check and the load --------------------------------------

UPLOADS = UploadStore("postcodes")


def store_upload(user_id: int, filename: str, data: bytes, replace: bool) -> str:
    return UPLOADS.store({"user_id": user_id, "filename": filename, "replace": replace}, data)


def stored_upload(token: str) -> tuple[dict, bytes] | None:
    """(record, bytes) of a waiting upload, or None when it has gone or never was."""
    record = UPLOADS.load(token)
    if record is None:
        return None
    record["loaded"] = UPLOADS.claimed(token) and not UPLOADS.stalled(token)
    data = UPLOADS.data(token)
    if data is None:
        if not record["loaded"]:
            return None
        data = b""  # loaded, and the file let go: the record remains to say so
    return record, data


def claim_upload(token: str) -> bool:
    """True for the one request that may load this upload; False for any later one (unless
    the one that claimed it died part way, its lease ran out and nothing of it was saved)."""
    return UPLOADS.claim(token, takeover=True) is not None


def release_upload(token: str) -> None:
    """The load failed and nothing was saved: let the person try again."""
    UPLOADS.release(token)


def discard_upload(token: str) -> None:
    """Loaded: the file goes, the record stays to tell a second click so."""
    UPLOADS.finish(token)


# ---- the command line --------------------------------------------------------------------

def _register_command():
    import click

    from ..cli import engage_cli

    @engage_cli.command("load-postcodes")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--add", is_flag=True, help="Add to the postcode list instead of replacing it.")
    def load_postcodes_command(file, add):
        """Load the postcode-to-ward lookup from a CSV FILE in the ONS postcode directory's shape."""
        path = Path(file)
        data = path.read_bytes()
        with click.progressbar(length=max(data.count(b"\n"), 1), label="Checking postcodes", show_pos=True) as bar:
            def progress(done, total):
                bar.update(done - bar.pos)

            check = check_postcode_file(path.name, data, progress=progress)
        for problem in check.problems:
            click.echo(problem, err=True)
        if not check.can_load:
            raise click.ClickException("Nothing was loaded. Fix the problems above and try again.")
        if check.skipped:
            click.echo(f"Left out {check.skipped:,} rows: {check.terminated:,} no longer in use, "
                       f"{sum(check.other_wards.values()):,} in wards not in Engage, {len(check.malformed):,} without a full postcode, "
                       f"{len(check.repeated):,} repeated.")
        count = load_postcodes(None, check, replace=not add)
        db.session.commit()
        click.echo(f"Loaded {count:,} postcode{'' if count == 1 else 's'} in {len(check.matched):,} place{'' if len(check.matched) == 1 else 's'}.")


_register_command()
