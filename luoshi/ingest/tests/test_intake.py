import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.ingest import services
from luoshi.ingest.models import ImportDraft
from luoshi.plans.models import Task, TaskList

PLAN_TEXT = (
    "临江市2026年优化营商环境工作方案\n"
    "主要目标：全市地区生产总值增长5.5%左右，新增城镇就业5万人以上。\n"
    "一、加快推进青山县工业园区标准化厂房建设，6月底前完成主体工程，年底前建成投用。\n"
    "二、完善企业诉求快速响应机制，市发展改革委牵头，实行一周一调度。\n"
)


def test_a_supervisor_drafts_a_list_from_text_and_creates_it_in_one_step(city):
    draft = services.create_draft(
        plan=city.plan, by=city.city_supervisor, source_name="方案.txt", raw_text=PLAN_TEXT
    )
    assert {"task", "target"} <= {i["kind"] for i in draft.items}
    rows = [
        services.DraftRow(
            title="加快推进青山县工业园区标准化厂房建设",
            content="6月底前完成主体工程",
            lead_unit=city.qingshan,
            start=dt.date(2026, 1, 1),
            due=dt.date(2026, 12, 31),
        ),
        services.DraftRow(
            title="新增城镇就业5万人以上",
            content="",
            lead_unit=city.fgw,
            start=dt.date(2026, 1, 1),
            due=dt.date(2026, 12, 31),
            indicator_name="新增城镇就业",
            indicator_unit="万人",
            target=Decimal("5"),
            direction="higher",
        ),
    ]
    task_list = services.create_list_from_draft(
        draft=draft, by=city.city_supervisor, list_name="营商环境任务清单", rows=rows
    )
    assert list(task_list.tasks.values_list("code", flat=True)) == ["1", "2"]
    assert Task.objects.get(task_list=task_list, code="2").target == 5
    # A document names units, not people: each task says its people are still to be named.
    assert all(t.lacks_people and t.responsibility_note for t in task_list.tasks.all())
    draft.refresh_from_db()
    assert draft.state == ImportDraft.State.USED
    assert AuditEvent.objects.filter(action__in=["ingest.draft", "ingest.create_list"]).count() == 2
    with pytest.raises(ValidationError):
        services.create_list_from_draft(draft=draft, by=city.city_supervisor, list_name="再来一次", rows=rows)


def test_one_bad_row_creates_nothing(city):
    draft = services.create_draft(
        plan=city.plan, by=city.city_supervisor, source_name="方案.txt", raw_text=PLAN_TEXT
    )
    rows = [
        services.DraftRow(
            title="正常的任务",
            content="",
            lead_unit=city.qingshan,
            start=dt.date(2026, 1, 1),
            due=dt.date(2026, 12, 31),
        ),
        services.DraftRow(
            title="日期颠倒的任务",
            content="",
            lead_unit=city.qingshan,
            start=dt.date(2026, 6, 1),
            due=dt.date(2026, 3, 1),
        ),
    ]
    with pytest.raises(ValidationError, match="2"):
        services.create_list_from_draft(
            draft=draft, by=city.city_supervisor, list_name="营商环境任务清单", rows=rows
        )
    assert not TaskList.objects.filter(name="营商环境任务清单").exists()
    assert not Task.objects.exists()


def test_only_an_office_makes_drafts(city):
    with pytest.raises(PermissionDenied):
        services.create_draft(plan=city.plan, by=city.county_liaison, source_name="x", raw_text=PLAN_TEXT)
    with pytest.raises(PermissionDenied):
        services.create_draft(plan=city.plan, by=city.county_supervisor, source_name="x", raw_text=PLAN_TEXT)


def test_the_pages_take_an_upload_and_show_the_draft_beside_the_text(client, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(city.city_supervisor)
    upload = SimpleUploadedFile("方案.txt", PLAN_TEXT.encode("gb18030"))
    response = client.post(
        reverse("ingest:intake_new"), {"plan": city.plan.pk, "file": upload, "simplified": "on"}
    )
    draft = ImportDraft.objects.get()
    assert response.status_code == 302 and response.url == reverse("ingest:draft_review", args=[draft.pk])
    page = client.get(response.url)
    assert '<mark id="item-' in page.content.decode()
    assert len(page.context["formset"].forms) == sum(
        1 for i in draft.items if i["kind"] in ("task", "target")
    )


def test_an_outsider_cannot_see_a_draft(client, city):
    draft = services.create_draft(
        plan=city.plan, by=city.city_supervisor, source_name="方案.txt", raw_text=PLAN_TEXT
    )
    for who in (city.outsider, city.county_supervisor):
        client.force_login(who)
        assert client.get(reverse("ingest:draft_review", args=[draft.pk])).status_code == 404
    client.force_login(city.county_liaison)
    assert client.get(reverse("ingest:intake_new")).status_code == 403


def test_a_binary_upload_says_what_is_wrong(client, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(city.city_supervisor)
    upload = SimpleUploadedFile("scan.txt", b"\x00\x01\x02\x03" * 100)
    response = client.post(reverse("ingest:intake_new"), {"plan": city.plan.pk, "file": upload})
    assert "binary" in str(response.context["form"].errors["file"])
    assert not ImportDraft.objects.exists()
