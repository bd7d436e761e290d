"""Helpers of the after-sales tests and demo data: a request taken to a given step through
the services (never by writing rows), and small images."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from .services import complaints, requests

NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai

# the smallest PNG (1×1): enough for the type sniffed from its first bytes
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def jpeg_like(size: int, name: str = "big.jpg") -> SimpleUploadedFile:
    """A file that starts as a JPEG does, of `size` bytes."""
    data = io.BytesIO(b"\xff\xd8\xff\xe0" + b"\0" * (size - 4))
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/jpeg")


def at(minutes: int) -> datetime.datetime:
    return NOW + datetime.timedelta(minutes=minutes)


def new_request(account, actor, *, now=NOW, problem="电机异响，无法启动", **extra):
    return requests.request_create(actor=actor, account=account, problem=problem, now=now, **extra)


def request_at(state: str, account, *, reporter, manager, clerk=None, technician=None, now=NOW):
    """A request taken through the services up to `state` (new … closed)."""
    order = ["new", "confirmed", "filed", "contacted", "resolved", "closed"]
    made = new_request(account, reporter, now=now)
    steps = order[1 : order.index(state) + 1]
    for minutes, step in enumerate(steps, start=1):
        when = now + datetime.timedelta(minutes=30 * minutes)
        if step == "confirmed":
            made = requests.request_confirm(request=made, actor=manager, approve=True, now=when)
        elif step == "filed":
            made = requests.request_file(request=made, actor=clerk, technician=technician, now=when)
        elif step == "contacted":
            made = requests.request_contact(
                request=made, actor=technician, contacted_at=when, method="phone", now=when
            )
        elif step == "resolved":
            made = requests.request_result(
                request=made, actor=technician, result="更换轴承，运转正常", now=when
            )
        elif step == "closed":
            made = requests.request_close(request=made, actor=clerk, now=when)
    return made


def new_complaint(account, actor, *, now=NOW, **extra):
    values = {"kind": "complaint", "text": "送货延误三天，客户不满", **extra}
    return complaints.complaint_create(actor=actor, account=account, now=now, **values)
