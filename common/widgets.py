"""Form widgets shared by every app."""

import threading
from collections import OrderedDict

from django import forms
from django.forms.models import ModelChoiceIterator


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (YYYY-MM-DD) whatever the language:
    a localized value (zh-Hans: 2026/11/27) leaves the picker empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class RenderOnceSelect(forms.Select):
    """A select rendered once per distinct input: its choices (read afresh on every render,
    as any select does), value, attributes and name key a small per-process cache of the HTML
    Django's templates make of them, so that the desk's 100-option salesperson picker costs
    its query, not 100 template renders on every page (issue 22). The HTML is the same."""

    CACHE_SIZE = 256
    _rendered: OrderedDict = OrderedDict()
    _lock = threading.Lock()

    def _read_choices(self) -> list:
        """The choices as a list, a model field's in one plain query: Django's own iterator
        reads them through a server-side cursor (DECLARE … WITH HOLD, FETCH, CLOSE) and a
        `list()` of it counts them first."""
        choices = self.choices
        if isinstance(choices, ModelChoiceIterator):
            field = choices.field
            head = [("", field.empty_label)] if field.empty_label is not None else []
            return head + [choices.choice(obj) for obj in choices.queryset.all()]
        return [*choices]

    def render(self, name, value, attrs=None, renderer=None):
        self.choices = self._read_choices()  # read once, used for the key and the HTML
        key = (
            type(self),
            self.template_name,
            name,
            tuple(self.format_value(value)),
            tuple(sorted((k, str(v)) for k, v in self.build_attrs(self.attrs, attrs).items())),
            tuple((str(v), str(label)) for v, label in self.choices),
            id(renderer),
        )
        with self._lock:
            html = self._rendered.get(key)
            if html is not None:
                self._rendered.move_to_end(key)
                return html
        html = super().render(name, value, attrs, renderer)
        with self._lock:
            self._rendered[key] = html
            while len(self._rendered) > self.CACHE_SIZE:
                self._rendered.popitem(last=False)
        return html
