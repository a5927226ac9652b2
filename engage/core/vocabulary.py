"""Words shared by more than one capability, so that a toolkit method and a consultation
describe the people they reach the same way (the chooser and the similar-consultations check
both rely on it)."""

AUDIENCES = {
    "residents": "Residents",
    "young-people": "Young people",
    "older-people": "Older people",
    "families": "Families",
    "businesses": "Businesses",
    "vcs-groups": "Voluntary and community groups",
    "service-users": "Service users",
    "seldom-heard": "People who are seldom heard",
    "disabled-people": "Disabled people",
    "minority-ethnic-communities": "Minority ethnic communities",
    "staff-and-partners": "Staff and partners",
}
