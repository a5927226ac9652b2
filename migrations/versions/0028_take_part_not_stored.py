"""A consultation's "Take part" link to one of its own surveys is no longer stored: it is
built per request from the survey record (so it follows the site wherever it is served).
Addresses of a consultation's own survey stored in ``consultation.take_part_url`` by earlier
versions (``http://localhost:5000/surveys/1`` from the demo loader) are cleared; addresses of
outside sites stay.

Revision ID: 0028_take_part_not_stored
Revises: 0027_finding_evidence
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0028_take_part_not_stored"
down_revision = "0027_finding_evidence"
branch_labels = None
depends_on = None

_OWN = re.compile(r"/surveys/(\d+)/?$")


def upgrade():
    bind = op.get_bind()
    consultation = sa.table("consultation", sa.column("id", sa.Integer), sa.column("take_part_url", sa.String))
    survey = sa.table("survey", sa.column("id", sa.Integer), sa.column("consultation_id", sa.Integer))
    own = {(c, s) for s, c in bind.execute(sa.select(survey.c.id, survey.c.consultation_id))}
    rows = bind.execute(sa.select(consultation.c.id, consultation.c.take_part_url)
                        .where(consultation.c.take_part_url.like("%/surveys/%"))).all()
    for consultation_id, url in rows:
        found = _OWN.search(url or "")
        if found and (consultation_id, int(found.group(1))) in own:
            bind.execute(consultation.update().where(consultation.c.id == consultation_id).values(take_part_url=""))


def downgrade():
    # The cleared addresses were the survey's own, which is worked out per request: nothing to put back.
    pass
