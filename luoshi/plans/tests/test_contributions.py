"""交账 with co-units, files and milestones (issue 9, item 3): each co-unit writes its contribution, gathered
into the lead unit's delivery; files are read by whoever sees the task; a milestone is delivered on its own;
the office and the units are told once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.core.actions import Action
from luoshi.notify import texts
from luoshi.notify.models import Notice
from luoshi.plans import deliveries, services
from luoshi.plans.forms import ContributionForm
from luoshi.plans.history import task_history
from luoshi.plans.models import Contribution, Delivery, DeliveryFile, Milestone
from luoshi.testing import count_queries, make_task

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DOCX = b"PK\x05\x06" + b"\x00" * 18  # an empty zip archive, as an empty .docx is to the checks


def upload(name="验收报告.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def shared(city, clock, media):
    """Led by 青山县 with 市发展改革委 and 青山镇 as co-units, issued by the city, due 2026-10-31: overdue on
    the fixture's 2026-11-18. 青山县's liaison reports for 青山镇 too (a unit below it)."""
    return make_task(
        city,
        title="推进工业园区标准化厂房建设",
        start=dt.date(2026, 1, 1),
        due=dt.date(2026, 10, 31),
        co_units=[city.fgw, city.qingshan_town],
    )


def contribute(city, task, unit=None, by=None, statement="完成了供地手续", uploads=()):
    return deliveries.submit_contribution(
        task=task,
        unit=unit or city.fgw,
        by=by or city.department_liaison,
        statement=statement,
        uploads=uploads,
    )


def told(kind, key_start=""):
    """Who holds a notice of `kind`, by username, in order."""
    notices = Notice.objects.filter(kind=kind, key__startswith=key_start).order_by("recipient__username")
    return [n.recipient.username for n in notices]


# Contributions ------------------------------------------------------------------------------------------


def test_a_co_unit_writes_its_contribution_and_may_rewrite_it_until_it_is_gathered(city, shared):
    first = contribute(city, shared, statement="完成供地")
    again = contribute(city, shared, statement="完成供地和规划审批")
    assert again.pk == first.pk and again.delivery is None
    assert Contribution.objects.get().statement == "完成供地和规划审批"
    events = AuditEvent.objects.filter(action=Action.CONTRIBUTION_SUBMIT).order_by("id")
    assert events.count() == 2
    assert (
        events[1].before["statement"] == "完成供地" and events[1].after["statement"] == "完成供地和规划审批"
    )


def test_the_delivery_gathers_the_pending_contributions_and_the_missing_co_unit_is_told(city, shared):
    written = contribute(city, shared)
    delivery = deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="厂房已建成投用")
    written.refresh_from_db()
    assert written.delivery == delivery
    submitted = AuditEvent.objects.get(action=Action.DELIVERY_SUBMIT)
    assert submitted.after["contributions"] == [written.pk]
    # 青山镇 has not written: its people hear that the delivery awaits it; 市发展改革委's do not.
    assert told("contribution_awaited") == ["township_liaison"]


def test_a_contribution_written_while_the_delivery_awaits_the_office_joins_it(city, shared):
    delivery = deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="厂房已建成投用")
    late = contribute(city, shared)
    assert late.delivery == delivery
    with pytest.raises(ValidationError) as refused:
        contribute(city, shared, statement="再改一次")
    assert "statement" in refused.value.message_dict
    assert Contribution.objects.get().statement == "完成了供地手续"


def test_a_rejected_delivery_keeps_its_contributions_and_the_co_units_write_again(city, shared):
    contribute(city, shared, statement="第一次的配合情况")
    first = deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="已完成")
    deliveries.reject_delivery(delivery=first, by=city.city_supervisor, reason="缺少竣工验收材料")
    assert [c.statement for c in first.contributions.all()] == ["第一次的配合情况"]
    fresh = contribute(city, shared, statement="补充了验收材料")
    assert fresh.delivery is None  # waits for the next delivery, the old one keeps its own
    second = deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="补充后再交账")
    assert [c.statement for c in second.contributions.all()] == ["补充了验收材料"]
    assert Contribution.objects.filter(delivery=first).count() == 1


def test_a_co_unit_may_not_deliver_the_task(city, shared):
    for persona in ("department_liaison", "township_liaison"):
        with pytest.raises(PermissionDenied):
            deliveries.submit_delivery(task=shared, by=getattr(city, persona), statement="已完成")
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(
    ("persona", "unit"),
    [
        ("other_township_liaison", "fgw"),  # 龙泉镇: not a co-unit, cannot write for one
        ("outsider", "fgw"),
        ("county_liaison", "fgw"),  # the lead unit does not write a department's share
        ("city_supervisor", "fgw"),  # the office decides; it does not contribute
        ("department_liaison", "qingshan_town"),
    ],
)
def test_only_a_co_units_liaisons_and_heads_contribute(city, shared, persona, unit):
    with pytest.raises(PermissionDenied):
        contribute(city, shared, unit=getattr(city, unit), by=getattr(city, persona))
    assert not Contribution.objects.exists()


def test_a_unit_that_is_not_a_co_unit_has_no_contribution_to_write(city, shared):
    with pytest.raises(ValidationError) as refused:
        contribute(city, shared, unit=city.longquan_town, by=city.county_liaison)
    assert "unit" in refused.value.message_dict
    assert not Contribution.objects.exists()


def test_a_closed_task_takes_no_contribution(city, shared):
    delivery = deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="已完成")
    deliveries.accept_delivery(delivery=delivery, by=city.city_supervisor)
    with pytest.raises(ValidationError):
        contribute(city, shared)


def test_a_contribution_needs_a_statement_and_a_bad_file_writes_nothing(city, shared, media):
    with pytest.raises(ValidationError) as refused:
        contribute(city, shared, statement=" ", uploads=[upload("说明.pdf", b"<html>not a pdf")])
    assert set(refused.value.message_dict) == {"statement", "evidence"}
    assert not Contribution.objects.exists() and not DeliveryFile.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


# Files --------------------------------------------------------------------------------------------------


def test_files_are_kept_once_per_contribution_and_per_delivery(city, shared):
    contribute(city, shared, uploads=[upload(), upload("副本.pdf")])  # the same bytes twice
    contribute(city, shared, uploads=[upload()])  # and again with the rewrite
    assert DeliveryFile.objects.filter(contribution__isnull=False).count() == 1
    delivery = deliveries.submit_delivery(
        task=shared, by=city.county_liaison, statement="已完成", uploads=[upload(), upload("照片.png", PNG)]
    )
    # The lead unit's files are its own, even where a co-unit sent the same bytes.
    assert sorted(delivery.files.values_list("name", flat=True)) == ["照片.png", "验收报告.pdf"]
    assert AuditEvent.objects.filter(action=Action.DELIVERY_FILE_ADD).count() == 3


def test_a_pending_contributions_file_is_removed_by_its_unit_only(city, shared, media):
    contribution = contribute(city, shared, uploads=[upload()])
    row = contribution.files.get()
    stored = media / row.file.name
    assert stored.is_file()
    for persona in ("county_liaison", "city_supervisor", "township_liaison"):
        with pytest.raises(PermissionDenied):
            deliveries.remove_delivery_file(file=row, by=getattr(city, persona))
    with django_on_commit():
        deliveries.remove_delivery_file(file=row, by=city.department_liaison)
    assert not DeliveryFile.objects.exists() and not stored.exists()
    assert AuditEvent.objects.filter(action=Action.DELIVERY_FILE_REMOVE).count() == 1


def test_files_sent_to_the_office_stay_as_sent(city, shared):
    contribution = contribute(city, shared, uploads=[upload()])
    delivery = deliveries.submit_delivery(
        task=shared, by=city.county_liaison, statement="已完成", uploads=[upload("照片.png", PNG)]
    )
    with pytest.raises(ValidationError):
        deliveries.remove_delivery_file(file=contribution.files.get(), by=city.department_liaison)
    with pytest.raises(ValidationError):
        deliveries.remove_delivery_file(file=delivery.files.get(), by=city.county_liaison)
    assert DeliveryFile.objects.count() == 2


def django_on_commit():
    """Run the callbacks the removal registers for its commit (the test's transaction never commits)."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


# Who opens a delivery's file: whoever sees the task (its lead unit, its co-units, the offices over them).
SEES = {
    "city_supervisor": 200,
    "county_supervisor": 200,
    "county_liaison": 200,
    "county_head": 200,
    "township_liaison": 200,  # 青山镇 is a co-unit
    "other_township_liaison": 404,
    "outsider": 404,
    "department_liaison": 200,  # 市发展改革委 is a co-unit
    "leader": 200,
    "admin": 200,
}


def file_url(row):
    return reverse("plans:delivery_file", args=[row.task_id, row.pk])


@pytest.mark.parametrize(("persona", "status"), SEES.items())
def test_a_delivery_file_opens_for_whoever_sees_the_task(city, shared, client, persona, status):
    row = contribute(city, shared, uploads=[upload()]).files.get()
    client.force_login(getattr(city, persona))
    response = client.get(file_url(row))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline")
        assert b"".join(response.streaming_content) == PDF


def test_a_file_is_shown_inline_or_saved_and_not_reached_through_another_task(city, shared, client):
    delivery = deliveries.submit_delivery(
        task=shared, by=city.county_liaison, statement="已完成", uploads=[upload(), upload("方案.docx", DOCX)]
    )
    pdf, docx = delivery.files.get(name="验收报告.pdf"), delivery.files.get(name="方案.docx")
    client.force_login(city.city_supervisor)
    assert client.get(file_url(pdf) + "?download")["Content-Disposition"].startswith("attachment")
    assert client.get(file_url(docx))["Content-Disposition"].startswith("attachment")
    assert client.get(file_url(pdf))["X-Content-Type-Options"] == "nosniff"
    other = make_task(city, title="另一项任务")
    assert client.get(reverse("plans:delivery_file", args=[other.pk, pdf.pk])).status_code == 404


# Milestones ---------------------------------------------------------------------------------------------


@pytest.fixture
def milestone(city, shared):
    return services.add_milestone(
        task=shared,
        by=city.city_supervisor,
        spec=services.MilestoneSpec("主体封顶", dt.date(2026, 9, 30), 70),
    )


def test_an_accepted_milestone_delivery_records_the_declared_date_and_the_task_goes_on(
    city, shared, milestone, clock
):
    contribute(city, shared)
    clock.set(dt.date(2026, 11, 18))
    delivery = deliveries.submit_delivery(
        task=shared, by=city.county_liaison, statement="主体已封顶", milestone=milestone
    )
    assert Contribution.objects.get().delivery is None  # contributions wait for the task's own delivery
    clock.set(dt.date(2026, 11, 20))
    deliveries.accept_delivery(delivery=delivery, by=city.city_supervisor)
    milestone.refresh_from_db()
    shared.refresh_from_db()
    assert milestone.reached_on == dt.date(2026, 11, 18)
    assert shared.completed_on is None and shared.is_overdue
    assert AuditEvent.objects.filter(action=Action.MILESTONE_CONFIRM).count() == 1
    assert told("milestone_accepted") == ["county_head", "county_liaison"]  # the lead unit's people
    labels = [e.label for e in task_history(shared)]
    assert translation.gettext("declared a milestone reached") in labels


def test_a_rejected_milestone_delivery_leaves_the_milestone_open(city, shared, milestone):
    delivery = deliveries.submit_delivery(
        task=shared, by=city.county_liaison, statement="主体已封顶", milestone=milestone
    )
    deliveries.reject_delivery(delivery=delivery, by=city.city_supervisor, reason="尚未通过质检")
    milestone.refresh_from_db()
    assert milestone.reached_on is None
    deliveries.submit_delivery(
        task=shared, by=city.county_liaison, statement="已通过质检", milestone=milestone
    )


def test_one_open_delivery_per_milestone_and_one_for_the_whole_task(city, shared, milestone):
    deliveries.submit_delivery(
        task=shared, by=city.county_liaison, statement="主体已封顶", milestone=milestone
    )
    with pytest.raises(ValidationError) as refused:
        deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="再报", milestone=milestone)
    assert "milestone" in refused.value.message_dict
    # The whole task may be delivered meanwhile, once.
    deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="全部完成")
    with pytest.raises(ValidationError):
        deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="再报")
    assert Delivery.objects.filter(state=Delivery.State.SUBMITTED).count() == 2


def test_a_milestone_of_another_task_or_already_reached_cannot_be_delivered(city, shared, milestone):
    other = make_task(
        city, title="另一项任务", milestones=[services.MilestoneSpec("开工", dt.date(2026, 3, 1), 10)]
    )
    foreign = Milestone.objects.get(task=other)
    with pytest.raises(ValidationError):
        deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="已完成", milestone=foreign)
    services.confirm_milestone(milestone=milestone, by=city.city_supervisor, on=dt.date(2026, 10, 1))
    with pytest.raises(ValidationError):
        deliveries.submit_delivery(
            task=shared, by=city.county_liaison, statement="已完成", milestone=milestone
        )


# Notices ------------------------------------------------------------------------------------------------


def test_the_office_over_the_issuer_hears_of_a_delivery_once(city, shared):
    delivery = deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="已完成")
    assert told("delivery_submitted") == ["city_supervisor"]  # not 青山县's own office: the city issued it
    notice = Notice.objects.get(kind="delivery_submitted")
    assert notice.url == f"/tasks/{shared.pk}/#closing" and notice.key == f"delivery_submitted:{delivery.pk}"
    deliveries.reject_delivery(delivery=delivery, by=city.city_supervisor, reason="材料不全")
    deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="补充材料后再交")
    assert told("delivery_submitted") == ["city_supervisor", "city_supervisor"]  # once per delivery


def test_a_late_acceptance_tells_the_lead_unit_and_the_co_units_once(city, shared):
    delivery = deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="已完成")
    deliveries.accept_delivery(delivery=delivery, by=city.city_supervisor)
    expected = ["county_head", "county_liaison", "department_liaison", "township_liaison"]
    assert told("delivery_accepted_late") == expected
    assert not Notice.objects.filter(kind="delivery_accepted").exists()
    notice = Notice.objects.filter(kind="delivery_accepted_late").first()
    assert notice.params["due"] == "2026-10-31" and notice.params["date"] == "2026-11-18"
    with translation.override("en"):
        title, body = texts.render(notice.kind, notice.params)
    assert "late" in body and "2026-10-31" in body


def test_a_rejection_tells_the_units_its_reason(city, shared):
    delivery = deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="已完成")
    deliveries.reject_delivery(delivery=delivery, by=city.city_supervisor, reason="缺少竣工验收材料")
    notices = Notice.objects.filter(kind="delivery_rejected")
    assert sorted(n.recipient.username for n in notices) == [
        "county_head",
        "county_liaison",
        "department_liaison",
        "township_liaison",
    ]
    assert all("缺少竣工验收材料" in n.body for n in notices)


# Pages --------------------------------------------------------------------------------------------------


def page(client, person, task):
    client.force_login(person)
    return client.get(reverse("plans:task_detail", args=[task.pk])).content.decode()


def test_the_lead_unit_sees_who_has_contributed_and_who_not(city, shared, client):
    contribute(city, shared, statement="完成供地手续")
    html = page(client, city.county_liaison, shared)
    assert 'data-testid="delivery-form"' in html
    assert 'data-unit="市发展改革委" data-state="written"' in html
    assert 'data-unit="青山镇" data-state="missing"' in html
    assert 'data-testid="contribution-missing"' in html and "完成供地手续" in html


def test_the_office_sees_the_contributions_and_who_is_missing_with_the_delivery(city, shared, client):
    contribute(city, shared, statement="完成供地手续", uploads=[upload()])
    deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="厂房已投用")
    html = page(client, city.city_supervisor, shared)
    assert 'data-testid="delivery-accept"' in html and 'data-testid="delivery-late"' in html
    assert "完成供地手续" in html and 'data-testid="contribution-missing"' in html
    row = DeliveryFile.objects.get()
    assert file_url(row) in html


def test_a_co_unit_writes_its_contribution_from_the_task_page(city, shared, client):
    html = page(client, city.department_liaison, shared)
    assert 'data-testid="contribution-form"' in html and 'data-testid="delivery-form"' not in html
    url = reverse("plans:contribution_submit", args=[shared.pk])
    response = client.post(url, {"unit": city.fgw.pk, "statement": "完成供地", "evidence": [upload()]})
    assert response.status_code == 302 and response["Location"].endswith("#closing")
    contribution = Contribution.objects.get()
    assert contribution.unit == city.fgw and contribution.files.count() == 1
    html = page(client, city.department_liaison, shared)
    assert 'data-testid="delivery-file-remove"' in html  # still its own to change


def test_a_contribution_for_a_unit_the_person_does_not_write_for_changes_nothing(city, shared, client):
    client.force_login(city.department_liaison)
    url = reverse("plans:contribution_submit", args=[shared.pk])
    response = client.post(url, {"unit": city.qingshan_town.pk, "statement": "冒名"}, follow=True)
    assert not Contribution.objects.exists()
    label = str(ContributionForm.base_fields["unit"].label)
    assert any(str(m).startswith(f"{label}：") for m in response.context["messages"])


def test_the_lead_unit_delivers_a_milestone_from_the_task_page(city, shared, milestone, client):
    html = page(client, city.county_liaison, shared)
    assert 'data-testid="milestone-delivery-form"' in html
    url = reverse("plans:delivery_submit", args=[shared.pk])
    client.post(url, {"statement": "主体已封顶", "milestone": milestone.pk})
    delivery = Delivery.objects.get()
    assert delivery.milestone == milestone
    html = page(client, city.city_supervisor, shared)
    assert 'data-testid="milestone-accept"' in html and "主体已封顶" in html
    client.post(reverse("plans:delivery_accept", args=[delivery.pk]))
    milestone.refresh_from_db()
    assert milestone.reached_on is not None
    assert 'data-testid="milestone-reached"' in page(client, city.city_supervisor, shared)


def test_the_history_names_the_contribution_and_the_files(city, shared):
    contribute(city, shared, statement="完成供地手续", uploads=[upload()])
    entries = task_history(shared)
    assert any(e.detail == "完成供地手续" for e in entries)
    assert any(e.detail == "验收报告.pdf" for e in entries)


def test_the_task_page_reads_the_closing_work_in_as_many_queries_whatever_its_files(city, shared, client):
    contribute(city, shared, uploads=[upload()])
    deliveries.submit_delivery(task=shared, by=city.county_liaison, statement="已完成", uploads=[upload()])
    client.force_login(city.city_supervisor)
    url = reverse("plans:task_detail", args=[shared.pk])
    before = count_queries(client, url)
    contribute(
        city, shared, unit=city.qingshan_town, by=city.township_liaison, uploads=[upload("照片.png", PNG)]
    )
    delivery = Delivery.objects.get()
    deliveries.reject_delivery(delivery=delivery, by=city.city_supervisor, reason="材料不全")
    deliveries.submit_delivery(
        task=shared, by=city.county_liaison, statement="补充后", uploads=[upload(), upload("照片.png", PNG)]
    )
    # Two deliveries now, two contributions, four files more: not one query more.
    assert count_queries(client, url) == before
