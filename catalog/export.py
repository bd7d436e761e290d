"""The products and their prices as Excel; the cost column only for who may see it (R-10.1)."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from common.excel import append_row


def products_xlsx(products, *, show_cost: bool) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Products")
    header = [pgettext("product", "Code"), pgettext("product", "Name"), _("Specification")]
    header += [pgettext("product", "Unit"), _("Tax rate")]
    header += [_("List price"), _("Floor price")] + ([_("Cost")] if show_cost else [])
    append_row(sheet, header)
    for p in products:
        price = p.current_price
        row = [p.code, p.name, p.specification, p.unit, p.tax_rate]
        row += [price.list_price if price else None, price.floor_price if price else None]
        if show_cost:
            row.append(price.cost if price else None)
        append_row(sheet, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
