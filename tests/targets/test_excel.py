"""R-17.1: the grids as Excel files. Download, upload unchanged, same rows; every bad upload
(formula, text amount, unknown branch or person, over 2 MB, a split over its parent) is
refused with the row's error and nothing is saved; a good file is applied as a whole."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from targets.factories import set_target
from targets.models import SalesTarget

pytestmark = pytest.mark.django_db


def rows():
    return sorted(
        str((t.region, t.office_id, t.salesperson_id, t.month, t.amount))
        for t in SalesTarget.objects.all()
    )


def download(client, user, query=""):
    client.force_login(user)
    answer = client.get(f"/targets/excel/?year=2026{query}")
    assert answer.status_code == 200
    return load_workbook(io.BytesIO(answer.content))


def upload(client, book, office=None):
    out = io.BytesIO()
    book.save(out)
    data = {"file": SimpleUploadedFile("t.xlsx", out.getvalue())}
    if office is not None:
        data["office"] = office.pk
    return client.post("/targets/excel/upload/", data)


def test_the_director_round_trip_changes_nothing(client, planned, director, other_office):
    set_target(director, "200000.00", office=other_office)
    before = rows()
    book = download(client, director)
    sheet = book.active
    assert sheet["B1"].value == 2026
    sunny = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "sunny")
    assert sunny[2] == Decimal("300000.00") or sunny[2] == 300000
    assert sunny[3 + 2] == 30000  # March
    answer = upload(client, book)
    assert answer.status_code == 302
    assert rows() == before


def test_a_good_director_file_applies_every_row(client, planned, director, other_office):
    book = download(client, director)
    sheet = book.active
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == "riverside":
            row[2].value = 240000
            row[3].value = 20000.5  # January
        if row[0].value == "sunny":
            row[4].value = 25000  # February
    assert upload(client, book).status_code == 302
    assert SalesTarget.objects.get(office=other_office, month=None).amount == Decimal("240000.00")
    assert SalesTarget.objects.get(office=other_office, month=1).amount == Decimal("20000.50")
    assert SalesTarget.objects.get(office=planned, month=2).amount == Decimal("25000.00")


def test_the_manager_round_trip(client, planned, manager, salesperson, other_salesperson):
    set_target(manager, "10000.00", office=planned, salesperson=salesperson, month=3)
    before = rows()
    book = download(client, manager, f"&office={planned.pk}")
    sheet = book.active
    assert sheet["D1"].value == "sunny"
    usernames = [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(usernames) == ["sales1", "sales2"]
    assert upload(client, book, planned).status_code == 302
    assert rows() == before
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == "sales2":
            row[2 + 2].value = 20000  # March
    assert upload(client, book, planned).status_code == 302
    assert SalesTarget.objects.get(salesperson=other_salesperson).amount == Decimal("20000.00")


def _bad(client, book, office=None):
    before = rows()
    answer = upload(client, book, office)
    assert answer.status_code in (400, 409)
    assert rows() == before
    return answer.content.decode()


def test_a_formula_is_refused(client, planned, director):
    book = download(client, director)
    sheet = book.active
    sheet["E3"] = "=1+2"
    page = _bad(client, book)
    assert "upload-errors" in page
    assert "<td>3</td>" in page


def test_a_text_amount_is_refused(client, planned, director):
    book = download(client, director)
    book.active["E3"] = "一万"
    page = _bad(client, book)
    assert "<td>3</td>" in page


def test_a_negative_amount_is_refused(client, planned, director):
    book = download(client, director)
    book.active["E3"] = -5
    assert "<td>3</td>" in _bad(client, book)


def test_an_unknown_branch_is_refused(client, planned, director):
    book = download(client, director)
    book.active.append(["no-such-branch", "不存在", 1])
    last = book.active.max_row
    assert f"<td>{last}</td>" in _bad(client, book)


def test_an_unknown_salesperson_is_refused(client, planned, manager):
    book = download(client, manager, f"&office={planned.pk}")
    book.active.append(["ghost", "无名", None, None, 5])
    assert f"<td>{book.active.max_row}</td>" in _bad(client, book, planned)


def test_a_split_over_its_parent_refuses_the_whole_file(client, planned, director):
    book = download(client, director)
    sheet = book.active
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == "sunny":
            row[4].value = 100000  # February: fine alone
            row[5].value = 200000.01  # March: with February over the 300,000.00 year
    page = _bad(client, book)
    assert 'id="refused"' in page
    assert not SalesTarget.objects.filter(month=2).exists()


def test_an_oversize_file_is_refused(client, planned, director):
    client.force_login(director)
    big = SimpleUploadedFile("big.xlsx", b"0" * (2 * 1024 * 1024 + 1))
    before = rows()
    answer = client.post("/targets/excel/upload/", {"file": big})
    assert answer.status_code == 400
    assert "2 MB" in answer.content.decode() or "2 MB" in str(answer.content, "utf-8")
    assert rows() == before


def test_who_may_download_and_upload(
    client, planned, manager, other_manager, salesperson, executive
):
    client.force_login(manager)
    assert client.get("/targets/excel/?year=2026").status_code == 403
    client.force_login(other_manager)
    assert client.get(f"/targets/excel/?year=2026&office={planned.pk}").status_code == 403
    client.force_login(salesperson)
    assert client.get(f"/targets/excel/?year=2026&office={planned.pk}").status_code == 403
    assert client.post("/targets/excel/upload/", {"office": planned.pk}).status_code == 403
    client.force_login(executive)
    assert client.post("/targets/excel/upload/", {}).status_code == 403
