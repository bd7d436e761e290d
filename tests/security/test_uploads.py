"""Every upload the application keeps (issue 21, Security): a contract's scan (R-12.2), a
customer's confirmation (R-13.4), a receipt's photo (R-16.3) and an after-sales photo (R-16.1),
each through its API endpoint as the person who files it.

For each kind: the type is read from the bytes (an executable, an HTML page or an SVG named
.pdf/.png is a 400 and nothing is stored, a real file with a wrong name is stored under the
sniffed type); the size is capped at 20 MB; the file is served only through a view that checks
who asks (another salesperson's, another branch's: 404; anonymous: the login page), with the
sniffed Content-Type, `nosniff` and a Content-Disposition; its storage path appears in no page
or API answer.

The objects are made with the apps' own factories and test helpers (contracts.factories,
shipping.factories, aftersales.factories, tests/expenses/conftest.py), as the per-app upload
tests do; the files are theirs too (aftersales.factories.png, jpeg_like).
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.factories import jpeg_like, new_request, png
from aftersales.models import ServiceRequestPhoto
from common.uploads import MAX_UPLOAD_BYTES
from contracts.factories import NOW, approved_account, line, make_product, signed
from contracts.models import SalesContract
from expenses.models import ClaimPhoto
from shipping.factories import approved_request, issued_order, ship_order
from shipping.models import Confirmation
from shipping.services import LineInput, confirmation_record
from staff.choices import Role
from staff.factories import UserFactory
from tests.expenses.conftest import budget, claim

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
# what is not a PDF nor a photo, whatever its name and the Content-Type the browser sends
NOT_A_SCAN = {
    "exe_named_pdf": ("scan.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "application/pdf"),
    "exe_named_png": ("photo.png", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "image/png"),
    "html_named_png": ("photo.png", b"<!DOCTYPE html><script>alert(1)</script>", "image/png"),
    "svg_named_png": (
        "photo.png",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "image/png",
    ),
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class Target:
    """Where a kind of file is uploaded, by whom, and who may or may not read it."""

    upload_url: str
    page_url: str  # the page's form of the same upload
    uploader: object
    model: type
    insiders: list = field(default_factory=list)
    outsiders: list = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # where the object is shown (page and API)
    page_data: dict = field(default_factory=dict)  # what the page's form takes besides the file


@dataclass(frozen=True)
class Kind:
    name: str
    field: str
    takes_pdf: bool
    make: Callable[[dict], Target]
    stored: Callable[[object], str]  # the stored file's name (relative to MEDIA_ROOT)
    download: Callable[[object], str]  # the download address of a stored record

    def __str__(self):
        return self.name


def _branch(people: dict) -> tuple:
    office = people["office"]
    manager = people["manager"]
    product = make_product(manager)
    account = approved_account(office, people["salesperson"], name="华东机械有限公司")
    approvers = [manager, people["director"], people["executive"]]
    contract = signed(account, people["salesperson"], [line(product, "4")], approvers)
    return product, account, contract, approvers


def contract_target(people: dict) -> Target:
    _product, _account, contract, _approvers = _branch(people)
    return Target(
        upload_url=f"/api/v1/sales-contracts/{contract.pk}/file/",
        page_url=f"/contracts/{contract.pk}/file/",
        uploader=people["clerk"],
        model=SalesContract,
        insiders=[people["salesperson"], people["manager"], people["clerk"]],
        outsiders=[people["other_salesperson"], people["clerk_b"], people["manager_b"]],
        pages=[f"/contracts/{contract.pk}/", f"/api/v1/sales-contracts/{contract.pk}/"],
    )


def confirmation_target(people: dict) -> Target:
    product, _account, contract, approvers = _branch(people)
    clerk, keeper = people["clerk"], people["warehouse"]
    request = approved_request(contract, now=NOW, requester=people["salesperson"], people=approvers)
    order = issued_order(request, now=NOW, clerk=clerk)
    ship_order(order, now=NOW, keeper=keeper)
    made = confirmation_record(
        actor=clerk,
        order=order,
        signed_by="王经理",
        signed_on=NOW.date(),
        lines=[LineInput(product=product, quantity=Decimal("4"))],
        now=NOW,
    )
    return Target(
        upload_url=f"/api/v1/confirmations/{made.pk}/scan/",
        page_url=f"/shipping/confirmations/{made.pk}/attach/",
        uploader=clerk,
        model=Confirmation,
        insiders=[people["salesperson"], people["manager"], clerk],
        outsiders=[people["other_salesperson"], people["clerk_b"], people["manager_b"]],
        pages=[f"/shipping/orders/{order.pk}/", f"/api/v1/confirmations/{made.pk}/"],
    )


def expense_target(people: dict) -> Target:
    seller, manager = people["salesperson"], people["manager"]
    draft = claim(seller, budget(seller, people=[manager]), photo=False, submit=False)
    return Target(
        upload_url=f"/api/v1/expense-claims/{draft.pk}/photos/",
        page_url=f"/expenses/claims/{draft.pk}/photos/",
        uploader=seller,
        model=ClaimPhoto,
        insiders=[seller, manager],
        outsiders=[people["other_salesperson"], people["manager_b"]],
        pages=[f"/expenses/claims/{draft.pk}/", f"/api/v1/expense-claims/{draft.pk}/"],
        page_data={"line": draft.lines.get().pk},
    )


def aftersales_target(people: dict) -> Target:
    _product, account, _contract, _approvers = _branch(people)
    made = new_request(account, people["salesperson"], now=NOW)
    return Target(
        upload_url=f"/api/v1/after-sales/{made.pk}/photos/",
        page_url=f"/aftersales/{made.pk}/photos/",
        uploader=people["salesperson"],
        model=ServiceRequestPhoto,
        insiders=[people["salesperson"], people["manager"], people["clerk"]],
        outsiders=[people["other_salesperson"], people["clerk_b"], people["manager_b"]],
        pages=[f"/aftersales/{made.pk}/", f"/api/v1/after-sales/{made.pk}/"],
    )


KINDS = [
    Kind(
        "contract_scan",
        "scan",
        True,
        contract_target,
        stored=lambda c: c.scan.name,
        download=lambda c: f"/contracts/{c.pk}/scan/",
    ),
    Kind(
        "confirmation_scan",
        "scan",
        True,
        confirmation_target,
        stored=lambda c: c.scan.name,
        download=lambda c: f"/shipping/confirmations/{c.pk}/scan/",
    ),
    Kind(
        "expense_photo",
        "photo",
        False,
        expense_target,
        stored=lambda p: p.image.name,
        download=lambda p: f"/expenses/claims/{p.claim_id}/photos/{p.pk}/",
    ),
    Kind(
        "aftersales_photo",
        "photo",
        False,
        aftersales_target,
        stored=lambda p: p.file.name,
        download=lambda p: f"/aftersales/{p.request_id}/photos/{p.pk}/",
    ),
]


@pytest.fixture
def people(
    office,
    other_office,
    salesperson,
    other_salesperson,
    manager,
    director,
    clerk,
    warehouse,
):
    def member(role, where, username):
        return UserFactory(username=username, roles=[role], offices=[where])

    return {
        "office": office,
        "salesperson": salesperson,
        "other_salesperson": other_salesperson,
        "manager": manager,
        "director": director,
        "executive": member(Role.EXECUTIVE, office, "executive"),
        "clerk": clerk,
        "warehouse": warehouse,
        "clerk_b": member(Role.CLERK, other_office, "clerk-b"),
        "manager_b": member(Role.MANAGER, other_office, "manager-b"),
    }


def stored_files() -> set[str]:
    """Every file under MEDIA_ROOT."""
    found = set()
    for root, _dirs, files in os.walk(settings.MEDIA_ROOT):
        found.update(os.path.join(root, name) for name in files)
    return found


def kept(target: Target):
    """The record of the uploaded file (the contract or confirmation once it has its scan)."""
    if target.model is SalesContract:
        return SalesContract.objects.exclude(scan="").first()
    if target.model is Confirmation:
        return Confirmation.objects.exclude(scan="").first()
    return target.model.objects.first()


def send(api, target: Target, kind: Kind, upload, user=None):
    api.force_authenticate(user or target.uploader)
    return api.post(target.upload_url, {kind.field: upload}, format="multipart")


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_a_file_that_is_not_what_its_name_says_is_a_400_and_nothing_is_stored(api, people, kind):
    target = kind.make(people)
    before = stored_files()
    refused = dict(NOT_A_SCAN)
    if not kind.takes_pdf:  # photos only: a real PDF named .png is refused too
        refused["pdf_named_png"] = ("receipt.png", PDF_BYTES, "image/png")
    for bad, (name, content, content_type) in refused.items():
        answer = send(api, target, kind, SimpleUploadedFile(name, content, content_type))
        assert answer.status_code == 400, (bad, answer.content)
        assert kind.field in answer.json(), bad
    assert kept(target) is None
    assert stored_files() == before


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_the_pages_form_refuses_the_same_files(client, people, kind):
    """The page's upload form goes through the same check: nothing stored, never a 5xx; the
    real photo is then taken (the refusals were the check's, not the form's)."""
    target = kind.make(people)
    before = stored_files()
    client.force_login(target.uploader)
    for bad, (name, content, content_type) in NOT_A_SCAN.items():
        upload = SimpleUploadedFile(name, content, content_type)
        answer = client.post(target.page_url, {**target.page_data, kind.field: upload})
        assert answer.status_code in (302, 400), (bad, answer.status_code)
    assert kept(target) is None
    assert stored_files() == before
    client.post(target.page_url, {**target.page_data, kind.field: png()})
    assert kept(target) is not None


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_over_20_mb_is_a_400_and_nothing_is_stored(api, people, kind):
    target = kind.make(people)
    before = stored_files()
    answer = send(api, target, kind, jpeg_like(MAX_UPLOAD_BYTES + 1))
    assert answer.status_code == 400, answer.content
    assert kind.field in answer.json()
    assert kept(target) is None
    assert stored_files() == before


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_a_real_file_with_a_wrong_name_is_stored_under_a_random_name_of_its_sniffed_type(
    api, people, kind
):
    target = kind.make(people)
    answer = send(api, target, kind, png("invoice.exe"))
    assert answer.status_code in (200, 201), answer.content
    record = kept(target)
    name = kind.stored(record)
    assert name.endswith(".png") and "invoice" not in name and ".exe" not in name
    assert len(name.rsplit("/", 1)[-1]) >= 32 + len(".png")  # a uuid, not guessable


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_the_file_is_served_only_to_who_sees_it_with_safe_headers(api, client, people, kind):
    target = kind.make(people)
    assert send(api, target, kind, png()).status_code in (200, 201)
    record = kept(target)
    url = kind.download(record)
    for insider in target.insiders:
        client.force_login(insider)
        served = client.get(url)
        assert served.status_code == 200, (insider.username, served.status_code)
        assert served["Content-Type"] == "image/png"
        assert served["X-Content-Type-Options"] == "nosniff"
        assert "filename=" in served["Content-Disposition"]
        assert "private" in served["Cache-Control"]
        assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    for outsider in target.outsiders:
        client.force_login(outsider)
        assert client.get(url).status_code in (403, 404), outsider.username
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    client.force_login(target.uploader)
    for public in ("/", "/media/", settings.MEDIA_URL):  # no URL serves MEDIA_ROOT
        assert client.get(public + kind.stored(record)).status_code == 404


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_the_storage_path_appears_in_no_page_or_api_answer(api, client, people, kind):
    target = kind.make(people)
    answer = send(api, target, kind, png())
    name = kind.stored(kept(target))
    secret = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]  # the random part
    texts = {"upload": answer.content}
    client.force_login(target.uploader)
    for page in target.pages:
        shown = client.get(page)
        assert shown.status_code == 200, page
        texts[page] = shown.content
    served = client.get(kind.download(kept(target)))
    texts["headers"] = str(dict(served.headers)).encode()
    for where, text in texts.items():
        assert secret.encode() not in text, where
        assert str(settings.MEDIA_ROOT).encode() not in text, where


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_anonymous_and_another_branch_cannot_upload(api, people, kind):
    target = kind.make(people)
    api.force_authenticate(None)
    answer = api.post(target.upload_url, {kind.field: png()}, format="multipart")
    assert answer.status_code == 401, answer.status_code
    answer = send(api, target, kind, png(), user=people["clerk_b"])
    assert answer.status_code in (403, 404)
    assert kept(target) is None
