"""The follow tests' fixtures: the sharing tests' small partnership (``world``) and the real
local SMTP server (``smtp``)."""
from tests.consultations.records_support import ref  # noqa: F401
from tests.sharing.support import smtp, world  # noqa: F401
