"""Pictures in a survey's easy-read version (issue 23: "a picture slot per question"): staff
add one beside a question with what it shows; a resident reading the easy-read version sees it
with those words as its alt text, a resident reading the standard version does not. The
picture is checked and drawn again (Pillow): at most 800 pixels, without what the camera
wrote into the file; a file that is not a PNG or JPEG, or a picture without words, is refused
next to its field and nothing is saved."""
from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import func, select

from engage.core import content
from engage.extensions import db
from engage.surveys.models import QuestionPicture
from engage.surveys.translation import KIND
from tests.surveys.survey_support import consultation, places, survey  # noqa: F401


def _jpeg_from_a_phone() -> bytes:
    image = Image.new("RGB", (2400, 1600), (30, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"            # Make
    exif[0x0110] = "Pocket Camera 9"       # Model
    exif[0x0132] = "2026:11:30 09:15:00"   # DateTime
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _offer_easy_read(survey):
    rows = content.status(KIND, survey.id, content.EASY_READ)
    content.save(None, KIND, survey.id, content.EASY_READ,
                 {r["text"].key: "EASY " + r["english"] for r in rows if r["state"] != content.EMPTY})
    content.offer(None, KIND, survey.id, content.EASY_READ)
    db.session.commit()


def _upload(client, survey, question, data: bytes | None, alt: str, name="photo.jpg"):
    form = {"alt": alt}
    if data is not None:
        form["picture"] = (io.BytesIO(data), name)
    return client.post(f"/surveys/{survey.id}/easy-read/pictures/{question.id}", data=form,
                       content_type="multipart/form-data")


def test_a_picture_beside_a_question_in_the_easy_read_version(app, client, login, survey):
    _offer_easy_read(survey)
    question = survey.q["use"]
    login("officer")
    listing = client.get(f"/surveys/{survey.id}/easy-read/pictures").text
    assert "Pictures for the easy-read version" in listing and "Add a picture" in listing

    # No words for it: refused beside the field, nothing saved.
    refused = _upload(client, survey, question, _jpeg_from_a_phone(), "")
    assert refused.status_code == 400 and "Say what the picture shows, for people who cannot see it" in refused.text
    assert 'href="#alt"' in refused.text                          # the error summary links to the field
    # A file that only has a picture's name.
    refused = _upload(client, survey, question, b"%PDF-1.4 not a picture", "A park", name="park.png")
    assert refused.status_code == 400 and "The file is not a picture that can be opened" in refused.text
    assert db.session.scalar(select(func.count(QuestionPicture.id))) == 0

    saved = _upload(client, survey, question, _jpeg_from_a_phone(), "A family walking in a green park")
    assert saved.status_code == 302
    stored = db.session.scalar(select(QuestionPicture))
    assert (stored.width, stored.height, stored.content_type) == (800, 533, "image/jpeg")
    again = Image.open(io.BytesIO(stored.data))
    assert dict(again.getexif()) == {} and b"PhoneMaker" not in stored.data and b"Pocket Camera" not in stored.data

    # Only the words change when no file is chosen.
    assert _upload(client, survey, question, None, "A family in the park").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(QuestionPicture.alt)) == "A family in the park"

    # A resident: the standard version has no picture; the easy-read version has it, with its words.
    resident = app.test_client()
    location = resident.post(f"/surveys/{survey.id}", data={}).headers["Location"]
    assert "engage-easy-read-picture" not in resident.get(location).text
    resident.get(f"/surveys/{survey.id}?version=easyread")
    page = resident.get(location).text
    src = f"/surveys/{survey.id}/pictures/{question.id}"
    assert f'<img class="engage-easy-read-picture" src="{src}" alt="A family in the park" width="800" height="533">' in page
    image = resident.get(src)
    assert image.status_code == 200 and image.mimetype == "image/jpeg" and image.data == stored.data
    assert image.headers["X-Content-Type-Options"] == "nosniff"

    # Removed: gone from the page and from its address.
    assert client.post(f"/surveys/{survey.id}/easy-read/pictures/{question.id}/remove").status_code == 302
    assert "engage-easy-read-picture" not in resident.get(location).text
    assert resident.get(src).status_code == 404


def test_a_png_keeps_its_kind_and_a_small_one_its_size(app, client, login, survey):
    login("officer")
    image = Image.new("RGBA", (300, 200), (0, 0, 255, 128))
    out = io.BytesIO()
    image.save(out, "PNG")
    question = survey.q["comment"]
    assert _upload(client, survey, question, out.getvalue(), "A blue square", name="square.png").status_code == 302
    stored = db.session.scalar(select(QuestionPicture).where(QuestionPicture.question_id == question.id))
    assert (stored.content_type, stored.width, stored.height) == ("image/png", 300, 200)
    assert Image.open(io.BytesIO(stored.data)).mode == "RGBA"
    # A question from another survey is not this survey's: 404 in plain words.
    assert client.get(f"/surveys/{survey.id}/easy-read/pictures/999999").status_code == 404


def test_the_picture_pages_in_welsh(app, client, login, survey):
    from tests.i18n_support import assert_pages_in_welsh

    login("officer")
    question = survey.q["use"]
    assert_pages_in_welsh(client, {
        f"/surveys/{survey.id}/easy-read/pictures": ("Lluniau ar gyfer y fersiwn hawdd ei deall", [
            "Pictures for the easy-read version", "Residents who choose", "Add a picture", "No picture"]),
        f"/surveys/{survey.id}/easy-read/pictures/{question.id}": ("Beth mae’r llun yn ei ddangos", [
            "Picture for question", "What the picture shows", "Save the picture", "A PNG or JPEG file"]),
    }, all_found=True)
