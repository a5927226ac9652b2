"""The picture beside each question in a survey's easy-read version, with its alt text
(issue 23: "a picture slot per question").

Revision ID: 0039_easy_read_pictures
Revises: 0038_follow_address_token
Create Date: 2026-12-07 09:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0039_easy_read_pictures'
down_revision = '0038_follow_address_token'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'survey_question_picture',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(length=20), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('alt', sa.String(length=250), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['question_id'], ['survey_question.id'], name=op.f('fk_survey_question_picture_question_id_survey_question'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_survey_question_picture_added_by_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_question_picture')),
        sa.UniqueConstraint('question_id', name=op.f('uq_survey_question_picture_question_id')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('survey_question_picture', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_question_picture_added_by_id'), ['added_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_question_picture', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_question_picture_added_by_id'))
    op.drop_table('survey_question_picture')
