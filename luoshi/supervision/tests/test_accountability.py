"""Accountability and fault tolerance: the exemption's state machine over every (state, action) pair, the
records' writes, who may make them, what they tell and audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.notify.models import Notice
from luoshi.supervision import accountability
from luoshi.supervision.accountability_rules import REFUSALS, TRANSITIONS, Step, allowed, next_state
from luoshi.supervision.models import AccountabilityRecord, Kind, RecordState, SupervisionItem
from luoshi.supervision.tests.accountability_factory import ask_exemption, late_item
from luoshi.supervision.tests.factory import drive, make_item
from luoshi.supervision.tests.inspection_factory import make_inspection, make_rectification
from luoshi.testing import make_task

R, Q, A, D = RecordState.RECORDED, RecordState.REQUESTED, RecordState.APPROVED, RecordState.DENIED
# state -> {action: the state it leads to, or a piece of the refusal}
TABLE = {
    R: {Step.APPROVE: "stands as the office wrote it", Step.DENY: "stands as the office wrote it"},
    Q: {Step.APPROVE: A, Step.DENY: D},
    A: {Step.APPROVE: "already approved", Step.DENY: "already approved"},
    D: {Step.APPROVE: "already denied", Step.DENY: "already denied"},
}


def test_the_table_covers_every_state_and_action():
    assert set(TABLE) == set(RecordState)
    assert all(set(row) == set(Step) for row in TABLE.values())
    assert set(REFUSALS) | {s for s, _ in TRANSITIONS} == set(RecordState)


@pytest.mark.parametrize("state", list(RecordState))
@pytest.mark.parametrize("step", list(Step))
def test_the_pure_table_over_every_pair(state, step):
    expected = TABLE[state][step]
    if isinstance(expected, RecordState):
        assert allowed(state, step) and next_state(state, step) == expected
        return
    assert not allowed(state, step)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        next_state(state, step)
    assert expected in " ".join(refused.value.messages)


def _record_in(city, clock, state):
    if state == R:
        return accountability.record_kind(
            by=city.city_supervisor, kind="commendation", unit=city.qingshan, reason="超额完成园区招商任务。"
        )
    record = ask_exemption(city, late_item(city, clock))
    if state != Q:
        record = accountability.decide_exemption(
            record=record, by=city.leader, approve=state == A, reason="经研究决定。"
        )
    return record


@pytest.mark.parametrize("state", list(RecordState))
@pytest.mark.parametrize("step", list(Step))
def test_every_pair_through_the_service(city, clock, state, step):
    record = _record_in(city, clock, state)
    expected = TABLE[state][step]
    ours = AuditEvent.objects.filter(action__startswith="accountability_record")
    events, every = ours.count(), AuditEvent.objects.count()
    if isinstance(expected, RecordState):
        done = accountability.decide_exemption(
            record=record, by=city.leader, approve=step == Step.APPROVE, reason="符合容错情形。"
        )
        assert done.state == expected and done.decided_by == city.leader
        assert ours.count() == events + 1
        return
    before = AccountabilityRecord.objects.filter(pk=record.pk).values().get()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        accountability.decide_exemption(
            record=record, by=city.leader, approve=step == Step.APPROVE, reason="再议。"
        )
    assert expected in " ".join(refused.value.messages)
    assert AccountabilityRecord.objects.filter(pk=record.pk).values().get() == before
    assert AuditEvent.objects.count() == every


def test_the_office_records_each_kind_and_the_person_hears_of_it(city):
    for kind in (Kind.COMMENDATION, Kind.CRITICISM, Kind.INTERVIEW, Kind.ACCOUNTABILITY):
        record = accountability.record_kind(
            by=city.county_supervisor,
            kind=kind,
            unit=city.qingshan_town,
            person=city.township_liaison,
            reason="按期完成春耕备耕物资调度。",
        )
        assert record.state == RecordState.RECORDED and record.rule == ""
        event = AuditEvent.objects.filter(action="accountability_record.create").latest("id")
        assert event.actor_id == city.county_supervisor.pk
    told = Notice.objects.filter(recipient=city.township_liaison, kind__startswith="accountability_")
    assert sorted(told.values_list("kind", flat=True)) == [
        "accountability_accountability",
        "accountability_commendation",
        "accountability_criticism",
        "accountability_interview",
    ]
    assert not Notice.objects.filter(
        recipient=city.county_liaison, kind__startswith="accountability"
    ).exists()


def test_a_record_naming_no_one_tells_the_units_people(city):
    accountability.record_kind(
        by=city.city_supervisor, kind="criticism", unit=city.qingshan, reason="连续两月未按时报送进度。"
    )
    assert Notice.objects.filter(recipient=city.county_liaison, kind="accountability_criticism").exists()
    assert Notice.objects.filter(recipient=city.county_head, kind="accountability_criticism").exists()


def test_only_the_office_over_the_unit_records(city):
    for someone in (city.county_liaison, city.county_head, city.leader, city.department_liaison):
        with pytest.raises(PermissionDenied):
            accountability.record_kind(by=someone, kind="commendation", unit=city.qingshan, reason="好")
    with pytest.raises(PermissionDenied):
        accountability.record_kind(
            by=city.county_supervisor, kind="commendation", unit=city.baisha, reason="好"
        )
    assert not AccountabilityRecord.objects.exists()


def test_bad_input_is_refused_and_writes_nothing(city, clock):
    with pytest.raises(ValidationError) as refused:
        accountability.record_kind(
            by=city.city_supervisor, kind="praise", unit=city.qingshan, person=city.outsider, reason=" "
        )
    assert {"kind", "person"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:
        accountability.record_kind(by=city.city_supervisor, kind="interview", unit=city.qingshan, reason="")
    assert "reason" in refused.value.message_dict
    assert not AccountabilityRecord.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="accountability").exists()


def test_an_exemption_needs_late_work_and_a_rule(city, clock):
    on_time = drive(city, make_item(city), "signed")
    with pytest.raises(ValidationError) as refused:
        ask_exemption(city, on_time)
    assert "item" in refused.value.message_dict
    late = late_item(city, clock)
    with pytest.raises(ValidationError) as refused:
        ask_exemption(city, late, rule="  ")
    assert "rule" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        ask_exemption(city, late, item=None)
    assert "item" in refused.value.message_dict
    assert not AccountabilityRecord.objects.exists()


def test_an_item_has_one_live_exemption_and_a_denied_one_may_be_asked_again(city, clock):
    late = late_item(city, clock)
    first = ask_exemption(city, late)
    with pytest.raises(ValidationError) as refused:
        ask_exemption(city, late)
    assert "item" in refused.value.message_dict
    accountability.decide_exemption(record=first, by=city.leader, approve=False, reason="不符合容错情形。")
    again = ask_exemption(city, late)
    assert again.state == RecordState.REQUESTED


def test_the_one_who_asked_does_not_decide_and_a_decision_says_why(city, clock):
    asked = ask_exemption(city, late_item(city, clock))
    assert Notice.objects.filter(recipient=city.leader, kind="accountability_exemption_requested").exists()
    assert not Notice.objects.filter(
        recipient=city.county_liaison, kind__startswith="accountability"
    ).exists()
    for someone in (city.city_supervisor, city.county_liaison, city.county_head, city.outsider):
        with pytest.raises(PermissionDenied):
            accountability.decide_exemption(record=asked, by=someone, approve=True, reason="同意")
    with pytest.raises(ValidationError) as refused:
        accountability.decide_exemption(record=asked, by=city.leader, approve=True, reason=" ")
    assert "reason" in refused.value.message_dict
    assert AccountabilityRecord.objects.get(pk=asked.pk).state == RecordState.REQUESTED
    done = accountability.decide_exemption(
        record=asked, by=city.county_supervisor, approve=True, reason="符合第六条情形。"
    )
    assert (done.state, done.decided_by, done.decision_reason) == (
        A,
        city.county_supervisor,
        "符合第六条情形。",
    )
    assert Notice.objects.filter(
        recipient=city.county_liaison, kind="accountability_exemption_approved"
    ).exists()
    assert AuditEvent.objects.filter(action="accountability_record.approve").count() == 1


def test_an_approved_exemption_is_the_items_exemption(city, clock):
    late = late_item(city, clock)
    assert late.exemption is None
    asked = ask_exemption(city, late)
    assert SupervisionItem.objects.get(pk=late.pk).exemption is None  # asked, not yet approved
    accountability.decide_exemption(record=asked, by=city.leader, approve=True, reason="同意免责。")
    listed = SupervisionItem.objects.filter(pk=late.pk).for_listing().get()
    assert listed.exemption is not None and listed.exemption.rule == asked.rule


def test_a_late_task_is_exempted_and_an_on_time_one_is_not(city, clock):
    task = make_task(city, title="园区道路提升", due=clock.today(), lead_unit=city.qingshan)
    with pytest.raises(ValidationError) as refused:
        accountability.record_kind(
            by=city.city_supervisor, kind="exemption", unit=city.qingshan, task=task, rule="第六条",
            reason="征地拆迁受阻。",
        )  # fmt: skip
    assert "task" in refused.value.message_dict
    clock.advance(days=3)
    asked = accountability.record_kind(
        by=city.city_supervisor, kind="exemption", unit=city.qingshan, task=task, rule="第六条",
        reason="征地拆迁受阻。",
    )  # fmt: skip
    accountability.decide_exemption(record=asked, by=city.leader, approve=True, reason="同意。")
    assert accountability.task_exemption(task) is not None


def test_a_record_answers_for_an_inspection_finding_of_its_unit(city, client):
    inspection = make_inspection(city)
    found = make_rectification(city, inspection).finding
    record = accountability.record_kind(
        by=city.city_supervisor, kind=Kind.INTERVIEW, unit=city.qingshan, finding=found,
        reason="隐患整改台账长期不销号，约谈分管负责同志。",
    )  # fmt: skip
    assert record.finding == found
    client.force_login(city.city_supervisor)
    page = client.get(f"/supervision/accountability/{record.pk}/").content.decode()
    assert f'href="/supervision/rectifications/{found.rectification.pk}/"' in page
    rect_page = client.get(f"/supervision/rectifications/{found.rectification.pk}/").content.decode()
    assert f"?finding={found.pk}" in rect_page


def test_a_finding_of_another_unit_or_out_of_scope_is_refused(city):
    inspection = make_inspection(city)
    baisha = make_rectification(city, inspection, unit=city.baisha).finding
    with pytest.raises(ValidationError) as refused:
        accountability.record_kind(
            by=city.city_supervisor, kind=Kind.INTERVIEW, unit=city.qingshan, finding=baisha, reason="约谈"
        )
    assert "finding" in refused.value.message_dict
    with pytest.raises(ValidationError):
        accountability.record_kind(
            by=city.county_supervisor, kind=Kind.INTERVIEW, unit=city.qingshan, finding=baisha, reason="约谈"
        )
    assert not AccountabilityRecord.objects.exists()
