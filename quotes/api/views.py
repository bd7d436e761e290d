"""Enquiries and quotes (API.md, second part; R-8, R-10.2, R-11)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from staff.permissions import may, may_in_any_office

from .. import services
from ..choices import Outcome
from ..forms import pk_of
from ..models import Enquiry, EnquiryQuestion, Quote
from ..permissions import may_edit_document, may_read, may_sell_to
from ..selectors import enquiries_visible_to, questions_for, quote_with_lines, quotes_visible_to
from .serializers import (
    EnquiryCreateSerializer,
    EnquiryQuestionSerializer,
    EnquirySerializer,
    EnquiryUpdateSerializer,
    OutcomeSerializer,
    QuestionAnswerSerializer,
    QuestionAskSerializer,
    QuoteCreateSerializer,
    QuoteSerializer,
    QuoteUpdateSerializer,
)


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _new_for_account(request, serializer_class) -> tuple:
    """The body of a new quote or enquiry and its account, one the user sells to in a branch
    where they may create them (R-9.1); 403 otherwise, before anything is written."""
    _refuse_unless(may_in_any_office(request.user, "quotes.create"))
    body = serializer_class(data=request.data, context={"request": request})
    body.is_valid(raise_exception=True)
    data = dict(body.validated_data)
    account = data.pop("account")
    _refuse_unless(
        may(request.user, "quotes.create", account.office) and may_sell_to(request.user, account)
    )
    return account, data


def _choice_filter(qs, request, name: str, choices) -> object:
    value = request.query_params.get(name)
    if value in (None, ""):
        return qs
    if value not in choices:
        raise ValidationError({name: [_("Not one of the choices.")]})
    return qs.filter(**{name: value})


class QuoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = QuoteSerializer
    queryset = Quote.objects.none()  # the schema's model; get_queryset restricts per user
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return quote_with_lines(quotes_visible_to(self.request.user)).order_by("-created_at", "-pk")

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=["draft", "pending", "approved", "rejected"]),
            OpenApiParameter("outcome", str, enum=list(Outcome.values)),
            OpenApiParameter("account", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        _refuse_unless(may_read(request.user))
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        request = self.request
        queryset = _choice_filter(
            queryset, request, "status", {"draft", "pending", "approved", "rejected"}
        )
        queryset = _choice_filter(queryset, request, "outcome", set(Outcome.values))
        account = request.query_params.get("account")
        if account:
            if pk_of(account) is None:
                raise ValidationError({"account": [_("A whole number is required.")]})
            queryset = queryset.filter(account_id=pk_of(account))
        return queryset

    @extend_schema(request=QuoteCreateSerializer, responses={201: QuoteSerializer})
    def create(self, request):
        """R-11.3: a draft quote or bid for an approved account the user sells to."""
        account, data = _new_for_account(request, QuoteCreateSerializer)
        quote = services.quote_create(
            actor=request.user, account=account, now=timezone.now(), **data
        )
        return Response(self._out(quote), status=201)

    @extend_schema(request=QuoteUpdateSerializer, responses={200: QuoteSerializer})
    def partial_update(self, request, pk=None):
        """R-8.2, R-8.3: lines or terms of a draft; an approved quote goes back to draft."""
        quote = self.get_object()
        _refuse_unless(may_edit_document(request.user, quote))
        body = QuoteUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        quote = services.quote_update(
            quote=quote, actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(self._out(quote))

    @extend_schema(request=None, responses={200: QuoteSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """R-11.3, R-10.2: draft → pending (the quote's approval is its discount request)."""
        quote = self.get_object()
        _refuse_unless(may_edit_document(request.user, quote))
        quote = services.quote_submit(quote=quote, actor=request.user, now=timezone.now())
        return Response(self._out(quote))

    @extend_schema(request=OutcomeSerializer, responses={200: QuoteSerializer})
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """R-11.3: won, lost (competitor and price if known) or expired."""
        quote = self.get_object()
        _refuse_unless(may_edit_document(request.user, quote))
        body = OutcomeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        quote = services.quote_outcome(
            quote=quote, actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(self._out(quote))

    def _out(self, quote):
        return QuoteSerializer(quote_with_lines(Quote.objects.filter(pk=quote.pk)).get()).data


class EnquiryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Enquiries and tender notices (R-11.1) and their questions (R-11.2). Not in API.md."""

    serializer_class = EnquirySerializer
    queryset = Enquiry.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            enquiries_visible_to(self.request.user)
            .select_related("office", "account")
            .prefetch_related("lines__product", "questions")
            .order_by("deadline", "pk")
        )

    def list(self, request, *args, **kwargs):
        _refuse_unless(may_read(request.user, "quotes.view_enquiries"))
        return super().list(request, *args, **kwargs)

    @extend_schema(request=EnquiryCreateSerializer, responses={201: EnquirySerializer})
    def create(self, request):
        """R-11.1: logged the day it arrives, a draft until submitted for the bid decision."""
        account, data = _new_for_account(request, EnquiryCreateSerializer)
        enquiry = services.enquiry_log(
            actor=request.user, account=account, now=timezone.now(), **data
        )
        return Response(self._out(enquiry), status=201)

    @extend_schema(request=EnquiryUpdateSerializer, responses={200: EnquirySerializer})
    def partial_update(self, request, pk=None):
        enquiry = self.get_object()
        _refuse_unless(may_edit_document(request.user, enquiry))
        body = EnquiryUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        enquiry = services.enquiry_update(
            enquiry=enquiry, actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(self._out(enquiry))

    @extend_schema(request=None, responses={200: EnquirySerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """R-11.1: to the manager for the bid decision (executive too when major)."""
        enquiry = self.get_object()
        _refuse_unless(may_edit_document(request.user, enquiry))
        enquiry = services.enquiry_submit(enquiry=enquiry, actor=request.user, now=timezone.now())
        return Response(self._out(enquiry))

    @extend_schema(request=QuestionAskSerializer, responses={201: EnquiryQuestionSerializer})
    @action(detail=True, methods=["post"])
    def questions(self, request, pk=None):
        """R-11.2: ask the technician or purchasing."""
        enquiry = self.get_object()
        _refuse_unless(may_edit_document(request.user, enquiry))
        body = QuestionAskSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        question = services.question_ask(
            enquiry=enquiry, actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(EnquiryQuestionSerializer(question).data, status=201)

    def _out(self, enquiry):
        qs = Enquiry.objects.filter(pk=enquiry.pk).prefetch_related("lines__product", "questions")
        return EnquirySerializer(qs.get()).data


class EnquiryQuestionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """R-11.2: the questions to the user's department (technician, purchasing)."""

    serializer_class = EnquiryQuestionSerializer
    queryset = EnquiryQuestion.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return questions_for(self.request.user)

    def list(self, request, *args, **kwargs):
        _refuse_unless(may_in_any_office(request.user, "quotes.answer"))
        return super().list(request, *args, **kwargs)

    @extend_schema(request=QuestionAnswerSerializer, responses={200: EnquiryQuestionSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        _refuse_unless(may_in_any_office(request.user, "quotes.answer"))
        question = self.get_object()
        body = QuestionAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        question = services.question_answer(
            question=question, actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(EnquiryQuestionSerializer(question).data)
