"""Enquiry pages (R-11.1, R-11.2): my enquiries by deadline, logging one, the enquiry with its
lines, questions and bid decision, and the technician's and purchasing's queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from accounts.selectors import accounts_visible_to
from approvals.choices import EDITABLE, ApprovalState, DocumentStatus
from approvals.permissions import may_decide
from approvals.templatetags.approval_words import chain_words
from catalog.models import Product
from common.errors import DomainError
from staff.models import Office
from staff.permissions import may_in_any_office, office_ids_of

from .. import services
from ..forms import AnswerForm, EnquiryForm, QuestionForm, Row, pk_of, read_rows
from ..models import EnquiryLine, EnquiryQuestion
from ..permissions import answers_questions, may_answer, may_edit_document, may_read
from ..selectors import enquiries_by_deadline, enquiries_visible_to, questions_for, today_in
from ..services.lines import LineInput


def _today(user):
    office = Office.objects.filter(pk__in=office_ids_of(user)).order_by("pk").first()
    return today_in(office, timezone.now()) if office else timezone.localdate()


@login_required
@require_GET
def enquiry_list(request):
    user = request.user
    if not may_read(user, "quotes.view_enquiries"):
        raise PermissionDenied
    scope = request.GET.get("scope", "open")
    today = _today(user)
    mine = user.has_role("salesperson") and scope != "branch"
    qs = enquiries_by_deadline(user, today=today, mine=mine, open_only=scope != "all")
    context = {
        "enquiries": qs[:200],
        "scope": scope,
        "today": today,
        "may_create": may_in_any_office(user, "quotes.create"),
        "answers": answers_questions(user),
    }
    return render(request, "quotes/enquiries.html", context)


def _sellable(user):
    return accounts_visible_to(user).select_related("office").order_by("name", "pk")


@login_required
@require_http_methods(["GET", "POST"])
def enquiry_new(request):
    user = request.user
    if not may_in_any_office(user, "quotes.create"):
        raise PermissionDenied
    accounts = _sellable(user)
    products = Product.objects.filter(active=True).order_by("code", "pk")
    status = 200
    today = _today(user)
    if request.method == "POST":
        form = EnquiryForm(request.POST, accounts=accounts)
        rows = read_rows(request.POST, products=products)
        if "add" not in request.POST and "remove" not in request.POST:
            saved = _log(request, form, rows)
            if not isinstance(saved, int):
                return saved
            status = saved
    else:
        initial = {"received_on": today, "estimated_amount": "0.00"}
        if pk_of(request.GET.get("account")) is not None:
            initial["account"] = pk_of(request.GET["account"])
        form = EnquiryForm(initial=initial, accounts=accounts)
        rows = [Row(index=0)]
    context = {
        "form": form,
        "rows": rows,
        "row_count": len(rows),
        "products": products,
        "today": today,
    }
    return render(request, "quotes/enquiry_new.html", context, status=status)


def _log(request, form, rows):
    now = timezone.now()
    if not form.is_valid() or any(r.errors for r in rows if not r.blank):
        return 422
    used = [r for r in rows if not r.blank]
    lines = [LineInput(product=r.cleaned["product"], quantity=r.cleaned["quantity"]) for r in used]
    data = dict(form.cleaned_data)
    try:
        with transaction.atomic():  # logged and submitted, or neither
            enquiry = services.enquiry_log(
                actor=request.user, account=data.pop("account"), lines=lines, now=now, **data
            )
            if "submit" in request.POST:
                services.enquiry_submit(enquiry=enquiry, actor=request.user, now=now)
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        for name, errors in exc.detail.items():
            if name == "lines" and errors and isinstance(errors[0], dict):
                for row, row_errors in zip(used, errors, strict=False):
                    for field, msgs in row_errors.items():
                        row.errors.setdefault(field, []).extend(str(m) for m in msgs)
            else:
                form.add_error(name if name in form.fields else None, [str(e) for e in errors])
        return 422
    except DomainError as exc:
        form.add_error(None, str(exc.detail))
        return 409
    if "submit" in request.POST:
        messages.success(request, _("The enquiry is submitted for the bid decision."))
    else:
        messages.success(request, _("The enquiry is logged."))
    return redirect("quotes:enquiry", enquiry.pk)


def _visible(request, pk: int):
    qs = enquiries_visible_to(request.user).select_related("account", "office", "owner")
    qs = qs.prefetch_related(
        Prefetch("lines", EnquiryLine.objects.select_related("product").order_by("pk")),
        Prefetch(
            "questions",
            EnquiryQuestion.objects.select_related("asked_by", "answered_by").order_by(
                "asked_at", "pk"
            ),
        ),
    )
    return get_object_or_404(qs, pk=pk)


@login_required
@require_GET
def enquiry_detail(request, pk: int):
    enquiry = _visible(request, pk)
    user = request.user
    approvals = list(enquiry.approvals().select_related("decided_by"))
    current = next((a for a in approvals if a.state == ApprovalState.PENDING), None)
    editable = may_edit_document(user, enquiry)
    context = {
        "enquiry": enquiry,
        "approvals": approvals,
        "chain": chain_words(enquiry),
        "current": current,
        "may_decide": current is not None and may_decide(user, current, enquiry),
        "may_submit": editable and enquiry.status in EDITABLE,
        "may_ask": editable,
        "may_quote": editable and enquiry.status == DocumentStatus.APPROVED,
        "question_form": QuestionForm(),
        "answer_form": AnswerForm(),
        "answerable": {q.pk for q in enquiry.questions.all() if may_answer(user, q)},
        "quotes": enquiry.quotes.order_by("-created_at"),
    }
    return render(request, "quotes/enquiry.html", context)


@login_required
@require_POST
def enquiry_submit(request, pk: int):
    enquiry = _visible(request, pk)
    if not may_edit_document(request.user, enquiry):
        raise PermissionDenied
    try:
        services.enquiry_submit(enquiry=enquiry, actor=request.user, now=timezone.now())
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("The enquiry is submitted for the bid decision."))
    return redirect("quotes:enquiry", enquiry.pk)


@login_required
@require_POST
def enquiry_ask(request, pk: int):
    enquiry = _visible(request, pk)
    if not may_edit_document(request.user, enquiry):
        raise PermissionDenied
    form = QuestionForm(request.POST)
    if form.is_valid():
        services.question_ask(
            enquiry=enquiry, actor=request.user, now=timezone.now(), **form.cleaned_data
        )
        messages.success(request, _("The question is sent."))
    else:
        messages.error(request, _("Choose the department and write the question."))
    return redirect("quotes:enquiry", enquiry.pk)


@login_required
@require_GET
def question_queue(request):
    """R-11.2: the questions to the technician's or purchasing's department, open first."""
    if not answers_questions(request.user):
        raise PermissionDenied
    questions = list(questions_for(request.user)[:200])
    return render(
        request,
        "quotes/questions.html",
        {"questions": questions, "answer_form": AnswerForm()},
    )


@login_required
@require_POST
def question_answer(request, pk: int):
    question = get_object_or_404(questions_for(request.user), pk=pk)
    if not may_answer(request.user, question):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    back = request.POST.get("back") == "enquiry"
    if not form.is_valid():
        messages.error(request, _("Write the answer."))
    else:
        try:
            services.question_answer(
                question=question, actor=request.user, now=timezone.now(), **form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        else:
            messages.success(request, _("The answer is sent."))
    if back:
        return redirect("quotes:enquiry", question.enquiry_id)
    return redirect("quotes:questions")
