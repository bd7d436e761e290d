"""Work plans in the API (R-17.3): `GET, POST /work-plans/`, `GET, PUT, PATCH
/work-plans/{id}/`, `POST /work-plans/{id}/submit/`, `/cancel/`, `/refresh/`, `/lines/`. Thin:
parse, call a service, answer. A plan the user may not see is a 404; the manager approves in
`POST /approvals/{id}/decide/`."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.selectors import accounts_visible_to
from common.errors import conflict_response
from staff.choices import Role
from staff.models import Office
from staff.permissions import may, office_ids_of

from .. import selectors, services
from ..choices import PlanKind, PlanStatus
from ..models import WorkPlan
from . import serializers as s

NOT_FOUND = OpenApiResponse(description=str(_("Not found, or not yours to see.")))
READERS = (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE)
EDIT_CONFLICTS = conflict_response("not_editable", "cancelled")


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def author_office(user, raw: int | None) -> Office:
    """The branch a new plan is for: the one named (403 if the user may not plan there, 400
    if it is not theirs), or the first where they may."""
    offices = list(Office.objects.filter(pk__in=office_ids_of(user)).order_by("name", "pk"))
    if raw is not None:
        office = next((o for o in offices if o.pk == raw), None)
        if office is None:
            raise ValidationError({"office": [_("Not one of your branches.")]})
        _refuse_unless(may(user, "workplans.author", office))
        return office
    office = next((o for o in offices if may(user, "workplans.author", o)), None)
    _refuse_unless(office is not None)
    return office


class WorkPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.WorkPlanSerializer
    queryset = WorkPlan.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        qs = selectors.work_plans_visible_to(self.request.user).select_related("office", "author")
        if self.action == "list":
            for name, choices in (("status", PlanStatus), ("kind", PlanKind)):
                value = self.request.query_params.get(name)
                if value not in (None, ""):
                    if value not in choices.values:
                        raise ValidationError({name: [_("Not one of the choices.")]})
                    qs = qs.filter(**{name: value})
        return qs.prefetch_related("lines__account").order_by("-period_start", "kind", "-pk")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _refuse_unless(request.user.has_role(*READERS))

    def _answer(self, plan, status=200):
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(s.WorkPlanSerializer(plan).data, status=status)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="a plan's status"),
            OpenApiParameter("kind", str, description="weekly or monthly"),
        ]
    )
    def list(self, request, *args, **kwargs):
        """R-17.3: the plans the user sees: their own, the branch's for a manager, every
        branch's for the director and the executive."""
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.WorkPlanCreateSerializer,
        responses={201: s.WorkPlanSerializer, 409: conflict_response("plan_exists")},
    )
    def create(self, request):
        """R-17.3: the salesperson's plan of the week or month holding `date`, built from the
        visit plan of the week (weekly) or the accounts falling due (monthly)."""
        _refuse_unless(request.user.has_role(Role.SALESPERSON))
        body = s.WorkPlanCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        now = timezone.now()
        office = author_office(request.user, data.get("office"))
        plan = services.work_plan_create(
            office=office,
            actor=request.user,
            kind=data["kind"],
            day=data.get("date") or timezone.localtime(now, office.tzinfo).date(),
            now=now,
        )
        return self._answer(plan, status=201)

    @extend_schema(
        request=s.WorkPlanUpdateSerializer,
        responses={200: s.WorkPlanSerializer, 404: NOT_FOUND, 409: EDIT_CONFLICTS},
    )
    def update(self, request, pk=None, partial=False):
        """The plan's goals, actions and target, by its salesperson: a draft or rejected plan;
        an approved one goes back to draft (its approval void); a pending one answers 409."""
        plan = self.get_object()
        body = s.WorkPlanUpdateSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        plan = services.work_plan_update(
            plan=plan, actor=request.user, now=timezone.now(), **body.validated_data
        )
        return self._answer(plan)

    @extend_schema(
        request=s.WorkPlanUpdateSerializer,
        responses={200: s.WorkPlanSerializer, 404: NOT_FOUND, 409: EDIT_CONFLICTS},
    )
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @extend_schema(
        request=None,
        responses={
            200: s.WorkPlanSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_draft", "not_editable", "cancelled"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """R-17.3, R-8: draft or rejected → pending, for the branch manager; `late` when
        first submitted after the plan was due."""
        plan = services.work_plan_submit(
            plan=self.get_object(), actor=request.user, now=timezone.now()
        )
        return self._answer(plan)

    @extend_schema(
        request=None,
        responses={
            200: s.WorkPlanSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_cancellable"),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """The salesperson withdraws a draft or rejected plan."""
        plan = services.work_plan_cancel(
            plan=self.get_object(), actor=request.user, now=timezone.now()
        )
        return self._answer(plan)

    @extend_schema(
        request=None, responses={200: s.WorkPlanSerializer, 404: NOT_FOUND, 409: EDIT_CONFLICTS}
    )
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        """R-9.6: the lines taken again from the week's visit plan (weekly) or the accounts
        falling due (monthly); lines the salesperson added stay."""
        plan = services.work_plan_refresh(
            plan=self.get_object(), actor=request.user, now=timezone.now()
        )
        return self._answer(plan)

    @extend_schema(
        request=s.WorkPlanLineSerializer,
        responses={201: s.WorkPlanSerializer, 404: NOT_FOUND, 409: EDIT_CONFLICTS},
    )
    @action(detail=True, methods=["post"])
    def lines(self, request, pk=None):
        """A line the salesperson adds: one of their accounts or a free task, a day of the
        period, a purpose."""
        plan = self.get_object()
        body = s.WorkPlanLineSerializer(
            data=request.data, accounts=accounts_visible_to(request.user)
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.work_plan_line_add(
            plan=plan,
            actor=request.user,
            account=data.get("account"),
            day=data.get("day"),
            purpose=data.get("purpose", ""),
            now=timezone.now(),
        )
        return self._answer(plan, status=201)
