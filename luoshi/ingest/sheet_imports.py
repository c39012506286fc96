"""The steps of importing a spreadsheet into a task list, as the pages take them (luoshi.ingest.sheets does
the reading and the writing).

The uploaded file is kept in a SheetImport row, so a correction and the commit read the same bytes the
upload checked and nothing the browser sends back names a file. A small file is checked and committed in
the request; a large one (LARGE_BYTES, LARGE_ROWS) in the job worker, while its page polls the state.
A file refused before it holds a table (not a spreadsheet, encrypted, a zip bomb, too large, a formula,
empty, a .csv in an unknown encoding) is answered on the upload page and nothing is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.services import record
from luoshi.core.actions import Action
from luoshi.ingest import sheets
from luoshi.ingest.models import SheetImport
from luoshi.ingest.services import assignable
from luoshi.orgs import policy
from luoshi.orgs.models import User
from luoshi.plans.models import TaskList

LARGE_ROWS = 500  # more rows than this: checked and committed by the worker
LARGE_BYTES = 20 << 10  # before the first check the rows are not known: some 500 rows of .xlsx (34 B a row)


def may_import(user: User, task_list: TaskList) -> bool:
    """Whoever may add tasks to the list (plans' task create page) may import into it."""
    return policy.can_supervise(user, task_list.plan.issuer)


def _summary(preview: sheets.Preview) -> dict[str, Any]:
    """What the review page shows of a dry run: plain data, kept on the import."""

    def problems(found: list[sheets.Problem]) -> list[dict[str, Any]]:
        return [
            {
                "message": p.message,
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "where": sheets.where(p),
            }
            for p in found
        ]

    return {
        "sheets": [
            {
                "name": s.name,
                "columns": [{"letter": c.letter, "header": c.header, "role": c.role} for c in s.columns],
            }
            for s in preview.sheets
        ],
        "rows": [
            [
                r.sheet,
                r.row,
                r.title,
                r.lead,
                "、".join(r.co),
                r.due.isoformat() if r.due else "",
                r.due_text,
                len(r.milestones),
                _unit_named(preview, r.lead),
            ]
            for r in preview.rows
        ],
        "problems": problems(preview.problems),
        "notes": problems(preview.notes),
        "named": [
            {"name": name, "unit": m.unit_id if m.how == "choice" else None}
            for name, m in preview.matches.items()
            if name not in preview.units or m.how == "choice"
        ],
        "matched": [
            {"name": name, "unit": preview.units[name].name, "how": m.how, "fuzzy": m.how == "fuzzy"}
            for name, m in preview.matches.items()
            if name in preview.units and m.how != "choice"
        ],
        "milestones": preview.milestone_count,
    }


def _unit_named(preview: sheets.Preview, name: str) -> str:
    """The unit a name in the file stands for, when the file calls it otherwise ("" when the same)."""
    unit = preview.units.get(name)
    return unit.name if unit is not None and unit.name != name else ""


def _file(imp: SheetImport) -> sheets.SheetFile:
    return sheets.SheetFile(bytes(imp.data), imp.name, mapping=imp.mapping, choices=imp.choices)


def _large(imp: SheetImport) -> bool:
    return imp.rows > LARGE_ROWS if imp.rows else len(imp.data) > LARGE_BYTES


@transaction.atomic
def upload(*, task_list: TaskList, by: User, name: str, data: bytes) -> SheetImport:
    """Keep an uploaded file for its review; a small one is checked at once and, when it holds no table
    at all, refused (ValidationError on "file") with nothing kept."""
    if not may_import(by, task_list):
        raise PermissionDenied
    name = name[-200:]
    refused = sheets.refusal(data, name)
    if refused:
        raise ValidationError({"file": refused})
    imp = SheetImport(task_list=task_list, name=name, data=data, acted_by=by)
    if not _large(imp):
        preview = sheets.dry_run(_file(imp), task_list=task_list, by=by)
        if not any(s.columns for s in preview.sheets):  # no table in it at all: say why, keep nothing
            raise ValidationError({"file": [p.message for p in preview.problems]})
        _keep(imp, preview)
    imp.save()
    record(
        actor=by,
        action=Action.INGEST_SHEET_UPLOAD,
        obj=imp,
        after={"task_list_id": task_list.pk, "file": name, "bytes": len(data), "rows": imp.rows},
    )
    if imp.is_busy:
        transaction.on_commit(lambda: _enqueue("check", imp.pk))
    return imp


def _keep(imp: SheetImport, preview: sheets.Preview) -> None:
    imp.preview = _summary(preview)
    imp.rows = len(preview.rows)
    imp.state = SheetImport.State.CHECKED


def _clean(
    imp: SheetImport, mapping: Mapping[str, Mapping[str, str]], choices: Mapping[str, int]
) -> tuple[dict[str, dict[str, str]], dict[str, int]]:
    """Only the sheets and names the last check found: a browser cannot add others."""
    sheet_names = {s["name"] for s in imp.preview.get("sheets", [])}
    names = {n["name"] for n in imp.preview.get("named", [])}
    kept_mapping = {s: dict(roles) for s, roles in mapping.items() if s in sheet_names}
    return kept_mapping, {n: u for n, u in choices.items() if n in names}


@transaction.atomic
def correct(
    *,
    imp: SheetImport,
    by: User,
    mapping: Mapping[str, Mapping[str, str]],
    choices: Mapping[str, int],
) -> SheetImport:
    """Check the file again with the reader's column roles and unit choices (the dry run refuses a role it
    does not know and a unit outside the reader's scope)."""
    imp = _locked(imp, by)
    if imp.state != SheetImport.State.CHECKED:
        raise ValidationError(_("The file is being checked or was imported already."))
    if any(role not in sheets.ROLE_LABELS for roles in mapping.values() for role in roles.values()):
        raise ValidationError(_("Choose each column's role from the list."))
    if set(choices.values()) - set(
        assignable(by).filter(pk__in=choices.values()).values_list("pk", flat=True)
    ):
        raise ValidationError(_("Choose a unit from the list."))
    before = {"mapping": imp.mapping, "choices": imp.choices}
    imp.mapping, imp.choices = _clean(imp, mapping, choices)
    imp.acted_by = by
    if _large(imp):
        imp.state = SheetImport.State.CHECKING
        transaction.on_commit(lambda: _enqueue("check", imp.pk))
    else:
        _keep(imp, sheets.dry_run(_file(imp), task_list=imp.task_list, by=by))
    imp.save()
    record(
        actor=by,
        action=Action.INGEST_SHEET_CHECK,
        obj=imp,
        before=before,
        after={"mapping": imp.mapping, "choices": imp.choices},
    )
    return imp


def _locked(imp: SheetImport, by: User) -> SheetImport:
    imp = SheetImport.objects.select_for_update().select_related("task_list__plan__issuer").get(pk=imp.pk)
    if not may_import(by, imp.task_list):
        raise PermissionDenied
    return imp


@transaction.atomic
def commit(*, imp: SheetImport, by: User) -> SheetImport:
    """Create the file's tasks, all or none: at once for a small file, by the worker for a large one."""
    imp = _locked(imp, by)
    if not imp.may_commit:
        raise ValidationError(_("Correct the problems listed before importing."))
    imp.acted_by = by
    imp.state = SheetImport.State.COMMITTING
    imp.save(update_fields=["acted_by", "state"])
    if _large(imp):
        transaction.on_commit(lambda: _enqueue("commit", imp.pk))
        return imp
    return _create(imp)


def run_check(pk: int) -> SheetImport | None:
    """The worker's dry run of a large file (as the import's last actor), kept for the review page."""
    imp = SheetImport.objects.select_related("task_list__plan__issuer", "acted_by").filter(pk=pk).first()
    if imp is None or imp.state != SheetImport.State.CHECKING:
        return imp
    try:
        preview = sheets.dry_run(_file(imp), task_list=imp.task_list, by=imp.acted_by)
    except PermissionDenied:  # the person lost the right since: the page stops waiting, and says so
        imp.state, imp.error = SheetImport.State.FAILED, _("You may no longer add tasks to this list.")
        imp.save(update_fields=["state", "error"])
        return imp
    _keep(imp, preview)
    imp.save(update_fields=["preview", "rows", "state"])
    return imp


@transaction.atomic
def run_commit(pk: int) -> SheetImport | None:
    """The worker's commit of a large file (as the import's last actor)."""
    imp = SheetImport.objects.select_for_update().filter(pk=pk).first()
    if imp is None or imp.state != SheetImport.State.COMMITTING:
        return imp
    return _create(imp)


def _create(imp: SheetImport) -> SheetImport:
    """Create the tasks (luoshi.ingest.sheets.commit) with the import's state: done, or failed saying why
    and nothing created."""
    try:
        with transaction.atomic():
            tasks = sheets.commit(_file(imp), task_list=imp.task_list, by=imp.acted_by)
    except PermissionDenied:
        imp.state, imp.error = SheetImport.State.FAILED, _("You may no longer add tasks to this list.")
        imp.save(update_fields=["state", "error"])
        return imp
    except ValidationError as exc:
        imp.state, imp.error = SheetImport.State.FAILED, " ".join(exc.messages)
        imp.save(update_fields=["state", "error"])
        return imp
    imp.state, imp.tasks_created, imp.data = SheetImport.State.DONE, len(tasks), b""
    imp.save(update_fields=["state", "tasks_created", "data"])
    return imp


def _enqueue(step: str, pk: int) -> None:
    from luoshi.ingest import jobs  # the job module imports this one

    (jobs.check_sheet if step == "check" else jobs.commit_sheet)(pk)
