"""An expense from a phone (R-16.3): a salesperson opens their approved budget on a 390 px
phone, makes a claim with a receipt line, takes the receipt's photo (the file input the
camera fills), and submits it; the branch manager approves it and finance pays it; the
salesperson sees it paid. Every page fits the phone's width."""

import io
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import Page, expect

from expenses.models import ClaimPhoto, ExpenseClaim
from expenses.services import budgets, claims
from shipping.factories import decide_all
from staff.choices import Role
from staff.factories import DEFAULT_PASSWORD, OfficeFactory, UserFactory
from tests.e2e.conftest import assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e


def zh(text: str, context: str = "") -> str:
    with translation.override("zh-hans"):
        return pgettext(context, text) if context else gettext(text)


def receipt_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (240, 240, 230)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def branch(transactional_db) -> dict:
    office = OfficeFactory(name="华东分部", code="east")
    people = {
        role: UserFactory(username=f"e2e-{role}", roles=[role], offices=[office])
        for role in (Role.SALESPERSON, Role.MANAGER, Role.FINANCE)
    }
    now = timezone.now()
    budget = budgets.budget_create(
        actor=people[Role.SALESPERSON],
        office=office,
        month=timezone.localdate(now, office.tzinfo),
        purpose="拜访杭州客户的差旅费",
        category="travel",
        amount="800.00",
        now=now,
    )
    budgets.budget_submit(budget=budget, actor=people[Role.SALESPERSON], now=now)
    decide_all(budget, [people[Role.MANAGER]], now=now)
    return {"office": office, "budget": budget, **people}


def test_a_salesperson_claims_an_expense_with_a_photo_from_a_phone(page: Page, live_server, branch):
    salesperson = branch[Role.SALESPERSON]
    login(page, live_server, salesperson.username, DEFAULT_PASSWORD)

    page.goto(f"{live_server.url}/expenses/")
    assert_no_horizontal_scroll(page)
    page.locator(f"#budget-{branch['budget'].pk} a").click()
    expect(page.locator("#budget-status")).to_have_text(zh("Approved"))
    assert_no_horizontal_scroll(page)
    page.locator("#claim-against").click()

    # the claim: today's date is filled in; a receipt line of 126.50 yuan
    expect(page).to_have_url(re.compile(r"/expenses/claims/new/"))
    expect(page.locator("#id_line-kind_0")).to_be_checked()
    assert_no_horizontal_scroll(page)
    page.locator("#id_line-description").fill("高铁票 上海—杭州")
    page.locator("#id_line-amount").fill("126.50")
    page.locator("#save-claim").click()
    expect(page.locator("#claim-status")).to_have_text(zh("Draft"))
    expect(page.locator("#claim-total")).to_have_text("126.50")

    # submitting before the photo is refused and says why
    page.locator("#submit-claim").click()
    expect(page.locator("body")).to_contain_text(
        zh("Every receipt line needs a photo of its receipt before the claim is submitted.")
    )

    # the camera's photo
    photo_input = page.locator("#id_photo")
    expect(photo_input).to_have_attribute("capture", "environment")
    expect(photo_input).to_have_attribute("accept", "image/*")
    photo_input.set_input_files(
        files=[{"name": "IMG_0001.png", "mimeType": "image/png", "buffer": receipt_png()}]
    )
    page.locator("#upload-photo").click()
    expect(page.locator("#claim-lines img")).to_have_count(1)
    assert_no_horizontal_scroll(page)
    page.locator("#submit-claim").click()
    expect(page.locator("#claim-status")).to_have_text(zh("Pending approval"))

    made = ExpenseClaim.objects.get(author=salesperson)
    assert ClaimPhoto.objects.filter(claim=made).count() == 1
    assert made.approvals().exclude(state="skipped").count() == 1  # the manager only

    # the branch manager approves, finance pays
    now = timezone.now()
    decide_all(made, [branch[Role.MANAGER]], now=now)
    claims.claim_pay(claim=made, actor=branch[Role.FINANCE], reference="网银 0042", now=now)

    page.reload()
    expect(page.locator("#claim-status")).to_have_text(zh("Paid", "expense claim"))
    expect(page.locator("#claim-paid")).to_contain_text("网银 0042")
    assert_no_horizontal_scroll(page)
