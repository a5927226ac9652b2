from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import utcnow
from ..extensions import db


class SearchPending(db.Model):
    """Index work still owed.

    ``generation`` empty: a change that could not be written to the live index (locked or
    read-only); applied by the next successful write or by ``catch_up``. ``generation`` set: a
    change saved while a rebuild was writing that new index folder; the rebuild applies it to
    the new index before and after it swaps it in, and removes exactly the rows it applied.
    """

    __tablename__ = "search_pending"
    __table_args__ = (Index("ix_search_pending_index_name", "index_name", "generation"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    index_name: Mapped[str] = mapped_column(String(40))
    model: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[int] = mapped_column(Integer)
    generation: Mapped[str | None] = mapped_column(String(60), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
