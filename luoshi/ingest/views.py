"""Pages of the document intake: upload or paste, review the draft beside its text, create the list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from luoshi.core import clock
from luoshi.core.attachments import max_bytes, zip_limits
from luoshi.core.forms import attach_errors, choices_answer
from luoshi.dispatch.models import Frequency
from luoshi.ingest import rhythm, services, sheets
from luoshi.ingest.forms import NO_RHYTHM, BulkForm, CreateForm, ResolveForm, SplitForm, UploadForm
from luoshi.ingest.models import DraftItem, ImportDraft
from luoshi.ingest.refusals import document_refusal, page_numbers
from luoshi.orgs import policy
from luoshi.orgs.http import AuthenticatedRequest
from luoshi.orgs.models import Unit
from luoshi.plans.forms import assignable_units
from luoshi.plans.models import Plan
from luoshi.text.damage import marked
from luoshi.text.files import DocumentError, Reading, read


def _plans_for(user: Any) -> Any:
    return Plan.objects.managed_by(user)


@login_required
def sheet_template(request: AuthenticatedRequest) -> HttpResponse:
    """The .xlsx a supervisor fills in to import a task list (luoshi.ingest.sheets)."""
    if not policy.is_supervisor(request.user):
        raise PermissionDenied
    response = HttpResponse(
        sheets.template(by=request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="luoshi-tasks.xlsx"'
    return response


@login_required
def intake_new(request: AuthenticatedRequest) -> HttpResponse:
    if not policy.is_supervisor(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, plans=_plans_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            reading = (
                read(upload.read(), name=upload.name, limit=max_bytes(), archive_limits=zip_limits())
                if upload
                else Reading(data["text"])
            )
            draft = services.create_draft(
                plan=data["plan"],
                by=request.user,
                raw_text=reading.text,
                source_name=upload.name if upload else "",
                simplified=data["simplified"],
                pages_without_text=reading.pages_without_text,
                later=True,
            )
        except DocumentError as exc:  # also a .docx or an OFD refused by the archive limits
            form.add_error("file", document_refusal(exc))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect("ingest:draft_review", pk=draft.pk)
    drafts = ImportDraft.objects.visible_to(request.user).select_related("plan")[:10]
    return render(request, "ingest/intake_new.html", {"form": form, "drafts": drafts})


def segments(text: str, items: list[dict[str, Any]]) -> list[tuple[str, int | None, str]]:
    """The text cut into (piece, start offset, kind), each item's evidence marked once; nested spans skip.

    A mark is found by its start offset (id "at-<start>"), which a review row shares with its item.
    """
    out: list[tuple[str, int | None, str]] = []
    at = 0
    for item in sorted(items, key=lambda i: (i["start"], -i["end"])):
        start, end = item["start"], item["end"]
        if start < at or end > len(text) or start >= end:
            continue
        if start > at:
            out.append((text[at:start], None, ""))
        out.append((text[start:end], start, item["kind"]))
        at = end
    out.append((text[at:], None, ""))
    return out


def _draft(request: AuthenticatedRequest, pk: int) -> ImportDraft:
    draft = get_object_or_404(
        ImportDraft.objects.visible_to(request.user).select_related("plan__issuer"), pk=pk
    )
    if not policy.can_supervise(request.user, draft.plan.issuer):
        raise PermissionDenied
    return draft


@login_required
def draft_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Every item of the draft, by the document's sections; bulk edits, merge, split, then the list."""
    draft = _draft(request, pk)
    if not draft.is_ready:
        if request.method == "POST":
            messages.error(request, _("The document has not been read yet."))
        return render(request, "ingest/draft_reading.html", {"draft": draft, "stalled": _stalled(draft)})
    units = assignable_units(request.user)
    if request.method == "POST":
        response = _act(request, draft, units)
        if response is not None:
            return response
    if choices := request.GET.get("choices"):  # a search of a unit among many (core.forms.SearchSelect)
        probe = ResolveForm(units=units) if choices == "unit" else BulkForm(units=units, item_ids=[])
        answer = choices_answer(request, probe)
        assert answer is not None
        return answer
    review = review_of(draft, {u.pk: u.name for u in units})
    proposed = rhythm.proposals(draft.items)
    create = CreateForm(
        auto_id="create_%s",
        initial={
            "list_name": draft.source_name.rsplit(".", 1)[0][:100],
            "frequency": proposed[0][0] if proposed else NO_RHYTHM,
            "rhythm_name": proposed[0][1] if proposed else "",
        },
    )
    context = {
        "draft": draft,
        "review": review,
        "bulk": BulkForm(units=units, item_ids=[]),
        # Every unplaced name offers the same units: the one select written once (a province's is a search).
        "unit_select": str(ResolveForm(units=units, auto_id=False)["unit"]) if review.unmatched else "",
        "create": create,
        "proposed": proposed,
        "list_names": sorted({*draft.plan.lists.values_list("name", flat=True), *review.list_names}),
        "segments": segments(draft.text, draft.items),
        "original": [(piece, kind, DAMAGE_LABELS.get(kind, "")) for piece, kind in marked(draft.raw_text)],
        "counts": _count_kinds(draft.items),
        "unread_pages": page_numbers(draft.pages_without_text),
    }
    return render(request, "ingest/draft_review.html", context)


STALLED = dt.timedelta(minutes=15)  # reading longer than this: the worker is down or the job was lost


def _stalled(draft: ImportDraft) -> bool:
    return draft.is_reading and clock.now() - draft.created_at > STALLED


@login_required
@require_safe
def draft_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The step a document being read is at, which its page polls; once it is read, the page reloads."""
    draft = _draft(request, pk)
    answer = render(request, "ingest/_draft_progress.html", {"draft": draft, "stalled": _stalled(draft)})
    if not draft.is_reading:
        answer["HX-Refresh"] = "true"
    return answer


def _act(request: AuthenticatedRequest, draft: ImportDraft, units: Any) -> HttpResponse | None:
    """One POST of the review page; a redirect when it worked, None (and a message) when it did not."""
    here = reverse("ingest:draft_review", args=[draft.pk])
    data = request.POST
    try:
        if "split" in data:
            split = SplitForm(data)
            if not split.is_valid():
                raise ValidationError({"at": _("An item is split where a sentence ends.")})
            item, at = split.point()
            second = services.split_item(draft=draft, by=request.user, item_id=item, at=at)
            messages.success(request, _("Item split in two."))
            return redirect(f"{here}#row-{second.pk}")
        action = data.get("action")
        if action == "resolve":
            form = ResolveForm(data, units=units)
            if not form.is_valid():
                raise ValidationError(form.errors)
            n = services.resolve_mention(
                draft=draft, by=request.user, name=form.cleaned_data["name"], unit=form.cleaned_data["unit"]
            )
            messages.success(
                request, _("“%(name)s” set on %(n)s items.") % {"name": form.cleaned_data["name"], "n": n}
            )
            return redirect(here)
        if action == "create":
            return _create(request, draft)
        ids = list(draft.rows.values_list("pk", flat=True))
        bulk = BulkForm(data, units=units, item_ids=ids)
        if not bulk.is_valid():
            raise ValidationError(bulk.errors)
        d = bulk.cleaned_data
        if d["action"] == "merge":
            first = services.merge_items(draft=draft, by=request.user, ids=d["selected"])
            messages.success(request, _("%(n)s items merged into one.") % {"n": len(d["selected"])})
            return redirect(f"{here}#row-{first.pk}")
        change = services.Assignment(
            keep={"keep": True, "drop": False}.get(d["action"]),
            lead_unit=d.get("lead_unit") if d["action"] == "assign" else None,
            co_units=(d.get("co_units") or None) if d["action"] == "assign" else None,
            due=d.get("due") if d["action"] == "assign" else None,
            list_name=(d.get("list_name") or None) if d["action"] == "assign" else None,
        )
        n = services.update_items(draft=draft, by=request.user, ids=d["selected"], change=change)
        messages.success(request, _("%(n)s items changed.") % {"n": n})
        return redirect(here)
    except ValidationError as exc:
        messages.error(request, " ".join(_messages(exc)))
    return None


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for errors in exc.message_dict.values() for m in errors]
    return list(exc.messages)


def _create(request: AuthenticatedRequest, draft: ImportDraft) -> HttpResponse:
    form = CreateForm(request.POST, auto_id="create_%s")
    if not form.is_valid():
        raise ValidationError(form.errors)
    d = form.cleaned_data
    frequency = d["frequency"]
    chosen = (
        services.Rhythm(frequency=frequency, name=d["rhythm_name"] or str(Frequency(frequency).label))
        if frequency
        else None
    )
    lists = services.create_list_from_draft(
        draft=draft, by=request.user, list_name=d["list_name"], rhythm=chosen
    )
    total = sum(tl.tasks.count() for tl in lists)
    messages.success(
        request,
        _("List “%(name)s” created with %(n)s tasks.")
        % {"name": "、".join(tl.name for tl in lists), "n": total},
    )
    if chosen is not None:
        messages.info(
            request,
            _("Its tasks report %(rhythm)s from %(start)s.")
            % {
                "rhythm": chosen.name,
                "start": rhythm.next_period_start(chosen.frequency, clock.today()).isoformat(),
            },
        )
    messages.warning(request, _("Name each new task's responsible leader and person."))
    return redirect(reverse("plans:task_list") + f"?list={lists[0].pk}")


@dataclass
class Row:
    """A row of the review page: the item and the names and choices shown with it."""

    item: DraftItem
    lead_name: str
    co_names: list[str]
    split_points: list[tuple[int, str]]  # (offset, the words just before it)
    merged_texts: list[str] = field(default_factory=list)


@dataclass
class Section:
    index: int
    title: str
    level: int
    kept: list[Row] = field(default_factory=list)
    dropped: list[Row] = field(default_factory=list)
    merged: int = 0

    @property
    def total(self) -> int:
        return len(self.kept) + len(self.dropped) + self.merged


@dataclass
class Review:
    sections: list[Section]
    drafted: int
    kept: int
    dropped: int
    merged: int
    unmatched: list[tuple[str, int]]
    list_names: set[str]

    @property
    def split(self) -> int:
        """Items added by splitting: kept + dropped + merged = drafted + split."""
        return self.kept + self.dropped + self.merged - self.drafted


def review_of(draft: ImportDraft, names: dict[int, str] | None = None) -> Review:
    """Every row of the draft in its section, with the names the page shows; a fixed number of queries.

    `names` are the units already at hand (the page's choices); a unit not among them is looked up.
    """
    rows = list(draft.rows.all())
    co: dict[int, list[int]] = {}
    for item_id, unit_id in DraftItem.co_units.through.objects.filter(draftitem__draft=draft).values_list(
        "draftitem_id", "unit_id"
    ):
        co.setdefault(item_id, []).append(unit_id)
    names = dict(names or {})
    leads = {r.lead_unit_id for r in rows if r.lead_unit_id is not None}
    wanted = (leads | {u for ids in co.values() for u in ids}) - names.keys()
    if wanted:  # a unit no longer offered (deactivated since): rare, one query
        names |= dict(Unit.objects.filter(pk__in=wanted).values_list("pk", "name"))
    sections = [
        Section(index=i, title=s["title"], level=s["level"]) for i, s in enumerate(draft.sections or [{}])
    ]
    merged_into: dict[int, list[str]] = {}
    unmatched: dict[str, int] = {}
    kept = dropped = merged = 0
    for row in rows:
        section = sections[min(row.section, len(sections) - 1)]
        if row.state == DraftItem.State.MERGED:
            section.merged += 1
            merged += 1
            if row.merged_into_id:
                merged_into.setdefault(row.merged_into_id, []).append(row.text)
            continue
        shown = Row(
            item=row,
            lead_name=names.get(row.lead_unit_id, "") if row.lead_unit_id else "",
            co_names=[names[u] for u in co.get(row.pk, []) if u in names],
            split_points=[
                (at, draft.text[max(row.start, at - 12) : at])
                for at in services.split_points(draft.text, row.start, row.end)
            ],
        )
        for name in row.unmatched:
            unmatched[name] = unmatched.get(name, 0) + 1
        if row.state == DraftItem.State.KEPT:
            section.kept.append(shown)
            kept += 1
        else:
            section.dropped.append(shown)
            dropped += 1
    for section in sections:
        for shown in section.kept + section.dropped:
            shown.merged_texts = merged_into.get(shown.item.pk, [])
    drafted = sum(1 for item in draft.items if item.get("kind") in services.REVIEW_KINDS)
    return Review(
        sections=[s for s in sections if s.total],
        drafted=drafted,
        kept=kept,
        dropped=dropped,
        merged=merged,
        unmatched=sorted(unmatched.items(), key=lambda pair: -pair[1]),
        list_names={r.list_name for r in rows if r.list_name},
    )


# The repairs marked in the original (luoshi.text.damage Span.kind), as the reader's language says them.
DAMAGE_LABELS = {
    "ruby": gettext_lazy("Pinyin reading removed"),
    "comma": gettext_lazy("Stray comma removed"),
    "mojibake": gettext_lazy("Garbled text (repaired, or marked lost)"),
    "boilerplate": gettext_lazy("Site boilerplate moved out"),
}

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
