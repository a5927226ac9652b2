"""Importing results from CSV and XLSX: tidy and raw files, every error path (each problem
names its row and column), all or nothing, replacing earlier results only when asked, the
pages (upload → column choices → result, and the background progress page), the templates,
the role checks and the command line with its progress bar."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from engage.consultations import import_jobs, importing
from engage.consultations.models import AnswerOption, Question, ResultFigure, Segment
from engage.core.models import AuditEvent
from engage.extensions import db
from tests.consultations.results_support import (  # noqa: F401  (fixtures)
    SATISFIED,
    TIDY_HEADER,
    consultation,
    csv_bytes,
    make_consultation,
    places,
    raw_rows,
    tidy_rows,
    xlsx_bytes,
)


def _figures(consultation_id):
    """{(question, option, dimension, segment): (count, base)} straight from the database."""
    rows = db.session.execute(
        select(Question.text, AnswerOption.label, Segment.dimension, Segment.label, ResultFigure.count, ResultFigure.base)
        .join(ResultFigure, ResultFigure.question_id == Question.id)
        .join(AnswerOption, AnswerOption.id == ResultFigure.option_id)
        .join(Segment, Segment.id == ResultFigure.segment_id)
        .where(Question.consultation_id == consultation_id)
    ).all()
    return {(q, o, d, s): (c, b) for q, o, d, s, c, b in rows}


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Question, AnswerOption, ResultFigure, Segment))


def _as(login, role):
    """Sign the test client in as ``role``. The test's app context is shared with the requests,
    so the user Flask-Login cached in ``g`` by an earlier request is dropped too."""
    from flask import g

    client = login(role)
    g.pop("_login_user", None)
    return client


def _import(users, consultation, name, data, **kwargs):
    summary = importing.import_results(users["practitioner"], consultation, name, data, **kwargs)
    db.session.commit()
    return summary


def _problems(consultation, name, data, **kwargs):
    with pytest.raises(importing.ImportProblems) as error:
        importing.import_results(None, consultation, name, data, **kwargs)
    db.session.rollback()
    return error.value.messages


# ---- tidy files ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_tidy_file_imports_counts_bases_and_ward_groups(users, consultation, kind):
    data = csv_bytes(tidy_rows()) if kind == "csv" else xlsx_bytes(tidy_rows())
    summary = _import(users, consultation, f"results.{kind}", data, fmt="tidy")
    assert summary.questions_added == 2 and summary.questions_replaced == 0
    figures = _figures(consultation.id)
    assert figures[(SATISFIED, "Satisfied", "all", "All respondents")] == (60, 100)
    assert figures[(SATISFIED, "Dissatisfied", "ward", "Castle")] == (20, 30)
    # Priority wards and the rest of the borough are added up from the ward rows.
    assert figures[(SATISFIED, "Satisfied", "area-group", "Priority wards")] == (10, 30)
    assert figures[(SATISFIED, "Satisfied", "area-group", "Rest of the borough")] == (3, 4)
    assert figures[("What would most improve your area?", "Cleaner streets", "all", "All respondents")] == (41, 100)
    castle = db.session.scalar(select(Segment).where(Segment.label == "Castle"))
    assert castle.area_id is not None and castle.dimension == "ward"
    options = db.session.scalars(select(AnswerOption.label).join(Question).where(Question.text == SATISFIED).order_by(AnswerOption.position)).all()
    assert options == ["Satisfied", "Dissatisfied"]  # the file's order
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import"))
    assert event.object_id == consultation.id and event.actor_id == users["practitioner"].id
    assert event.changes["questions_added"] == 2 and f"results.{kind}" in event.summary


def test_tidy_dimension_column_and_multiple_choice(users, consultation):
    rows = [["question", "option", "dimension", "segment", "count", "base"],
            ["Which services do you use?", "Library", "all", "", 70, 100],
            ["Which services do you use?", "Park", "all", "", 80, 100],
            ["Which services do you use?", "Library", "Age band", "16-24", 5, 20],
            ["Which services do you use?", "Library", "Tenure", "Council tenant", 9, 30]]
    _import(users, consultation, "services.csv", csv_bytes(rows), fmt="tidy")
    figures = _figures(consultation.id)
    assert figures[("Which services do you use?", "Library", "age", "16-24")] == (5, 20)
    assert figures[("Which services do you use?", "Library", "tenure", "Council tenant")] == (9, 30)
    question = db.session.scalar(select(Question))
    assert question.qtype == "multiple"  # 70 + 80 > 100: people chose several


def test_tidy_code_column_and_guessed_format(users, consultation):
    rows = [["Q no", "Question", "Answer", "Group", "N", "Base"], ["Q7", "Is your street clean?", "Yes", "All", 5, 9]]
    summary = _import(users, consultation, "clean.csv", csv_bytes(rows))  # format guessed: tidy
    assert summary.fmt == "tidy"
    question = db.session.scalar(select(Question))
    assert (question.code, question.text) == ("Q7", "Is your street clean?")


# ---- raw files -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_raw_file_is_counted_by_engage(users, consultation, kind):
    data = csv_bytes(raw_rows()) if kind == "csv" else xlsx_bytes(raw_rows())
    summary = _import(users, consultation, f"responses.{kind}", data, fmt="raw")
    assert summary.respondents == 12 and summary.questions_added == 2
    figures = _figures(consultation.id)
    safe = "Do you feel safe after dark?"
    assert figures[(safe, "Yes", "all", "All respondents")] == (3, 12)
    assert figures[(safe, "No", "all", "All respondents")] == (9, 12)
    # Castle and Bridge are the priority wards; only Castle's people said yes.
    assert figures[(safe, "Yes", "area-group", "Priority wards")] == (3, 6)
    assert figures[(safe, "Yes", "area-group", "Rest of the borough")] == (0, 6)
    assert figures[(safe, "Yes", "ward", "Castle")] == (3, 3)
    assert figures[(safe, "Yes", "ward", "Mill")] == (0, 3)
    assert figures[(safe, "Yes", "age", "65+")] == (3, 6)
    assert figures[(safe, "No", "sex", "Male")][1] == 4
    # Several answers separated by ";" (guessed from the cells): each counted, base is people.
    fix = "What should we fix first?"
    assert figures[(fix, "Litter", "all", "All respondents")] == (12, 12)
    assert figures[(fix, "Lighting", "all", "All respondents")] == (6, 12)
    questions = {q.text: q for q in db.session.scalars(select(Question))}
    assert questions[safe].code == "Q1" and questions[fix].qtype == "multiple"
    db.session.refresh(consultation)
    assert consultation.responses == 12  # was blank, so set from the file


def test_raw_answers_grouped_case_insensitively_and_scale_ordered(users, consultation):
    rows = [["Ward", "How satisfied are you?"], ["Castle", "Very satisfied"], ["Mill", "very dissatisfied"],
            ["Park", "Fairly satisfied"], ["Bridge", "Very Satisfied"], ["", "Neither satisfied nor dissatisfied"]]
    _import(users, consultation, "scale.csv", csv_bytes(rows), fmt="raw")
    question = db.session.scalar(select(Question))
    assert [o.label for o in question.options] == ["Very satisfied", "Fairly satisfied", "Neither satisfied nor dissatisfied", "very dissatisfied"]
    assert question.qtype == "scale"
    figures = _figures(consultation.id)
    assert figures[("How satisfied are you?", "Very satisfied", "all", "All respondents")] == (2, 5)
    # A blank ward is simply not in any ward group.
    assert sum(b for (q, o, d, s), (c, b) in figures.items() if d == "ward" and o == "Very satisfied") == 4


def test_ward_codes_and_spelling_variants_match_areas(users, consultation):
    rows = [["Ward", "Q"], ["E05000001", "Yes"], ["castle ward", "No"], [" MILL ", "Yes"]]
    _import(users, consultation, "codes.csv", csv_bytes(rows), fmt="raw")
    figures = _figures(consultation.id)
    assert figures[("Q", "Yes", "ward", "Castle")] == (1, 2)
    assert figures[("Q", "Yes", "ward", "Mill")] == (1, 1)


def test_column_mapping_choices_are_used(users, consultation):
    rows = [["Where you live", "Comment", "Q1 Happy?"], ["Castle", "Lovely place", "Yes"], ["Park", "Noisy", "No"]]
    mapping = {0: "segment:ward", 1: "ignore", 2: "question"}
    _import(users, consultation, "mapped.csv", csv_bytes(rows), fmt="raw", mapping=mapping)
    texts = db.session.scalars(select(Question.text)).all()
    assert texts == ["Happy?"]
    assert _figures(consultation.id)[("Happy?", "Yes", "ward", "Castle")] == (1, 1)


# ---- every problem, with its row and column; nothing saved ----------------------------------

def test_wrong_extension_and_old_excel(consultation):
    assert "must be a CSV file (.csv) or an Excel workbook (.xlsx)" in _problems(consultation, "results.txt", b"a,b\n1,2\n")[0]
    assert "old-style Excel file (.xls)" in _problems(consultation, "results.xls", b"\xd0\xcf\x11\xe0")[0]


def test_wrong_type_of_file(consultation):
    assert "not an Excel workbook Engage can read" in _problems(consultation, "results.xlsx", b"question,option\nnot,a workbook\n")[0]
    assert "looks like an Excel workbook with a .csv name" in _problems(consultation, "results.csv", xlsx_bytes(tidy_rows()))[0]
    assert "does not look like a CSV file" in _problems(consultation, "results.csv", b"\x00\x01\x02binary\x00")[0]


def test_empty_files(consultation):
    assert _problems(consultation, "empty.csv", b"") == ["The file is empty"]
    assert "no heading row" in _problems(consultation, "blank.csv", b"\n\n,,\n")[0]
    messages = _problems(consultation, "header.csv", csv_bytes([TIDY_HEADER]))
    assert messages == ["Row 2: The file has a heading row but no rows of results under it"]
    assert "no heading row" in _problems(consultation, "empty.xlsx", xlsx_bytes([]))[0]


def test_bad_encoding_names_the_row(consultation):
    data = csv_bytes(tidy_rows()[:2]) + "Caf\u00e9 question,Yes,All,1,2\n".encode("latin-1")
    message = _problems(consultation, "latin.csv", data)[0]
    assert message.startswith("Row 3: The file is not saved as UTF-8 text")
    assert "CSV UTF-8" in message


def test_utf16_and_semicolon_csv_are_read(users, consultation):
    text = "question;option;segment;count;base\r\nQuestion é;Oui;All;3;4\r\n"
    _import(users, consultation, "excel-unicode.csv", text.encode("utf-16"), fmt="tidy")
    assert _figures(consultation.id)[("Question é", "Oui", "all", "All respondents")] == (3, 4)


def test_missing_columns(consultation):
    rows = [["question", "option", "count"], [SATISFIED, "Yes", 3]]
    assert _problems(consultation, "r.csv", csv_bytes(rows), fmt="tidy") == ["Choose the column that holds the base"]
    assert "Choose at least one column that is a question" in _problems(
        consultation, "r.csv", csv_bytes([["Ward"], ["Castle"]]), fmt="raw")[0]


def test_two_columns_for_one_role(consultation):
    sheet = importing.read_file("r.csv", csv_bytes(tidy_rows()))
    problems = importing.check_mapping(sheet, "tidy", {0: "question", 1: "option", 2: "segment", 3: "count", 4: "count"})
    messages = [str(p) for p in problems]
    assert "Choose the column that holds the base" in messages
    assert "Only one column can hold the count: you chose 'count' and 'base'" in messages


@pytest.mark.parametrize("value,message", [
    ("lots", "Row 3, column 'count': 'lots' is not a whole number"),
    ("12.5", "Row 3, column 'count': '12.5' is not a whole number"),
    ("-2", "Row 3, column 'count': the count cannot be less than 0"),
    ("", "Row 3, column 'count': the count is blank"),
    ("120", "Row 3, column 'count': the count (120) is more than the base (100)"),
])
def test_bad_counts(consultation, value, message):
    rows = tidy_rows()
    rows[2][3] = value
    assert message in _problems(consultation, "r.csv", csv_bytes(rows), fmt="tidy")


def test_bad_base_and_inconsistent_base(consultation):
    rows = tidy_rows()
    rows[1][4] = "0"
    assert "Row 2, column 'base': the base must be at least 1" in _problems(consultation, "r.csv", csv_bytes(rows), fmt="tidy")[0]
    rows = tidy_rows()
    rows[2][4] = 90
    message = _problems(consultation, "r.csv", csv_bytes(rows), fmt="tidy")[0]
    assert message.startswith("Row 3, column 'base': the base for this question and segment is 100 on row 2")


def test_numbers_from_excel_and_with_commas_are_whole(users, consultation):
    rows = [TIDY_HEADER, [SATISFIED, "Yes", "All", "1,250", 2500.0]]
    _import(users, consultation, "r.xlsx", xlsx_bytes(rows), fmt="tidy")
    assert _figures(consultation.id)[(SATISFIED, "Yes", "all", "All respondents")] == (1250, 2500)


def test_blank_question_and_option(consultation):
    rows = tidy_rows()
    rows[3][0] = ""
    rows[4][1] = "  "
    messages = _problems(consultation, "r.csv", csv_bytes(rows), fmt="tidy")
    assert "Row 4, column 'question': the question is blank" in messages
    assert "Row 5, column 'option': the answer option is blank" in messages


def test_unknown_segment_and_ward(consultation):
    rows = tidy_rows()
    rows[3][2] = "Martians"
    message = _problems(consultation, "r.csv", csv_bytes(rows), fmt="tidy")[0]
    assert message.startswith("Row 4, column 'segment': 'Martians' is not a segment Engage recognises")
    rows = [["question", "option", "dimension", "segment", "count", "base"], [SATISFIED, "Yes", "ward", "Castel", 1, 2]]
    message = _problems(consultation, "r.csv", csv_bytes(rows), fmt="tidy")[0]
    assert message == "Row 2, column 'segment': 'Castel' is not one of Engage's places. Did you mean 'Castle'?"
    rows = [["question", "option", "dimension", "segment", "count", "base"], [SATISFIED, "Yes", "area group", "Top wards", 1, 2]]
    assert "should be 'Priority wards' or 'Rest of the borough'" in _problems(consultation, "r.csv", csv_bytes(rows), fmt="tidy")[0]


def test_unknown_ward_in_raw_file_reported_once_with_its_rows(consultation):
    rows = raw_rows(12)
    for i in (3, 7, 9):
        rows[i][1] = "Narnia"
    messages = _problems(consultation, "r.csv", csv_bytes(rows), fmt="raw")
    assert messages == ["Row 4, column 'Ward': 'Narnia' is not one of Engage's places. Check the spelling, or ask an officer "
                        "to add it to Engage's places (also on rows 8, 10)"]


def test_duplicate_rows(consultation):
    rows = tidy_rows() + [[SATISFIED, "satisfied", "All respondents", 60, 100]]
    assert "Row 10: this row repeats row 2 (the same question, answer and segment)" in _problems(consultation, "r.csv", csv_bytes(rows), fmt="tidy")
    rows = raw_rows(6)
    rows[5][0] = 2
    assert "Row 6, column 'id': this row has the same respondent number (2) as row 3" in _problems(consultation, "r.csv", csv_bytes(rows), fmt="raw")


def test_open_comments_and_unanswered_columns(consultation):
    rows = [["Ward", "Any other comments?"]] + [["Castle", f"Comment number {i}"] for i in range(70)]
    message = _problems(consultation, "r.csv", csv_bytes(rows), fmt="raw")[0]
    assert "column 'Any other comments?': this question has more than 60 different answers" in message
    rows = [["Ward", "Q1", "Q2"], ["Castle", "Yes", ""], ["Mill", "No", ""]]
    assert _problems(consultation, "r.csv", csv_bytes(rows), fmt="raw") == [
        "Column 'Q2': nobody answered this question. Choose 'Ignore this column' for it, or check the column"]


def test_headings_missing_or_repeated_in_raw_file(consultation):
    rows = [["Ward", "Happy?", "", "happy?"], ["Castle", "Yes", "No", "Yes"]]
    messages = _problems(consultation, "r.csv", csv_bytes(rows), fmt="raw", mapping={0: "segment:ward", 1: "question", 2: "question", 3: "question"})
    assert any(m.startswith("Row 1, column 'column C': This column has no heading") for m in messages)
    assert any("Two columns have the same heading (columns B and D)" in m for m in messages)


def test_too_big_and_too_many_rows(app, consultation):
    app.config["ENGAGE_IMPORT_MAX_MB"] = 0.001  # about 1 KB
    message = _problems(consultation, "big.csv", csv_bytes(raw_rows(200)))[0]
    assert re.match(r"The file is \d+ KB; it must be 1 KB or smaller\. Split it into smaller files", message)
    app.config["ENGAGE_IMPORT_MAX_MB"] = 10
    app.config["ENGAGE_IMPORT_MAX_ROWS"] = 5
    assert "more than 5 rows of data; Engage imports up to 5 at a time" in _problems(consultation, "long.csv", csv_bytes(raw_rows(6)))[0]


def test_a_bad_row_at_the_end_saves_nothing(consultation):
    before = _counts()
    rows = raw_rows(40)
    rows[-1][1] = "Atlantis"
    messages = _problems(consultation, "r.csv", csv_bytes(rows), fmt="raw")
    assert messages[0].startswith("Row 41, column 'Ward'")
    assert _counts() == before == (0, 0, 0, 0)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import")) == 0


def test_the_service_itself_refuses_someone_who_may_not_edit(users, consultation):
    from engage.partnership.models import Organisation

    outsider = users["practitioner"]
    outsider.organisation_id = db.session.scalar(select(Organisation.id).where(Organisation.id != consultation.lead_organisation_id))
    db.session.commit()
    with pytest.raises(importing.ImportProblems) as error:
        importing.import_results(outsider, consultation, "r.csv", csv_bytes(raw_rows(5)), fmt="raw")
    db.session.rollback()
    assert "You cannot add results to this consultation" in error.value.messages[0]
    assert _counts() == (0, 0, 0, 0)


def test_many_problems_are_capped(consultation):
    rows = [TIDY_HEADER] + [[SATISFIED, f"Option {i}", "All", "x", 10] for i in range(150)]
    messages = _problems(consultation, "r.csv", csv_bytes(rows), fmt="tidy")
    assert len(messages) == importing.MAX_PROBLEMS + 1
    assert messages[-1] == "There are more problems than the 100 shown. Fix these and try again."


def test_replacing_earlier_results_is_an_explicit_choice(users, consultation):
    _import(users, consultation, "first.csv", csv_bytes(tidy_rows()), fmt="tidy")
    question_id = db.session.scalar(select(Question.id).where(Question.text == SATISFIED))
    second = [TIDY_HEADER, [SATISFIED, "Satisfied", "All respondents", 70, 100], [SATISFIED, "Dissatisfied", "All respondents", 30, 100]]
    message = _problems(consultation, "second.csv", csv_bytes(second), fmt="tidy")[0]
    assert message.startswith("This consultation already has results for 1 of the questions in the file")
    assert _figures(consultation.id)[(SATISFIED, "Satisfied", "all", "All respondents")] == (60, 100)
    summary = _import(users, consultation, "second.csv", csv_bytes(second), fmt="tidy", replace=True)
    assert summary.questions_replaced == 1 and summary.questions_added == 0
    figures = _figures(consultation.id)
    assert figures[(SATISFIED, "Satisfied", "all", "All respondents")] == (70, 100)
    assert not any(k[0] == SATISFIED and k[2] == "ward" for k in figures)  # old ward figures are gone
    assert db.session.scalar(select(Question.id).where(Question.text == SATISFIED)) == question_id  # same question
    assert ("What would most improve your area?", "Cleaner streets", "all", "All respondents") in figures  # untouched


# ---- templates -------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt,kind", [("tidy", "csv"), ("tidy", "xlsx"), ("raw", "csv"), ("raw", "xlsx")])
def test_templates_download_and_import_as_they_are(client, users, consultation, fmt, kind):
    response = client.get(f"/consultations/results/templates/{fmt}.{kind}")
    assert response.status_code == 200
    assert f'filename="engage-results-{fmt}-template.{kind}"' in response.headers["Content-Disposition"]
    summary = _import(users, consultation, f"template.{kind}", response.data)
    assert summary.fmt == fmt and summary.questions_added == 2
    figures = _figures(consultation.id)
    if fmt == "tidy":
        assert figures[("How satisfied are you with your local area as a place to live?", "Very or fairly satisfied", "area-group", "Priority wards")] == (410, 700)
    else:
        # The question's wording is the question, never the template's instructions.
        assert figures[("Which of these would most improve your area?", "Cleaner streets", "all", "All respondents")] == (2, 3)


def test_unknown_template_is_404(client):
    assert client.get("/consultations/results/templates/other.csv").status_code == 404
    assert client.get("/consultations/results/templates/tidy.pdf").status_code == 404


# ---- the pages -------------------------------------------------------------------------------

def _upload(client, consultation, name, data, fmt="tidy"):
    return client.post(f"/consultations/{consultation.id}/results/import",
                       data={"file": (io.BytesIO(data), name), "format": fmt}, content_type="multipart/form-data")


def test_upload_preview_confirm_result(login, consultation):
    client = _as(login, "practitioner")
    page = client.get(f"/consultations/{consultation.id}/results/import")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count("<h1") == 1
    assert 'enctype="multipart/form-data"' in html and "/consultations/results/templates/tidy.xlsx" in html
    response = _upload(client, consultation, "results.csv", csv_bytes(tidy_rows()))
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "Check the columns" in html and "8 rows of data, 5 columns" in html
    # Guessed roles are selected, with examples from the file as hints.
    assert re.search(r'<option value="count" selected', html)
    assert "For example: How satisfied are you with your area?" in html
    form = {f"col_{i}": role for i, role in enumerate(["question", "option", "segment", "count", "base"])}
    response = client.post(preview_url, data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/done")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Results imported" in html and "results.csv" in html
    assert _figures(consultation.id)[(SATISFIED, "Satisfied", "all", "All respondents")] == (60, 100)
    assert import_jobs.data_of(preview_url.rsplit("/", 1)[-1]) is None  # the upload is removed


def test_preview_shows_every_problem_and_saves_nothing(login, consultation):
    client = _as(login, "practitioner")
    rows = tidy_rows()
    rows[5][3] = "lots"
    response = _upload(client, consultation, "results.csv", csv_bytes(rows))
    preview_url = response.headers["Location"]
    form = {f"col_{i}": role for i, role in enumerate(["question", "option", "segment", "count", "base"])}
    response = client.post(preview_url, data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem: nothing has been imported" in html
    assert "Row 6, column &#39;count&#39;: &#39;lots&#39; is not a whole number" in html
    assert _counts() == (0, 0, 0, 0)


def test_preview_mapping_errors(login, consultation):
    client = _as(login, "practitioner")
    preview_url = _upload(client, consultation, "results.csv", csv_bytes(tidy_rows())).headers["Location"]
    form = {"col_0": "question", "col_1": "option", "col_2": "segment", "col_3": "count", "col_4": "ignore"}
    html = client.post(preview_url, data=form).get_data(as_text=True)
    assert "Choose the column that holds the base" in html
    form["col_4"] = "not-a-role"
    response = client.post(preview_url, data=form)
    assert response.status_code == 400 and "Choose what this column holds from the list" in response.get_data(as_text=True)
    assert _counts() == (0, 0, 0, 0)


@pytest.mark.parametrize("name,data,message", [
    ("results.txt", b"a,b\n", "The file must be a CSV file (.csv) or an Excel workbook (.xlsx)"),
    ("results.xlsx", b"not a zip", "not an Excel workbook Engage can read"),
    ("results.csv", b"", "The file is empty"),
    ("results.csv", "question\n".encode() + "\u00e9".encode("latin-1"), "Row 2: The file is not saved as UTF-8 text"),
])
def test_upload_errors_are_shown_next_to_the_field(login, consultation, name, data, message):
    client = _as(login, "practitioner")
    response = _upload(client, consultation, name, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in html and 'href="#file"' in html
    assert message in html.replace("&#39;", "'")
    assert "Error:" in html.split("<title>")[1].split("</title>")[0]


def test_upload_too_large_is_a_field_error(app, login, consultation):
    app.config["ENGAGE_IMPORT_MAX_MB"] = 0.001
    response = _upload(_as(login, "practitioner"), consultation, "results.csv", csv_bytes(raw_rows(200)), fmt="raw")
    assert response.status_code == 400
    assert "it must be 1 KB or smaller" in response.get_data(as_text=True)


def test_who_may_import(client, login, users, consultation, org):
    url = f"/consultations/{consultation.id}/results/import"
    response = client.get(url)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    for role in ("practitioner", "vcs", "coordinator", "officer"):
        assert login(role).get(url).status_code == 200, role
    # Someone from another organisation may see the consultation but not change it.
    from engage.partnership.models import Organisation

    other_org = db.session.scalar(select(Organisation).where(Organisation.name == "Other Trust"))
    users["practitioner"].organisation_id = other_org.id
    db.session.commit()
    assert _as(login, "practitioner").get(url).status_code == 403
    assert _upload(_as(login, "practitioner"), consultation, "r.csv", csv_bytes(tidy_rows())).status_code == 403
    assert _as(login, "officer").get(url).status_code == 200  # officers may change any
    assert _as(login, "officer").get("/consultations/999999/results/import").status_code == 404


def test_an_upload_belongs_to_its_uploader(login, users, consultation):
    preview_url = _upload(_as(login, "practitioner"), consultation, "results.csv", csv_bytes(tidy_rows())).headers["Location"]
    assert _as(login, "vcs").get(preview_url).status_code == 404
    assert _as(login, "practitioner").get(preview_url.replace(preview_url.rsplit("/", 1)[-1], "x" * 32)).status_code == 404


def test_csrf_is_checked_on_upload(app, users, consultation, tmp_path):
    from tests.conftest import make_app, sign_in

    secure = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, WTF_CSRF_ENABLED=True)
    with secure.app_context():
        client = secure.test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/sign-in", data={"email": users["practitioner"].email, "password": "correct-horse-battery", "csrf_token": token})
        html = client.get(f"/consultations/{consultation.id}/results/import").get_data(as_text=True)
        assert 'name="csrf_token"' in html
        response = _upload(client, consultation, "results.csv", csv_bytes(tidy_rows()))
        assert response.status_code == 400
        assert "The form you sent had expired" in response.get_data(as_text=True)
        db.session.remove()
    assert sign_in  # the helper exists for other tests


def test_large_file_imports_in_the_background_with_progress(app, login, consultation):
    app.config["ENGAGE_IMPORT_BACKGROUND_ROWS"] = 10
    client = _as(login, "practitioner")
    preview_url = _upload(client, consultation, "responses.csv", csv_bytes(raw_rows(40)), fmt="raw").headers["Location"]
    token = preview_url.rsplit("/", 1)[-1]
    # A large file is checked in full in the background first, with a progress page.
    first = client.get(preview_url)
    assert first.status_code == 302 and first.headers["Location"].endswith("/progress")
    import_jobs.wait(token, 30)
    html = client.get(preview_url).get_data(as_text=True)
    assert "Engage checked all 40 rows against the columns below and found no problems" in html
    assert "imports it in the background" in html and "Update the progress page by itself" in html
    form = {"col_0": "id", "col_1": "segment:ward", "col_2": "segment:age", "col_3": "segment:sex",
            "col_4": "question", "col_5": "question-multi", "auto_refresh": "y"}
    response = client.post(preview_url, data=form)
    assert response.status_code == 302 and "/progress" in response.headers["Location"]
    progress_url = response.headers["Location"]
    import_jobs.wait(token, 30)
    record = import_jobs.load(token)
    response = client.get(progress_url)
    assert response.status_code == 302 and response.headers["Location"].endswith("/done")
    assert record["state"] == "done" and record["summary"]["respondents"] == 40
    assert _figures(consultation.id)[("Do you feel safe after dark?", "Yes", "all", "All respondents")] == (10, 40)

    # The page of an import while it runs. This upload is claimed by the test itself, as its
    # worker would claim it, and its progress written through the worker's own progress
    # callback: no background work writes to this record, so nothing races the page.
    held = _upload(client, consultation, "responses.csv", csv_bytes(raw_rows(40)), fmt="raw").headers["Location"].rsplit("/", 1)[-1]
    assert import_jobs.claim(held, {0: "id"})
    try:
        import_jobs.UPLOADS.progress(held, every=3600)("checking", 20, 40)
        running_url = progress_url.replace(token, held)
        html = client.get(running_url).get_data(as_text=True)
        # It refreshes itself (no JavaScript) and shows a <progress> bar.
        assert '<meta http-equiv="refresh" content="2">' in html
        assert re.search(r'<progress class="engage-progress" id="import-progress" max="40" value="20">', html)
        assert "Rows checked: 20 of 40" in html and "Stop updating this page" in html
        html = client.get(running_url.split("?")[0] + "?refresh=off").get_data(as_text=True)
        assert "http-equiv" not in html and "Check progress" in html and "Rows checked: 20 of 40" in html
    finally:
        import_jobs.UPLOADS.release(held)


def test_background_import_failure_is_shown_and_saves_nothing(app, login, consultation):
    app.config["ENGAGE_IMPORT_BACKGROUND_ROWS"] = 10
    client = _as(login, "practitioner")
    rows = raw_rows(30)
    rows[25][1] = "Nowhere"
    preview_url = _upload(client, consultation, "responses.csv", csv_bytes(rows), fmt="raw").headers["Location"]
    token = preview_url.rsplit("/", 1)[-1]
    form = {"col_0": "id", "col_1": "segment:ward", "col_2": "segment:age", "col_3": "segment:sex", "col_4": "question", "col_5": "question-multi"}
    response = client.post(preview_url, data=form)
    assert "refresh=off" in response.headers["Location"]  # the person chose not to auto-refresh
    import_jobs.wait(token, 30)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The results were not imported" in html
    assert "Row 26, column &#39;Ward&#39;: &#39;Nowhere&#39; is not one of Engage&#39;s places" in html
    assert _counts() == (0, 0, 0, 0)


def test_an_upload_is_imported_once_however_often_it_is_sent(app, login, consultation):
    app.config["ENGAGE_IMPORT_BACKGROUND_ROWS"] = 10
    client = _as(login, "practitioner")
    preview_url = _upload(client, consultation, "responses.csv", csv_bytes(raw_rows(40)), fmt="raw").headers["Location"]
    token = preview_url.rsplit("/", 1)[-1]
    mapping = {0: "id", 1: "segment:ward", 2: "segment:age", 3: "segment:sex", 4: "question", 5: "question-multi"}
    first = import_jobs.start(app, token, mapping, False)
    second = import_jobs.start(app, token, mapping, False)  # a second click while the first runs
    assert first is not None and second is None
    import_jobs.wait(token, 30)
    assert import_jobs.load(token)["state"] == "done"
    assert db.session.scalar(select(func.count()).select_from(Question)) == 2  # once, not twice


def test_imported_questions_are_searchable_after_commit(login, consultation):
    from flask import current_app

    from engage.search import backend

    # "Yes" is 3 of 12: under the usual threshold the table hides it, and "No" with it (12 - 9),
    # so no headline may name "No" (tests/consultations/test_search.py); at 3 both are shown.
    current_app.config["ENGAGE_SUPPRESSION_THRESHOLD"] = 3
    client = _as(login, "practitioner")
    preview_url = _upload(client, consultation, "responses.csv", csv_bytes(raw_rows()), fmt="raw").headers["Location"]
    client.post(preview_url, data={"col_0": "id", "col_1": "segment:ward", "col_2": "segment:age", "col_3": "segment:sex",
                                   "col_4": "question", "col_5": "question-multi"})
    results = backend().search("consultations", "safe after dark", filters=[[("kind", "question")]])
    assert results.total == 1
    hit = results.hits[0].fields
    assert hit["title"] == "Do you feel safe after dark?" and hit["consultation_id"] == consultation.id
    assert hit["headline"] == "No came first: 75%, base 12, " + str(consultation.starts_on.year)


# ---- the command line ------------------------------------------------------------------------

def test_command_line_import_with_progress(runner, consultation, users, tmp_path):
    path = tmp_path / "responses.csv"
    path.write_bytes(csv_bytes(raw_rows(12)))
    result = runner.invoke(args=["engage", "import-results", str(consultation.id), str(path), "--format", "raw",
                                 "--user", users["officer"].email])
    assert result.exit_code == 0, result.output
    assert "Checking rows" in result.output  # the progress bar
    assert "Imported 2 questions with" in result.output and "from 12 respondents in responses.csv" in result.output
    assert _figures(consultation.id)[("Do you feel safe after dark?", "Yes", "all", "All respondents")] == (3, 12)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import"))
    assert event.actor_id == users["officer"].id


def test_command_line_mapping_and_errors(runner, consultation, tmp_path):
    path = tmp_path / "responses.csv"
    path.write_bytes(csv_bytes([["Home area", "Happy?"], ["Castle", "Yes"], ["Atlantis", "No"]]))
    result = runner.invoke(args=["engage", "import-results", str(consultation.id), str(path), "--mapping", "Home area=segment:ward"])
    assert result.exit_code == 1
    assert "Row 3, column 'Home area': 'Atlantis' is not one of Engage's places" in result.output
    assert "Nothing was imported" in result.output
    assert _counts() == (0, 0, 0, 0)
    result = runner.invoke(args=["engage", "import-results", str(consultation.id), str(path), "--mapping", "Nope=question"])
    assert result.exit_code == 1 and "The file has no column called 'Nope'" in result.output
    result = runner.invoke(args=["engage", "import-results", "999999", str(path)])
    assert result.exit_code == 1 and "There is no consultation number 999999" in result.output
    path.write_bytes(csv_bytes([["Home area", "Happy?"], ["Castle", "Yes"], ["Mill", "No"]]))
    result = runner.invoke(args=["engage", "import-results", str(consultation.id), str(path), "--mapping", "A=segment:ward"])
    assert result.exit_code == 0, result.output
    assert _figures(consultation.id)[("Happy?", "Yes", "ward", "Castle")] == (1, 1)
