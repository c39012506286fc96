"""The writes of a 督查 and its 整改: planning, findings, close-out with evidence, verification, returns,
who may act, overdue, and a finding raised as a 督办件."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.audit.services import verify
from luoshi.notify import texts
from luoshi.notify.models import Notice
from luoshi.supervision import inspections, rectification_chasing
from luoshi.supervision.models import (
    CloseOut,
    Finding,
    Inspection,
    Rectification,
    RectState,
    Source,
    SupervisionItem,
)
from luoshi.supervision.tests.inspection_factory import (
    RECT_DUE,
    drive_rect,
    evidence,
    make_inspection,
    make_rectification,
)


def kinds(person):
    return list(Notice.objects.filter(recipient=person).values_list("kind", flat=True))


def test_an_inspection_is_planned_only_over_units_in_the_offices_jurisdiction(city):
    inspection = make_inspection(city)
    assert set(inspection.units.all()) == {city.qingshan, city.baisha}
    assert "inspection_planned" in kinds(city.county_liaison)
    with pytest.raises(ValidationError) as refused:
        make_inspection(city, by=city.county_supervisor, units=[city.baisha])
    assert "units" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        make_inspection(city, by=city.county_liaison)
    with pytest.raises(ValidationError) as refused:
        make_inspection(city, starts=dt.date(2026, 11, 25), ends=dt.date(2026, 11, 23))
    assert "ends" in refused.value.message_dict
    with pytest.raises(ValidationError):
        make_inspection(city, units=[])
    assert Inspection.objects.count() == 1


def test_the_whole_walk_with_a_return_is_audited_and_told(city):
    rect = make_rectification(city, make_inspection(city))
    assert rect.state == RectState.IN_PROGRESS
    assert "rectification_assigned" in kinds(city.county_liaison)
    assert "rectification_assigned" not in kinds(city.outsider)  # 白沙县 was inspected but found nothing
    first = inspections.request_close_out(
        rectification=rect, by=city.county_liaison, statement="已逐户复查", uploads=[evidence()]
    )
    assert first.files.get().name == "整改照片.pdf"
    assert "rectification_close_out_requested" in kinds(city.city_supervisor)
    rect = inspections.return_close_out(
        rectification=rect, by=city.city_supervisor, reason="缺少整改前后对比"
    )
    assert rect.state == RectState.IN_PROGRESS
    first.refresh_from_db()
    assert (first.outcome, first.reason) == (CloseOut.Outcome.RETURNED, "缺少整改前后对比")
    assert "rectification_returned" in kinds(city.county_liaison)
    inspections.request_close_out(
        rectification=rect, by=city.county_head, statement="补充对比照片", uploads=[evidence("对比.pdf")]
    )
    rect = inspections.verify_close_out(rectification=rect, by=city.city_supervisor)
    assert rect.state == RectState.CLOSED and rect.closed_by == city.city_supervisor
    assert not rect.closed_late
    assert "rectification_closed" in kinds(city.county_liaison)
    actions = list(
        AuditEvent.objects.filter(subject_type="supervision.rectification", subject_id=str(rect.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[0] == "rectification.create" and actions[-1] == "rectification.verify"
    assert "rectification.return" in actions and "rectification.request_close" in actions
    assert verify().ok


def test_a_close_out_needs_evidence_and_refuses_a_bad_file(city):
    rect = make_rectification(city, make_inspection(city))
    with pytest.raises(ValidationError) as refused:
        inspections.request_close_out(rectification=rect, by=city.county_liaison, statement="已整改")
    assert "evidence" in refused.value.message_dict
    page = SimpleUploadedFile("照片.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        inspections.request_close_out(
            rectification=rect, by=city.county_liaison, statement="已整改", uploads=[page]
        )
    assert "evidence" in refused.value.message_dict
    rect.refresh_from_db()
    assert rect.state == RectState.IN_PROGRESS
    assert not CloseOut.objects.exists()


def test_only_the_right_roles_act(city):
    inspection = make_inspection(city)
    for person in (city.county_supervisor, city.county_liaison, city.leader, city.outsider):
        with pytest.raises(PermissionDenied):
            inspections.record_finding(
                inspection=inspection, by=person, unit=city.qingshan, problem="问题", measures="措施",
                responsible="张三", due=RECT_DUE,
            )  # fmt: skip
    rect = make_rectification(city, inspection)
    for person in (city.outsider, city.department_liaison, city.township_liaison):
        with pytest.raises(PermissionDenied):
            inspections.request_close_out(
                rectification=rect, by=person, statement="代为申请", uploads=[evidence()]
            )
    rect = drive_rect(city, rect, RectState.REQUESTED)
    for person in (city.county_supervisor, city.county_liaison, city.leader):  # the county did not inspect
        with pytest.raises(PermissionDenied):
            inspections.verify_close_out(rectification=rect, by=person)


def test_a_finding_is_recorded_only_on_an_inspected_unit_with_a_person_and_a_future_deadline(city):
    inspection = make_inspection(city, units=[city.qingshan])
    with pytest.raises(ValidationError) as refused:
        make_rectification(city, inspection, unit=city.baisha)
    assert "unit" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        make_rectification(city, inspection, responsible="  ")
    assert "responsible" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        make_rectification(city, inspection, due=dt.date(2026, 11, 1))
    assert "due" in refused.value.message_dict
    assert not Finding.objects.exists() and not Rectification.objects.exists()


def test_overdue_is_derived_from_the_deadline_and_ends_with_close_out(city, clock):
    inspection = make_inspection(city)
    late = make_rectification(city, inspection, due=dt.date(2026, 11, 20))
    done = drive_rect(city, make_rectification(city, inspection, due=dt.date(2026, 11, 20)), RectState.CLOSED)
    make_rectification(city, inspection, due=dt.date(2026, 12, 20))
    clock.set(dt.date(2026, 11, 21))
    assert list(Rectification.objects.overdue(dt.date(2026, 11, 21))) == [late]
    assert late.is_overdue and not done.is_overdue


def test_rectifications_are_seen_by_the_office_and_the_unit_only(city):
    inspection = make_inspection(city)
    rect = make_rectification(city, inspection)
    for person in (city.city_supervisor, city.county_liaison, city.county_head, city.admin):
        assert Rectification.objects.visible_to(person).filter(pk=rect.pk).exists()
    for person in (city.outsider, city.township_liaison, city.department_liaison):
        assert not Rectification.objects.visible_to(person).filter(pk=rect.pk).exists()
    # The outsider's county was inspected too: it sees the inspection, not another county's rectification.
    assert Inspection.objects.visible_to(city.outsider).filter(pk=inspection.pk).exists()
    assert not Inspection.objects.visible_to(city.department_liaison).exists()


def test_a_finding_raises_a_supervision_item_once(city):
    rect = make_rectification(city, make_inspection(city))
    item = inspections.raise_item(finding=rect.finding, by=city.city_supervisor)
    assert (item.source, item.lead_unit, item.due) == (Source.INSPECTION, city.qingshan, RECT_DUE)
    rect.finding.refresh_from_db()
    assert rect.finding.item == item
    with pytest.raises(ValidationError):
        inspections.raise_item(finding=rect.finding, by=city.city_supervisor)
    with pytest.raises(PermissionDenied):
        inspections.raise_item(finding=rect.finding, by=city.county_supervisor)
    assert SupervisionItem.objects.count() == 1


def test_every_notice_of_the_walk_is_worded_in_the_readers_language(city, clock):
    rect = make_rectification(city, make_inspection(city))
    drive_rect(city, rect, RectState.REQUESTED)
    inspections.return_close_out(rectification=rect, by=city.city_supervisor, reason="佐证不足")
    drive_rect(city, make_rectification(city, rect.finding.inspection), RectState.CLOSED)
    clock.set(RECT_DUE + dt.timedelta(days=30))
    rectification_chasing.chase_rectifications(now=clock.now())
    notices = list(Notice.objects.filter(Q(kind__startswith="rectification") | Q(kind="inspection_planned")))
    kinds_seen = {n.kind for n in notices}
    assert {"inspection_planned", "rectification_assigned", "rectification_close_out_requested",
            "rectification_returned", "rectification_closed", "rectification_late"} <= kinds_seen  # fmt: skip
    for notice in notices:
        for language in ("zh-hans", "zh-hant", "en"):  # every placeholder filled: no notice goes out blank
            with translation.override(language):
                title, body = texts.render(notice.kind, notice.params)
            assert title and body, (notice.kind, language)
