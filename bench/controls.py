"""The bare control views (issue 8): the least a Django view can do for one request, through
the same server, middleware and database as the real endpoints, measured in the same run.
Every target on requests/s is a ratio against one of them."""

import json

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

CONTROL_TABLE = "bench_control"
CREATE_TABLE = f"""
CREATE TABLE IF NOT EXISTS {CONTROL_TABLE} (
    id bigserial PRIMARY KEY,
    phone varchar(15) NOT NULL,
    seq smallint NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
)
"""
INSERT = f"INSERT INTO {CONTROL_TABLE} (phone, seq) VALUES (%s, %s)"  # noqa: S608


@csrf_exempt
@require_POST
def control_insert(request: HttpRequest) -> JsonResponse:
    """One transaction of five single-row INSERTs, from a JSON body like the visit's."""
    phone = str(json.loads(request.body or b"{}").get("phone", ""))[:15]
    with transaction.atomic(), connection.cursor() as cursor:
        for seq in range(5):
            cursor.execute(INSERT, [phone, seq])
    return JsonResponse({"phone": phone}, status=201)


@require_GET
def control_select(request: HttpRequest) -> JsonResponse:
    """One primary-key SELECT of a customer."""
    pk = int(request.GET.get("id") or 0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name, phone, office_id FROM leads_customer WHERE id = %s", [pk])
        row = cursor.fetchone()
    if row is None:
        return JsonResponse({"detail": "not found"}, status=404)
    return JsonResponse(dict(zip(("id", "name", "phone", "office"), row, strict=True)))


# the shipping race's control (issue 21): one transaction that locks 10 of 20 contested
# balance rows in order, updates each and appends a line for each: what shipping an order of
# 10 lines asks of PostgreSQL at the least
TEN_TABLE = "bench_control_stock"
CREATE_TEN = [
    f"CREATE TABLE IF NOT EXISTS {TEN_TABLE} (id int PRIMARY KEY, on_hand bigint NOT NULL)",
    f"INSERT INTO {TEN_TABLE} SELECT g, 1000000000 FROM generate_series(1, 20) g "  # noqa: S608
    "ON CONFLICT DO NOTHING",
]


@csrf_exempt
@require_POST
def control_ten(request: HttpRequest) -> JsonResponse:
    """Ten rows locked (FOR UPDATE, in id order), updated, and ten rows inserted, in one
    transaction; the body names the first row (`{"start": n}`), the next nine follow."""
    start = int(json.loads(request.body or b"{}").get("start", 0)) % 20
    ids = sorted((start + 2 * k) % 20 + 1 for k in range(10))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, on_hand FROM {TEN_TABLE} WHERE id = ANY(%s) ORDER BY id FOR UPDATE",  # noqa: S608
            [ids],
        )
        rows = cursor.fetchall()
        for pk, _on_hand in rows:
            cursor.execute(f"UPDATE {TEN_TABLE} SET on_hand = on_hand - 1 WHERE id = %s", [pk])  # noqa: S608
            cursor.execute(INSERT, [str(pk), 1])
    return JsonResponse({"rows": len(rows)}, status=200)
