"""The form renderer: Django's TemplatesSetting, remembering the widgets it has rendered.

A widget's HTML is a function of its template and its context (name, value, attributes,
choices, the active language): rendering the same context again gives the same text. Django
renders each widget through the template engine (a text input ~0.15 ms, the desk's
100-salesperson picker 3.5 ms), and the desk alone renders 14 of them on every refresh
(issue 22). So the HTML of a widget context already rendered is answered from a small
per-process cache keyed by that whole context; a changed value, attribute, choice or label
is another key. Hidden inputs (a form's one-time key) and every template that is not a
widget's render as usual.
"""

import json
import threading
from collections import OrderedDict

from django.forms.renderers import TemplatesSetting
from django.utils import translation

WIDGETS = "django/forms/widgets/"


class RememberingRenderer(TemplatesSetting):
    CACHE_SIZE = 512

    def __init__(self):
        super().__init__()
        self._html: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(template_name: str, context) -> tuple | None:
        widget = context.get("widget") if len(context) == 1 else None
        if not template_name.startswith(WIDGETS) or not isinstance(widget, dict):
            return None
        if widget.get("is_hidden"):
            return None
        try:
            text = json.dumps(widget, sort_keys=True, default=str)
        except (TypeError, ValueError):  # not a plain widget context: render it as it is
            return None
        return template_name, translation.get_language(), text

    def render(self, template_name, context, request=None):
        key = None if request is not None else self._key(template_name, context)
        if key is None:
            return super().render(template_name, context, request)
        with self._lock:
            html = self._html.get(key)
            if html is not None:
                self._html.move_to_end(key)
                return html
        html = super().render(template_name, context, request)
        with self._lock:
            self._html[key] = html
            while len(self._html) > self.CACHE_SIZE:
                self._html.popitem(last=False)
        return html
