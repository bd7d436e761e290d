"""The approvals inbox and decisions (API.md, second part; R-8)."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from common.errors import conflict_response

from .. import services
from ..models import Approval
from ..permissions import may_decide
from ..registry import REGISTRY
from ..selectors import document_of, inbox_for
from .serializers import DecideSerializer, InboxItemSerializer


class ApprovalViewSet(viewsets.GenericViewSet):
    queryset = Approval.objects.none()
    serializer_class = InboxItemSerializer
    pagination_class = None

    @extend_schema(responses={200: InboxItemSerializer(many=True)})
    @action(detail=False, methods=["get"])
    def inbox(self, request):
        """R-8.4: the steps waiting for this user, oldest first."""
        items = inbox_for(request.user, now=timezone.now())
        return Response(InboxItemSerializer(items, many=True).data)

    @extend_schema(
        request=DecideSerializer,
        # over_open: a write-off approved after a payment left less open than it writes off;
        # payment_form_required: a special fee's executive approving without the form
        responses={
            200: dict,
            409: conflict_response("not_pending", "over_open", "payment_form_required"),
        },
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """R-8.1, R-8.2: approve or reject the current step; answers the document."""
        approval = _approval_or_404(pk)
        document = document_of(approval)
        if not may_decide(request.user, approval, document):
            raise PermissionDenied
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document = services.approval_decide(
            approval=approval,
            actor=request.user,
            decision=body.validated_data["decision"],
            comment=body.validated_data["comment"],
            now=timezone.now(),
        )
        return Response(REGISTRY[approval.document_type].serialize(document))


def _approval_or_404(pk) -> Approval:
    try:
        approval = Approval.objects.select_related("office").get(pk=int(pk))
    except (Approval.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if approval.document_type not in REGISTRY:
        raise Http404
    return approval
