"""common.uploads (R-12.2 scans, reusable by later issues): the type comes from the file's first
bytes, never its name or the browser's Content-Type; at most 20 MB."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.exceptions import ValidationError

from common.uploads import MAX_UPLOAD_BYTES, check_upload, sniff


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),  # a sound file
        (b"GIF89a", None),
        (b"PK\x03\x04", None),  # a zip, an Office file
        (b"<svg xmlns=", None),  # an SVG can carry script
        (b"", None),
    ],
)
def test_sniffed_from_the_first_bytes(head, kind):
    found = sniff(head)
    assert (found.content_type if found else None) == kind


def test_the_name_and_content_type_sent_do_not_count():
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        check_upload(fake, field="scan")
    assert "scan" in refused.value.detail
    real = SimpleUploadedFile("photo.exe", b"\x89PNG\r\n\x1a\nrest", content_type="text/plain")
    assert check_upload(real).content_type == "image/png"
    assert real.read() == b"\x89PNG\r\n\x1a\nrest"  # left at its start for storing


def test_at_most_20_mb():
    at_limit = SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * (MAX_UPLOAD_BYTES - 5))
    assert check_upload(at_limit).extension == "pdf"
    over = SimpleUploadedFile("b.pdf", b"%PDF-" + b"0" * (MAX_UPLOAD_BYTES - 4))
    with pytest.raises(ValidationError):
        check_upload(over)
    with pytest.raises(ValidationError):
        check_upload(None)
