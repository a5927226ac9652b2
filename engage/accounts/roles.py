"""The roles people hold. Residents need no account, so they have no role here."""
VCS = "vcs"
PRACTITIONER = "practitioner"
COORDINATOR = "coordinator"
OFFICER = "officer"

ROLES = {
    VCS: "VCS group member",
    PRACTITIONER: "Practitioner",
    COORDINATOR: "Partnership coordinator",
    OFFICER: "Partnership officer",
}
ROLE_HINTS = {
    VCS: "Browses the toolkit and logs their own group's engagement.",
    PRACTITIONER: "Plans and logs consultations, enters and imports results.",
    COORDINATOR: "Reviews findings for their partnership and records its response.",
    OFFICER: "Approves and publishes, manages the toolkit, reference data and accounts.",
}
