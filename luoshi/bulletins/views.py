"""Pages of 通报: the list, a new bulletin, a bulletin with its sections (its progress while generated),
a section's edit form, publishing, and the .docx and .xlsx exports. Drafts are the office's; a published
bulletin is also read by the units it covers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from luoshi.assessment.forms import last_month
from luoshi.core import clock
from luoshi.core.forms import STALE_FORM, attach_errors, say_refused
from luoshi.core.services import StaleVersion
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest

from . import services
from .forms import BulletinForm, SectionForm
from .models import Bulletin, Section


def _export() -> Any:
    """The export module, which loads python-docx: on a bulletin's pages, not with the site's URLs."""
    from . import export

    return export


PAGE = 50


def _bulletin_or_404(request: AuthenticatedRequest, pk: int) -> Bulletin:
    return get_object_or_404(
        Bulletin.objects.visible_to(request.user).select_related("issuer", "scope", "run__system"), pk=pk
    )


def _edited_or_404(request: AuthenticatedRequest, pk: int) -> Bulletin:
    bulletin = _bulletin_or_404(request, pk)
    if not policy.can_supervise(request.user, bulletin.issuer):
        raise PermissionDenied
    return bulletin


@login_required
@require_safe
def index(request: AuthenticatedRequest) -> HttpResponse:
    bulletins = Bulletin.objects.visible_to(request.user).select_related("issuer", "scope")[:PAGE]
    context = {"bulletins": bulletins, "may_create": policy.is_supervisor(request.user)}
    return render(request, "bulletins/index.html", context)


@login_required
def create(request: AuthenticatedRequest) -> HttpResponse:
    if not policy.is_supervisor(request.user):
        raise PermissionDenied
    month = last_month(clock.today())
    initial = {**month, "title": _("Bulletin on the implementation of key tasks")}
    form = BulletinForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            bulletin = services.create_bulletin(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect("bulletins:detail", pk=bulletin.pk)
    return render(request, "bulletins/create.html", {"form": form})


def _page_sections(bulletin: Bulletin) -> list[dict[str, Any]]:
    """Each section with its figures linked to the anchors of their rows, and its rows by group."""
    out = []
    for section in bulletin.sections.order_by("order"):
        labels = _export().group_labels(section)
        groups = _export().grouped(section)
        out.append(
            {
                "section": section,
                "heading": _export().numbered(section),
                "figures": [{**f, "anchor": f["key"].replace(":", "-")} for f in section.figures],
                "groups": [
                    {
                        "anchor": f"{section.kind}-{key}",
                        "label": labels.get(key, "") if len(groups) > 1 else "",
                        "rows": rows,
                        "kept": _export().kept(section, key, rows),
                    }
                    for key, rows in groups.items()
                ],
            }
        )
    return out


@login_required
@require_safe
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin_or_404(request, pk)
    may_edit = policy.can_supervise(request.user, bulletin.issuer)
    context = {
        "bulletin": bulletin,
        "sections": _page_sections(bulletin) if not bulletin.is_generating else [],
        "may_edit": may_edit and bulletin.is_ready,
        "may_publish": may_edit and bulletin.is_ready,
        "may_regenerate": may_edit and services.refusal("regenerate", bulletin.state) is None,
    }
    return render(request, "bulletins/detail.html", context)


@login_required
@require_safe
def progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The progress bar a generating bulletin's page polls; once done, the page reloads itself."""
    bulletin = _bulletin_or_404(request, pk)
    answer = render(request, "bulletins/_progress.html", {"bulletin": bulletin})
    if not bulletin.is_generating:
        answer["HX-Refresh"] = "true"
    return answer


@login_required
def section_edit(request: AuthenticatedRequest, pk: int, section_pk: int) -> HttpResponse:
    bulletin = _edited_or_404(request, pk)
    section = get_object_or_404(Section.objects.filter(bulletin=bulletin), pk=section_pk)
    initial = {"heading": section.heading, "text": section.text, "version": section.version}
    form = SectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.edit_section(
                section=section, by=request.user, heading=data["heading"], text=data["text"],
                expected_version=data["version"],
            )  # fmt: skip
        except StaleVersion:
            form.add_error(None, STALE_FORM)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Section saved."))
            return redirect(f"{bulletin.get_absolute_url()}#section-{section.order}")
    context = {"bulletin": bulletin, "section": section, "heading": _export().numbered(section), "form": form}
    return render(request, "bulletins/section_edit.html", context)


@login_required
@require_POST
def publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    bulletin = _edited_or_404(request, pk)
    try:
        services.publish(bulletin=bulletin, by=request.user)
    except ValidationError as exc:
        say_refused(request, exc)
    else:
        messages.success(request, _("Published: the units covered have been told."))
    return redirect("bulletins:detail", pk=bulletin.pk)


@login_required
@require_POST
def regenerate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    bulletin = _edited_or_404(request, pk)
    try:
        services.regenerate(bulletin=bulletin, by=request.user)
    except ValidationError as exc:
        say_refused(request, exc)
    return redirect("bulletins:detail", pk=bulletin.pk)


def _not_yet(request: AuthenticatedRequest, bulletin: Bulletin) -> HttpResponse | None:
    """A redirect saying why, for a bulletin with no sections to export yet."""
    if bulletin.is_generating or bulletin.has_failed:
        messages.error(request, _("The bulletin has no sections to export yet."))
        return redirect("bulletins:detail", pk=bulletin.pk)
    return None


@login_required
@require_safe
def docx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin_or_404(request, pk)
    refused = _not_yet(request, bulletin)
    if refused is not None:
        return refused
    from luoshi.core import officedoc

    return officedoc.attachment(_export().docx_bytes(bulletin), _export().filename(bulletin, "docx"))


@login_required
@require_safe
def xlsx(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin_or_404(request, pk)
    return _not_yet(request, bulletin) or _export().workbook(bulletin).response(
        _export().filename(bulletin, "xlsx")
    )
