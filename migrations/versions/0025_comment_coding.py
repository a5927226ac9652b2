"""Comments at scale (issue 20): bulk coding actions kept for undo (survey_coding_batch), and
the personal details recorded as redacted in a coded comment's quotes (survey_comment_redaction)

Revision ID: 0025_comment_coding
Revises: 0024_follow
Create Date: 2026-12-06 16:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0025_comment_coding'
down_revision = '0024_follow'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'survey_coding_batch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('theme_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=10), nullable=False),
        sa.Column('answer_ids', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('undone_at', sa.DateTime(), nullable=True),
        sa.Column('undone_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['theme_id'], ['survey_comment_theme.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['undone_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    for column in ('survey_id', 'theme_id', 'created_by_id', 'undone_by_id'):
        op.create_index(f'ix_survey_coding_batch_{column}', 'survey_coding_batch', [column])
    op.create_table(
        'survey_comment_redaction',
        sa.Column('answer_id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('kinds', sa.String(length=100), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['answer_id'], ['survey_answer.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('answer_id'),
    )
    for column in ('survey_id', 'recorded_by_id'):
        op.create_index(f'ix_survey_comment_redaction_{column}', 'survey_comment_redaction', [column])


def downgrade():
    op.drop_table('survey_comment_redaction')
    op.drop_table('survey_coding_batch')
