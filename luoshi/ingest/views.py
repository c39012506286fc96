"""Pages of the document intake: upload or paste, review the draft beside its text, create the list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.core.attachments import archive_refusal, max_bytes, zip_limits
from luoshi.core.forms import attach_errors
from luoshi.ingest import services
from luoshi.ingest.forms import ListNameForm, RowFormSet, UploadForm, initial_rows
from luoshi.ingest.models import ImportDraft
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.plans.forms import assignable_units
from luoshi.plans.models import Plan
from luoshi.text.archives import ArchiveError
from luoshi.text.damage import marked
from luoshi.text.files import DocumentError, read_bytes


def _plans_for(user: Any) -> Any:
    return Plan.objects.managed_by(user)


@login_required
def intake_new(request: AuthenticatedRequest) -> HttpResponse:
    if not policy.is_supervisor(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, plans=_plans_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            raw = (
                read_bytes(upload.read(), name=upload.name, limit=max_bytes(), archive_limits=zip_limits())
                if upload
                else data["text"]
            )
            draft = services.create_draft(
                plan=data["plan"],
                by=request.user,
                raw_text=raw,
                source_name=upload.name if upload else "",
                simplified=data["simplified"],
            )
        except ArchiveError as exc:  # a .docx refused before it was opened (a DocumentError too)
            form.add_error("file", archive_refusal(exc))
        except DocumentError as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect("ingest:draft_review", pk=draft.pk)
    drafts = ImportDraft.objects.visible_to(request.user).select_related("plan")[:10]
    return render(request, "ingest/intake_new.html", {"form": form, "drafts": drafts})


def segments(text: str, items: list[dict[str, Any]]) -> list[tuple[str, int | None, str]]:
    """The text cut into (piece, item index, kind), each item's evidence marked once; nested spans skip."""
    out: list[tuple[str, int | None, str]] = []
    at = 0
    for index, item in sorted(enumerate(items), key=lambda pair: (pair[1]["start"], -pair[1]["end"])):
        start, end = item["start"], item["end"]
        if start < at or end > len(text) or start >= end:
            continue
        if start > at:
            out.append((text[at:start], None, ""))
        out.append((text[start:end], index, item["kind"]))
        at = end
    out.append((text[at:], None, ""))
    return out


@login_required
def draft_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(ImportDraft.objects.visible_to(request.user).select_related("plan"), pk=pk)
    if not policy.can_supervise(request.user, draft.plan.issuer):
        raise PermissionDenied
    units = assignable_units(request.user)
    by_name = {u.name: u for u in units}
    initial = initial_rows(draft.items, year=draft.plan.year, units_by_name=by_name)
    formset = RowFormSet(request.POST or None, initial=initial, form_kwargs={"units": units}, prefix="row")
    named = ListNameForm(request.POST or None)
    named_ok = named.is_valid()
    if named.is_bound and not named_ok:
        messages.error(request, " ".join(str(e) for e in named.errors["list_name"]))
    default_name = draft.source_name.rsplit(".", 1)[0][:100]
    list_name = (named.cleaned_data["list_name"] if named_ok else "") or default_name
    if named_ok and draft.state == ImportDraft.State.DRAFT and formset.is_valid():
        try:
            rows = _rows(formset, draft)
            task_list = services.create_list_from_draft(
                draft=draft, by=request.user, list_name=list_name, rows=rows
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("List “%(name)s” created with %(n)s tasks.")
                % {"name": task_list.name, "n": task_list.tasks.count()},
            )
            messages.warning(request, _("Name each new task's responsible leader and person."))
            return redirect(reverse("plans:task_list") + f"?list={task_list.pk}")
    context = {
        "draft": draft,
        "formset": formset,
        "list_name": list_name,
        "segments": segments(draft.text, draft.items),
        "original": marked(draft.raw_text),
        "counts": _count_kinds(draft.items),
    }
    return render(request, "ingest/draft_review.html", context)


KIND_LABELS = {
    "task": gettext_lazy("tasks"),
    "target": gettext_lazy("targets"),
    "deadline": gettext_lazy("deadlines"),
    "cadence": gettext_lazy("cadences"),
    "list": gettext_lazy("lists"),
    "task_force": gettext_lazy("task forces"),
}


def _count_kinds(items: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """(kind, label, count) for each kind found, in a fixed order."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1
    return [(kind, str(label), counts[kind]) for kind, label in KIND_LABELS.items() if kind in counts]


def _rows(formset: Any, draft: ImportDraft) -> list[services.DraftRow]:
    """Kept rows become tasks; a row marked to merge joins the kept row above it as more content."""
    year = draft.plan.year
    rows: list[dict[str, Any]] = []
    for form in formset.forms:
        d = form.cleaned_data
        if not d.get("keep"):
            continue
        if d.get("merge") and rows:
            rows[-1]["content"] += "\n" + d["title"]
            continue
        if d.get("lead_unit") is None:
            raise ValidationError(_("Choose the lead unit of “%(title)s”.") % {"title": d["title"][:40]})
        is_target = d.get("target") is not None
        rows.append(
            {
                "title": d["title"],
                "content": d["title"],
                "lead_unit": d["lead_unit"],
                "start": dt.date(year, 1, 1),
                "due": max(d["due"], dt.date(year, 1, 1)),
                "indicator_name": d["title"][:100] if is_target else "",
                "indicator_unit": d["indicator_unit"] if is_target else "",
                "target": d["target"],
                "direction": d["direction"] if is_target else "",
            }
        )
    return [services.DraftRow(**row) for row in rows]
