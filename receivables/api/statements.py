"""Statements of account in the API (API.md; R-15.6). STUB: the statements helper writes
this module (list, create, retrieve, send, answer)."""

from rest_framework import viewsets

from ..models import Statement
from .serializers import StatementSerializer


class StatementViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StatementSerializer
    queryset = Statement.objects.none()
