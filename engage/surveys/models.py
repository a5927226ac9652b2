"""Resident surveys: a survey belongs to a consultation and holds sections and questions;
responses hold answers (one row per chosen option, statement or value). Residents'
"tell me what happens next" addresses live in their own table, never joined to answers.

States that follow from dates (draft, scheduled, open, closed) are computed, not stored.
What staff edit in forms (surveys, sections, questions) is ``Versioned``
(engage/core/concurrency.py): a stale save is an edit conflict, never an overwrite.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, and_, false, func, or_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..core.concurrency import Versioned
from ..core.i18n import N_, gettext
from ..core.models import link_table, utcnow
from ..extensions import db
from ..core import clock, generation

AUTOINC = {"sqlite_autoincrement": True}

CHANNELS = {
    "online": N_("Online"),
    "paper": N_("Paper"),
    "phone": N_("Phone"),
    "face-to-face": N_("Face to face"),
    "import": N_("Imported from another tool"),
}
PAPER_RETURN = "Please post it back in the freepost envelope, or hand it in at any library."
PAPER_COPIES = "Ask at your library for a paper copy."
STATES = {
    "draft": "Draft: not open yet, no dates set",
    "scheduled": "Scheduled",
    "open": "Open",
    "closed": "Closed",
}
# A survey's state in a word, in the reader's language (``Survey.state_label``).
STATE_LABELS = {"draft": N_("Draft"), "scheduled": N_("Scheduled"), "open": N_("Open"), "closed": N_("Closed")}


class Survey(Versioned, db.Model):
    __tablename__ = "survey"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # The short link: /s/<code>, for posters and leaflets.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    introduction: Mapped[str] = mapped_column(Text, default="")
    privacy_notice: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime | None] = mapped_column(DateTime)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Personal data (email addresses, free text flagged personal) is deleted this many days
    # after the survey closes.
    retention_days: Mapped[int] = mapped_column(Integer, default=365)
    results_note: Mapped[str] = mapped_column(Text, default="")
    one_per_browser: Mapped[bool] = mapped_column(Boolean, default=True)
    codes_required: Mapped[bool] = mapped_column(Boolean, default=False)
    ask_contact: Mapped[bool] = mapped_column(Boolean, default=True)
    # What the paper version and the poster say about paper copies: where a filled-in copy
    # goes back to, and where people get one. Each survey's own (not every area has
    # libraries or a freepost address).
    paper_return: Mapped[str] = mapped_column(String(300), default=lambda: PAPER_RETURN, server_default=PAPER_RETURN)
    paper_copies: Mapped[str] = mapped_column(String(300), default=lambda: PAPER_COPIES, server_default=PAPER_COPIES)
    # The area whose wards' population profile "who answered" and weighting compare with.
    population_area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"), index=True)
    # The youngest age the survey is for (equality.ELIGIBLE_AGES): weighting and "who answered"
    # compare with the population of that age and over, the population the survey could reach.
    min_age: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The decision that the results are public (who, when): only this makes them public,
    # never the consultation's results date alone (``publishing.publish``).
    results_public_at: Mapped[datetime | None] = mapped_column(DateTime)
    results_public_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    personal_purged_at: Mapped[datetime | None] = mapped_column(DateTime)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Moved on in the same transaction as any change to the sections, questions, options or
    # conditions (engage/surveys/snapshot.py): what each node's cache of the structure is keyed by.
    structure_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The database's generation (engage/core/generation.py: a restore renews it), read with the
    # row when asked for (get_for_answering), else on first use: the snapshot's other key.
    database_generation = column_property(generation.expression(), deferred=True)
    consultation = relationship("Consultation")
    population_area = relationship("Area")
    sections = relationship("SurveySection", back_populates="survey", cascade="all, delete-orphan",
                            order_by="SurveySection.position")
    # Positions count within a section: the id breaks ties, so the order is the same on every
    # database (PostgreSQL gave tied rows in any order).
    questions = relationship("SurveyQuestion", back_populates="survey", cascade="all, delete-orphan",
                             order_by=lambda: (SurveyQuestion.position, SurveyQuestion.id))
    themes = relationship("CommentTheme", back_populates="survey", cascade="all, delete-orphan",
                          order_by="CommentTheme.name")

    def state_at(self, now: datetime) -> str:
        if self.opens_at is None:
            return "draft"
        if now < self.opens_at:
            return "scheduled"
        if self.closes_at is not None and now >= self.closes_at:
            return "closed"
        return "open"

    @property
    def state(self) -> str:
        return self.state_at(utcnow())

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def state_label(self) -> str:
        return gettext(STATE_LABELS[self.state])

    def __str__(self) -> str:
        return self.title


class SurveySection(Versioned, db.Model):
    __tablename__ = "survey_section"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    # Show this section only when an earlier answer meets the rule (see questions.Rule).
    rule: Mapped[dict | None] = mapped_column(JSON)
    is_equality: Mapped[bool] = mapped_column(Boolean, default=False)
    survey = relationship("Survey", back_populates="sections")
    # Its questions go with it (the key is NOT NULL, ON DELETE CASCADE): deleted, never detached.
    questions = relationship("SurveyQuestion", back_populates="section", order_by="SurveyQuestion.position",
                             cascade="save-update, merge, delete", passive_deletes=True)


class SurveyQuestion(Versioned, db.Model):
    __tablename__ = "survey_question"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("survey_section.id", ondelete="CASCADE"), index=True)
    # Position across the whole survey: questions are numbered in this order (Q1, Q2...).
    position: Mapped[int] = mapped_column(Integer, default=0)
    qtype: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500))
    hint: Mapped[str] = mapped_column(String(1000), default="")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    randomise: Mapped[bool] = mapped_column(Boolean, default=False)
    # Every free-text part of the answers may identify someone: the answer of a text question
    # and the words written beside a choice ("Other, please say"). Deleted with the personal
    # data on schedule and left out of exports. See ``text_is_personal``.
    personal: Mapped[bool] = mapped_column(Boolean, default=False)
    # Type-specific settings: {"min": 0, "max": 10} for numbers, {"allow_other": true}...
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    rule: Mapped[dict | None] = mapped_column(JSON)
    # Equality monitoring questions say what they measure (age, sex, ethnicity...).
    equality_key: Mapped[str] = mapped_column(String(30), default="")
    survey = relationship("Survey", back_populates="questions")
    section = relationship("SurveySection", back_populates="questions")
    options = relationship("SurveyOption", back_populates="question", cascade="all, delete-orphan",
                           order_by="SurveyOption.position")

    @hybrid_property
    def text_is_personal(self) -> bool:
        """The one rule for free text: personal when the question is flagged so, and always
        for equality monitoring questions (what people write about their ethnic group,
        religion, gender identity or sexual orientation is special category data). Works in
        Python and in SQL (the purge uses it in a WHERE clause)."""
        return bool(self.personal) or bool(self.equality_key)

    @text_is_personal.inplace.expression
    @classmethod
    def _text_is_personal_expression(cls):
        return or_(cls.personal.is_(True), func.coalesce(cls.equality_key, "") != "")

    def choices(self) -> list["SurveyOption"]:
        return [o for o in self.options if o.kind == "option"]

    # A rating question's words for 0 and 10, kept in ``settings``: read as properties so they
    # are translated like any other text of the survey (engage/surveys/translation.py, ``tx``).
    @property
    def low_label(self) -> str:
        return str((self.settings or {}).get("low_label") or "") if self.qtype == "rating" else ""

    @property
    def high_label(self) -> str:
        return str((self.settings or {}).get("high_label") or "") if self.qtype == "rating" else ""

    def rows(self) -> list["SurveyOption"]:
        return [o for o in self.options if o.kind == "row"]


class SurveyOption(db.Model):
    """An answer option, or a statement (row) of a grid question."""

    __tablename__ = "survey_option"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="option")  # option | row
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(300))
    # "Prefer not to say", "Don't know": counted, but left out of significance tests.
    is_exclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    # Marked by the survey's editors ("Don't know", "Not applicable"): counted and shown, but
    # people who gave only such answers are left out of the base of the percentages.
    out_of_base: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # "Any other ... background": invites a written answer.
    invites_text: Mapped[bool] = mapped_column(Boolean, default=False)

    question = relationship("SurveyQuestion", back_populates="options")


SET_ASIDE = {"duplicate": N_("Duplicate"), "spam": N_("Spam")}


class SurveyResponse(Versioned, db.Model):
    """One person's answers. A draft holds answers page by page (``draft``); on submit the
    answers are written as ``SurveyAnswer`` rows and the status becomes complete.

    Staff may correct a complete response (a new version: ``records.correct``), set it
    aside as a duplicate or spam (``set_aside``: kept, not counted, can be put back), or
    erase it at the person's request (status "erased": its answers are deleted, the row
    stays as the note that it was erased). Which responses count is ``counted`` below."""

    __tablename__ = "survey_response"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)  # draft | complete | preview
    channel: Mapped[str] = mapped_column(String(20), default="online", index=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    # A hash of the secret that resumes a draft (the link or code a resident keeps).
    resume_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A key sent with a paper entry or import row so that sending it twice stores it once.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    draft: Mapped[dict | None] = mapped_column(JSON)
    last_page: Mapped[int] = mapped_column(Integer, default=0)
    # The access code a draft was started with, so submitting can mark it used; emptied when
    # the response is complete (a kept link would tie the answers to a row of the mail merge).
    access_code_id: Mapped[int | None] = mapped_column(ForeignKey("survey_access_code.id", ondelete="SET NULL"), index=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Derived from the answers when submitted, for cross-tabs and weighting.
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # "duplicate" or "spam" (SET_ASIDE): kept for the record, left out of every result.
    set_aside: Mapped[str | None] = mapped_column(String(12))
    # The language (or "easyread") the resident answered in, online; staff entries and
    # imports are in the site's own language (engage/surveys/answering.answering_language).
    language: Mapped[str] = mapped_column(String(20), default="en", server_default="en")

    survey = relationship("Survey")
    entered_by = relationship("User")
    ward = relationship("Area")
    answers = relationship("SurveyAnswer", back_populates="response", cascade="all, delete-orphan",
                           order_by="SurveyAnswer.id")


def counted(survey_id):
    """THE rule for which responses count, used by everything that selects responses for
    results: live results, cross-tabs and weighting (``analysis.load_people``), exports,
    the results API, publishing to the consultation database, comments and their search.
    Complete, not set aside as a duplicate or spam, not erased."""
    return and_(SurveyResponse.survey_id == survey_id, SurveyResponse.status == "complete",
                SurveyResponse.set_aside.is_(None))


class SurveyResponseEvent(db.Model):
    """What staff did to one response: corrected (with what changed: question numbers and
    the answers before and after), set aside, put back, or erased. An erasure deletes the
    earlier events (they may quote the answers) and keeps one with no content: who, when
    and the reason's category."""

    __tablename__ = "survey_response_event"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # corrected | duplicate | spam | restored | erased
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    category: Mapped[str] = mapped_column(String(30), default="", server_default="")
    changes: Mapped[dict | None] = mapped_column(JSON)

    actor = relationship("User")


class SurveyAnswer(Versioned, db.Model):
    """One answer row. Versioned because staff code comments with themes (an edit form)."""

    __tablename__ = "survey_answer"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("survey_option.id", ondelete="CASCADE"), index=True)
    row_id: Mapped[int | None] = mapped_column(ForeignKey("survey_option.id", ondelete="CASCADE"), index=True)
    number: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)
    day: Mapped[date | None] = mapped_column(Date)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"), index=True)

    response = relationship("SurveyResponse", back_populates="answers")
    themes = relationship("CommentTheme", secondary="survey_comment_code", order_by="CommentTheme.name")


class SurveyAccessCode(db.Model):
    """A single-use code for postal or panel surveys, made in numbered batches.

    A code says only whether it has been used: no time of use, and the response it opened
    keeps no link to it once complete (a batch's codes are a mail merge's rows, so either
    would tie an address to its answers)."""

    __tablename__ = "survey_access_code"
    __table_args__ = (UniqueConstraint("survey_id", "code"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    batch: Mapped[int] = mapped_column(Integer, default=1)
    code: Mapped[str] = mapped_column(String(12))
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SurveyContact(db.Model):
    """"Tell me what happens next": an address kept apart from the answers, used only for the
    two messages the survey page promises (the findings are published; the partnerships have
    responded, or are late: engage/sharing/notices.py), then deleted.

    Nothing in a row can pair it with the response it came with: no link to the response, a
    random key instead of a counting id (ids in order of writing would line up with response
    ids), only the day it was given (a time to the millisecond matched the response's), and
    it is written in its own transaction after the answers are committed. On SQLite the table
    is ``WITHOUT ROWID``, so even the hidden row number (order of writing) does not exist:
    rows are stored in order of their random key."""

    __tablename__ = "survey_contact"
    __table_args__ = {"sqlite_with_rowid": False}

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    created_on: Mapped[date] = mapped_column(Date, default=lambda: clock.today())


class CommentTheme(db.Model):
    __tablename__ = "survey_comment_theme"
    __table_args__ = (UniqueConstraint("survey_id", "name"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    survey = relationship("Survey", back_populates="themes")


comment_code = link_table("survey_comment_code", ("answer_id", "survey_answer"), ("theme_id", "survey_comment_theme"))


class CodingBatch(db.Model):
    """One bulk coding action: a theme added to (or taken off) many comments at once. Keeps
    the comments it actually changed, so undo puts back exactly those and no others. Undo
    is a workflow move (``undone_at`` from empty to set, compare-and-set): it happens once."""

    __tablename__ = "survey_coding_batch"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("survey_comment_theme.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(10))  # add | remove
    answer_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    theme = relationship("CommentTheme")


class CommentRedaction(db.Model):
    """Personal details found in a coded comment (a phone number, an email address, a name
    after "my name is"): which kinds, when and by whose coding they were recorded. Any quote
    of the comment shown outside the coding page has them replaced (``personal.redact``).
    Recorded when the comment is first coded: only coded comments are quoted as evidence."""

    __tablename__ = "survey_comment_redaction"

    answer_id: Mapped[int] = mapped_column(ForeignKey("survey_answer.id", ondelete="CASCADE"), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    kinds: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)


class PopulationFigure(db.Model):
    """Reference data: how many people live in an area, by age band and sex, or by ethnic
    group. Officers edit these or import them from CSV; invented figures are marked demo."""

    __tablename__ = "population_figure"
    __table_args__ = (UniqueConstraint("area_id", "kind", "age_band", "sex", "ethnicity"), AUTOINC)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # age-sex | ethnicity
    age_band: Mapped[str] = mapped_column(String(40), default="")
    sex: Mapped[str] = mapped_column(String(40), default="")
    ethnicity: Mapped[str] = mapped_column(String(120), default="")
    count: Mapped[int] = mapped_column(Integer)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    area = relationship("Area")


class SurveyLifecycleMove(db.Model):
    """A move of the survey's lifecycle made by a person (``lifecycle.close_now``,
    ``extend``, ``reopen``): who, when, from, to (states and closing times) and why."""

    __tablename__ = "survey_lifecycle_move"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    move: Mapped[str] = mapped_column(String(12))  # close-now | extend | reopen
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    from_state: Mapped[str] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    from_closes: Mapped[datetime | None] = mapped_column(DateTime)
    to_closes: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text)

    actor = relationship("User")


class PopulationLoad(db.Model):
    """One load of population figures confirmed by an editor after the preview: where the
    figures come from, the date they are for, who loaded them and when, and the areas (and
    kinds) they cover. ``token`` is the preview's own number, unique, so a confirm sent twice
    stores the figures once."""

    __tablename__ = "population_load"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(200))
    figures_date: Mapped[date] = mapped_column(Date)
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    loaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    covers: Mapped[list] = mapped_column(JSON, default=list)  # [[area_id, kind], ...]
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    loaded_by = relationship("User")


class QuestionPicture(db.Model):
    """The picture beside a question in the survey's easy-read version (one per question),
    with the words that say what it shows (its alt text). The image is kept in the database,
    checked and made again by engage/surveys/pictures.py (small, without the camera's
    details): it goes with the survey into backups and to every web node, and is deleted with
    its question."""

    __tablename__ = "survey_question_picture"
    __table_args__ = AUTOINC

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"), unique=True)
    content_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    alt: Mapped[str] = mapped_column(String(250))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    question = relationship("SurveyQuestion")

