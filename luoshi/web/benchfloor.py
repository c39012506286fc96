"""The framework floor of `python -m bench http`: the least a request can cost on this server and database.

Mounted at /__bench__/floor/ only when LUOSHI_BENCH_FLOOR=1 (the benchmark sets it for the server it starts;
nothing else may). A POST inserts the row a report submit adds, a Submission, in its own transaction, with
no sign-in, no permission check, no validation and no audit; a GET reads one report row by its key. What
the real pages cost beyond these is Luoshi's own work, which the benchmark reports as a ratio to them.
"""

from __future__ import annotations

import os

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt

from luoshi.core import clock
from luoshi.dispatch.models import Report, Submission

ENABLED = os.environ.get("LUOSHI_BENCH_FLOOR", "") == "1"
FIELDS = ("percent", "progress", "problems", "next_steps", "coordination")


@csrf_exempt
def floor(request: HttpRequest) -> HttpResponse:
    try:
        report_id = int(request.POST.get("report") or request.GET.get("report") or "")
    except ValueError:
        return HttpResponseBadRequest()
    if request.method == "GET":
        found = Report.objects.filter(pk=report_id).values_list("version", flat=True).first()
        return HttpResponse(str(found), content_type="text/plain")
    if request.method != "POST":
        return HttpResponse(status=405)
    with transaction.atomic():
        Submission.objects.create(
            report_id=report_id,
            idempotency_key=request.POST.get("key", "")[:64],
            version=0,
            content={name: request.POST.get(name, "") for name in FIELDS},
            submitted_by_id=int(request.POST.get("user") or 0),
            submitted_at=clock.now(),
        )
    return HttpResponse(status=204)
