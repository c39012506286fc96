"""Pages of the spreadsheet import: upload a task list's file, review its dry run (column roles, units,
problems, rows), correct and check again, import; a large file is checked and imported by the worker while
the page polls its progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from luoshi.core.forms import attach_errors, choices_answer
from luoshi.ingest import sheet_imports
from luoshi.ingest.forms import NamedUnitsForm, SheetUploadForm
from luoshi.ingest.models import SheetImport
from luoshi.ingest.sheets import ROLE_LABELS
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.plans.forms import assignable_units
from luoshi.plans.models import TaskList

ROWS_PER_PAGE = 50


@login_required
def sheet_upload(request: AuthenticatedRequest, list_pk: int) -> HttpResponse:
    task_list = get_object_or_404(
        TaskList.objects.visible_to(request.user).select_related("plan__issuer"), pk=list_pk
    )
    if not sheet_imports.may_import(request.user, task_list):
        raise PermissionDenied
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imp = sheet_imports.upload(
                task_list=task_list, by=request.user, name=upload.name, data=upload.read()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect("ingest:sheet_review", pk=imp.pk)
    return render(request, "ingest/sheet_upload.html", {"form": form, "task_list": task_list})


def _import(request: AuthenticatedRequest, pk: int) -> SheetImport:
    imp = get_object_or_404(
        SheetImport.objects.visible_to(request.user).select_related("task_list__plan__issuer").defer("data"),
        pk=pk,
    )
    if not sheet_imports.may_import(request.user, imp.task_list):
        raise PermissionDenied
    return imp


def _corrections(data: QueryDict, imp: SheetImport) -> tuple[dict[str, dict[str, str]], dict[str, int]]:
    """The column roles and unit choices the review form sends, by the positions the page gave them."""
    mapping: dict[str, dict[str, str]] = {}
    for i, sheet in enumerate(imp.preview.get("sheets", [])):
        for column in sheet["columns"]:
            role = data.get(f"role-{i}-{column['letter']}")
            if role is not None:
                mapping.setdefault(sheet["name"], {})[column["letter"]] = role
    choices: dict[str, int] = {}
    for j, named in enumerate(imp.preview.get("named", [])):
        chosen = data.get(f"unit-{j}", "")
        if chosen:
            if not chosen.isdigit() or len(chosen) > 12:
                raise ValidationError(_("Choose a unit from the list."))
            choices[named["name"]] = int(chosen)
    return mapping, choices


@login_required
def sheet_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The dry run of the kept file: column roles, units, problems and rows; check again, or import."""
    imp = _import(request, pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "commit":
                imp = sheet_imports.commit(imp=imp, by=request.user)
            else:
                mapping, choices = _corrections(request.POST, imp)
                sheet_imports.correct(imp=imp, by=request.user, mapping=mapping, choices=choices)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if imp.state == SheetImport.State.DONE:
                return _done(request, imp)
        return redirect("ingest:sheet_review", pk=imp.pk)
    if imp.state == SheetImport.State.DONE:
        return _done(request, imp)
    units = assignable_units(request.user)
    named = NamedUnitsForm(units=units, named=imp.preview.get("named", []))
    if (answer := choices_answer(request, named)) is not None:
        return answer  # a search of a unit among many (core.forms.SearchSelect)
    rows = Paginator(imp.preview.get("rows", []), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "imp": imp,
        "roles": list(ROLE_LABELS.items()),
        "named": list(named),
        "rows": rows,
        "large": sheet_imports.LARGE_ROWS,
    }
    return render(request, "ingest/sheet_review.html", context)


def _done(request: AuthenticatedRequest, imp: SheetImport) -> HttpResponse:
    messages.success(
        request,
        _("%(n)s tasks imported from “%(name)s” into %(list)s.")
        % {"n": imp.tasks_created, "name": imp.name, "list": imp.task_list.name},
    )
    return redirect(reverse("plans:task_list") + f"?list={imp.task_list_id}")


@login_required
@require_safe
def sheet_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The progress a checking or importing file's page polls; once the worker is done, the page reloads."""
    imp = _import(request, pk)
    answer = render(request, "ingest/_sheet_progress.html", {"imp": imp})
    if not imp.is_busy:
        answer["HX-Refresh"] = "true"
    return answer
