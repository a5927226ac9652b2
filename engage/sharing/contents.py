"""What a findings report holds besides its details: key findings, recommendations and
attachments (checked and stored as the consultation database's documents are). Only its
authors change them, and only while it is a draft. Services flush; views commit."""
from __future__ import annotations

from ..core import audit, uploads
from ..core.errors import not_found
from ..core.models import utcnow
from ..core.params import to_id
from ..core.sanitise import clean_text
from ..extensions import db
from .models import Recommendation, ReportAttachment, ReportFinding
from .services import RuleError, can_edit, question_choices, record_contribution


# ---- key findings and recommendations ------------------------------------------------------

def _child(model, report, child_id, label):
    child_id = to_id(child_id)
    obj = db.session.get(model, child_id) if child_id else None
    if obj is None or obj.report_id != report.id:
        not_found(f"There is no {label} with that number in this report.")
    return obj


def get_finding(report, finding_id) -> ReportFinding:
    return _child(ReportFinding, report, finding_id, "key finding")


def get_recommendation(report, recommendation_id) -> Recommendation:
    return _child(Recommendation, report, recommendation_id, "recommendation")


def _editable(actor, report):
    if not can_edit(actor, report):
        raise RuleError("Only its authors can change a report, and only while it is a draft.")


def evidence_choices(report) -> list[tuple[str, str]]:
    """Evidence other capabilities offer for the report's consultations (comment themes)."""
    from ..core.registry import evidence

    return evidence.choices(c.id for c in report.consultations)


def finding_evidence(finding: ReportFinding) -> dict | None:
    from ..core.registry import evidence

    return evidence.describe(finding.evidence_kind, finding.evidence_id) if finding.evidence_kind else None


def save_finding(actor, report, finding: ReportFinding | None, data: dict) -> ReportFinding:
    _editable(actor, report)
    statement = clean_text(data.get("statement"))
    evidence = clean_text(data.get("evidence"))
    if not statement:
        raise RuleError("Enter the finding", "statement")
    if len(statement) > 500:
        raise RuleError("The finding must be 500 characters or fewer", "statement")
    if len(evidence) > 10000:
        raise RuleError("The evidence must be 10,000 characters or fewer", "evidence")
    question_id = data.get("question_id")
    if question_id is not None and question_id not in {q for q, _ in question_choices(report)}:
        raise RuleError("Select a question from the report's consultations", "question_id")
    cited = (data.get("cited") or "").strip()
    kind, target = "", None
    if cited:
        if cited not in {value for value, _ in evidence_choices(report)}:
            raise RuleError("Select a theme from the report's consultations", "cited")
        kind, _, number = cited.partition(":")
        target = to_id(number)
    creating = finding is None
    if creating:
        finding = ReportFinding(report=report, position=len(report.findings) + 1)
    if "cited" in data:
        finding.evidence_kind, finding.evidence_id = kind, target
    position = data.get("position")
    finding.statement, finding.evidence, finding.question_id = statement, evidence, question_id
    if position is not None:
        finding.position = position
    db.session.add(finding)
    db.session.flush()
    audit.record(actor, "create" if creating else "update", finding, f"Key finding {'added to' if creating else 'changed in'} {report.title}")
    record_contribution(actor, report, "key finding")
    _touch(report)
    return finding


def delete_finding(actor, report, finding) -> None:
    _editable(actor, report)
    audit.record(actor, "delete", finding, f"Key finding removed from {report.title}",
                 changes={"statement": [finding.statement, None]})
    report.findings.remove(finding)
    record_contribution(actor, report, "key finding")
    _touch(report)


def save_recommendation(actor, report, recommendation: Recommendation | None, data: dict) -> Recommendation:
    _editable(actor, report)
    text = clean_text(data.get("text"))
    if not text:
        raise RuleError("Enter the recommendation", "text")
    if len(text) > 3000:
        raise RuleError("The recommendation must be 3,000 characters or fewer", "text")
    creating = recommendation is None
    if creating:
        recommendation = Recommendation(report=report, position=len(report.recommendations) + 1)
    recommendation.text = text
    if data.get("position") is not None:
        recommendation.position = data["position"]
    db.session.add(recommendation)
    db.session.flush()
    audit.record(actor, "create" if creating else "update", recommendation,
                 f"Recommendation {'added to' if creating else 'changed in'} {report.title}")
    record_contribution(actor, report, "recommendation")
    _touch(report)
    return recommendation


def delete_recommendation(actor, report, recommendation) -> None:
    _editable(actor, report)
    audit.record(actor, "delete", recommendation, f"Recommendation removed from {report.title}",
                 changes={"text": [recommendation.text, None]})
    report.recommendations.remove(recommendation)
    record_contribution(actor, report, "recommendation")
    _touch(report)


def _touch(report) -> None:
    report.updated_at = utcnow()
    db.session.flush()


# ---- attachments: checked and stored as the consultation database's documents are ---------

def add_attachment(actor, report, title: str, filename: str, data: bytes) -> ReportAttachment:
    _editable(actor, report)
    title = clean_text(title)
    if len(title) > 200:
        raise RuleError("The title must be 200 characters or fewer", "title")
    checked = uploads.check_file(filename, data)
    name = uploads.safe_filename(filename, checked.kind)
    title = title or name.rsplit(".", 1)[0].replace("_", " ")[:200] or "Attachment"
    stored_name = uploads.store(data)
    try:
        attachment = ReportAttachment(report=report, title=title, filename=name, stored_name=stored_name,
                                      content_type=checked.content_type, size=len(data), uploaded_by_id=actor.id)
        db.session.add(attachment)
        db.session.flush()
        audit.record(actor, "create", attachment, f"Attachment added to {report.title}: {title}",
                     changes={"title": [None, title], "filename": [None, name]})
        record_contribution(actor, report, "attachment")
        _touch(report)
    except Exception:
        uploads.discard([stored_name])
        raise
    return attachment


def get_attachment(report, attachment_id) -> ReportAttachment:
    return _child(ReportAttachment, report, attachment_id, "attachment")


def delete_attachment(actor, report, attachment) -> str:
    _editable(actor, report)
    audit.record(actor, "delete", attachment, f"Attachment removed from {report.title}: {attachment.title}",
                 changes={"title": [attachment.title, None]})
    stored = attachment.stored_name
    report.attachments.remove(attachment)
    record_contribution(actor, report, "attachment")
    _touch(report)
    return stored


def send_attachment(attachment):
    """The download of the attachment's file (wherever it is kept), or None when it is missing."""
    return uploads.send_stored(attachment.stored_name, mimetype=attachment.content_type,
                               download_name=attachment.filename, size=attachment.size)


