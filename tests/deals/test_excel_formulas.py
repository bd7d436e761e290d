"""Issue 13: the board export keeps a name that looks like a formula as the text it is, and
the units import refuses a file with a formula (or a text starting with "="), importing
nothing and naming the row."""

import io

import pytest
from django.conf import settings
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.formula import ArrayFormula

from deals import excel, services
from deals.models import Project, Unit

from .test_excel import GOOD, IMPORT, ZH, upload
from .test_pages import NOW, claimed, clock, make_project, unit  # noqa: F401

pytestmark = pytest.mark.django_db

EXPORT = "/deals/export/"
NAMES = ['=HYPERLINK("http://x","y")', "=1+2", "+1", "@SUM(A1)"]


@pytest.mark.parametrize("name", NAMES)
def test_board_export_keeps_formula_like_names_as_text(
    client, office, salesperson, other_salesperson, name
):
    project = make_project(office, floors=1, per_floor=3, name=name)
    held = claimed(office, salesperson, "13800000001", name)
    subscribed = claimed(office, other_salesperson, "13900000002", name)
    services.hold_create(unit=unit(project, "101"), customer=held, actor=salesperson, now=NOW)
    services.subscription_create(
        unit=unit(project, "102"), customer=subscribed, deposit="20000.00",
        actor=other_salesperson, now=NOW,
    )  # fmt: skip
    client.force_login(salesperson)
    response = client.get(EXPORT, {"office": office.pk, "project": project.pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
    by_number = {row[2].value: row for row in sheet.iter_rows(min_row=2)}
    for number in ("101", "102", "103"):
        assert (by_number[number][0].value, by_number[number][0].data_type) == (name, "s")
    for number in ("101", "102"):  # the customer of the hold, of the subscription
        assert (by_number[number][9].value, by_number[number][9].data_type) == (name, "s")
    # numbers stay numbers
    assert by_number["103"][3].data_type == "n" and by_number["103"][7].data_type == "n"


def _with_formula(cell_value) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(ZH)
    sheet.append(GOOD[0])
    sheet.append(["星河湾", "1", "103", 1, "", 80, "", cell_value])
    sheet.append(GOOD[1])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "value",
    ["=1000000*2", '=HYPERLINK("http://x","y")', "=1+2"],
    ids=["formula", "hyperlink", "text-starting-with-="],
)
def test_import_refuses_a_formula_and_imports_nothing(client, office, manager, value):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(manager)
    response = client.post(IMPORT, {"office": office.pk, "file": upload(_with_formula(value))})
    assert response.status_code == 422
    assert response.context["report"] is None
    assert response.context["form"].errors["file"] == [
        "Row 3 holds a formula (cell H3). The import takes values only: replace the formula "
        "with its value and import the file again. Nothing was imported."
    ]
    assert not Unit.objects.exists() and not Project.objects.exists()


def test_import_refuses_a_text_cell_starting_with_equals(office, manager):
    """A cell typed as text ('=1+2 in Excel) is refused too: it becomes a formula on edit."""
    book = Workbook()
    sheet = book.active
    sheet.append(ZH)
    sheet.append(GOOD[0])
    sheet["E2"] = "=1+2"
    sheet["E2"].data_type = "s"
    out = io.BytesIO()
    book.save(out)
    with translation.override("en"), pytest.raises(excel.BadFile, match=r"cell E2"):
        excel.import_units(office=office, file=io.BytesIO(out.getvalue()), actor=manager)
    assert not Unit.objects.exists()


def test_import_refuses_an_array_formula_in_chinese(client, office, manager):
    book = Workbook()
    sheet = book.active
    sheet.append(ZH)
    sheet.append(GOOD[0])
    sheet["I2"] = ArrayFormula("I2:I2", "=SUM(F2:H2)")  # outside the imported columns
    out = io.BytesIO()
    book.save(out)
    client.force_login(manager)
    response = client.post(IMPORT, {"office": office.pk, "file": upload(out.getvalue())})
    assert response.status_code == 422
    assert "第 2 行" in response.content.decode()
    assert not Unit.objects.exists()
