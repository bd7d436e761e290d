"""Receipt photos (R-16.3): images only (read from their bytes), at most 20 MB, stored where
no URL serves them and read only through a view that checks who asks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from expenses.models import ClaimPhoto

from .conftest import budget, claim, png_bytes, png_upload

pytestmark = pytest.mark.django_db


def upload(api, user, claim_id, photo):
    api.force_authenticate(user)
    return api.post(
        f"/api/v1/expense-claims/{claim_id}/photos/", {"photo": photo}, format="multipart"
    )


@pytest.fixture
def draft(salesperson, manager):
    return claim(salesperson, budget(salesperson, people=[manager]), photo=False, submit=False)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("receipt.png", b"not an image at all, only text"),
        ("receipt.pdf", b"%PDF-1.4 a pdf is not a photo"),
        ("evil.png", b"<script>alert(1)</script>"),
    ],
)
def test_what_is_not_an_image_is_a_400_and_nothing_is_saved(api, salesperson, draft, name, content):
    answer = upload(api, salesperson, draft.pk, SimpleUploadedFile(name, content, "image/png"))
    assert answer.status_code == 400, answer.content
    assert not ClaimPhoto.objects.exists()


def test_a_photo_over_20_mb_is_a_400_and_nothing_is_saved(api, salesperson, draft):
    big = png_bytes() + b"\0" * (20 * 1024 * 1024)
    answer = upload(api, salesperson, draft.pk, SimpleUploadedFile("big.png", big, "image/png"))
    assert answer.status_code == 400
    assert not ClaimPhoto.objects.exists()


def test_the_photo_is_served_to_who_sees_the_claim_only(
    client, salesperson, other_salesperson, manager, other_manager, password
):
    made = claim(salesperson, budget(salesperson, people=[manager]), submit=False)
    photo = ClaimPhoto.objects.get(claim=made)
    assert "expenses/photos/" in photo.image.name and "receipt" not in photo.image.name
    url = f"/expenses/claims/{made.pk}/photos/{photo.pk}/"
    client.force_login(salesperson)
    seen = client.get(url)
    assert seen.status_code == 200
    assert seen["Content-Type"] == "image/png"
    assert b"".join(seen.streaming_content) == photo.image.open("rb").read()
    for outsider in (other_salesperson, other_manager):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(manager)
    assert client.get(url).status_code == 200
    # another claim's number with this photo's id: 404
    other = claim(other_salesperson, budget(other_salesperson, people=[manager]), submit=False)
    client.force_login(other_salesperson)
    assert client.get(f"/expenses/claims/{other.pk}/photos/{photo.pk}/").status_code == 404


def test_no_photo_is_added_to_a_submitted_claim(api, salesperson, manager):
    made = claim(salesperson, budget(salesperson, people=[manager]))
    answer = upload(api, salesperson, made.pk, png_upload())
    assert (answer.status_code, answer.json()["code"]) == (409, "not_editable")
