"""An account's ledger and the aging of receivables in the API (API.md; R-15.1, R-15.7)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Account
from common.inputs import date_in_range
from staff.models import Office
from staff.permissions import may, office_ids_of

from .. import figures, ledger
from .serializers import AgingRowSerializer, LedgerSerializer
from .views import NOT_FOUND, ledger_account, may_read, refuse_unless


def _date(request, name: str) -> datetime.date | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = datetime.date.fromisoformat(raw)
    except ValueError:
        value = None
    if not date_in_range(value):
        raise ValidationError({name: [_("Enter a valid date.")]})
    return value


class LedgerView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", datetime.date),
            OpenApiParameter("to", datetime.date),
            OpenApiParameter("cursor", str, description="`next` of the previous page"),
        ],
        responses={200: LedgerSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        """R-15.1: the account's ledger (分户账): the opening balance, each line with the
        balance after it, the closing balance; 200 lines a page, keyset-paged by `next`."""
        refuse_unless(may_read(request.user))
        account = ledger_account(request, pk)
        start, end = _date(request, "from"), _date(request, "to")
        if start and end and start > end:
            raise ValidationError({"to": [_("The end is before the start.")]})
        try:
            cursor = ledger.parse_cursor(request.query_params.get("cursor"))
        except ValueError:
            raise ValidationError({"cursor": [_("Not a page of this ledger.")]}) from None
        page = ledger.ledger_page(account.pk, start=start, end=end, cursor=cursor)
        return Response(LedgerSerializer(page).data)


def aging_scope(user, *, office_id: int | None, salesperson_id: int | None):
    """The invoices a reader may age: the offices where they are a manager or finance (a
    director, the executive: all), one of them when asked; one salesperson's accounts when
    asked. None when the reader may not."""
    from ..models import Invoice

    if user.has_role("director", "executive"):
        # they see every branch's receivables (receivables.selectors), members or not
        offices = list(Office.objects.all())
    else:
        offices = [
            o
            for o in Office.objects.filter(pk__in=office_ids_of(user))
            if may(user, "receivables.office", o)
        ]
    if not offices:
        return None
    ids = {o.pk for o in offices}
    if office_id is not None:
        if office_id not in ids:
            return None
        ids = {office_id}
    qs = Invoice.objects.filter(office__in=ids)
    if salesperson_id is not None:
        qs = qs.filter(account__owner_id=salesperson_id)
    return qs


class AgingView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("office", int),
            OpenApiParameter("salesperson", int),
            OpenApiParameter("as_of", datetime.date),
        ],
        responses={200: AgingRowSerializer(many=True)},
    )
    def get(self, request):
        """R-15.7: open receivables per account in the buckets of days overdue (`current` =
        not yet due or up to 30 days overdue), for managers and finance."""
        from .views import _id_param

        office_id, salesperson_id = _id_param(request, "office"), _id_param(request, "salesperson")
        as_of = _date(request, "as_of") or timezone.localdate()
        invoices = aging_scope(request.user, office_id=None, salesperson_id=salesperson_id)
        refuse_unless(invoices is not None)
        if office_id is not None:
            # a branch the reader may not age is a bad parameter, like a row not visible
            invoices = aging_scope(request.user, office_id=office_id, salesperson_id=salesperson_id)
            if invoices is None:
                raise ValidationError({"office": [_("Not one of the choices.")]})
        rows = list(figures.aging_rows(invoices, as_of))
        names = dict(
            Account.objects.filter(pk__in=[r["account"] for r in rows]).values_list("pk", "name")
        )
        for row in rows:
            row["account_name"] = names.get(row["account"], "")
        return Response(AgingRowSerializer(rows, many=True).data)
