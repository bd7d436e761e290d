"""Expenses in the API (R-16.3). Thin: parse, call a service, answer. A domain conflict is a
409 with a stable code (common.errors); bad input a 400; what the user may not see a 404."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import conflict_response
from staff.models import Office
from staff.permissions import may, may_in_any_office, office_ids_of

from .. import months, selectors
from ..choices import BudgetStatus, ClaimStatus
from ..models import ClaimLine, ExpenseBudget, ExpenseClaim
from ..services import budgets, claims
from . import serializers as s

NOT_FOUND = OpenApiResponse(description=str(_("Not found, or not yours to see.")))


def refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _status_param(request, choices):
    value = request.query_params.get("status")
    if value in (None, ""):
        return None
    if value not in choices.values:
        raise ValidationError({"status": [_("Not one of the choices.")]})
    return value


def spending_office(user, raw) -> Office:
    """The office a budget is for: the one named, else the user's only office where they
    spend."""
    offices = [
        o
        for o in Office.objects.filter(pk__in=office_ids_of(user)).order_by("pk")
        if may(user, "expenses.spend", o)
    ]
    if raw is not None:
        chosen = next((o for o in offices if o.pk == raw), None)
        if chosen is None:
            raise ValidationError({"office": [_("Not a branch where you may spend.")]})
        return chosen
    if len(offices) != 1:
        raise ValidationError({"office": [_("Choose the branch.")]})
    return offices[0]


class _Base(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_unless(selectors.may_read(request.user))


class BudgetViewSet(_Base):
    serializer_class = s.ExpenseBudgetSerializer
    queryset = ExpenseBudget.objects.none()

    def get_queryset(self):
        qs = (
            selectors.budgets_visible_to(self.request.user)
            .select_related("author", "office")
            .order_by("-created_at", "-pk")
        )
        if self.action == "list" and (status := _status_param(self.request, BudgetStatus)):
            qs = qs.filter(status=status)
        return qs

    @extend_schema(parameters=[OpenApiParameter("status", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.ExpenseBudgetCreateSerializer, responses={201: s.ExpenseBudgetSerializer}
    )
    def create(self, request):
        """R-16.3: a draft budget of one's own, for a month."""
        refuse_unless(may_in_any_office(request.user, "expenses.spend"))
        body = s.ExpenseBudgetCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        made = budgets.budget_create(
            actor=request.user,
            office=spending_office(request.user, data.get("office")),
            month=data["month"],
            purpose=data["purpose"],
            category=data["category"],
            amount=data["amount"],
            now=timezone.now(),
        )
        return Response(s.ExpenseBudgetSerializer(made).data, status=201)

    @extend_schema(
        request=None,
        responses={
            200: s.ExpenseBudgetSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_draft"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """R-8: to the branch manager (and the director when over the monthly cap)."""
        made = self.get_object()
        made = budgets.budget_submit(budget=made, actor=request.user, now=timezone.now())
        return Response(s.ExpenseBudgetSerializer(made).data)

    @extend_schema(
        request=None,
        responses={
            200: s.ExpenseBudgetSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_approved", "already_closed"),
        },
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The author or the branch manager closes an approved budget: no more claims."""
        made = self.get_object()
        made = budgets.budget_close(budget=made, actor=request.user, now=timezone.now())
        return Response(s.ExpenseBudgetSerializer(made).data)


def _line_input(data: dict) -> claims.LineInput:
    return claims.LineInput(
        kind=data["kind"],
        description=data.get("description", ""),
        amount=data.get("amount"),
        meals=data.get("meals"),
        trips=[
            claims.TripInput(
                date=t["date"],
                origin=t["from"],
                destination=t["to"],
                purpose=t["purpose"],
                km=t["km"],
            )
            for t in data.get("trips") or []
        ],
    )


class ClaimViewSet(_Base):
    serializer_class = s.ExpenseClaimSerializer
    queryset = ExpenseClaim.objects.none()

    def get_queryset(self):
        qs = (
            selectors.claims_visible_to(self.request.user)
            .select_related("author", "budget", "office")
            .prefetch_related(
                Prefetch("lines", ClaimLine.objects.prefetch_related("trips")), "photos"
            )
            .order_by("-created_at", "-pk")
        )
        if self.action == "list" and (status := _status_param(self.request, ClaimStatus)):
            qs = qs.filter(status=status)
        return qs

    @extend_schema(parameters=[OpenApiParameter("status", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _fresh(self, claim):
        return s.ExpenseClaimSerializer(self.get_queryset().get(pk=claim.pk)).data

    @extend_schema(
        request=s.ExpenseClaimCreateSerializer,
        responses={
            201: s.ExpenseClaimSerializer,
            409: conflict_response("budget_not_approved", "budget_closed"),
        },
    )
    def create(self, request):
        """R-16.3: a draft claim against one's own approved budget: receipt lines (amount),
        meal lines (`meals`: the amount is the branch's allowance × meals), fuel lines
        (amount and `trips`, at least one)."""
        refuse_unless(may_in_any_office(request.user, "expenses.spend"))
        body = s.ExpenseClaimCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        budget = selectors.budgets_visible_to(request.user).filter(pk=data["budget"]).first()
        if budget is None:
            raise ValidationError({"budget": [_("No such budget of yours.")]})
        made = claims.claim_create(
            actor=request.user,
            budget=budget,
            date=data["date"],
            note=data.get("note", ""),
            lines=[_line_input(line) for line in data["lines"]],
            now=timezone.now(),
        )
        return Response(self._fresh(made), status=201)

    @extend_schema(
        request={"multipart/form-data": s.ExpensePhotoUploadSerializer},
        responses={
            201: s.ExpensePhotoSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_editable"),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
        url_path="photos",
    )
    def photos(self, request, pk=None):
        """A receipt's photo (an image of at most 20 MB), on the line named (or the only
        receipt line)."""
        claim = self.get_object()
        body = s.ExpensePhotoUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        photo = claims.claim_add_photo(
            claim=claim,
            actor=request.user,
            upload=body.validated_data["photo"],
            line_id=body.validated_data.get("line"),
            now=timezone.now(),
        )
        return Response(s.ExpensePhotoSerializer(photo).data, status=201)

    @extend_schema(
        request=None,
        responses={
            200: s.ExpenseClaimSerializer,
            404: NOT_FOUND,
            409: conflict_response(
                "not_draft", "not_editable", "photo_missing", "no_lines", "budget_closed"
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """R-8: to the branch manager (and the director when over the budget or the cap)."""
        claim = self.get_object()
        claim = claims.claim_submit(claim=claim, actor=request.user, now=timezone.now())
        return Response(self._fresh(claim))

    @extend_schema(
        request=s.ExpensePaySerializer,
        responses={
            200: s.ExpenseClaimSerializer,
            404: NOT_FOUND,
            409: conflict_response("already_paid", "not_approved"),
        },
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        """Finance pays an approved claim, once."""
        claim = self.get_object()
        body = s.ExpensePaySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        claim = claims.claim_pay(
            claim=claim,
            actor=request.user,
            reference=body.validated_data.get("reference", ""),
            now=timezone.now(),
        )
        return Response(self._fresh(claim))


class MonthView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("person", int),
            OpenApiParameter("month", str, description="YYYY-MM"),
            OpenApiParameter("office", int),
        ],
        responses={200: s.ExpenseMonthSerializer, 404: NOT_FOUND},
    )
    def get(self, request):
        """R-16.3: a person's month: the cap, used (approved and paid claims), pending, left,
        and the month's budgets and claims."""
        refuse_unless(selectors.may_read(request.user))
        found = months.resolve(
            request.user,
            person_raw=request.query_params.get("person"),
            office_raw=request.query_params.get("office"),
            month_raw=request.query_params.get("month"),
            today=timezone.localdate(),
        )
        f = found.figures
        data = {
            "person": found.person.pk,
            "person_name": str(found.person),
            "office": found.office.pk,
            "month": found.month,
            "rank": found.rank,
            "cap": f.cap,
            "used": f.used,
            "pending": f.pending,
            "left": f.left,
            "over": f.over,
            "budgets": found.budgets,
            "claims": found.claims,
        }
        return Response(s.ExpenseMonthSerializer(data).data)
