"""A long document is read by the job worker while its page shows the step it is at (issue 10: no request
waits on a long read; progress is shown on long work)."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.ingest import services
from luoshi.ingest.models import DraftItem, ImportDraft

SICHUAN = (  # 26,220 characters: longer than LARGE_CHARS
    (
        Path(__file__).resolve().parents[2] / "text" / "tests" / "corpus" / "reports" / "gwr2026_sichuan.txt"
    ).read_text()
)


def _upload(client, city, text: str, name: str = "四川报告.txt"):
    return client.post(
        reverse("ingest:intake_new"),
        {"plan": city.plan.pk, "file": SimpleUploadedFile(name, text.encode()), "simplified": "on"},
    )


def _ingest_events():
    return (
        AuditEvent.objects.filter(action__startswith="ingest.")
        .order_by("pk")
        .values_list("action", "actor_id")
    )


def test_a_long_document_is_kept_at_once_and_read_by_the_worker_while_its_page_shows_the_step(
    client, city, huey_inline, django_capture_on_commit_callbacks
):
    assert len(SICHUAN) > services.LARGE_CHARS
    client.force_login(city.city_supervisor)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _upload(client, city, SICHUAN)
    draft = ImportDraft.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "ingest:draft_review", args=[draft.pk]
    )
    assert (draft.state, draft.text, draft.items, draft.rows.count()) == (
        ImportDraft.State.READING,
        "",
        [],
        0,
    )
    assert draft.raw_text == SICHUAN and draft.simplified
    assert list(_ingest_events()) == [("ingest.receive", city.city_supervisor.pk)]

    page = client.get(reverse("ingest:draft_review", args=[draft.pk])).content.decode()
    assert 'data-testid="draft-progress"' in page and 'hx-trigger="every 1s"' in page
    assert "第 1 步，共 4 步：等待后台任务" in page and "读取 26220 个字符" in page
    progress = client.get(reverse("ingest:draft_progress", args=[draft.pk]))
    assert "HX-Refresh" not in progress
    ImportDraft.objects.filter(pk=draft.pk).update(step=ImportDraft.Step.FINDING)
    assert (
        "第 3 步，共 4 步：查找任务和指标"
        in client.get(reverse("ingest:draft_progress", args=[draft.pk])).content.decode()
    )

    # A change sent while it is being read is refused, and writes nothing.
    refused = client.post(
        reverse("ingest:draft_review", args=[draft.pk]), {"action": "keep", "selected": ["1"]}, follow=True
    )
    assert "文件尚未读完" in refused.content.decode() and len(_ingest_events()) == 1

    for callback in queued:  # the commit's callbacks: the job is queued, and the worker runs it
        callback()
    draft.refresh_from_db()
    assert draft.state == ImportDraft.State.DRAFT and draft.step == ImportDraft.Step.LAYING_OUT
    drafted = [i for i in draft.items if i["kind"] in services.REVIEW_KINDS]
    assert draft.rows.count() == len(drafted) > 700
    assert draft.rows.filter(state=DraftItem.State.KEPT).exists()
    assert list(_ingest_events()) == [
        ("ingest.receive", city.city_supervisor.pk),
        ("ingest.draft", city.city_supervisor.pk),
    ]
    assert client.get(reverse("ingest:draft_progress", args=[draft.pk]))["HX-Refresh"] == "true"
    page = client.get(reverse("ingest:draft_review", args=[draft.pk])).content.decode()
    assert 'data-testid="review-counts"' in page and 'data-testid="draft-progress"' not in page


def test_the_worker_reads_the_same_draft_as_the_request_would(city):
    """Read later or at once, the same text gives the same draft: the worker adds no step of its own."""
    now = services.create_draft(plan=city.plan, by=city.city_supervisor, source_name="a", raw_text=SICHUAN)
    later = services.create_draft(
        plan=city.plan, by=city.city_supervisor, source_name="a", raw_text=SICHUAN, later=True
    )
    assert later.state == ImportDraft.State.READING
    read = services.read_draft(later.pk)
    assert read is not None and read.state == ImportDraft.State.DRAFT

    def rows(draft: ImportDraft) -> list[tuple]:
        return list(draft.rows.order_by("pk").values_list("start", "end", "state", "lead_unit_id", "due"))

    assert (read.text, read.items, read.sections, read.repairs) == (
        now.text,
        now.items,
        now.sections,
        now.repairs,
    )
    assert rows(read) == rows(now)
    assert services.read_draft(later.pk) is None  # read once: a second run of the job changes nothing
    assert AuditEvent.objects.filter(action="ingest.draft").count() == 2


def test_a_short_document_is_still_read_in_the_request(client, city):
    client.force_login(city.city_supervisor)
    _upload(client, city, SICHUAN[: services.LARGE_CHARS])
    assert ImportDraft.objects.get().state == ImportDraft.State.DRAFT
    assert list(_ingest_events()) == [("ingest.draft", city.city_supervisor.pk)]


def test_the_worker_stops_when_the_uploader_lost_the_right_and_the_page_says_why(client, city):
    draft = services.create_draft(
        plan=city.plan, by=city.city_supervisor, source_name="a", raw_text=SICHUAN, later=True
    )
    city.city_supervisor.role = "liaison"
    city.city_supervisor.save(update_fields=["role"])
    failed = services.read_draft(draft.pk)
    assert failed is not None and failed.state == ImportDraft.State.FAILED and not failed.rows.exists()
    assert AuditEvent.objects.filter(action="ingest.fail", object_id=str(draft.pk)).count() == 1
    client.force_login(city.admin)  # who may see the plan's drafts reads why, in Chinese
    page = client.get(reverse("ingest:draft_review", args=[draft.pk])).content.decode()
    assert 'data-testid="draft-failed"' in page and "您已无权为此计划生成任务清单" in page
    assert "hx-trigger" not in page


def test_a_document_the_worker_never_finished_says_so_instead_of_waiting_for_ever(client, city, clock):
    draft = services.create_draft(
        plan=city.plan, by=city.city_supervisor, source_name="a", raw_text=SICHUAN, later=True
    )
    client.force_login(city.city_supervisor)
    clock.advance(minutes=14)
    assert (
        'hx-trigger="every 1s"'
        in client.get(reverse("ingest:draft_review", args=[draft.pk])).content.decode()
    )
    clock.advance(minutes=2)
    page = client.get(reverse("ingest:draft_review", args=[draft.pk])).content.decode()
    assert 'data-testid="draft-failed"' in page and "后台任务没有完成" in page and "hx-trigger" not in page
