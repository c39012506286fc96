"""A report's evidence files (佐证材料): opened by whoever sees the report, removed by who fills it.

Each file is reached through its report's address, so the report's scope decides who may open it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from luoshi.core.attachments import file_response
from luoshi.dispatch import services
from luoshi.dispatch.models import Evidence
from luoshi.dispatch.views import visible_report_or_404
from luoshi.orgs.http import AuthenticatedRequest


def evidence_or_404(request: AuthenticatedRequest, pk: int, evidence_pk: int) -> Evidence:
    """The evidence, if it belongs to this report and the user sees the report; 404 otherwise."""
    report = visible_report_or_404(request, pk)
    return get_object_or_404(Evidence.objects.select_related("report__unit"), pk=evidence_pk, report=report)


@login_required
@require_safe
def evidence_file(request: AuthenticatedRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
    """The file itself, streamed: PDFs and photos shown in the browser, other kinds saved (`?download`)."""
    evidence = evidence_or_404(request, pk, evidence_pk)
    return file_response(evidence.file, evidence.name, download="download" in request.GET)


@login_required
@require_POST
def evidence_remove(request: AuthenticatedRequest, pk: int, evidence_pk: int) -> HttpResponse:
    evidence = evidence_or_404(request, pk, evidence_pk)
    try:
        services.remove_evidence(evidence=evidence, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("“%(name)s” removed.") % {"name": evidence.name})
    return redirect("dispatch:report_detail", pk=pk)
