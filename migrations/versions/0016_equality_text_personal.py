"""Equality questions' "please say" words are personal (issue 16).

Revision ID: 0016_equality_text_personal
Revises: 0015_unlinked_answers

What people write beside an equality answer (their ethnic group, religion, gender identity or
sexual orientation "please say") is deleted with the personal data and left out of exports.
The code reads this from ``SurveyQuestion.text_is_personal`` (true for every equality
question); existing equality questions are flagged too, so the builder shows it.
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_equality_text_personal"
down_revision = "0015_unlinked_answers"
branch_labels = None
depends_on = None


def upgrade():
    op.get_bind().execute(sa.text("UPDATE survey_question SET personal = :yes WHERE equality_key <> ''"), {"yes": True})


def downgrade():
    # Which equality questions were flagged by hand before is not known: they stay flagged.
    pass
