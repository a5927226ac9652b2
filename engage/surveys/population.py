"""Population profiles (reference data): people per area by age band and sex, and by ethnic
group where known. Officers edit them or import them from CSV. They feed "who answered"
(respondents beside the population, showing who is under-represented) and weighting.
"""
from __future__ import annotations

import csv
import io
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..core.i18n import N_, gettext as _
from ..core.params import to_int
from ..core import audit, concurrency
from ..core.sanitise import clean_text
from ..core.templating import format_date
from ..extensions import db
from ..partnership.models import Area
from ..partnership.services import area_subtree_ids
from . import equality, weighting
from .areas import ward_choices
from .models import PopulationFigure, PopulationLoad

CSV_COLUMNS = ["area", "kind", "age_band", "sex", "ethnicity", "count"]
KINDS = {"age-sex": N_("Age band and sex"), "ethnicity": N_("Ethnic group")}
UNDER = 0.8  # a group is under-represented below 80% of its share of the population


class PopulationProblem(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:3]))
        self.problems = problems


def figures_for(area_ids) -> list[PopulationFigure]:
    ids = list(area_ids)
    if not ids:
        return []
    return db.session.scalars(select(PopulationFigure).where(PopulationFigure.area_id.in_(ids))).all()


def ward_ids_of(survey) -> list[int]:
    return [i for i, _ in ward_choices(survey)]


def profile(survey) -> dict[str, dict[str, float]]:
    """Population counts over the survey's wards: {"ward": {name: n}, "age": {...},
    "sex": {...}, "ethnicity": {...}}. Uses each ward's own figures; an area without ward
    figures falls back to figures given for the survey's whole area (for ethnicity).
    Only the ages the survey is for count (``Survey.min_age``): a survey for people aged 16
    and over is compared with the 16+ population, by ward and sex as well as by age."""
    wards = dict(ward_choices(survey))
    bands = set(equality.bands_for(survey.min_age or 0))
    out = {"ward": defaultdict(float), "age": defaultdict(float), "sex": defaultdict(float), "ethnicity": defaultdict(float)}
    for figure in figures_for(wards):
        if figure.kind == "age-sex" and figure.age_band in equality.AGE_BAND_FROM and figure.age_band not in bands:
            continue
        if figure.kind == "age-sex":
            out["ward"][wards[figure.area_id]] += figure.count
            out["age"][figure.age_band] += figure.count
            out["sex"][figure.sex] += figure.count
        elif figure.kind == "ethnicity":
            out["ethnicity"][figure.ethnicity] += figure.count
    if not out["ethnicity"] and survey.population_area_id:
        for figure in figures_for([survey.population_area_id]):
            if figure.kind == "ethnicity":
                out["ethnicity"][figure.ethnicity] += figure.count
    return {k: dict(v) for k, v in out.items()}


def has_demo_figures(survey) -> bool:
    ids = ward_ids_of(survey) + ([survey.population_area_id] if survey.population_area_id else [])
    return any(f.is_demo for f in figures_for(ids))


def _equality_question(survey, key: str):
    return next((q for q in survey.questions if q.equality_key == key), None)


def person_groups(survey, people) -> dict[int, dict[str, str]]:
    """For each person: their ward name, age band, sex and ethnic group (when given)."""
    wards = dict(ward_choices(survey))
    questions = {key: _equality_question(survey, key) for key in ("age", "sex", "ethnicity")}
    labels = {key: ({o.id: o.label for o in q.choices() if not o.is_exclusive} if q is not None else {}) for key, q in questions.items()}
    out = {}
    for p in people:
        groups = {}
        if p.ward_id in wards:
            groups["ward"] = wards[p.ward_id]
        for key, q in questions.items():
            value = p.values.get(q.id) if q is not None else None
            if value and value.get("o") and value["o"][0] in labels[key]:
                groups[key] = labels[key][value["o"][0]]
        out[p.id] = groups
    return out


def min_group() -> int:
    """The fewest people a weighting group may rest on (ENGAGE_WEIGHTING_MIN_GROUP, 20 by default)."""
    from flask import current_app, has_app_context

    value = current_app.config.get("ENGAGE_WEIGHTING_MIN_GROUP") if has_app_context() else None
    try:
        return max(1, int(value)) if value is not None else weighting.MIN_GROUP
    except (TypeError, ValueError):
        return weighting.MIN_GROUP


def ward_chains(survey) -> list[list[str]]:
    """The survey's wards grouped by the town they are in, by name: a small ward is weighted
    together with a neighbour from the same town first."""
    wards = ward_choices(survey)
    parents = dict(db.session.execute(select(Area.id, Area.parent_id).where(Area.id.in_([i for i, _ in wards] or [-1]))).all())
    chains: dict = defaultdict(list)
    for ward_id, name in wards:
        chains[parents.get(ward_id)].append(name)
    return [chains[key] for key in sorted(chains, key=lambda k: (k is None, k or 0))]


def weighting_for(survey, people) -> weighting.Weighting:
    """Weights for the people, raked to the population the survey could reach
    (engage/surveys/weighting.py states the rules)."""
    margins = profile(survey)
    reach = _(equality.ELIGIBLE_AGES.get(survey.min_age or 0, equality.ELIGIBLE_AGES[0]))
    if not margins["ward"]:
        result = weighting.Weighting(not_given=len(people), population=reach)
        result.problem = _("There is no population profile for this survey's wards, so the results cannot be weighted")
        result.source = describe_load(load_for(survey))
        return result
    groups = person_groups(survey, people)
    rows = [(p.id, groups[p.id].get("ward"), groups[p.id].get("age"), groups[p.id].get("sex")) for p in people]
    chains = {"ward": ward_chains(survey), "age": [equality.bands_for(survey.min_age or 0)], "sex": [list(equality.SEXES)]}
    result = weighting.rake(rows, {"ward": margins["ward"], "age": margins["age"], "sex": margins["sex"]}, chains,
                            min_group=min_group())
    result.population = reach
    result.source = describe_load(load_for(survey))
    return result


@dataclass
class ProfileRow:
    label: str
    respondents: int
    respondent_share: float | None
    population: float
    population_share: float | None

    @property
    def index(self) -> float | None:
        if self.respondent_share is None or not self.population_share:
            return None
        return 100.0 * self.respondent_share / self.population_share

    @property
    def under(self) -> bool:
        return self.index is not None and self.index < 100 * UNDER

    @property
    def over(self) -> bool:
        return self.index is not None and self.index > 100 / UNDER


@dataclass
class ProfileTable:
    key: str
    title: str
    rows: list[ProfileRow]
    answered: int
    not_given: int


def who_answered(survey, people) -> list[ProfileTable]:
    margins = profile(survey)
    groups = person_groups(survey, people)
    titles = {"ward": _("Ward"), "age": _("Age band"), "sex": _("Sex"), "ethnicity": _("Ethnic group")}
    order = {"ward": [n for _, n in ward_choices(survey)], "age": equality.AGE_BANDS, "sex": equality.SEXES,
             "ethnicity": equality.ETHNICITY_OPTIONS}
    tables = []
    for key, title in titles.items():
        counts = defaultdict(int)
        for p in people:
            if key in groups[p.id]:
                counts[groups[p.id][key]] += 1
        answered = sum(counts.values())
        population = margins.get(key, {})
        total_population = sum(population.values())
        labels = [label for label in order[key] if label in counts or label in population]
        rows = [ProfileRow(label, counts.get(label, 0), (counts.get(label, 0) / answered) if answered else None,
                           population.get(label, 0.0), (population.get(label, 0.0) / total_population) if total_population else None)
                for label in labels]
        tables.append(ProfileTable(key, title, rows, answered, len(people) - answered))
    return tables


# ---- editing the reference data ----------------------------------------------------------

def _area_by_name() -> dict[str, Area]:
    out = {}
    for area in db.session.scalars(select(Area)):
        out.setdefault(area.name.casefold(), area)
        if area.code:
            out.setdefault(area.code.casefold(), area)
    return out


def parse_csv(data: bytes) -> tuple[list[dict], list[str]]:
    """Read a population CSV (area, kind, age_band, sex, ethnicity, count): the clean rows,
    and every row that could not be read, each naming its line in the file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("The file must be a CSV file saved as UTF-8")]
    try:
        reader = csv.DictReader(io.StringIO(text))
        headers = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error:
        return [], [_("The file could not be read as a CSV file")]
    missing = [c for c in ("area", "kind", "count") if c not in headers]
    if missing:
        return [], [_("The file needs a column headed ‘%(column)s’. The columns are: %(columns)s", column=m, columns=", ".join(CSV_COLUMNS))
                    for m in missing]
    areas = _area_by_name()
    problems, rows, seen = [], [], set()
    try:
        for n, raw in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): clean_text(v if isinstance(v, str) else "") for k, v in raw.items()}
            area = areas.get(row.get("area", "").casefold())
            kind = row.get("kind", "")
            if area is None:
                problems.append(_("Row %(row)s: ‘%(area)s’ is not an area Engage knows", row=n, area=row.get("area", "")[:40]))
                continue
            if kind not in KINDS:
                problems.append(_("Row %(row)s: kind must be ‘age-sex’ or ‘ethnicity’", row=n))
                continue
            age, sex, ethnicity = row.get("age_band", "")[:40], row.get("sex", "")[:40], row.get("ethnicity", "")[:120]
            if kind == "age-sex" and (not age or not sex):
                problems.append(_("Row %(row)s: an age-sex row needs an age band and a sex", row=n))
                continue
            if kind == "ethnicity" and not ethnicity:
                problems.append(_("Row %(row)s: an ethnicity row needs the ethnic group", row=n))
                continue
            count_text = row.get("count", "").replace(",", "")
            if to_int(count_text.strip(), 0, 10_000_000) is None:
                problems.append(_("Row %(row)s: the count must be a whole number from 0 to 10,000,000", row=n))
                continue
            key = (area.id, kind, age if kind == "age-sex" else "", sex if kind == "age-sex" else "", ethnicity if kind == "ethnicity" else "")
            if key in seen:
                problems.append(_("Row %(row)s: this group is given twice for %(area)s", row=n, area=area.name))
                continue
            seen.add(key)
            rows.append({"area_id": key[0], "kind": kind, "age_band": key[2], "sex": key[3], "ethnicity": key[4],
                         "count": int(count_text), "is_demo": row.get("demo", "").lower() in ("yes", "true", "1")})
    except csv.Error:
        problems.append(_("Row %(row)s: this line could not be read as CSV", row=reader.line_num))
    if not rows and not problems:
        problems.append(_("The file has no rows of figures"))
    return rows, problems


def read_csv(data: bytes) -> list[dict]:
    """Check a population CSV fully; every problem names its row. Returns clean rows, or
    raises PopulationProblem."""
    rows, problems = parse_csv(data)
    if problems:
        raise PopulationProblem(problems)
    return rows


# ---- preview, then confirm (nothing is stored until the editor confirms) -------------------

PREVIEW_SALT = "population-preview"
PREVIEW_MAX_AGE = 2 * 60 * 60  # a preview can be confirmed for two hours
MATCH = {"age_band": ("Age band", equality.AGE_BANDS), "sex": ("Sex", equality.SEXES),
         "ethnicity": ("Ethnic group", equality.ETHNICITY_OPTIONS)}


@dataclass
class Category:
    label: str
    count: int
    share: float | None
    matches: bool = True


@dataclass
class Variable:
    title: str
    categories: list[Category]
    total: int


@dataclass
class Preview:
    """What a population CSV holds, before anything is stored: each variable with its
    categories, counts and shares, the total, the rows that could not be read (with their
    line numbers) and the categories that match no answer option of the survey questions."""
    rows: list[dict]
    problems: list[str]
    variables: list[Variable]
    total: int
    mismatched: list[str]
    source: str
    figures_date: date | None
    signed: str = ""

    @property
    def can_confirm(self) -> bool:
        return bool(self.rows) and not self.problems and bool(self.signed)


def _serializer():
    from flask import current_app
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(current_app.secret_key, salt=PREVIEW_SALT)


def preview(data: bytes, source: str, figures_date: date | None) -> Preview:
    """Read the file and say what it holds. Stores nothing: the figures travel in a signed
    field of the confirm form (``signed``), with a fresh token so a confirm counts once."""
    rows, problems = parse_csv(data)
    names = dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_({r["area_id"] for r in rows} or {-1}))).all())
    variables, mismatched = [], []
    for kind_title, kind, field_names in ((_("Area"), None, ("area",)), (_("Age band"), "age-sex", ("age_band",)),
                                          (_("Sex"), "age-sex", ("sex",)), (_("Ethnic group"), "ethnicity", ("ethnicity",))):
        counts: dict = defaultdict(int)
        for r in rows:
            if kind is not None and r["kind"] != kind:
                continue
            if kind is None and r["kind"] != "age-sex":
                continue
            label = names.get(r["area_id"], "") if field_names[0] == "area" else r[field_names[0]]
            counts[label] += r["count"]
        if not counts:
            continue
        total = sum(counts.values())
        known = MATCH.get(field_names[0], (None, None))[1]
        order = list(known) if known else []
        labels = [l for l in order if l in counts] + sorted(l for l in counts if l not in order)
        categories = []
        for label in labels:
            matches = known is None or label in known
            if not matches:
                mismatched.append(_("%(kind)s: ‘%(label)s’ does not match any answer option in the survey questions", kind=kind_title, label=label))
            categories.append(Category(label, counts[label], counts[label] / total if total else None, matches))
        variables.append(Variable(kind_title if kind is not None else _("Area (age and sex figures)"), categories, total))
    total = sum(r["count"] for r in rows if r["kind"] == "age-sex") or sum(r["count"] for r in rows)
    result = Preview(rows, problems, variables, total, mismatched, source, figures_date)
    if rows and not problems and source and figures_date is not None:
        payload = {"t": secrets.token_urlsafe(24), "s": source, "d": figures_date.isoformat(),
                   "r": [[r["area_id"], r["kind"], r["age_band"], r["sex"], r["ethnicity"], r["count"], r["is_demo"]] for r in rows]}
        result.signed = _serializer().dumps(payload)
    return result


def confirm(actor, signed: str) -> tuple[PopulationLoad, bool]:
    """Store the figures of a preview, with their source and date, once. Returns the load
    and whether this call stored it (False: the same preview was confirmed already, as by
    a double click; nothing is stored twice). Flushes, no commit."""
    from itsdangerous import BadSignature, SignatureExpired

    try:
        payload = _serializer().loads(signed or "", max_age=PREVIEW_MAX_AGE)
    except SignatureExpired:
        raise PopulationProblem([_("This check has run out of time. Upload the file again")])
    except BadSignature:
        raise PopulationProblem([_("This check could not be read. Upload the file again")])
    token = str(payload["t"])[:64]
    existing = db.session.scalar(select(PopulationLoad).where(PopulationLoad.token == token))
    if existing is not None:
        return existing, False
    rows = [{"area_id": a, "kind": k, "age_band": ag, "sex": sx, "ethnicity": e, "count": c, "is_demo": bool(d)}
            for a, k, ag, sx, e, c, d in payload["r"]]
    known = set(db.session.scalars(select(Area.id).where(Area.id.in_({r["area_id"] for r in rows} or {-1}))))
    if any(r["area_id"] not in known for r in rows):
        raise PopulationProblem([_("An area in the file has been removed since the check. Upload the file again")])
    covers = sorted({(r["area_id"], r["kind"]) for r in rows})
    load = PopulationLoad(token=token, source=str(payload["s"])[:200], figures_date=date.fromisoformat(payload["d"]),
                          loaded_by_id=actor.id if actor is not None else None, rows=len(rows),
                          covers=[list(c) for c in covers], is_demo=all(r["is_demo"] for r in rows))
    try:
        with db.session.begin_nested():
            # The token is unique: a second confirm of the same preview racing this one
            # fails here, and is answered with the load the first one stored.
            db.session.add(load)
            db.session.flush()
    except IntegrityError:
        existing = db.session.scalar(select(PopulationLoad).where(PopulationLoad.token == token))
        if existing is None:
            raise
        return existing, False
    import_rows(actor, rows)
    return load, True


def load_for(survey) -> PopulationLoad | None:
    """The latest load of figures that covers the survey's wards (or its whole area)."""
    ids = set(ward_ids_of(survey)) | ({survey.population_area_id} if survey.population_area_id else set())
    if not ids:
        return None
    for load in db.session.scalars(select(PopulationLoad).order_by(PopulationLoad.loaded_at.desc(), PopulationLoad.id.desc())):
        if any(area_id in ids for area_id, _kind in (load.covers or [])):
            return load
    return None


def describe_load(load: PopulationLoad | None) -> str:
    """“Weighted to ONS mid-2024 population estimates (June 2024), loaded by Sam Lee on
    6 December 2026”, or "" when no load is recorded."""
    if load is None:
        return ""
    who = load.loaded_by.name if load.loaded_by is not None else "Engage"
    return _("Weighted to %(source)s (%(month)s), loaded by %(who)s on %(date)s", source=load.source,
             month=format_date(load.figures_date, "month"), who=who, date=format_date(load.loaded_at, "day"))


def source_facts(survey) -> dict | None:
    load = load_for(survey)
    if load is None:
        return None
    return {"source": load.source, "date": load.figures_date.isoformat(),
            "loaded_by": load.loaded_by.name if load.loaded_by is not None else None,
            "loaded_at": load.loaded_at.replace(microsecond=0).isoformat() + "Z", "description": describe_load(load)}


def import_rows(actor, rows: list[dict]) -> int:
    """Replace the figures of each area and kind the rows cover (flush, no commit). Each area
    changed moves its version on, so an edit form opened before the import conflicts."""
    covered = {(r["area_id"], r["kind"]) for r in rows}
    for area_id, kind in covered:
        db.session.execute(delete(PopulationFigure).where(PopulationFigure.area_id == area_id, PopulationFigure.kind == kind))
    for row in rows:
        db.session.add(PopulationFigure(**row))
    for area_id in {area_id for area_id, _kind in covered}:
        area = db.session.get(Area, area_id)
        if area is not None:
            concurrency.bump(area)
    db.session.flush()
    if actor is not None:
        from ..core.models import AuditEvent

        db.session.add(AuditEvent(actor_id=actor.id, action="import", object_type="PopulationFigure", object_id=None,
                                  summary=f"Population figures imported: {len(rows):,} rows for {len(covered)} area profiles",
                                  changes={"rows": len(rows)}))
        db.session.flush()
    return len(rows)


def save_area_figures(actor, area: Area, counts: dict[tuple[str, str], int | None], version=concurrency.UNCHECKED) -> None:
    """Officers' edit form: the age-sex counts of one area (None removes a figure).
    ``version`` is the area's version the form was loaded from (engage/core/concurrency.py):
    figures saved by someone else since are an ``EditConflict`` and nothing is saved."""
    concurrency.check(area, version)
    existing = {(f.age_band, f.sex): f for f in figures_for([area.id]) if f.kind == "age-sex"}
    changes = {}
    for (age, sex), count in counts.items():
        figure = existing.get((age, sex))
        before = figure.count if figure is not None else None
        if count is not None and (count < 0 or count > 10_000_000):
            raise PopulationProblem([f"{age}, {sex}: enter a whole number from 0 to 10,000,000"])
        if before != count:
            changes[f"{age}, {sex}"] = [before, count]
        if count is None:
            if figure is not None:
                db.session.delete(figure)
            continue
        if figure is None:
            db.session.add(PopulationFigure(area_id=area.id, kind="age-sex", age_band=age, sex=sex, count=count))
        elif figure.count != count:
            figure.count, figure.is_demo = count, False
    audit.record(actor, "update", area, f"Population figures changed for {area.name}", changes=changes)
    concurrency.flush(area)


def export_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS + ["demo"])
    rows = db.session.execute(select(PopulationFigure, Area.name).join(Area).order_by(Area.name, PopulationFigure.kind,
                                                                                      PopulationFigure.age_band, PopulationFigure.sex,
                                                                                      PopulationFigure.ethnicity)).all()
    for figure, name in rows:
        writer.writerow([name, figure.kind, figure.age_band, figure.sex, figure.ethnicity, figure.count, "yes" if figure.is_demo else ""])
    return out.getvalue()


def areas_with_figures() -> list[tuple[Area, int, bool]]:
    rows = db.session.execute(select(Area, PopulationFigure.count, PopulationFigure.is_demo).join(PopulationFigure)
                              .where(PopulationFigure.kind == "age-sex")).all()
    totals, demo, areas = defaultdict(int), defaultdict(bool), {}
    for area, count, is_demo in rows:
        totals[area.id] += count
        demo[area.id] |= bool(is_demo)
        areas[area.id] = area
    return sorted(((areas[i], totals[i], demo[i]) for i in areas), key=lambda item: item[0].name)


def subtree(area_id: int) -> set[int]:
    return area_subtree_ids([area_id])


def recent_loads(limit: int = 10) -> list[PopulationLoad]:
    return db.session.scalars(select(PopulationLoad).order_by(PopulationLoad.loaded_at.desc(), PopulationLoad.id.desc()).limit(limit)).all()
