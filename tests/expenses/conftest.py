"""Fixtures of the expense tests (R-16.3): a branch with its people, a fixed clock, budgets
approved through the real services, and real little images to upload."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from expenses.services import budgets, claims
from shipping.factories import decide_all
from staff.choices import Role
from staff.factories import UserFactory

NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai
TODAY = datetime.date(2026, 3, 10)
MONTH = datetime.date(2026, 3, 1)
M = Decimal


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def executive(office):
    return UserFactory(username="exec", roles=[Role.EXECUTIVE], offices=[office])


def png_bytes(size: int = 8) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def png_upload(name: str = "receipt.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def budget(author, amount="800.00", *, month=MONTH, approve=True, people=(), category="travel"):
    """A budget of `author`, submitted and approved (by the branch manager, and the director
    when over the cap) unless told not to."""
    made = budgets.budget_create(
        actor=author,
        office=author.offices.first(),
        month=month,
        purpose="拜访客户差旅",
        category=category,
        amount=amount,
        now=NOW,
    )
    if approve:
        budgets.budget_submit(budget=made, actor=author, now=NOW)
        made = decide_all(made, people, now=NOW)
    return made


def receipt_line(amount="100.00", description="出租车票") -> claims.LineInput:
    return claims.LineInput(kind="receipt", description=description, amount=amount)


def claim(author, on_budget, lines=None, *, photo=True, submit=True):
    made = claims.claim_create(
        actor=author,
        budget=on_budget,
        date=TODAY,
        lines=lines or [receipt_line()],
        now=NOW,
    )
    if photo:
        for line in made.lines.filter(kind="receipt"):
            claims.claim_add_photo(
                claim=made, actor=author, upload=png_upload(), line_id=line.pk, now=NOW
            )
    if submit:
        made = claims.claim_submit(claim=made, actor=author, now=NOW)
    return made
