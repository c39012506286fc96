"""The writes of a 调度会: preparing its agenda, holding it, recording decisions, closing the minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from luoshi.audit.models import AuditEvent
from luoshi.audit.services import verify
from luoshi.meetings import services
from luoshi.meetings.models import Decision, Meeting, ReminderLetter, State
from luoshi.meetings.rules import REFUSALS, Act
from luoshi.meetings.tests.factory import DUE, held_with_decisions, lagging_tasks, make_meeting
from luoshi.notify.models import Notice
from luoshi.supervision.models import Source, SupervisionItem
from luoshi.supervision.tests.factory import make_item


def actions(meeting):
    return list(AuditEvent.objects.about(meeting).values_list("action", flat=True))


def test_the_agenda_is_built_from_red_and_yellow_tasks_and_overdue_items(city, clock):
    red, yellow = lagging_tasks(city)
    assert (red.light.light, yellow.light.light) == ("red", "yellow")
    item = make_item(city, due=dt.date(2026, 11, 20))
    clock.set(dt.date(2026, 11, 25))
    meeting = make_meeting(city, task_list=None, units=[city.qingshan])
    entries = list(meeting.entries.order_by("order"))
    assert [(e.kind, e.task, e.item) for e in entries] == [
        ("red", red, None),
        ("yellow", yellow, None),
        ("overdue_item", None, item),
    ]
    assert entries[0].facts["light"] == "red" and entries[0].facts["due"] == "2026-10-31"
    assert entries[2].facts["late"] == 5
    assert entries[1].unit == city.qingshan_town


def test_the_agenda_keeps_to_the_meetings_units_and_the_office_jurisdiction(city):
    lagging_tasks(city)
    county = make_meeting(city, by=city.county_supervisor, task_list=None, units=[city.longquan_town])
    assert not county.entries.exists()
    town = make_meeting(city, by=city.county_supervisor, task_list=None, units=[city.qingshan_town])
    assert [e.task.title for e in town.entries.all()] == ["青山镇污水管网改造"]
    assert town.convener == city.qingshan


def test_only_a_supervisor_prepares_a_meeting_within_their_jurisdiction(city):
    with pytest.raises(PermissionDenied):
        make_meeting(city, by=city.county_liaison)
    with pytest.raises(ValidationError) as refused:
        make_meeting(city, by=city.county_supervisor, task_list=None, units=[city.baisha])
    assert "units" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        make_meeting(city, task_list=None, units=[])
    assert "units" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        make_meeting(city, title="  ")
    assert "title" in refused.value.message_dict
    assert not Meeting.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="meeting").exists()


def test_the_whole_meeting_is_audited_and_each_decision_becomes_an_item_and_a_letter(city):
    office = city.city_supervisor
    meeting = make_meeting(city)
    meeting = held_with_decisions(city, meeting, city.qingshan, city.fgw, city.qingshan)
    assert list(meeting.decisions.values_list("number", flat=True)) == [1, 2, 3]
    meeting = services.close_minutes(meeting=meeting, by=office, minutes="会议听取了各单位汇报。")
    assert meeting.state == State.CLOSED and meeting.minutes == "会议听取了各单位汇报。"
    items = [d.item for d in meeting.decisions.order_by("number")]
    assert all(i is not None and i.source == Source.MEETING and i.due == DUE for i in items)
    assert [i.lead_unit for i in items] == [city.qingshan, city.fgw, city.qingshan]
    assert items[0].issuer == city.city and items[0].title.startswith("青山县第1项")
    letters = list(meeting.letters.order_by("number").values_list("unit__name", flat=True))
    assert letters == ["青山县", "市发展改革委"]
    assert Notice.objects.filter(recipient=city.county_liaison, kind="meeting_letter").count() == 1
    assert Notice.objects.filter(recipient=city.department_liaison, kind="meeting_letter").count() == 1
    title, body = Notice.objects.get(recipient=city.county_liaison, kind="meeting_letter").words()
    assert meeting.title in title and "青山县" in body and "2" in body
    assert not Notice.objects.filter(recipient=city.outsider).exists()
    assert actions(meeting) == [
        "meeting.create",
        "meeting.hold",
        "meeting_decision.record",
        "meeting_decision.record",
        "meeting_decision.record",
        "meeting.close_minutes",
    ]
    assert verify().ok


def test_illegal_steps_are_refused_and_write_nothing(city):
    office = city.city_supervisor
    meeting = make_meeting(city)
    with pytest.raises(ValidationError) as refused:
        services.record_decision(meeting=meeting, by=office, text="x", lead_unit=city.qingshan, due=DUE)
    assert refused.value.message_dict["state"] == [str(REFUSALS[(State.PREPARING, Act.DECIDE)])]
    with pytest.raises(ValidationError):
        services.close_minutes(meeting=meeting, by=office, minutes="")
    meeting = held_with_decisions(city, meeting)
    with pytest.raises(ValidationError):
        services.rebuild_agenda(meeting=meeting, by=office)
    with pytest.raises(ValidationError) as refused:
        services.record_decision(
            meeting=meeting, by=office, text="x", lead_unit=city.qingshan, due=dt.date(2026, 11, 1)
        )
    assert "due" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.record_decision(meeting=meeting, by=office, text="  ", lead_unit=city.qingshan, due=DUE)
    assert "text" in refused.value.message_dict
    county = make_meeting(city, by=city.county_supervisor, task_list=None, units=[city.qingshan_town])
    county = services.hold_meeting(meeting=county, by=city.county_supervisor)
    with pytest.raises(ValidationError) as refused:
        services.record_decision(
            meeting=county, by=city.county_supervisor, text="x", lead_unit=city.fgw, due=DUE
        )
    assert "lead_unit" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.hold_meeting(meeting=meeting, by=city.county_supervisor)  # the city's meeting, not theirs
    services.close_minutes(meeting=meeting, by=office, minutes="")
    decision = meeting.decisions.get()
    with pytest.raises(ValidationError):
        services.withdraw_decision(decision=decision, by=office)
    assert Decision.objects.filter(meeting=meeting).count() == 1
    assert SupervisionItem.objects.filter(source=Source.MEETING).count() == 1


def test_closing_refuses_a_decision_whose_deadline_passed_while_the_minutes_were_open(city, clock):
    office = city.city_supervisor
    meeting = held_with_decisions(city, make_meeting(city))
    clock.set(DUE + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        services.close_minutes(meeting=meeting, by=office, minutes="")
    assert "1" in refused.value.message_dict["due"][0]
    assert not SupervisionItem.objects.exists() and not ReminderLetter.objects.exists()
    assert Meeting.objects.get(pk=meeting.pk).state == State.HELD


def test_a_decision_withdrawn_and_an_entry_removed_are_audited(city):
    lagging_tasks(city)
    office = city.city_supervisor
    meeting = make_meeting(city)
    entry = meeting.entries.first()
    services.remove_entry(entry=entry, by=office)
    assert meeting.entries.count() == 1
    services.rebuild_agenda(meeting=meeting, by=office)
    assert meeting.entries.count() == 2
    meeting = held_with_decisions(city, meeting)
    services.withdraw_decision(decision=meeting.decisions.get(), by=office)
    assert not meeting.decisions.exists()
    assert "meeting_agenda_entry.remove" in actions(meeting)
    assert "meeting.agenda_build" in actions(meeting)
    assert "meeting_decision.withdraw" in actions(meeting)
    assert verify().ok
