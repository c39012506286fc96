"""The writes of a 督办件: numbering, the walk, returns, extensions, notes, instructions, who may act."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.audit.models import AuditEvent
from luoshi.audit.services import verify
from luoshi.notify.models import Notice
from luoshi.supervision import instructions, services
from luoshi.supervision.models import Extension, Feedback, State, SupervisionItem
from luoshi.supervision.tests.factory import DUE, drive, make_item
from luoshi.testing import make_task


def kinds(person):
    return list(Notice.objects.filter(recipient=person).values_list("kind", flat=True))


def test_items_are_numbered_in_each_offices_own_series_per_year(city, clock):
    first, second = make_item(city), make_item(city)
    county = make_item(city, by=city.county_supervisor, lead_unit=city.qingshan_town, co_units=[])
    assert (first.number, second.number, county.number) == (1, 2, 1)
    assert first.code == "临督办〔2026〕1号"
    assert county.code == "青督办〔2026〕1号"
    clock.set(dt.date(2027, 1, 4))
    assert make_item(city, due=dt.date(2027, 2, 1)).code == "临督办〔2027〕1号"


def test_the_office_sets_its_own_prefix(city):
    item = make_item(city)
    services.set_prefix(issuer=city.city, by=city.city_supervisor, prefix="临市督")
    assert SupervisionItem.objects.get(pk=item.pk).code == "临市督〔2026〕1号"
    with pytest.raises(PermissionDenied):
        services.set_prefix(issuer=city.city, by=city.county_supervisor, prefix="青")
    with pytest.raises(ValidationError):
        services.set_prefix(issuer=city.city, by=city.city_supervisor, prefix="临〔督〕")


def test_an_item_is_issued_only_to_units_in_the_offices_jurisdiction(city):
    with pytest.raises(ValidationError) as refused:
        make_item(city, by=city.county_supervisor, lead_unit=city.baisha, co_units=[])
    assert "lead_unit" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        make_item(city, by=city.county_liaison)
    with pytest.raises(ValidationError):
        make_item(city, due=dt.date(2026, 11, 1))  # in the past
    assert not SupervisionItem.objects.exists()


def test_the_whole_walk_with_a_return_is_audited_and_told(city):
    item = make_item(city)
    assert "supervision_assigned" in kinds(city.county_liaison)
    assert "supervision_assigned" in kinds(city.department_liaison)
    item = services.sign_item(item=item, by=city.county_head)
    assert item.signed_by == city.county_head
    assert "supervision_signed" in kinds(city.city_supervisor)
    photo = SimpleUploadedFile("接电清单.pdf", b"%PDF-1.7 list", content_type="application/pdf")
    first = services.submit_feedback(
        item=item, by=city.county_liaison, statement="已排查32户", uploads=[photo]
    )
    assert first.files.get().name == "接电清单.pdf"
    assert "supervision_feedback" in kinds(city.city_supervisor)
    item = services.return_item(item=item, by=city.city_supervisor, reason="缺少逐户销号台账")
    assert item.state == State.IN_PROGRESS
    first.refresh_from_db()
    assert (first.outcome, first.reason) == (Feedback.Outcome.RETURNED, "缺少逐户销号台账")
    assert "supervision_returned" in kinds(city.county_liaison)
    assert "supervision_returned" not in kinds(city.department_liaison)  # the co-unit has nothing to redo
    services.submit_feedback(item=item, by=city.county_liaison, statement="补充逐户销号台账")
    item = services.close_item(item=item, by=city.city_supervisor)
    assert item.state == State.CLOSED and item.closed_by == city.city_supervisor
    assert not item.closed_late
    assert "supervision_closed" in kinds(city.department_liaison)
    actions = list(
        AuditEvent.objects.filter(subject_type="supervision.supervisionitem", subject_id=str(item.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[0] == "supervision_item.create" and actions[-1] == "supervision_item.close"
    assert "supervision_feedback_file.add" in actions
    assert verify().ok


def test_only_the_right_roles_act(city):
    item = make_item(city)
    for outsider in (city.outsider, city.department_liaison, city.city_supervisor, city.leader):
        with pytest.raises(PermissionDenied):
            services.sign_item(item=item, by=outsider)
    item = drive(city, item, State.FEEDBACK)
    for person in (city.county_supervisor, city.county_liaison, city.leader):  # the county did not issue it
        with pytest.raises(PermissionDenied):
            services.close_item(item=item, by=person)
    with pytest.raises(PermissionDenied):
        services.add_note(item=item, unit=city.fgw, by=city.county_liaison, text="代写")


def test_a_granted_extension_moves_the_deadline_and_keeps_the_first(city, clock):
    item = drive(city, make_item(city), State.SIGNED)
    ask = services.request_extension(
        item=item, by=city.county_liaison, new_due=dt.date(2027, 1, 15), reason="跨年施工，需协调电网公司"
    )
    assert "supervision_extension_requested" in kinds(city.city_supervisor)
    services.decide_extension(extension=ask, by=city.city_supervisor, grant=True)
    item.refresh_from_db()
    assert (item.due, item.first_due, item.was_extended) == (dt.date(2027, 1, 15), DUE, True)
    assert "supervision_extension_granted" in kinds(city.county_liaison)
    again = services.request_extension(
        item=item, by=city.county_liaison, new_due=dt.date(2027, 3, 1), reason="再延"
    )
    with pytest.raises(ValidationError):
        services.decide_extension(extension=again, by=city.city_supervisor, grant=False, reason=" ")
    services.decide_extension(extension=again, by=city.city_supervisor, grant=False, reason="不再延期")
    item.refresh_from_db()
    assert (item.due, item.first_due) == (dt.date(2027, 1, 15), DUE)  # the first deadline stays the first
    assert Extension.objects.filter(item=item, decision="denied").count() == 1
    clock.set(dt.date(2027, 1, 16))
    assert list(SupervisionItem.objects.overdue_items(dt.date(2027, 1, 16))) == [item]
    assert item.is_overdue


def test_an_extension_asks_for_a_later_date(city):
    item = drive(city, make_item(city), State.SIGNED)
    with pytest.raises(ValidationError) as refused:
        services.request_extension(item=item, by=city.county_liaison, new_due=DUE, reason="x")
    assert "new_due" in refused.value.message_dict


def test_overdue_items_are_open_and_past_their_deadline(city, clock):
    late = make_item(city, due=dt.date(2026, 11, 20))
    done = drive(city, make_item(city, due=dt.date(2026, 11, 20)), State.CLOSED)
    make_item(city, due=dt.date(2026, 12, 20))
    clock.set(dt.date(2026, 11, 21))
    assert list(SupervisionItem.objects.overdue_items(dt.date(2026, 11, 21))) == [late]
    assert not done.is_overdue


def test_a_co_unit_writes_its_note(city):
    item = make_item(city)
    note = services.add_note(item=item, unit=city.fgw, by=city.department_liaison, text="已协调供电公司")
    assert note.unit == city.fgw
    assert "supervision_note" in kinds(city.county_liaison)
    with pytest.raises(ValidationError):
        services.add_note(item=item, unit=city.qingshan, by=city.county_liaison, text="不是配合单位")


def test_a_leaders_instruction_on_a_task_tells_the_lead_unit_and_the_office(city):
    task = make_task(city, title="推进青山县工业园区建设")
    instruction = instructions.write_instruction(
        by=city.leader, text="请督查室跟踪督办，月底前见成效。", task=task
    )
    assert "instruction_written" in kinds(city.county_liaison)
    assert "instruction_written" in kinds(city.city_supervisor)
    assert AuditEvent.objects.filter(action="instruction.create", object_id=str(instruction.pk)).exists()
    with pytest.raises(PermissionDenied):
        instructions.write_instruction(by=city.city_supervisor, text="我不是领导", task=task)
    item = make_item(city, source="instruction", task=task, instruction=instruction)
    assert item.instruction == instruction
    instructions.write_instruction(by=city.leader, text="抓紧办理", item=item)
    assert item.instructions.count() == 1
