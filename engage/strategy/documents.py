"""Rules for strategy documents: versions and their sections, the comment period, what was
done with each comment, and comparing two versions. Functions flush; views commit."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape
from sqlalchemy import select

from ..accounts.roles import OFFICER
from ..core import transitions
from ..core.audit import record
from ..core.i18n import N_, gettext, ngettext
from ..core.templating import format_date
from ..core.models import utcnow
from ..core.sanitise import clean_text
from ..extensions import db
from . import notices, workflow
from .common import UNCHECKED, RuleError, check_version, get_or_404
from .models import (RESPONSE_KINDS, StrategyComment, StrategyCommentContact, StrategyDocument, StrategySection,
                     StrategyTransition, StrategyVersion, VERSION_STATES)
from ..core import clock

PUBLISHED = ("adopted", "superseded")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _today() -> date:
    return clock.today()


def is_officer(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.has_role(OFFICER))


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


# ---- seeing versions --------------------------------------------------------------------

def can_view(user, version: StrategyVersion) -> bool:
    if version.state in PUBLISHED or is_officer(user):
        return True
    if version.state == "consultation":
        return _signed_in(user) or version.public_comments
    return False


def get_version(user, version_id) -> StrategyVersion:
    version = get_or_404(StrategyVersion, version_id, "There is no strategy version at this address.")
    if not can_view(user, version):
        from ..core.errors import not_found

        not_found("There is no strategy version at this address.")
    return version


def visible_versions(user) -> list[StrategyVersion]:
    versions = db.session.scalars(select(StrategyVersion).order_by(StrategyVersion.document_id, StrategyVersion.number.desc())).all()
    return [v for v in versions if can_view(user, v)]


def adopted_version() -> StrategyVersion | None:
    """The strategy everyone lands on: the most recently adopted version."""
    return db.session.scalar(select(StrategyVersion).where(StrategyVersion.state == "adopted")
                             .order_by(StrategyVersion.adopted_on.desc(), StrategyVersion.id.desc()).limit(1))


def open_for_comment(user) -> list[StrategyVersion]:
    versions = db.session.scalars(select(StrategyVersion).where(StrategyVersion.state == "consultation")
                                  .order_by(StrategyVersion.comments_close_on)).all()
    return [v for v in versions if can_view(user, v)]


# ---- making and editing versions --------------------------------------------------------

def _require_officer(user) -> None:
    if not is_officer(user):
        raise RuleError("Only a partnership officer can change the strategy.")


def create_document(actor, title: str, summary: str = "") -> StrategyVersion:
    _require_officer(actor)
    title = clean_text(title, 200)
    if not title:
        raise RuleError("Enter the title of the strategy", "title")
    if db.session.scalar(select(StrategyDocument).where(StrategyDocument.title == title)):
        raise RuleError("There is already a strategy with this title. Start a new version of it instead.", "title")
    document = StrategyDocument(title=title)
    db.session.add(document)
    version = StrategyVersion(document=document, number=1, title=title, summary=clean_text(summary), state="draft",
                              created_by_id=actor.id)
    db.session.add(version)
    db.session.flush()
    record(actor, "create", version, f"Started the strategy “{title}”")
    return version


def new_version(actor, source: StrategyVersion) -> StrategyVersion:
    """A new draft copied from ``source`` (its sections keep their keys, for comparing)."""
    _require_officer(actor)
    document = source.document
    if any(v.state in ("draft", "consultation") for v in document.versions):
        raise RuleError("This strategy already has a version being drafted or out for comment. Finish that one first.")
    number = max(v.number for v in document.versions) + 1
    version = StrategyVersion(document=document, number=number, title=source.title, summary=source.summary,
                              state="draft", public_comments=source.public_comments, created_by_id=actor.id)
    db.session.add(version)
    for section in source.sections:
        version.sections.append(StrategySection(key=section.key, position=section.position, heading=section.heading, body=section.body))
    db.session.flush()
    record(actor, "create", version, f"Started version {number} from version {source.number}")
    return version


def update_version(actor, version: StrategyVersion, data: dict, loaded_version=UNCHECKED) -> StrategyVersion:
    _require_officer(actor)
    if version.state not in ("draft", "consultation"):
        raise RuleError("An adopted or superseded version cannot be changed. Start a new version instead.")
    check_version(version, loaded_version, {"title": "Title", "summary": "Summary", "comments_close_on": "Comments close on"}, data)
    title = clean_text(data.get("title"), 200)
    if not title:
        raise RuleError("Enter the title", "title")
    close = data.get("comments_close_on")
    if version.state == "consultation" and close is None:
        raise RuleError("A version out for comment needs a closing date", "comments_close_on")
    version.title = title
    version.summary = clean_text(data.get("summary"))
    version.comments_close_on = close
    version.public_comments = bool(data.get("public_comments"))
    record(actor, "update", version, f"Changed the details of version {version.number}")
    db.session.flush()
    return version


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
    return slug or "section"


def save_section(actor, version: StrategyVersion, section: StrategySection | None, data: dict, loaded_version=UNCHECKED) -> StrategySection:
    _require_officer(actor)
    if version.state != "draft":
        raise RuleError("Sections can only be changed while the version is a draft.")
    heading = clean_text(data.get("heading"), 200)
    body = clean_text(data.get("body"))
    if not heading:
        raise RuleError("Enter the section heading", "heading")
    if not body:
        raise RuleError("Enter the text of the section", "body")
    if section is None:
        key = base = _slug(heading)
        taken = {s.key for s in version.sections}
        n = 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        position = max((s.position for s in version.sections), default=0) + 1
        section = StrategySection(strategy_version=version, key=key, position=position, heading=heading, body=body)
        db.session.add(section)
        db.session.flush()
        record(actor, "create", section, f"Added the section “{heading}” to version {version.number}")
    else:
        check_version(section, loaded_version, {"heading": "Heading", "body": "Text"}, {"heading": heading, "body": body})
        section.heading, section.body = heading, body
        record(actor, "update", section, f"Changed the section “{heading}”")
        db.session.flush()
    return section


def delete_section(actor, section: StrategySection) -> None:
    _require_officer(actor)
    if section.strategy_version.state != "draft":
        raise RuleError("Sections can only be removed while the version is a draft.")
    if section.comments:
        raise RuleError(f"This section has {len(section.comments)} comments, so it cannot be removed: "
                        "what people said must stay on record. Change its text instead.")
    _delete(actor, section, f"Removed the section “{section.heading}”")


def _delete(actor, obj, summary: str):
    """Through the one delete rule (engage/core/deletion.py); a refusal is a RuleError."""
    from ..core import deletion

    try:
        return deletion.delete(actor, obj, summary)
    except deletion.DeleteRefused as error:
        raise RuleError(str(error)) from None


def move_section(actor, section: StrategySection, direction: str) -> None:
    _require_officer(actor)
    version = section.strategy_version
    if version.state != "draft":
        raise RuleError("Sections can only be moved while the version is a draft.")
    sections = list(version.sections)
    index = sections.index(section)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(sections):
        sections[index], sections[other] = sections[other], sections[index]
        for position, item in enumerate(sections, start=1):
            item.position = position
        db.session.flush()


def get_section(version: StrategyVersion, section_id) -> StrategySection:
    section = get_or_404(StrategySection, section_id, "There is no such section in this version.")
    if section.version_id != version.id:
        from ..core.errors import not_found

        not_found("There is no such section in this version.")
    return section


# ---- moving a version through its states ------------------------------------------------

def transition(actor, version: StrategyVersion, action: str, reason: str = "", today: date | None = None) -> StrategyVersion:
    today = today or _today()
    move = workflow.check(action, version.state, actor)
    reason = clean_text(reason)
    if move.needs_reason and not reason:
        raise RuleError("Say why, so partners know what happened", "reason")
    _ready(version, action, today)
    if action == "adopt":
        for other in version.document.versions:
            if other is not version and other.state == "adopted":
                _move(actor, other, workflow.MOVES["supersede"], f"Version {version.number} was adopted")
        version.adopted_on = today
    left = notices.days_left(version, today) if action == "adopt" else 0
    step = _move(actor, version, move, reason)
    if action == "open_comment":
        notices.out_for_comment(actor, version, step)
    if action == "adopt":
        if left:
            notices.closed_early(actor, version, step, left)
        notices.adopted(version, step)
    return version


@dataclass
class Confirmation:
    """What a move will do, asked before it is done (the view shows it; nothing is saved)."""
    action: str
    question: str
    details: list


def confirmation(version: StrategyVersion, action: str, actor=None, today: date | None = None) -> Confirmation | None:
    """The question to ask before ``action``, or None when it needs none: sending a version
    out emails every partner; adopting while comments are still open closes them early."""
    today = today or _today()
    try:
        workflow.check(action, version.state, actor)
        _ready(version, action, today)
    except RuleError:
        return None  # it will be refused in words; nothing to confirm
    if action == "open_comment":
        people = notices.partners_to_tell(actor)
        closes = version.comments_close_on
        # Whole sentences in the officer's language (counts through ngettext, dates by Babel).
        if closes:
            told = ngettext("We will email %(num)s partner (Network Group members and partnership coordinators) to say it "
                            "is open for comment until %(date)s.",
                            "We will email %(num)s partners (Network Group members and partnership coordinators) to say it "
                            "is open for comment until %(date)s.", len(people), date=format_date(closes))
        else:
            told = ngettext("We will email %(num)s partner (Network Group members and partnership coordinators) to say it "
                            "is open for comment.",
                            "We will email %(num)s partners (Network Group members and partnership coordinators) to say it "
                            "is open for comment.", len(people))
        details = [told, gettext("You cannot change its sections while it is out for comment.")]
        return Confirmation(action, gettext("Send version %(number)s out for comment and email everyone?", number=version.number), details)
    if action == "adopt":
        left = notices.days_left(version, today)
        if not left:
            return None
        told = notices.promised(version)
        closes = version.comments_close_on
        details = [ngettext("Comments are open until %(date)s: %(num)s day is left.",
                            "Comments are open until %(date)s: %(num)s days are left.", left, date=format_date(closes)),
                   ngettext("Adopting now closes comments early. We will email the %(num)s person who was told that date to say so.",
                            "Adopting now closes comments early. We will email the %(num)s people who were told that date to say so.",
                            len(told))]
        return Confirmation(action, gettext("Adopt version %(number)s before comments close?", number=version.number), details)
    return None


def _ready(version: StrategyVersion, action: str, today: date) -> None:
    """What a move needs first, as a RuleError in words."""
    if action == "open_comment":
        if not version.sections:
            raise RuleError("Add at least one section before sending the version out for comment.")
        if version.comments_close_on is None or version.comments_close_on < today:
            raise RuleError("Set a closing date for comments that is today or later first (in the version's details).", "comments_close_on")
    if action == "adopt":
        waiting = sum(1 for s in version.sections for c in s.comments if not c.response_kind and not c.is_spam)
        if waiting:
            raise RuleError(f"{waiting} comment{'s' if waiting != 1 else ''} still need{'s' if waiting == 1 else ''} a response. "
                            "Record what was done with every comment before adopting: the responses are published with the strategy.")


def _move(actor, version: StrategyVersion, move: workflow.Move, reason: str) -> StrategyTransition:
    from_state = version.state
    # Once: only the request that finds the version still in ``from_state`` moves it
    # (engage/core/transitions.py); a second click is told and records nothing.
    try:
        transitions.compare_and_set(version, {"state": from_state}, {"state": move.to_state})
    except transitions.AlreadyMoved as error:
        now_in = error.current.get("state")
        if now_in is None:
            raise
        raise transitions.AlreadyMoved(
            f"Someone else has just changed version {version.number}: it is now "
            f"{VERSION_STATES.get(now_in, now_in).lower()}. Nothing was changed.", error.current) from None
    step = StrategyTransition(strategy_version=version, actor_id=getattr(actor, "id", None), action=move.action,
                              from_state=from_state, to_state=move.to_state, reason=reason)
    db.session.add(step)
    record(actor, "transition", version, f"Version {version.number}: {move.label.lower()}",
           {"state": [from_state, move.to_state]},
           said=(N_("Version %(number)s: %(move)s"), {"number": version.number, "move": move.label}, ("move",)))
    db.session.flush()
    return step


# ---- comments ---------------------------------------------------------------------------

def comments_open(version: StrategyVersion, today: date | None = None) -> bool:
    today = today or _today()
    return version.state == "consultation" and (version.comments_close_on is None or today <= version.comments_close_on)


def can_comment(user, version: StrategyVersion, today: date | None = None) -> bool:
    return comments_open(version, today) and (_signed_in(user) or version.public_comments)


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def passage_problem(section: StrategySection, passage) -> str | None:
    """The words quoted must be in the section (spaces and capitals aside)."""
    passage = clean_text(passage, 1000)
    if passage and _words(passage) not in _words(section.body):
        return gettext("Copy the words exactly as they are in the section, or leave this blank to comment on the whole section")
    return None


def add_comment(user, section: StrategySection, data: dict, today: date | None = None) -> StrategyComment:
    version = section.strategy_version
    if not can_comment(user, version, today):
        if comments_open(version, today):
            raise RuleError(gettext("Sign in to comment on this version."))
        raise RuleError(gettext("Comments on this version are closed."))
    body = clean_text(data.get("body"), 5000)
    passage = clean_text(data.get("passage"), 1000)
    if not body:
        raise RuleError(gettext("Enter your comment"), "body")
    problem = passage_problem(section, passage)
    if problem:
        raise RuleError(problem, "passage")
    comment = StrategyComment(section=section, body=body, passage=passage)
    db.session.add(comment)
    if _signed_in(user):
        comment.author_id = user.id
        comment.organisation_name = user.organisation.name if getattr(user, "organisation", None) else ""
    else:
        name = clean_text(data.get("name"), 120)
        email = clean_text(data.get("email"), 254)
        if not name:
            raise RuleError(gettext("Enter your name"), "name")
        if not EMAIL.match(email):
            raise RuleError(gettext("Enter an email address in the right format, like name@example.com"), "email")
        comment.contact = StrategyCommentContact(name=name, email=email)
    db.session.add(comment)
    db.session.flush()
    return comment


def respond(actor, comment: StrategyComment, kind: str, text: str, loaded_version=UNCHECKED) -> StrategyComment:
    _require_officer(actor)
    if comment.section.strategy_version.state in PUBLISHED:
        raise RuleError("This version has been adopted, so its published responses cannot be changed.")
    if kind not in RESPONSE_KINDS:
        raise RuleError("Select whether the strategy was changed", "kind")
    text = clean_text(text, 5000)
    if not text:
        raise RuleError("Say what was changed" if kind == "changed" else "Say why the strategy was not changed", "text")
    check_version(comment, loaded_version, {"response_kind": "Response", "response_text": "What was done"},
                  {"response_kind": kind, "response_text": text})
    comment.response_kind, comment.response_text = kind, text
    comment.responded_by_id, comment.responded_at = actor.id, utcnow()
    record(actor, "update", comment, f"Recorded what was done with comment {comment.id}")
    db.session.flush()
    if not comment.is_spam:
        notices.answered(comment)
    return comment


def mark_spam(actor, comment: StrategyComment, spam: bool = True) -> StrategyComment:
    """An officer marks a comment as spam (or takes the mark off), recorded who and when:
    kept, never published, and adoption does not wait for a response to it."""
    _require_officer(actor)
    if spam == comment.is_spam:
        raise RuleError("This comment is already marked as spam." if spam else "This comment is not marked as spam.")
    values = {"spam_at": utcnow(), "spam_by_id": actor.id} if spam else {"spam_at": None, "spam_by_id": None}
    transitions.compare_and_set(comment, {"spam_at": comment.spam_at}, values,
                                done="changed whether this comment is spam")
    record(actor, "update", comment, f"Comment {comment.id} {'marked as spam' if spam else 'no longer marked as spam'}",
           {"spam": [not spam, spam]})
    db.session.flush()
    return comment


def get_comment(comment_id) -> StrategyComment:
    return get_or_404(StrategyComment, comment_id, "There is no such comment.")


def comments_by_section(user, version: StrategyVersion) -> dict[int, list[StrategyComment]]:
    """What ``user`` may read: officers all comments; once adopted, everyone the published
    record; while out for comment, a partner their own comments."""
    out: dict[int, list[StrategyComment]] = {}
    sections = list(version.sections)
    if sections and (is_officer(user) or version.state in PUBLISHED or _signed_in(user)):
        # Every section's comments in one query, not one query per section (nor the sections
        # read a second time to load them): each section's list set as its relationship's,
        # in the relationship's order.
        from sqlalchemy.orm.attributes import set_committed_value

        found: dict[int, list[StrategyComment]] = {s.id: [] for s in sections}
        for comment in db.session.scalars(select(StrategyComment).where(StrategyComment.section_id.in_(list(found)))
                                          .order_by(StrategyComment.id)):
            found[comment.section_id].append(comment)
        for section in sections:
            if "comments" not in section.__dict__:   # not already loaded (or changed) in this session
                set_committed_value(section, "comments", found[section.id])
    for section in sections:
        if is_officer(user):
            shown = list(section.comments)
        elif version.state in PUBLISHED:
            shown = [c for c in section.comments if not c.is_spam]  # spam is kept, never published
        elif _signed_in(user):
            shown = [c for c in section.comments if c.author_id == user.id]
        else:
            shown = []
        out[section.id] = shown
    return out


def comments_csv(version: StrategyVersion) -> str:
    """Every comment with what was done, for officers to work through offline. Names, not
    email addresses: those stay in the site."""
    import csv
    import io

    from .plan import _cell

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Section", "Passage", "Comment", "From", "Name", "Made on", "Response", "What was done"])
    for section in version.sections:
        for c in section.comments:
            name = c.author.name if c.author else (c.contact.name if c.contact else "")
            writer.writerow([_cell(v) for v in (section.heading, c.passage, c.body, c.from_label, name, c.created_at.date().isoformat(),
                                                c.response_label, c.response_text)])
    return buffer.getvalue()


def comment_counts(version: StrategyVersion) -> tuple[int, int]:
    """(comments, comments with a response), leaving out those marked as spam."""
    comments = [c for s in version.sections for c in s.comments if not c.is_spam]
    return len(comments), sum(1 for c in comments if c.response_kind)


def forget_contacts(days: int = 90, today: date | None = None) -> int:
    """Delete members of the public's names and emails once the version they commented on
    has been adopted (or superseded) for ``days`` days. Returns how many were deleted."""
    today = today or _today()
    cutoff = today - timedelta(days=days)
    rows = db.session.scalars(
        select(StrategyCommentContact).join(StrategyComment).join(StrategySection).join(StrategyVersion)
        .where(StrategyVersion.state.in_(PUBLISHED), StrategyVersion.adopted_on <= cutoff)
    ).all()
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    return len(rows)


# ---- comparing versions -----------------------------------------------------------------

@dataclass
class SectionDiff:
    key: str
    heading: str
    status: str  # added | removed | changed | same
    old_heading: str = ""
    html: Markup = Markup("")


def _tokens(text: str) -> list[str]:
    return re.findall(r"\s+|[^\s]+", text or "")


def word_diff(old: str, new: str) -> Markup:
    """The new text with deleted words in <del> and added words in <ins> (all escaped)."""
    a, b = _tokens(old), _tokens(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append(Markup('<del class="engage-diff-del"><span class="govuk-visually-hidden">removed: </span>%s</del>') % "".join(a[i1:i2]))
        if op in ("insert", "replace"):
            out.append(Markup('<ins class="engage-diff-ins"><span class="govuk-visually-hidden">added: </span>%s</ins>') % "".join(b[j1:j2]))
    return Markup("").join(out)


def compare(old: StrategyVersion, new: StrategyVersion) -> list[SectionDiff]:
    """Section by section, in the new version's order, with removed sections at the end."""
    old_by_key = {s.key: s for s in old.sections}
    out = []
    for section in new.sections:
        before = old_by_key.pop(section.key, None)
        if before is None:
            out.append(SectionDiff(section.key, section.heading, "added", html=escape(section.body)))
        elif before.body == section.body and before.heading == section.heading:
            out.append(SectionDiff(section.key, section.heading, "same", html=escape(section.body)))
        else:
            out.append(SectionDiff(section.key, section.heading, "changed", old_heading=before.heading,
                                   html=word_diff(before.body, section.body)))
    for before in old_by_key.values():
        out.append(SectionDiff(before.key, before.heading, "removed", html=escape(before.body)))
    return out
