"""The demo survey in Welsh (``seed-demo``): every text of "Cleaner streets and parks survey",
translated and offered, so a resident who reads the site in Welsh answers it in Welsh. The
equality questions follow the Welsh wording of the 2021 Census where there is one."""
from __future__ import annotations

from sqlalchemy import select

from ..core import content
from ..demo import register_seeder
from ..extensions import db
from .demo import STALL_TITLE, SURVEY_TITLE
from .models import Survey
from .translation import KIND

WELSH = {
    "Cleaner streets and parks survey": "Arolwg strydoedd a pharciau glanach",
    "Tell us how clean your street and your local park are, and what would make the most difference. It takes about five minutes.":
        "Dywedwch wrthym pa mor lân yw eich stryd a’ch parc lleol, a beth fyddai’n gwneud y gwahaniaeth mwyaf. Mae’n cymryd tua phum munud.",
    "Halton Borough Council runs this survey. We use your answers only to understand what people think, and we publish them only as totals, so nobody can be picked out. We do not ask for your name. If you give an email address to hear what happens next, we keep it apart from your answers and delete it after the second of our two emails: one when the findings are published, one when the partnerships say what they will do.":
        "Cyngor Bwrdeistref Halton sy’n cynnal yr arolwg hwn. Dim ond i ddeall beth mae pobl yn ei feddwl rydym yn defnyddio eich atebion, a dim ond fel cyfansymiau rydym yn eu cyhoeddi, felly ni all neb gael ei adnabod. Nid ydym yn gofyn am eich enw. Os byddwch yn rhoi cyfeiriad e-bost i glywed beth sy’n digwydd nesaf, rydym yn ei gadw ar wahân i’ch atebion ac yn ei ddileu ar ôl yr ail o’n dau e-bost: un pan fydd y canfyddiadau’n cael eu cyhoeddi, ac un pan fydd y partneriaethau’n dweud beth fyddan nhw’n ei wneud.",
    "Ask at your library for a paper copy.": "Gofynnwch yn eich llyfrgell am gopi papur.",
    "Please post it back in the freepost envelope, or hand it in at any library.":
        "Anfonwch ef yn ôl yn yr amlen radbost, neu rhowch ef i mewn mewn unrhyw lyfrgell.",
    "Your area": "Eich ardal",
    "What would make a difference": "Beth fyddai’n gwneud gwahaniaeth",
    "About you": "Amdanoch chi",
    "These questions help us check we are hearing from everyone in the community. They are all optional: answer the ones you are happy with, or skip this section. Your answers are kept with your other answers, never with your name or email address.":
        "Mae’r cwestiynau hyn yn ein helpu i wirio ein bod yn clywed gan bawb yn y gymuned. Maen nhw i gyd yn ddewisol: atebwch y rhai rydych chi’n hapus i’w hateb, neu hepgorwch yr adran hon. Mae eich atebion yn cael eu cadw gyda’ch atebion eraill, byth gyda’ch enw na’ch cyfeiriad e-bost.",
    "Which ward do you live in?": "Ym mha ward ydych chi’n byw?",
    "If you do not know, enter your postcode and we will find it.": "Os nad ydych chi’n gwybod, rhowch eich cod post a byddwn yn dod o hyd iddi.",
    "My street is kept clean.": "Mae fy stryd yn cael ei chadw’n lân.",
    "Strongly agree": "Cytuno’n gryf",
    "Tend to agree": "Tueddu i gytuno",
    "Neither agree nor disagree": "Ddim yn cytuno nac yn anghytuno",
    "Tend to disagree": "Tueddu i anghytuno",
    "Strongly disagree": "Anghytuno’n gryf",
    "How often do you use your local park?": "Pa mor aml ydych chi’n defnyddio eich parc lleol?",
    "Every day": "Bob dydd",
    "Every week": "Bob wythnos",
    "Every month": "Bob mis",
    "Less often": "Yn llai aml",
    "Never": "Byth",
    "How would you rate your local park?": "Sut fyddech chi’n sgorio eich parc lleol?",
    "very poor": "gwael iawn",
    "excellent": "ardderchog",
    "Which of these problems do you see in your area? Choose all that apply.":
        "Pa rai o’r problemau hyn ydych chi’n eu gweld yn eich ardal? Dewiswch bob un sy’n berthnasol.",
    "Litter": "Sbwriel",
    "Dog fouling": "Baw cŵn",
    "Fly-tipping": "Tipio anghyfreithlon",
    "Graffiti": "Graffiti",
    "Overgrown verges": "Ymylon ffordd wedi gordyfu",
    "Other, please say": "Arall, nodwch",
    "Put these in order of importance to you.": "Rhowch y rhain yn nhrefn eu pwysigrwydd i chi.",
    "Cleaner streets": "Strydoedd glanach",
    "Safer parks": "Parciau mwy diogel",
    "More litter bins": "Mwy o finiau sbwriel",
    "Faster removal of fly-tipping": "Clirio tipio anghyfreithlon yn gynt",
    "How much do you agree with each statement?": "I ba raddau ydych chi’n cytuno â phob datganiad?",
    "Fly-tipping is removed quickly": "Mae tipio anghyfreithlon yn cael ei glirio’n gyflym",
    "There are enough litter bins": "Mae digon o finiau sbwriel",
    "Parks feel safe in the daytime": "Mae parciau’n teimlo’n ddiogel yn ystod y dydd",
    "Have you reported a problem to the council in the last year?": "Ydych chi wedi rhoi gwybod i’r cyngor am broblem yn ystod y flwyddyn ddiwethaf?",
    "Yes": "Ydw",
    "No": "Nac ydw",
    "Tell us what happened when you reported it.": "Dywedwch wrthym beth ddigwyddodd pan roesoch wybod amdani.",
    "Please do not include names or addresses.": "Peidiwch â chynnwys enwau na chyfeiriadau.",
    "What one thing would most improve your area?": "Pa un peth fyddai’n gwella eich ardal fwyaf?",
    "What is your age?": "Beth yw eich oedran?",
    "Under 16": "O dan 16",
    "16 to 24": "16 i 24",
    "25 to 34": "25 i 34",
    "35 to 44": "35 i 44",
    "45 to 54": "45 i 54",
    "55 to 64": "55 i 64",
    "65 to 74": "65 i 74",
    "75 and over": "75 a throsodd",
    "Prefer not to say": "Mae’n well gennyf beidio â dweud",
    "What is your sex?": "Beth yw eich rhyw?",
    "A question about gender identity follows.": "Mae cwestiwn am hunaniaeth rhywedd yn dilyn.",
    "Female": "Benyw",
    "Male": "Gwryw",
    "Is the gender you identify with the same as your sex registered at birth?":
        "Ydy’r rhywedd rydych chi’n uniaethu ag ef yr un peth â’r rhyw a gofrestrwyd adeg eich geni?",
    "No, please say your gender identity": "Nac ydy, nodwch eich hunaniaeth rhywedd",
    "What is your ethnic group?": "Beth yw eich grŵp ethnig?",
    "Choose the one that best describes your ethnic group or background.": "Dewiswch yr un sy’n disgrifio eich grŵp neu gefndir ethnig orau.",
    "Asian or Asian British: Bangladeshi": "Asiaidd neu Asiaidd Prydeinig: Bangladeshaidd",
    "Asian or Asian British: Chinese": "Asiaidd neu Asiaidd Prydeinig: Tsieineaidd",
    "Asian or Asian British: Indian": "Asiaidd neu Asiaidd Prydeinig: Indiaidd",
    "Asian or Asian British: Pakistani": "Asiaidd neu Asiaidd Prydeinig: Pacistanaidd",
    "Asian or Asian British: Any other Asian background": "Asiaidd neu Asiaidd Prydeinig: Unrhyw gefndir Asiaidd arall",
    "Black, Black British, Caribbean or African: African": "Du, Du Prydeinig, Caribïaidd neu Affricanaidd: Affricanaidd",
    "Black, Black British, Caribbean or African: Caribbean": "Du, Du Prydeinig, Caribïaidd neu Affricanaidd: Caribïaidd",
    "Black, Black British, Caribbean or African: Any other Black, Black British or Caribbean background":
        "Du, Du Prydeinig, Caribïaidd neu Affricanaidd: Unrhyw gefndir Du, Du Prydeinig neu Garibïaidd arall",
    "Mixed or Multiple ethnic groups: White and Asian": "Grwpiau ethnig cymysg neu luosog: Gwyn ac Asiaidd",
    "Mixed or Multiple ethnic groups: White and Black African": "Grwpiau ethnig cymysg neu luosog: Gwyn a Du Affricanaidd",
    "Mixed or Multiple ethnic groups: White and Black Caribbean": "Grwpiau ethnig cymysg neu luosog: Gwyn a Du Caribïaidd",
    "Mixed or Multiple ethnic groups: Any other Mixed or Multiple ethnic background":
        "Grwpiau ethnig cymysg neu luosog: Unrhyw gefndir ethnig cymysg neu luosog arall",
    "White: English, Welsh, Scottish, Northern Irish or British": "Gwyn: Cymreig, Seisnig, Albanaidd, Gwyddelig Gogledd Iwerddon neu Brydeinig",
    "White: Irish": "Gwyn: Gwyddelig",
    "White: Gypsy or Irish Traveller": "Gwyn: Sipsi neu Deithiwr Gwyddelig",
    "White: Roma": "Gwyn: Roma",
    "White: Any other White background": "Gwyn: Unrhyw gefndir Gwyn arall",
    "Other ethnic group: Arab": "Grŵp ethnig arall: Arabaidd",
    "Other ethnic group: Any other ethnic group": "Grŵp ethnig arall: Unrhyw grŵp ethnig arall",
    "Do you have any physical or mental health conditions or illnesses lasting or expected to last 12 months or more?":
        "A oes gennych chi unrhyw gyflyrau iechyd corfforol neu feddyliol neu salwch sydd wedi para, neu y disgwylir iddynt bara, 12 mis neu fwy?",
    "What is your religion?": "Beth yw eich crefydd?",
    "No religion": "Dim crefydd",
    "Christian": "Cristion",
    "Buddhist": "Bwdhydd",
    "Hindu": "Hindŵ",
    "Jewish": "Iddew",
    "Muslim": "Mwslim",
    "Sikh": "Sikh",
    "Any other religion, please say": "Unrhyw grefydd arall, nodwch",
    "Which of the following best describes your sexual orientation?": "Pa un o’r canlynol sy’n disgrifio eich cyfeiriadedd rhywiol orau?",
    "Straight or heterosexual": "Syth neu heterorywiol",
    "Gay or lesbian": "Hoyw neu lesbiaidd",
    "Bisexual": "Deurywiol",
    "Other sexual orientation, please say": "Cyfeiriadedd rhywiol arall, nodwch",
    "Do you look after, or give any help or support to, anyone because they have long-term physical or mental health conditions or illnesses, or problems related to old age?":
        "Ydych chi’n gofalu am unrhyw un, neu’n rhoi unrhyw help neu gymorth iddynt, oherwydd bod ganddynt gyflyrau iechyd corfforol neu feddyliol neu salwch hirdymor, neu broblemau sy’n gysylltiedig â henaint?",
    "Do not count anything you do as part of your paid work.": "Peidiwch â chyfrif unrhyw beth rydych chi’n ei wneud fel rhan o’ch gwaith cyflogedig.",
    "Yes, 9 hours a week or less": "Ydw, 9 awr yr wythnos neu lai",
    "Yes, 10 to 19 hours a week": "Ydw, 10 i 19 awr yr wythnos",
    "Yes, 20 to 34 hours a week": "Ydw, 20 i 34 awr yr wythnos",
    "Yes, 35 to 49 hours a week": "Ydw, 35 i 49 awr yr wythnos",
    "Yes, 50 or more hours a week": "Ydw, 50 awr neu fwy yr wythnos",
}
# What only the stall survey says.
WELSH_STALL = {
    STALL_TITLE: "Strydoedd a pharciau glanach: arolwg stondin y ganolfan ddydd",
}


def seed(echo=lambda message: None) -> None:
    # The demo survey and its closed day centre stall survey (the same questions): both are
    # shown on the demo consultation's page, which is all in Welsh for a Welsh reader.
    for title, known in ((SURVEY_TITLE, WELSH), (STALL_TITLE, {**WELSH, **WELSH_STALL})):
        survey = db.session.scalar(select(Survey).where(Survey.title == title, Survey.is_demo.is_(True)))
        # Offered and complete: nothing to do. Offered but incomplete (a text the survey's unit
        # came to include later, such as a rating scale's end words): the known texts are filled in.
        if survey is None or "cy" not in dict(content.variants(KIND)) or "cy" in content.offered_languages("survey", survey.id):
            continue
        missing = content.translate_from(KIND, survey.id, "cy", known)
        echo(f"Demo survey {title!r} in Welsh: {'offered' if not missing else f'{len(missing)} texts still in English'}.")


register_seeder(44, seed)
