"""Photos of an after-sales request: images only (sniffed from their bytes), at most 20 MB,
served only to who sees the request."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.factories import jpeg_like, png
from aftersales.models import ServiceRequestPhoto
from common.uploads import MAX_UPLOAD_BYTES

BASE = "/api/v1/after-sales/"


@pytest.fixture
def made(api, account, clerk):
    api.force_authenticate(clerk)
    return api.post(BASE, {"account": account.pk, "problem": "外壳开裂"}, format="json").data["id"]


def upload(api, user, pk, file):
    api.force_authenticate(user)
    return api.post(f"{BASE}{pk}/photos/", {"photo": file}, format="multipart")


@pytest.mark.django_db
def test_a_photo_is_stored_and_served_only_to_who_sees_the_request(
    api, client, made, clerk, salesperson, other_salesperson, other_clerk, manager
):
    ok = upload(api, salesperson, made, png())
    assert ok.status_code == 201, ok.data
    url = ok.data["url"]
    photo = ServiceRequestPhoto.objects.get()
    assert photo.file.name.startswith(f"aftersales/photos/{photo.request.office_id}/")
    assert "photo" not in photo.file.name.rsplit("/", 1)[-1]  # a random name
    client.force_login(manager)
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    for stranger in (other_salesperson, other_clerk):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


@pytest.mark.django_db
def test_a_text_file_named_jpg_is_refused(api, made, clerk):
    fake = SimpleUploadedFile(
        "photo.jpg", b"just some text, not a photo", content_type="image/jpeg"
    )
    bad = upload(api, clerk, made, fake)
    assert bad.status_code == 400 and "photo" in bad.data
    assert ServiceRequestPhoto.objects.count() == 0


@pytest.mark.django_db
def test_a_pdf_is_refused_photos_only(api, made, clerk):
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    assert upload(api, clerk, made, pdf).status_code == 400
    assert ServiceRequestPhoto.objects.count() == 0


@pytest.mark.django_db
def test_over_20_mb_is_refused_exactly_20_mb_taken(api, made, clerk):
    bad = upload(api, clerk, made, jpeg_like(MAX_UPLOAD_BYTES + 1))
    assert bad.status_code == 400 and "photo" in bad.data
    assert ServiceRequestPhoto.objects.count() == 0
    assert upload(api, clerk, made, jpeg_like(MAX_UPLOAD_BYTES)).status_code == 201


@pytest.mark.django_db
def test_no_photo_on_a_request_one_does_not_see_or_work_on(
    api, made, other_clerk, finance, executive
):
    assert upload(api, other_clerk, made, png()).status_code == 404
    assert upload(api, finance, made, png()).status_code == 404
    assert upload(api, executive, made, png()).status_code == 403  # leadership reads only


@pytest.mark.django_db
def test_another_requests_photo_id_is_404(api, client, made, account, clerk):
    upload(api, clerk, made, png())
    photo = ServiceRequestPhoto.objects.get()
    api.force_authenticate(clerk)
    other = api.post(BASE, {"account": account.pk, "problem": "二"}, format="json").data["id"]
    client.force_login(clerk)
    assert client.get(f"/aftersales/{other}/photos/{photo.pk}/").status_code == 404
