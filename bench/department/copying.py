"""COPY rows of a model: the columns given, every other column its default (or NULL, or an
empty string when blank), so that a seed names only what it means."""

import datetime
import json
from decimal import Decimal

from django.db import models

NULL = "\\N"


def _text(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal | int | float | str | datetime.date | datetime.time):
        return str(value)
    raise TypeError(f"no COPY text for {value!r}")


def _default(model, field) -> str:
    if field.has_default():
        return _text(field.get_default())
    if field.null:
        return NULL
    if isinstance(field, models.CharField | models.TextField | models.FileField) and field.blank:
        return ""
    raise ValueError(f"{model.__name__}.{field.name} needs a value")


class Rows:
    """`Rows(Model, ["id", "office_id", …])`: `.add(1, 5, …)` appends a line of text;
    `.copy(copier)` sends them with COPY and frees them."""

    def __init__(self, model, columns: list[str]):
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        rest = [
            (c, _default(model, f))
            for c, f in fields.items()
            if c not in columns and not isinstance(f, models.AutoField | models.BigAutoField)
        ]  # an id not given comes from its sequence
        self.table = model._meta.db_table
        self.columns = ", ".join(f'"{c}"' for c in [*columns, *(c for c, _t in rest)])
        self.suffix = "".join("\t" + t for _c, t in rest) + "\n"
        self.lines: list[str] = []
        self.width = len(columns)

    def add(self, *values) -> None:
        self.lines.append("\t".join(map(str, values)) + self.suffix)

    def __len__(self) -> int:
        return len(self.lines)

    def copy(self, copier) -> int:
        n = copier.copy(self.table, self.columns, iter(self.lines))
        self.lines = []
        return n
