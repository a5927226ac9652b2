"""Words shared by more than one capability, so that a toolkit method and a consultation
describe the people they reach the same way (the chooser and the similar-consultations check
both rely on it)."""
from .i18n import N_  # marked for the catalogue, translated where shown

AUDIENCES = {
    "residents": N_("Residents"),
    "young-people": N_("Young people"),
    "older-people": N_("Older people"),
    "families": N_("Families"),
    "businesses": N_("Businesses"),
    "vcs-groups": N_("Voluntary and community groups"),
    "service-users": N_("Service users"),
    "seldom-heard": N_("People who are seldom heard"),
    "disabled-people": N_("Disabled people"),
    "minority-ethnic-communities": N_("Minority ethnic communities"),
    "staff-and-partners": N_("Staff and partners"),
}
