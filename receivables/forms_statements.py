"""Forms of the statement pages (R-15.6): finance's generate form, the customer's disputed
items (rows added one at a time, as on a phone), a difference's resolution."""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_ROWS = 50  # disputed items on one answer from the page (the API takes more)


class GenerateForm(forms.Form):
    office = forms.TypedChoiceField(label=_("branch"), coerce=int)
    period = forms.ChoiceField(label=_("half year"))

    def __init__(self, *args, offices, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(o.pk, o.name) for o in offices]
        self.fields["period"].choices = periods


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("how it was resolved"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@dataclass
class DifferenceRow:
    index: int
    item: str = ""
    amount: str = ""
    note: str = ""
    errors: dict = field(default_factory=dict)

    @property
    def blank(self) -> bool:
        return not (self.item or self.amount or self.note)


def read_rows(data, prefix: str = "diff") -> list[DifferenceRow]:
    """The rows posted (`rows` of them); `add` adds an empty one, `remove=<i>` drops one.
    Always at least one row."""
    try:
        count = int(data.get("rows", 1))
    except (TypeError, ValueError):
        count = 1
    count = max(0, min(count, MAX_ROWS))
    drop = data.get("remove")
    rows: list[DifferenceRow] = []
    for i in range(count):
        if drop == str(i):
            continue
        rows.append(
            DifferenceRow(
                index=len(rows),
                item=str(data.get(f"{prefix}-{i}-item", "")).strip()[:300],
                amount=str(data.get(f"{prefix}-{i}-amount", "")).strip()[:40],
                note=str(data.get(f"{prefix}-{i}-note", "")).strip()[:2100],
            )
        )
    if "add" in data and len(rows) < MAX_ROWS:
        rows.append(DifferenceRow(index=len(rows)))
    return rows or [DifferenceRow(index=0)]


def apply_errors(rows: list[DifferenceRow], detail: dict) -> list[str]:
    """Put a service's `differences.<i>.<field>` errors on the non-blank rows they concern;
    return the errors that belong to no row."""
    filled = [row for row in rows if not row.blank]
    loose = []
    for key, errors in detail.items():
        messages = [str(e) for e in (errors if isinstance(errors, list) else [errors])]
        parts = str(key).split(".")
        if len(parts) == 3 and parts[0] == "differences" and parts[1].isdigit():
            position = int(parts[1])
            if position < len(filled):
                filled[position].errors.setdefault(parts[2], []).extend(messages)
                continue
        loose.extend(messages)
    return loose
