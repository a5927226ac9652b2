"""The roles people hold. Residents need no account, so they have no role here. The words are
marked for the catalogue and translated where they are shown."""
from ..core.i18n import N_

VCS = "vcs"
PRACTITIONER = "practitioner"
COORDINATOR = "coordinator"
OFFICER = "officer"

ROLES = {
    VCS: N_("VCS group member"),
    PRACTITIONER: N_("Practitioner"),
    COORDINATOR: N_("Partnership coordinator"),
    OFFICER: N_("Partnership officer"),
}
ROLE_HINTS = {
    VCS: N_("Browses the toolkit and logs their own group's engagement."),
    PRACTITIONER: N_("Plans and logs consultations, enters and imports results."),
    COORDINATOR: N_("Reviews findings for their partnership and records its response."),
    OFFICER: N_("Approves and publishes, manages the toolkit, reference data and accounts."),
}
