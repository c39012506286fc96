"""A document being turned into a task list: kept between the upload and the supervisor's review."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.core.fields import StampField
from luoshi.orgs import policy
from luoshi.orgs.models import Unit
from luoshi.plans.models import Plan, TaskList


class DraftQuerySet(models.QuerySet["ImportDraft"]):
    def visible_to(self, user: Any) -> DraftQuerySet:
        """Drafts of plans issued within the user's jurisdiction (only offices make them)."""
        return self.filter(policy.unit_q(user, "plan__issuer"))


class ImportDraft(models.Model):
    """An uploaded document and everything drafted from it.

    A long document is read by the job worker (services.LARGE_CHARS): the draft is kept at once in state
    "reading", with only its raw text, and the worker fills in the rest, saying which step it is at.
    """

    class State(models.TextChoices):
        READING = "reading", _("Being read")
        DRAFT = "draft", _("In review")
        USED = "used", _("List created")
        FAILED = "failed", _("Could not be read")

    class Step(models.IntegerChoices):
        """What the worker is doing with a document being read, in order."""

        WAITING = 0, _("Waiting for the worker")
        REPAIRING = 1, _("Repairing the text")
        FINDING = 2, _("Finding the tasks and targets")
        LAYING_OUT = 3, _("Matching units and laying out the items")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="import_drafts", verbose_name=_("plan")
    )
    source_name = models.CharField(_("source"), max_length=200)
    raw_text = models.TextField()
    text = models.TextField()
    boilerplate = models.JSONField(default=list)
    repairs = models.JSONField(default=dict)
    items = models.JSONField(default=list)  # everything the extractor found, as it found it
    sections = models.JSONField(default=list)  # the document's headings: {"title", "level", "start"}
    pages_without_text = models.JSONField(default=list)  # a partly scanned PDF's pages not read (from 1)
    simplified = models.BooleanField(default=True)  # the upload asked for Simplified characters
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    step = models.PositiveSmallIntegerField(choices=Step.choices, default=Step.WAITING)
    error = models.TextField(blank=True)  # why reading it failed, in the uploader's words
    task_list = models.ForeignKey(
        TaskList, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = StampField(auto_now_add=True)

    objects = DraftQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document draft")
        verbose_name_plural = _("document drafts")

    def __str__(self) -> str:
        return self.source_name

    @property
    def is_used(self) -> bool:
        """A list was created from it; it can no longer be changed."""
        return self.state == self.State.USED

    @property
    def is_reading(self) -> bool:
        """The worker has not finished reading it: there is nothing to review yet."""
        return self.state == self.State.READING

    @property
    def is_ready(self) -> bool:
        """Read: its items can be reviewed (and, unless a list was made from it, changed)."""
        return self.state in (self.State.DRAFT, self.State.USED)


class DraftItem(models.Model):
    """One reviewable item of a draft: a task or target the extractor found, with its evidence span.

    Every task and target becomes a row, kept or dropped, so nothing is silently left out; a row merged
    into another stays (state "merged") and is counted. Its evidence is `draft.text[start:end]`.
    """

    class State(models.TextChoices):
        KEPT = "kept", _("Kept")
        DROPPED = "dropped", _("Dropped")
        MERGED = "merged", _("Merged")

    draft = models.ForeignKey(ImportDraft, on_delete=models.CASCADE, related_name="rows")
    section = models.PositiveIntegerField(default=0)  # index into draft.sections
    kind = models.CharField(max_length=10, default="task")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.KEPT)
    reason = models.CharField(max_length=40, blank=True)  # why the extractor kept or dropped it
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    lead_unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("lead unit")
    )
    co_units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("co-units"))
    due = models.DateField(_("deadline"))
    deadline_text = models.CharField(max_length=40, blank=True)
    indicator_unit = models.CharField(max_length=20, blank=True)
    target = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    direction = models.CharField(max_length=10, blank=True)
    mentions = models.JSONField(default=list)  # units named: {"name", "unit", "how", "score"}
    list_name = models.CharField(_("list"), max_length=100, blank=True)  # blank: the draft's own list

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["draft", "start"])]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def unmatched(self) -> list[str]:
        return [m["name"] for m in self.mentions if m.get("unit") is None]

    @property
    def shows_target(self) -> bool:
        return self.kind == "target" and self.target is not None

    @property
    def close_matches(self) -> list[dict[str, object]]:
        """Units named in the text and matched by close spelling only (rapidfuzz): shown as ≈ for a check."""
        return [m for m in self.mentions if m.get("unit") is not None and m.get("how") == "fuzzy"]


class SheetImportQuerySet(models.QuerySet["SheetImport"]):
    def visible_to(self, user: Any) -> SheetImportQuerySet:
        """Imports into lists of plans issued within the user's jurisdiction (only offices make them)."""
        return self.filter(policy.unit_q(user, "task_list__plan__issuer"))


class SheetImport(models.Model):
    """A spreadsheet (.xlsx, .csv) being imported into a task list, kept between the upload, the review
    of its dry run (the reader's corrections: `mapping`, `choices`) and the commit, so that no step trusts
    a file or a path sent back by the browser."""

    class State(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked")
        COMMITTING = "committing", _("Being imported")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Import failed")

    task_list = models.ForeignKey(
        TaskList, on_delete=models.CASCADE, related_name="sheet_imports", verbose_name=_("list")
    )
    name = models.CharField(_("file"), max_length=200)
    data = models.BinaryField()  # at most LUOSHI_UPLOAD_MAX_MB, refused before it is kept
    mapping = models.JSONField(default=dict)  # sheet → column letter → role, as the reader corrected them
    choices = models.JSONField(default=dict)  # a unit name in the file → the id of the unit chosen for it
    state = models.CharField(max_length=12, choices=State.choices, default=State.CHECKING)
    preview = models.JSONField(default=dict)  # the last dry run, as the review page shows it
    rows = models.PositiveIntegerField(default=0)  # rows of tasks the last dry run read
    tasks_created = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)  # why the commit failed
    acted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = StampField(auto_now_add=True)

    objects = SheetImportQuerySet.as_manager()
    audit_subject = "task_list"  # its upload, checks and import join the list's history

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")

    def __str__(self) -> str:
        return self.name

    @property
    def is_busy(self) -> bool:
        """The worker is checking or importing it; the page polls until it is not."""
        return self.state in (self.State.CHECKING, self.State.COMMITTING)

    @property
    def is_committing(self) -> bool:
        return self.state == self.State.COMMITTING

    @property
    def is_failed(self) -> bool:
        return self.state == self.State.FAILED

    @property
    def blocking(self) -> int:
        return len(self.preview.get("problems", []))

    @property
    def may_commit(self) -> bool:
        return self.state == self.State.CHECKED and not self.blocking and self.rows > 0
