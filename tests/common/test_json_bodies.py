"""JSON bodies built to break the parser (issue 13): a body nested 50,000 deep made Python's
JSON decoder recurse until RecursionError (a 500). The API's JSON parser
(common.parsers.JSONParser) counts the nesting without recursing and refuses a body nested
deeper than JSON_MAX_DEPTH with a 400 and a message; a body larger than
DATA_UPLOAD_MAX_MEMORY_SIZE is refused by Django before."""

import json

import pytest

from common.parsers import JSON_MAX_DEPTH, json_depth

pytestmark = pytest.mark.django_db

VISITS = "/api/v1/visits/"


def nested(depth: int, open_="[", close="]", inner="1") -> str:
    return open_ * depth + inner + close * depth


def post(api, body: str, **headers):
    return api.post(VISITS, body, content_type="application/json", **headers)


@pytest.fixture
def desk(api, secretary):
    api.raise_request_exception = False
    api.force_authenticate(secretary)
    return api


@pytest.mark.parametrize(
    "body",
    [
        nested(50_000),
        nested(50_000, '{"a":', "}"),
        '{"office": ' + nested(50_000) + "}",
        '{"name": "' + "[" * 100 + '", "x": ' + nested(JSON_MAX_DEPTH + 1) + "}",
    ],
    ids=["arrays", "objects", "in-a-field", "after-a-string"],
)
def test_a_deeply_nested_body_is_400_with_a_message(desk, body):
    response = post(desk, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content[:200]
    assert response.json() == {"detail": "The request body is nested too deeply."}


def test_the_message_is_translated(desk):
    response = post(desk, nested(1000), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json()["detail"] == "请求内容的嵌套层数过多。"


def test_brackets_inside_strings_do_not_count(desk, office):
    body = json.dumps({"office": office.pk, "name": "[" * 1000 + "{" * 1000, "phone": "x"})
    response = post(desk, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "phone" in response.json()  # read as usual: the phone is what is wrong


def test_a_body_larger_than_the_limit_is_refused(desk, settings):
    """DRF reads a JSON body through Django's request.body: DATA_UPLOAD_MAX_MEMORY_SIZE holds."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"name": "x" * 20_000})
    response = post(desk, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "too large" in response.json()["detail"]


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('["]]]]", "\\"[[["]', 1),
        ('"\\\\"', 0),
        ('[["\\\\"], [[]]]', 3),
    ],
)
def test_the_depth_is_counted_outside_strings(text, depth):
    assert json_depth(text) == depth
