"""The standard equality monitoring section, added to a survey with one click.

Every question is optional and ends with "Prefer not to say". The ethnic group question
follows the 2021 Census for England: 19 groups in 5 headings; "any other" invites words.
Age bands and the sex categories match the population profiles (reference data), so the
"who answered" view and weighting can compare like with like.
"""
from ..core.i18n import N_

SECTION_TITLE = "About you"
SECTION_INTRO = ("These questions help us check we are hearing from everyone in the community. They are all optional: "
                 "answer the ones you are happy with, or skip this section. Your answers are kept with your other answers, "
                 "never with your name or email address.")
PREFER_NOT = "Prefer not to say"

AGE_BANDS = ["Under 16", "16 to 24", "25 to 34", "35 to 44", "45 to 54", "55 to 64", "65 to 74", "75 and over"]
SEXES = ["Female", "Male"]
# The youngest age in each band, and the ages a survey can be for (Survey.min_age).
AGE_BAND_FROM = {"Under 16": 0, "16 to 24": 16, "25 to 34": 25, "35 to 44": 35, "45 to 54": 45, "55 to 64": 55,
                 "65 to 74": 65, "75 and over": 75}
ELIGIBLE_AGES = {0: N_("People of any age"), 16: N_("People aged 16 and over")}


def bands_for(min_age: int) -> list[str]:
    """The age bands of the population a survey for people of ``min_age`` and over could reach."""
    return [band for band in AGE_BANDS if AGE_BAND_FROM[band] >= (min_age or 0)]
ETHNIC_GROUPS = [
    ("Asian or Asian British", ["Bangladeshi", "Chinese", "Indian", "Pakistani", "Any other Asian background"]),
    ("Black, Black British, Caribbean or African", ["African", "Caribbean", "Any other Black, Black British or Caribbean background"]),
    ("Mixed or Multiple ethnic groups", ["White and Asian", "White and Black African", "White and Black Caribbean",
                                         "Any other Mixed or Multiple ethnic background"]),
    ("White", ["English, Welsh, Scottish, Northern Irish or British", "Irish", "Gypsy or Irish Traveller", "Roma",
               "Any other White background"]),
    ("Other ethnic group", ["Arab", "Any other ethnic group"]),
]
ETHNICITY_OPTIONS = [f"{group}: {name}" for group, names in ETHNIC_GROUPS for name in names]

QUESTIONS = [
    {"key": "age", "text": "What is your age?", "options": [(b, False) for b in AGE_BANDS]},
    {"key": "sex", "text": "What is your sex?", "hint": "A question about gender identity follows.",
     "options": [(s, False) for s in SEXES]},
    {"key": "gender-identity", "text": "Is the gender you identify with the same as your sex registered at birth?",
     "options": [("Yes", False), ("No, please say your gender identity", True)]},
    {"key": "ethnicity", "text": "What is your ethnic group?",
     "hint": "Choose the one that best describes your ethnic group or background.",
     "options": [(label, label.split(": ", 1)[1].startswith("Any other")) for label in ETHNICITY_OPTIONS]},
    {"key": "disability", "text": "Do you have any physical or mental health conditions or illnesses lasting or expected to last 12 months or more?",
     "options": [("Yes", False), ("No", False)]},
    {"key": "religion", "text": "What is your religion?",
     "options": [("No religion", False), ("Christian", False), ("Buddhist", False), ("Hindu", False), ("Jewish", False),
                 ("Muslim", False), ("Sikh", False), ("Any other religion, please say", True)]},
    {"key": "sexual-orientation", "text": "Which of the following best describes your sexual orientation?",
     "options": [("Straight or heterosexual", False), ("Gay or lesbian", False), ("Bisexual", False),
                 ("Other sexual orientation, please say", True)]},
    {"key": "carer", "text": "Do you look after, or give any help or support to, anyone because they have long-term physical or mental health conditions or illnesses, or problems related to old age?",
     "hint": "Do not count anything you do as part of your paid work.",
     "options": [("No", False), ("Yes, 9 hours a week or less", False), ("Yes, 10 to 19 hours a week", False),
                 ("Yes, 20 to 34 hours a week", False), ("Yes, 35 to 49 hours a week", False), ("Yes, 50 or more hours a week", False)]},
]
LABELS = {
    "age": N_("Age band"), "sex": N_("Sex"), "gender-identity": N_("Gender identity"), "ethnicity": N_("Ethnic group"),
    "disability": N_("Disability"), "religion": N_("Religion"), "sexual-orientation": N_("Sexual orientation"),
    "carer": N_("Caring responsibilities"),
}


def asked_in_consultation(consultation_id: int) -> bool:
    """Does a survey of this consultation ask the equality monitoring questions? (The
    consultation's "Equality monitoring" is derived from it: ``core.registry.facts``.)"""
    from sqlalchemy import select

    from ..extensions import db
    from .models import Survey, SurveyQuestion

    return db.session.scalar(select(SurveyQuestion.id).join(Survey, Survey.id == SurveyQuestion.survey_id).where(
        Survey.consultation_id == consultation_id, SurveyQuestion.equality_key != "").limit(1)) is not None
