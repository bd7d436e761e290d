"""The API's JSON parser: a body is read only when it is small and shallow enough (issue 13).

Python's JSON decoder recurses once per `[` or `{`: a body nested 50,000 deep ended in
RecursionError, a 500. Here the nesting is counted first, without recursing, and a body nested
deeper than JSON_MAX_DEPTH is refused with a 400 before json.loads sees it. (The size: DRF
reads a JSON body through Django's `request.body`, which refuses one larger than
DATA_UPLOAD_MAX_MEMORY_SIZE, a 400 by common.api.exception_handler.)
"""

import codecs
import re

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

JSON_MAX_DEPTH = 32  # the deepest body of the API is 3 levels (lines of a document)

# a string (its escapes included: `"\""`), or a bracket outside any string
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def json_depth(text: str, *, stop_above: int | None = None) -> int:
    """The deepest nesting of arrays and objects in `text`, counted in one pass (no recursion).
    Stops counting once past `stop_above`. Invalid JSON gives some number: json.loads refuses
    it afterwards."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_above is not None and deepest > stop_above:
                    break
        elif token in "]}":
            depth -= 1
    return deepest


def json_body_check(text: str) -> None:
    """Raise ParseError (400) for a body nested deeper than JSON_MAX_DEPTH."""
    if json_depth(text, stop_above=JSON_MAX_DEPTH) > JSON_MAX_DEPTH:
        raise ParseError(_("The request body is nested too deeply."))


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser with the depth check above (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parsers.get_encoding(parser_context)
        try:
            text = codecs.decode(stream.read(), encoding)
        except ValueError as exc:  # UnicodeDecodeError
            raise ParseError(f"JSON parse error - {exc}") from exc
        json_body_check(text)
        parse_constant = json.strict_constant if self.strict else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
