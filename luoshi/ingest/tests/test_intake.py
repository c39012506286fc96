import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from luoshi.audit.models import AuditEvent
from luoshi.ingest import services
from luoshi.ingest.models import DraftItem, ImportDraft
from luoshi.plans.models import TaskList

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
    kept = list(draft.rows.filter(state=DraftItem.State.KEPT))
    target = next(r for r in kept if r.kind == "target" and "就业" in r.text)
    assert (target.target, target.indicator_unit) == (Decimal("5"), "万人")
    services.update_items(
        draft=draft,
        by=city.city_supervisor,
        ids=[r.pk for r in kept],
        change=services.Assignment(lead_unit=city.qingshan, due=dt.date(city.plan.year, 12, 31)),
    )
    [task_list] = services.create_list_from_draft(
        draft=draft, by=city.city_supervisor, list_name="营商环境任务清单"
    )
    assert list(task_list.tasks.values_list("code", flat=True)) == [str(n) for n in range(1, len(kept) + 1)]
    assert task_list.tasks.filter(target=5, indicator_unit="万人").count() == 1
    # A document names units, not people: each task says its people are still to be named.
    assert all(t.lacks_people and t.responsibility_note for t in task_list.tasks.all())
    draft.refresh_from_db()
    assert draft.state == ImportDraft.State.USED
    assert AuditEvent.objects.filter(action__in=["ingest.draft", "ingest.create_list"]).count() == 2
    with pytest.raises(ValidationError):
        services.create_list_from_draft(draft=draft, by=city.city_supervisor, list_name="再来一次")
    assert not TaskList.objects.filter(name="再来一次").exists()


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
    assert '<mark id="at-' in page.content.decode()
    assert page.content.decode().count('data-testid="review-row"') == sum(
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
    [error] = response.context["form"].errors["file"]
    assert error.startswith("“scan.txt”既不是文本，也不是系统能读取的文档")
    assert not ImportDraft.objects.exists()
