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
