"""Uploaded files that the application keeps (a contract's scan, a customer's confirmation):
what they are is read from their first bytes, never from the name or the Content-Type the
browser sends, and their size is capped.

Only PDF and the image formats a phone's camera or a scanner makes are taken: PDF, JPEG, PNG,
WebP. Such files are stored through Django's storage API under MEDIA_ROOT, which no URL serves:
each download goes through a view that checks who asks.
"""

from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # 20 MB


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str


PDF = FileType("application/pdf", "pdf")
JPEG = FileType("image/jpeg", "jpg")
PNG = FileType("image/png", "png")
WEBP = FileType("image/webp", "webp")

HEAD_BYTES = 16


def sniff(head: bytes) -> FileType | None:
    """The type of a file from its first bytes (its magic number), or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def check_upload(upload, *, field: str = "file", max_bytes: int = MAX_UPLOAD_BYTES) -> FileType:
    """The type of an uploaded file (a Django UploadedFile) that is a PDF or an image of at
    most `max_bytes`; anything else is a 400 on `field`. The file is left at its start."""
    if upload is None:
        raise ValidationError({field: [_("Choose a file to upload.")]})
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise ValidationError({field: [_("The file is empty.")]})
    if size > max_bytes:
        raise ValidationError(
            {
                field: [
                    _("The file is %(size)s; at most %(max)s can be uploaded.")
                    % {"size": filesizeformat(size), "max": filesizeformat(max_bytes)}
                ]
            }
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError(
            {field: [_("Upload a PDF or a photo (JPEG, PNG or WebP); this file is neither.")]}
        )
    return kind
