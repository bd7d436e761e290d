"""R-11.3: the approved quote as a numbered PDF; a draft or pending quote is not printed."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from approvals.choices import DocumentStatus

from ..pdf import quote_pdf
from ..selectors import quote_with_lines, quotes_visible_to


@login_required
@require_GET
def quote_pdf_download(request, pk: int):
    quote = get_object_or_404(quote_with_lines(quotes_visible_to(request.user)), pk=pk)
    if quote.status != DocumentStatus.APPROVED or not quote.number:
        return render(request, "quotes/not_printable.html", {"quote": quote}, status=409)
    response = HttpResponse(quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{quote.number}.pdf"'
    return response
