"""The sharing tests' fixtures (see support.py)."""
from tests.consultations.records_support import ref  # noqa: F401
from tests.sharing.support import smtp, world  # noqa: F401
