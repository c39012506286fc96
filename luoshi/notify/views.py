"""The user's notices: list them, mark one or all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from luoshi.notify import services
from luoshi.notify.models import Notice
from luoshi.orgs.http import AuthenticatedRequest

NOTICES_PER_PAGE = 30


@login_required
def notice_list(request: AuthenticatedRequest) -> HttpResponse:
    notices = Notice.objects.for_user(request.user)
    page = Paginator(notices.newest_first(), NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    unread = notices.unread().count()
    return render(request, "notify/notice_list.html", {"page": page, "unread": unread})


@login_required
@require_POST
def notice_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.for_user(request.user), pk=pk)
    services.mark_read(notice=notice, by=request.user)
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notify:notice_list")


@login_required
@require_POST
def notice_read_all(request: AuthenticatedRequest) -> HttpResponse:
    count = services.mark_all_read(by=request.user)
    if count:
        messages.success(
            request,
            ngettext("%(count)d notice marked read.", "%(count)d notices marked read.", count)
            % {"count": count},
        )
    return redirect("notify:notice_list")
