"""Units and prices imported from an Excel file, and the board exported as one (R-6.1)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from deals import excel, services
from deals.models import Project, Unit

from .test_pages import NOW, claimed, clock, make_project, unit  # noqa: F401

pytestmark = pytest.mark.django_db

IMPORT = "/deals/import/"
EXPORT = "/deals/export/"
ZH = ["项目", "楼栋", "房号", "楼层", "户型", "面积", "朝向", "表价"]
EN = ["project", "building", "number", "floor", "layout", "area", "orientation", "list_price"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def english(client):
    """The interface in English (the language switcher's cookie); Chinese by default."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def xlsx(rows, header=ZH) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name="units.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


GOOD = [
    ["星河湾", "1", "101", 1, "3室2厅", 89.5, "南", 1500000],
    ["星河湾", "1", 102, 1, "2室1厅", "76.25", "南北", "1280000.50"],
    ["星河湾", "2", "1201", 12, "", 120, "", 2500000.25],
]


def test_a_good_file_imports_every_unit(english, client, office, manager):
    client.force_login(manager)
    response = client.post(IMPORT, {"office": office.pk, "file": upload(xlsx(GOOD))})
    assert response.status_code == 200
    assert response.context["report"].imported == 3
    assert response.context["report"].rejected == []
    units = {u.number: u for u in Unit.objects.filter(office=office)}
    assert set(units) == {"101", "102", "1201"}
    assert units["101"].area == Decimal("89.50") and units["101"].list_price == Decimal("1500000")
    assert units["102"].list_price == Decimal("1280000.50") and units["102"].layout == "2室1厅"
    assert units["1201"].floor == 12 and units["1201"].list_price == Decimal("2500000.25")
    assert Project.objects.get(office=office).name == "星河湾"


def test_english_headers_in_any_order_are_accepted(office, manager):
    header = list(reversed(EN))
    rows = [list(reversed(r)) for r in GOOD]
    report = excel.import_units(office=office, file=io.BytesIO(xlsx(rows, header)), actor=manager)
    assert report.imported == 3


def test_bad_rows_are_reported_and_the_good_ones_imported(english, client, office, manager):
    services.unit_create(
        office=office, project="星河湾", building="1", number="301", floor=3,
        area="90", list_price="1000000",
    )  # fmt: skip
    rows = [
        GOOD[0],  # row 2: fine
        ["", "1", "103", 1, "", 80, "", 1000000],  # 3: no project
        ["星河湾", "1", "104", "一楼", "", 80, "", 1000000],  # 4: floor not a number
        ["星河湾", "1", "105", 1, "", 0, "", 1000000],  # 5: area not > 0
        ["星河湾", "1", "106", 1, "", 80, "", "1000000.123"],  # 6: 3 decimals
        ["星河湾", "1", "107", 1, "", 80, "", "abc"],  # 7: not a number
        ["星河湾", "1", "101", 1, "", 80, "", 1000000],  # 8: twin of row 2
        ["星河湾", "1", "301", 3, "", 80, "", 1000000],  # 9: already exists
        ["星河湾", "1", "108", 1, "", 80, "", -5],  # 10: negative price
        GOOD[1],  # 11: fine
    ]
    client.force_login(manager)
    response = client.post(IMPORT, {"office": office.pk, "file": upload(xlsx(rows))})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.imported == 2
    rejected = dict(report.rejected)
    assert sorted(rejected) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert rejected[3] == ["The project is missing."]
    assert rejected[4] == ["The floor must be a whole number."]
    assert rejected[5] == ["The area must be more than zero."]
    assert rejected[6] == ["The list price has more than two decimal places."]
    assert rejected[7] == ["The list price is not a number."]
    assert rejected[8] == ["The same unit is already on row 2 of the file."]
    assert rejected[9] == ["This unit already exists."]
    assert rejected[10] == ["The list price cannot be negative."]
    assert set(Unit.objects.filter(office=office).values_list("number", flat=True)) == {
        "101", "102", "301",
    }  # fmt: skip
    html = response.content.decode()
    assert "2 units imported." in html and "8 rows rejected" in html
    assert "The same unit is already on row 2 of the file." in html


def test_the_page_renders_in_chinese(client, office, manager):
    client.force_login(manager)
    response = client.post(IMPORT, {"office": office.pk, "file": upload(xlsx(GOOD))})
    assert response.status_code == 200 and response.context["report"].imported == 3


def test_direct_read_reports_rows_without_an_office():
    with translation.override("en"):
        rows, rejected = excel.read_units(io.BytesIO(xlsx([*GOOD, GOOD[0], ["x"] * 8])))
    assert [r.row for r in rows] == [2, 3, 4]
    assert rejected[0] == (5, ["The same unit is already on row 2 of the file."])
    assert rejected[1][0] == 6 and "The floor must be a whole number." in rejected[1][1]


def test_a_file_that_is_not_xlsx_imports_nothing(english, client, office, manager):
    client.force_login(manager)
    content = "项目,楼栋,房号\n星河湾,1,101\n".encode()
    response = client.post(IMPORT, {"office": office.pk, "file": upload(content, "units.csv")})
    assert response.status_code == 422
    assert "This is not an Excel (.xlsx) file." in response.content.decode()
    assert response.context["report"] is None
    assert not Unit.objects.exists()


def test_a_missing_header_imports_nothing(english, client, office, manager):
    client.force_login(manager)
    header = [h for h in ZH if h != "表价"]
    rows = [r[:7] for r in GOOD]
    response = client.post(IMPORT, {"office": office.pk, "file": upload(xlsx(rows, header))})
    assert response.status_code == 422
    assert "The header row lacks a required column: 表价/list_price." in response.content.decode()
    assert not Unit.objects.exists() and not Project.objects.exists()


def test_a_file_without_rows_imports_nothing(office, manager):
    with pytest.raises(excel.BadFile):
        excel.import_units(office=office, file=io.BytesIO(xlsx([])), actor=manager)


def test_the_import_page_is_for_managers(client, office, manager, salesperson):
    client.force_login(manager)
    page = client.get(IMPORT)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    client.force_login(salesperson)
    assert client.get(IMPORT).status_code == 403
    response = client.post(IMPORT, {"office": office.pk, "file": upload(xlsx(GOOD))})
    assert response.status_code == 403
    assert not Unit.objects.exists()


def test_another_offices_manager_cannot_import_here(client, office, other_manager):
    client.force_login(other_manager)
    response = client.post(IMPORT, {"office": office.pk, "file": upload(xlsx(GOOD))})
    assert response.status_code == 404
    assert not Unit.objects.exists()


def test_export_has_every_unit_with_its_status(
    english, client, office, salesperson, other_salesperson
):
    project = make_project(office, floors=1, per_floor=3)
    zhou = claimed(office, salesperson, "13800000001", "周女士")
    li = claimed(office, other_salesperson, "13900000002", "李秀英")
    services.hold_create(unit=unit(project, "101"), customer=zhou, actor=salesperson, now=NOW)
    sub = services.subscription_create(
        unit=unit(project, "102"), customer=li, deposit="20000.00", actor=other_salesperson,
        now=NOW,
    )  # fmt: skip
    client.force_login(salesperson)
    response = client.get(EXPORT, {"office": office.pk, "project": project.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".xlsx" in disposition
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Project", "Building", "Unit number")
    by_number = {r[2]: r for r in rows[1:]}
    assert set(by_number) == {"101", "102", "103"}
    held, subscribed, free = by_number["101"], by_number["102"], by_number["103"]
    expiry = (NOW + datetime.timedelta(hours=72)).strftime("%Y-%m-%d %H:%M")
    assert held[8:11] == ("Held", "周女士", expiry)
    assert subscribed[8] == "Subscribed" and subscribed[9] == "李秀英"
    assert subscribed[11] == sub.number
    assert free[8] == "Available" and free[9] in (None, "")
    assert Decimal(str(free[7])) == Decimal("1500000.00")


def test_export_defaults_to_the_first_project(client, office, salesperson):
    make_project(office, floors=1, per_floor=1)
    client.force_login(salesperson)
    response = client.get(EXPORT)
    assert response.status_code == 200 and response["Content-Type"] == XLSX


def test_export_of_another_office_is_404(client, office, other_office, other_manager):
    project = make_project(office, floors=1, per_floor=1)
    client.force_login(other_manager)
    assert client.get(EXPORT, {"office": office.pk}).status_code == 404
    assert client.get(EXPORT, {"project": project.pk}).status_code == 404
    assert client.get(EXPORT, {"project": "x"}).status_code == 404


def test_board_links_to_export_and_import(english, client, office, manager, salesperson):
    make_project(office, floors=1, per_floor=1)
    client.force_login(manager)
    html = client.get("/deals/board/").content.decode()
    assert "/deals/export/" in html and "/deals/import/" in html
    client.force_login(salesperson)
    html = client.get("/deals/board/").content.decode()
    assert "/deals/export/" in html and "/deals/import/" not in html
